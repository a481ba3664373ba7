"""What the browser sends, watched or changed on its way: for the security checks a person cannot make
by typing (a forged Host header, a field sent twice, bytes that are not UTF-8, a replayed request).

Everything starts from a request the target's own page made when a person used it, so nothing here
depends on how the target builds its forms.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypedDict
from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urljoin

import httpx
from playwright.sync_api import Page, Request, Response, Route

from loginspec.contract import Contract, NotCheckable
from loginspec.targets import Target

from .inspection import cookie_header

SUBMISSION_TYPES = ("document", "fetch", "xhr")
FORM_ENCODED = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Submission:
    """A request the browser made on a person's action: where to, how, and with what."""

    url: str
    method: str
    headers: dict[str, str]
    body: bytes

    @property
    def form_fields(self) -> list[tuple[str, str]]:
        return parse_qsl(self.body.decode("ascii", "replace"), keep_blank_values=True)


def _is_submission(request: Request, target: Target) -> bool:
    return request.url.startswith(target.base_url) and request.resource_type in SUBMISSION_TYPES


@contextmanager
def trapped_submission(page: Page, target: Target, carrying: str | None = None) -> Iterator[list[Submission]]:
    """Inside the block, the first form the page submits to the target other than by GET (and whose body
    carries `carrying`, if given) is kept from the target and recorded: the browser gets 204 No Content,
    so the page stays as it was. The block ends once it has been. Scripts' own requests (a strength
    meter's) go through untouched."""
    caught: list[Submission] = []

    def carries(request: Request) -> bool:
        if carrying is None:
            return True
        body = (request.post_data_buffer or b"").decode("utf-8", "replace")
        return carrying in body or quote_plus(carrying) in body or quote(carrying) in body

    def submits_form(request: Request) -> bool:
        return request.url.startswith(target.base_url) and request.is_navigation_request() and request.method != "GET"

    def trap(route: Route) -> None:
        request = route.request
        if caught or not submits_form(request) or not carries(request):
            route.continue_()
            return
        caught.append(Submission(request.url, request.method, request.headers, request.post_data_buffer or b""))
        route.fulfill(status=204)

    def trapped(response: Response) -> bool:
        request = response.request
        return (
            response.status == 204 and request.method != "GET" and _is_submission(request, target) and carries(request)
        )

    pattern = urljoin(target.base_url, "/**")
    page.route(pattern, trap)
    try:
        with page.expect_response(trapped):
            yield caught
    finally:
        page.unroute(pattern, trap)


def in_another_browser(theirs: Submission, own: Submission, typed: dict[str, str] | None = None) -> Submission:
    """`theirs` as another browser would send it: each field that `own` (a form of that browser) also has
    takes own's value (its form token, say), and values typed into `theirs` are replaced as `typed` says."""
    mine = dict(own.form_fields)
    typed = typed or {}
    fields = [(name, typed.get(value, mine.get(name, value))) for name, value in theirs.form_fields]
    return Submission(theirs.url, theirs.method, theirs.headers, urlencode(fields).encode("ascii"))


def send_again(page: Page, submission: Submission) -> int:
    """The same request, sent by `page` (with that browser's own cookies); the status of the answer."""
    status: int = page.evaluate(
        """async ([url, method, type, body]) => (await fetch(url, {method, credentials: "same-origin",
               redirect: "manual", headers: type ? {"Content-Type": type} : {}, body})).status""",
        [
            submission.url,
            submission.method,
            submission.headers.get("content-type", ""),
            submission.body.decode("latin-1"),
        ],
    )
    return status


def require_form_post(submission: Submission, contract: Contract) -> None:
    """The alterations below need an HTML form's encoding; a target that posts otherwise cannot be checked so."""
    contract.require("form_posts")
    content_type = submission.headers.get("content-type", "").partition(";")[0].strip().lower()
    if submission.method != "POST" or content_type != FORM_ENCODED:
        raise NotCheckable(
            f"not checkable on this target: it sent {submission.method} {content_type or 'without a body type'},"
            " not a form post, although the contract says form_posts"
        )


class RequestChange(TypedDict, total=False):
    """What `altered_submissions` changes of a request: keyword arguments of Playwright's `route.continue_`."""

    headers: dict[str, str]
    post_data: str | bytes


@contextmanager
def altered_submissions(
    page: Page, target: Target, alter: Callable[[Request], RequestChange]
) -> Iterator[list[Response]]:
    """Inside the block, each POST the page sends to the target goes on with `alter`'s changes (keyword
    arguments of Playwright's `route.continue_`: headers, post_data); the answers are collected."""
    answers: list[Response] = []

    def on_response(response: Response) -> None:
        if response.request.method == "POST" and _is_submission(response.request, target):
            answers.append(response)

    def change(route: Route) -> None:
        if route.request.method != "POST" or not _is_submission(route.request, target):
            route.continue_()
            return
        route.continue_(**alter(route.request))

    pattern = urljoin(target.base_url, "/**")
    page.route(pattern, change)
    page.on("response", on_response)
    try:
        yield answers
    finally:
        page.unroute(pattern, change)
        page.remove_listener("response", on_response)


def with_header(name: str, value: str) -> Callable[[Request], RequestChange]:
    return lambda request: {"headers": {**request.headers, name: value}}


def relay_form_posts(page: Page, target: Target, header: str, value: str) -> None:
    """From now on, the forms `page` submits to the target reach it carrying `header: value`.

    For headers a browser never lets a page set (Host): each POST is sent on by the harness's own
    HTTP client, with the browser's cookies and headers plus the forged one, and the answer handed
    back to the browser, so the person still fills the form by its labels.
    """

    def relay(route: Route) -> None:
        request = route.request
        if request.method != "POST":
            route.continue_()
            return
        headers = {
            name: content
            for name, content in request.headers.items()
            if name not in ("host", "cookie", "content-length")
        }
        headers["Cookie"] = cookie_header(page.context.cookies(request.url))
        headers[header] = value
        answer = target.http.post(request.url, content=request.post_data_buffer or b"", headers=headers)
        route.fulfill(status=answer.status_code, headers=_browser_headers(answer.headers), body=answer.content)

    page.route(urljoin(target.base_url, "/**"), relay)


def _browser_headers(headers: httpx.Headers) -> dict[str, str]:
    """Response headers as Playwright's fulfil takes them: the body is already decoded, cookies one per line."""
    kept: dict[str, str] = {}
    for name, content in headers.multi_items():
        if name in ("content-encoding", "content-length", "transfer-encoding"):
            continue
        kept[name] = f"{kept[name]}\n{content}" if name == "set-cookie" and name in kept else content
    return kept
