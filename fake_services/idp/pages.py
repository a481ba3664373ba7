"""Rendering the look-alike pages from the package's Jinja2 templates (autoescaped)."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.responses import HTMLResponse

environment = Environment(
    loader=PackageLoader("fake_services.idp", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
)

# The pages hold one-time flow ids and must never be served from a cache or framed elsewhere.
PAGE_HEADERS = {"Cache-Control": "no-store", "X-Frame-Options": "DENY"}


def render_page(template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    html = environment.get_template(template).render(**context)
    return HTMLResponse(html, status_code=status_code, headers=PAGE_HEADERS)
