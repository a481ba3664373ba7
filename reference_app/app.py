"""Settings in, Starlette app out."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from . import presentation
from .auth import LOGIN_PATHS, SignInRequired, TermsPending
from .clock import AdjustableClock, SystemClock
from .context import AppContext
from .database import Database
from .forms import CsrfRejected, InvalidInput
from .mail import Mailer
from .middleware import BodySizeLimitMiddleware, PublicPathsMiddleware, SecurityHeadersMiddleware
from .oidc import OidcClient
from .passwords import PasswordHasher
from .routes import activation, control, crm, help, login, password_reset, service, settings_and_maintenance, sso
from .settings import Settings
from .web import redirect, render

PACKAGE_DIR = Path(__file__).parent
MAX_REQUEST_BYTES = 64 * 1024
log = logging.getLogger("reference_app")


def create_app(settings: Settings) -> Starlette:
    database = Database(settings.database_path)
    database.create_schema(default_company=f"{settings.product_name} demo company")
    shown = presentation.load(settings.presentation)
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(shown.templates),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
    )
    environment.filters["t"] = shown.translate
    environment.globals["path_to"] = shown.public_path
    context = AppContext(
        settings=settings,
        database=database,
        clock=AdjustableClock() if settings.test_mode else SystemClock(),
        hasher=PasswordHasher(settings.argon2_memory_kib, settings.argon2_time_cost, settings.argon2_parallelism),
        mailer=Mailer(settings, environment),
        templates=Jinja2Templates(env=environment),
        identity_providers={
            provider.kind: OidcClient(provider, settings.host_map, settings.ca_file)
            for provider in settings.identity_providers
        },
    )
    routes = [
        Route("/healthz", health, methods=["GET"]),
        *crm.routes,
        *login.routes,
        *help.routes,
        *activation.routes,
        *password_reset.routes,
        *sso.routes,
        *service.routes,
        *settings_and_maintenance.routes,
        Mount("/static", StaticFiles(directory=PACKAGE_DIR / "static"), name="static"),
    ]
    if settings.test_mode:
        routes += control.routes

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        with database.kept_open():
            yield

    app = Starlette(
        lifespan=lifespan,
        routes=routes,
        middleware=[
            Middleware(PublicPathsMiddleware, presentation=shown, base_url=settings.base_url),
            Middleware(SecurityHeadersMiddleware, https=settings.https),
            Middleware(BodySizeLimitMiddleware, max_bytes=MAX_REQUEST_BYTES, translate=shown.translate),
        ],
        exception_handlers={
            SignInRequired: sign_in_required,
            TermsPending: terms_pending,
            InvalidInput: invalid_input,
            CsrfRejected: csrf_rejected,
            HTTPException: http_error,
            Exception: server_error,
        },
    )
    app.state.context = context
    return app


async def health(request: Request) -> Response:
    context: AppContext = request.app.state.context
    return JSONResponse({"status": "ok", "profile": context.settings.profile})


async def sign_in_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInRequired)
    login_path = LOGIN_PATHS[exc.scope]
    if exc.scope == "crm" and exc.return_to not in ("", "/crm"):
        return redirect(login_path, next=exc.return_to)
    return redirect(login_path)


async def terms_pending(request: Request, exc: Exception) -> Response:
    return redirect("/settings/terms")


async def invalid_input(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, InvalidInput)
    return render(
        request, "error.html", status_code=exc.status_code, title="Check what you entered", message=exc.message
    )


async def csrf_rejected(request: Request, exc: Exception) -> Response:
    return render(
        request,
        "error.html",
        status_code=403,
        title="This form has expired",
        message="The form was not sent from this site's current page. Go back, reload the page and try again.",
    )


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    messages = {
        404: ("Page not found", "There is nothing at this address."),
        405: ("Not allowed", "This address does not accept that kind of request."),
    }
    title, message = messages.get(exc.status_code, ("Request refused", "The request could not be handled."))
    response = render(request, "error.html", status_code=exc.status_code, title=title, message=message)
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


async def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    translate = presentation.load(request.app.state.context.settings.presentation).translate
    title = translate("Something went wrong")
    message = translate("The CRM could not complete your request. Try again, or contact support if it keeps happening.")
    return HTMLResponse(
        f"<!doctype html><title>{title}</title><h1>{title}</h1><p>{message}</p>",
        status_code=500,
    )
