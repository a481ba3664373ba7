"""The web inbox for people: a list of messages and a page per message."""

from __future__ import annotations

from pathlib import Path

import jinja2
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from fake_services.mailsink.http_params import message_filter, query_values, store_of

PACKAGE_DIR = Path(__file__).parent
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; frame-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def _is_web_url(href: str) -> bool:
    return href.lower().startswith(("http://", "https://"))


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(PACKAGE_DIR / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    environment.tests["web_url"] = _is_web_url
    return environment


templates = Jinja2Templates(env=_environment())


def inbox_routes() -> list[Route]:
    return [
        Route("/", inbox_page, methods=["GET"]),
        Route("/messages/{message_id}", message_page, methods=["GET"]),
    ]


async def inbox_page(request: Request) -> Response:
    recipient = query_values(request, allowed=("to",)).get("to", "").strip()
    to = message_filter({"to": recipient}).to if recipient else None  # the form's empty field: everyone
    messages = list(reversed(store_of(request).messages(to=to)))
    return _page(request, "inbox.html", {"messages": messages, "to": to or ""})


async def message_page(request: Request) -> Response:
    query_values(request, allowed=())
    message_id = request.path_params["message_id"]
    message = store_of(request).get(message_id)
    if message is None:
        raise HTTPException(404, f"No message with id {message_id!r}: it may have been cleared.")
    return _page(request, "message.html", {"message": message})


def error_page(request: Request, status_code: int, title: str, detail: str) -> Response:
    return _page(request, "error.html", {"title": title, "detail": detail}, status_code)


def _page(request: Request, template: str, context: dict[str, object], status_code: int = 200) -> HTMLResponse:
    return templates.TemplateResponse(request, template, context, status_code=status_code, headers=PAGE_HEADERS)
