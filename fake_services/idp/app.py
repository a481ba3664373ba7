"""The Starlette application serving one provider: its flavour's routes plus the control API."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from fake_services.idp.control import control_routes
from fake_services.idp.flavour import Flavour
from fake_services.idp.oidc import OpenIDProvider
from fake_services.idp.requestlog import RequestLogMiddleware

MAX_BODY_BYTES = 64 * 1024


def build_app(flavour: Flavour, require_pkce: bool = False) -> Starlette:
    provider = OpenIDProvider(flavour, require_pkce=require_pkce)
    app = Starlette(
        routes=flavour.routes() + control_routes() + flavour.control_routes(),
        middleware=[Middleware(RequestLogMiddleware, log=provider.request_log)],
        exception_handlers={HTTPException: http_error, Exception: server_error},
        max_body_size=MAX_BODY_BYTES,
    )
    app.state.provider = provider
    return app


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    body = {"error": f"http_{exc.status_code}", "error_description": exc.detail}
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


async def server_error(request: Request, exc: Exception) -> Response:
    # A bug in the fake: say so plainly, without a stack trace in the answer.
    body = {"error": "server_error", "error_description": "The fake identity provider failed; see its log."}
    return JSONResponse(body, status_code=500)
