"""The Starlette application: JSON API, web inbox, and errors as JSON (API) or a page (inbox)."""

from __future__ import annotations

from http import HTTPStatus

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from fake_services.mailsink.api import api_routes
from fake_services.mailsink.faults import FaultPlan
from fake_services.mailsink.inbox import PACKAGE_DIR, error_page, inbox_routes
from fake_services.mailsink.store import MessageStore

_JSON_PATHS = ("/api/", "/healthz")


def create_app(store: MessageStore, faults: FaultPlan) -> Starlette:
    app = Starlette(
        routes=[
            *api_routes(),
            *inbox_routes(),
            Mount("/static", StaticFiles(directory=PACKAGE_DIR / "static"), name="static"),
        ],
        exception_handlers={HTTPException: _http_error},
    )
    app.state.store = store
    app.state.faults = faults
    return app


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    title = HTTPStatus(error.status_code).phrase
    if request.url.path.startswith(_JSON_PATHS):
        return JSONResponse({"error": title, "detail": error.detail}, error.status_code, headers=error.headers)
    return error_page(request, error.status_code, title, error.detail)
