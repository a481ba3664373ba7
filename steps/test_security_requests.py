"""Steps of features/security/requests.feature."""

from __future__ import annotations

import html
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urlsplit

import pytest
from playwright.sync_api import Page, Request, Response, Route, expect
from pytest_bdd import parsers, scenarios, then, when

from loginspec.contract import Contract
from loginspec.targets import Target

from .cast import Cast, Reply
from .inspection import INTERNALS
from .interception import (
    RequestChange,
    Submission,
    altered_submissions,
    require_form_post,
    send_again,
    trapped_submission,
)
from .journeys import expect_main_screen, log_in
from .pages.crm import MainScreen
from .pages.login import LoginPage

scenarios("security/requests.feature")


@pytest.fixture
def browser_traffic() -> bool:
    """Steps here read the headers of the last page shown."""
    return True


ATTACKER_ORIGIN = "http://evil.test"


def _serve_attacker_page(page: Page, body: str) -> None:
    """An attacker's page at another site (served by the test, never by a real evil.test)."""

    def fulfil(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html", body=body)

    page.route(ATTACKER_ORIGIN + "/**", fulfil)


def _log_out_request(cast: Cast, target: Target, name: str) -> Submission:
    """What the browser sends when the person selects Log out, kept from the CRM so they stay signed in."""
    page = cast.browser(name)
    cast.person(name).addresses["signed in"] = page.url
    with trapped_submission(page, target) as caught:
        MainScreen(page, target).log_out()
    assert caught, "selecting Log out sent nothing to the CRM"
    page.goto(cast.person(name).addresses["signed in"])
    return caught[0]


@then(parsers.parse("the Log out option of {name:w}'s Personal settings sends a POST"))
def log_out_is_post(cast: Cast, target: Target, name: str) -> None:
    submission = _log_out_request(cast, target, name)
    assert submission.method == "POST", f"Log out sent a {submission.method}"


@when(parsers.parse("a page on another site makes {name:w}'s browser post to the CRM's Log out address"))
def cross_site_post(cast: Cast, target: Target, name: str) -> None:
    action = _log_out_request(cast, target, name).url
    attacker = cast.browser(name).context.new_page()
    _serve_attacker_page(
        attacker,
        f'<form method="post" action="{html.escape(action)}"><input name="x" value="1"></form>'
        "<script>document.forms[0].submit()</script>",
    )
    address = action.split("?")[0]
    with attacker.expect_navigation(url=lambda url: url.startswith(address)) as navigation:
        attacker.goto(ATTACKER_ORIGIN + "/win-a-prize")
    assert navigation.value is not None


@when(parsers.parse("{name:w}'s browser posts to the Log out address without the form's token"))
def same_site_post_without_token(cast: Cast, reply: Reply, target: Target, name: str) -> None:
    action = _log_out_request(cast, target, name).url
    reply.status = cast.browser(name).evaluate(
        """async (action) => (await fetch(action, {method: "POST", credentials: "same-origin",
               headers: {"Content-Type": "application/x-www-form-urlencoded"}, body: "x=1"})).status""",
        action,
    )


@then("the CRM refuses it with a 4xx status")
def refused_4xx(reply: Reply, contract: Contract) -> None:
    contract.require("refusal_status")
    assert 400 <= reply.status < 500, reply.status


@when(parsers.parse("the second browser sends the Log out request {name:w}'s first browser would have sent"))
def log_out_replayed_elsewhere(cast: Cast, reply: Reply, target: Target, name: str) -> None:
    submission = _log_out_request(cast, target, name)
    second = cast.browser(name, "second")
    cast.person(name).addresses["signed in elsewhere"] = second.url
    reply.status = send_again(second, submission)


@then(parsers.parse("{name:w} is still signed in in the second browser"))
def still_signed_in_second(cast: Cast, target: Target, name: str) -> None:
    page = cast.browser(name, "second")
    page.goto(cast.person(name).addresses["signed in elsewhere"])
    MainScreen(page, target).expect_open_for(cast.person(name).person.name)


@when(parsers.parse("a browser of {name:w}'s sends the sign-in another browser of {name2:w}'s was about to send"))
def sign_in_replayed_elsewhere(cast: Cast, reply: Reply, target: Target, name: str, name2: str) -> None:
    password = cast.person(name).person.password
    elsewhere = cast.browser(name, "elsewhere")
    with trapped_submission(elsewhere, target, carrying=password) as caught:
        LoginPage(elsewhere, target).open().sign_in(cast.user_id(name), password)
    page = cast.browser(name)
    LoginPage(page, target).open()
    reply.status = send_again(page, caught[0])


@when(parsers.parse("{name:w}'s browser opens the Log out address with GET"))
def get_log_out(cast: Cast, target: Target, name: str) -> None:
    action = _log_out_request(cast, target, name).url
    cast.browser(name).goto(action)


@dataclass
class ReturnAddress:
    """How the CRM carries "come back here after sign-in": its query parameter, and a page of its own."""

    parameter: str = ""
    own_path: str = ""


@pytest.fixture
def return_address() -> ReturnAddress:
    return ReturnAddress()


_RETURN_ADDRESSES: dict[str, ReturnAddress] = {}
"""What each target showed, by the target's name: a property of the target, so found out once a run."""


def _learn_return_address(cast: Cast, target: Target, name: str, learnt: ReturnAddress) -> None:
    """Found as a user meets it: a signed-out visit to a page of the CRM lands on the login screen with
    that page's path in a query parameter."""
    known = _RETURN_ADDRESSES.get(target.name)
    if known is None:
        known = _RETURN_ADDRESSES[target.name] = _find_return_address(cast, target, name)
    learnt.parameter, learnt.own_path = known.parameter, known.own_path


def _find_return_address(cast: Cast, target: Target, name: str) -> ReturnAddress:
    learnt = ReturnAddress()
    page = log_in(cast, target, name, browser="probe")
    expect_main_screen(cast, target, name, browser="probe")
    deep_link = MainScreen(page, target).other_areas()[0]
    learnt.own_path = urlsplit(deep_link).path
    stranger = cast.new_page()
    try:
        stranger.goto(deep_link)
        LoginPage(stranger, target).expect_shown()
        landed = stranger.url
    finally:
        stranger.context.close()
    found = [key for key, value in parse_qsl(urlsplit(landed).query) if value == learnt.own_path]
    assert found, f"the login screen at {landed} names no return address {learnt.own_path}"
    learnt.parameter = found[0]
    return learnt


@when(parsers.parse('{name:w} is sent to the login screen with the return address "{address}"'))
def sent_to_login_with_return(
    cast: Cast, target: Target, contract: Contract, return_address: ReturnAddress, name: str, address: str
) -> None:
    contract.require("return_address")
    _learn_return_address(cast, target, name, return_address)
    page = cast.browser(name)
    page.goto(target.login_url + "?" + urlencode({return_address.parameter: address}))
    LoginPage(page, target).expect_shown()


@when(parsers.parse('{name:w}, already signed in, is sent to the login screen with the return address "{address}"'))
def signed_in_sent_to_login_with_return(
    cast: Cast, target: Target, return_address: ReturnAddress, name: str, address: str
) -> None:
    """The parameter the earlier step found; a signed-in person is sent on from the login screen."""
    page = cast.browser(name)
    page.goto(target.login_url + "?" + urlencode({return_address.parameter: address}))


@when(parsers.parse("{name:w} is sent to the login screen with a return address of the CRM's own"))
def sent_to_login_with_own_return(
    cast: Cast, target: Target, contract: Contract, return_address: ReturnAddress, name: str
) -> None:
    contract.require("return_address")
    _learn_return_address(cast, target, name, return_address)
    page = cast.browser(name)
    page.goto(target.login_url + "?" + urlencode({return_address.parameter: return_address.own_path}))
    LoginPage(page, target).expect_shown()


@when(parsers.parse('{name:w} logs in on that screen, the form\'s return address changed on its way to "{address}"'))
def logs_in_with_return_changed(
    cast: Cast, target: Target, contract: Contract, return_address: ReturnAddress, name: str, address: str
) -> None:
    """The field that carries the CRM's own return address, wherever the form keeps it, is changed."""
    own = return_address.own_path

    def change(request: Request) -> RequestChange:
        submission = Submission(request.url, request.method, request.headers, request.post_data_buffer or b"")
        require_form_post(submission, contract)
        fields = [(key, address if value == own else value) for key, value in submission.form_fields]
        return {"post_data": urlencode(fields).encode("ascii")}

    page = cast.browser(name)
    with altered_submissions(page, target, change):
        LoginPage(page, target).sign_in(cast.user_id(name), cast.person(name).person.password)
        # Until the answer has come: the CRM, or wherever it sends the browser (which shows neither).
        page.wait_for_load_state()
        expect(MainScreen(page, target).navigator.or_(LoginPage(page, target).heading).first).to_be_visible()


@when(parsers.parse("{name:w} logs in on that screen"))
def logs_in_on_screen(cast: Cast, target: Target, name: str) -> None:
    LoginPage(cast.browser(name), target).sign_in(cast.user_id(name), cast.person(name).person.password)


@then(parsers.parse("{name:w} ends up on the CRM's own site"))
def ends_up_home(cast: Cast, target: Target, name: str) -> None:
    page = cast.browser(name)
    MainScreen(page, target).expect_open_for(cast.person(name).person.name)
    assert page.url.startswith(target.base_url + "/"), page.url


def _last_page_headers(cast: Cast, target: Target) -> dict[str, str]:
    member = next(member for member in cast.members.values() if member.browsers)
    return cast.last_page(member.handle, target.base_url).headers


@then("the page was sent with a Content-Security-Policy without inline script and with frame-ancestors")
def csp_header(cast: Cast, target: Target) -> None:
    policy = _last_page_headers(cast, target).get("content-security-policy", "")
    directives = {part.split()[0]: part for part in (p.strip() for p in policy.split(";")) if part}
    assert "frame-ancestors" in directives, policy
    script = directives.get("script-src") or directives.get("default-src", "")
    assert script and "'unsafe-inline'" not in script, policy


@then("the page was sent with X-Content-Type-Options nosniff and a Referrer-Policy")
def nosniff_and_referrer(cast: Cast, target: Target) -> None:
    headers = _last_page_headers(cast, target)
    assert headers.get("x-content-type-options") == "nosniff", headers
    assert headers.get("referrer-policy"), headers


@then("the page was sent with Strict-Transport-Security when served over HTTPS")
def hsts_under_https(cast: Cast, target: Target) -> None:
    headers = _last_page_headers(cast, target)
    if target.base_url.startswith("https://"):
        # max-age=0 tells the browser to forget the host's HSTS: present, but the opposite of the rule.
        max_age = _hsts_max_age(headers.get("strict-transport-security", ""))
        assert max_age is not None and max_age > 0, headers
    else:
        assert "strict-transport-security" not in headers, "HSTS over plain HTTP is ignored and misleading"


def _hsts_max_age(value: str) -> int | None:
    for directive in value.split(";"):
        name, _, argument = directive.strip().partition("=")
        if name.lower() == "max-age":
            argument = argument.strip().strip('"')
            return int(argument) if argument.isdigit() else None
    return None


@then("a page on another site cannot show the login screen in a frame")
def cannot_be_framed(cast: Cast, target: Target) -> None:
    attacker = cast.browser(next(iter(cast.members)), "attacker")
    _serve_attacker_page(attacker, f'<h1>Prize</h1><iframe src="{html.escape(target.login_url)}"></iframe>')
    attacker.goto(ATTACKER_ORIGIN + "/framed", wait_until="load")
    frame = attacker.frame_locator("iframe")  # the attacker's own page, not the target's markup
    expect(LoginPage(attacker, target).control("heading", frame)).to_have_count(0)


# Malformed input, sent as the browser's own sign-in with its body altered on the way.
BODY_CHANGES: dict[str, Callable[[str, str], str]] = {
    "a login form that is not UTF-8": lambda fields, user_field: _replace(fields, user_field, "%FF%FEann"),
    "a user ID with control characters": lambda fields, user_field: _replace(fields, user_field, "ann%00%07"),
    "a form field sent twice": lambda fields, user_field: fields + f"&{quote(user_field)}=ben",
}


def _replace(body: str, field: str, raw_value: str) -> str:
    pairs = body.split("&")
    return "&".join(f"{quote(field)}={raw_value}" if pair.split("=", 1)[0] == quote(field) else pair for pair in pairs)


@when(parsers.parse("the CRM receives {input_kind}"))
def crm_receives(cast: Cast, reply: Reply, target: Target, contract: Contract, input_kind: str) -> None:
    page = cast.browser("a visitor")
    if input_kind == "a request to an address that is not there":
        response = page.goto(target.url(f"/no-such-page-{secrets.token_hex(4)}"))
        assert response is not None
        reply.status, reply.text = response.status, response.text()
        reply.client_error_expected = True
        return
    login = LoginPage(page, target).open()
    # Shaped as an email address, which an online login screen's field may insist on.
    user_id = "'OR'1'='1'--@sql.test" if input_kind == "a user ID made of SQL" else cast.people.person().email
    change = BODY_CHANGES.get(input_kind)

    def alter(request: Request) -> RequestChange:
        if change is None:
            return {}
        submission = Submission(request.url, request.method, request.headers, request.post_data_buffer or b"")
        require_form_post(submission, contract)
        user_field = next(name for name, value in submission.form_fields if value == user_id)
        return {"post_data": change(submission.body.decode("ascii"), user_field).encode("ascii")}

    def submitted(response: Response) -> bool:
        return response.request.method == "POST" and response.url.startswith(target.base_url)

    password = cast.people.passphrase()
    with altered_submissions(page, target, alter), page.expect_response(submitted) as answer:
        login.try_to_submit(user_id, password)
    page.wait_for_load_state()
    reply.status, reply.text = answer.value.status, page.content()
    # The form's own token may come back in the next form; the password never may.
    reply.secrets_sent = [password, quote_plus(password)]
    reply.client_error_expected = change is not None


@then("the answer is a 4xx with no stack trace, SQL or internal detail")
def generic_error(reply: Reply, contract: Contract) -> None:
    assert reply.status < 500, reply.status
    assert not INTERNALS.search(reply.text), INTERNALS.search(reply.text)
    echoed = [secret for secret in reply.secrets_sent if secret in reply.text]
    assert not echoed, f"the answer repeats what was sent: {echoed}"
    if reply.client_error_expected:
        contract.require("refusal_status")
        assert 400 <= reply.status < 500, reply.status
