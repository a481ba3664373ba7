"""Rendering pages and redirecting, the same way everywhere."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from . import csrf
from .context import context_of

DEFAULT_RETURN_PATH = "/crm"


def render(request: Request, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    context = context_of(request)
    settings = context.settings
    values.update(
        product=settings.product_name,
        profile=settings.profile,
        csrf_token=csrf.token_for(request, settings),
    )
    response = context.templates.TemplateResponse(request, template, values, status_code=status_code)
    csrf.set_cookie_if_new(request, response, settings)
    return response


def redirect(path: str, **query: str) -> RedirectResponse:
    """A 303 See Other to a path on this site (so a POST is followed by a GET)."""
    target = path + ("?" + urlencode(query) if query else "")
    return RedirectResponse(target, status_code=303)


def safe_return_path(candidate: str | None, default: str = DEFAULT_RETURN_PATH) -> str:
    """Accept only a same-origin path like /crm/x; anything that could leave the site gets the default."""
    if not candidate or len(candidate) > 500 or not candidate.startswith("/"):
        return default
    if candidate.startswith("//") or "\\" in candidate or any(ord(char) < 0x21 for char in candidate):
        return default
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc:
        return default
    return candidate
