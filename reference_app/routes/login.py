"""Signing in to the CRM with a user ID and password, and logging out.

Online deployments ask identifier-first (email, **Next**, then the password);
onsite ones ask for the user name and password on one page. Every failure, for
whatever reason, gets the same page with the same message.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .. import accounts, auth, throttle
from ..context import AppContext, context_of
from ..forms import read_form
from ..web import redirect, render, safe_return_path
from . import sso

FAILED_SIGN_IN = "We could not log you in. Check your user ID and password and try again."
USER_ID_MAX_LENGTH = 254


def _login_page(
    request: Request,
    *,
    step: str,
    user_id: str = "",
    return_to: str = "",
    error: str | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "login.html",
        status_code=status_code,
        step=step,
        user_id=user_id,
        return_to=return_to,
        error=error,
        notice=notice,
    )


def _first_step(context: AppContext) -> str:
    return "identify" if context.settings.profile == "online" else "password"


async def login_page(request: Request) -> Response:
    context = context_of(request)
    return_to = safe_return_path(request.query_params.get("next"))
    if auth.signed_in(request, "crm"):
        return redirect(return_to)
    notice = None
    if request.query_params.get("signed_out"):
        notice = "You have logged out."
    elif request.query_params.get("password_changed"):
        notice = "Your password has been changed. Log in with your new password."
    return _login_page(request, step=_first_step(context), return_to=return_to, notice=notice)


async def identify(request: Request) -> Response:
    """Online, step one: the email decides between the password page and the company's identity provider."""
    context = context_of(request)
    form = await read_form(request)
    user_id = form.text("user_id", "User ID", max_length=USER_ID_MAX_LENGTH)
    return_to = safe_return_path(form.raw("next"))
    company = sso.single_sign_on_company_for(context, user_id)
    if company is not None:
        return await sso.start(request, company, purpose="login", login_hint=user_id, return_to=return_to)
    return _login_page(request, step="password", user_id=user_id, return_to=return_to)


async def sign_in(request: Request) -> Response:
    context = context_of(request)
    form = await read_form(request)
    user_id = form.text("user_id", "User ID", max_length=USER_ID_MAX_LENGTH)
    password = form.password("password")
    return_to = safe_return_path(form.raw("next"))
    # A one-page login sends everything at once: single sign-on users go on to their provider here.
    sso_company = sso.single_sign_on_company_for(context, user_id) if context.settings.profile == "online" else None
    if sso_company is not None:
        return await sso.start(request, sso_company, purpose="login", login_hint=user_id, return_to=return_to)

    user = await verified_user(context, user_id, password)
    if user is None or not user.may_sign_in:
        return _login_page(
            request,
            step="password",
            user_id=user_id,
            return_to=return_to,
            error=FAILED_SIGN_IN,
            status_code=400,
        )
    response = redirect(return_to)
    auth.start_session(context, request, response, user.id, "crm")
    return response


async def verified_user(context: AppContext, user_id: str, password: str) -> accounts.User | None:
    """The user whose ID and password these are, if any, counting failures and honouring lockouts.

    The password is always checked against a hash, a dummy one for unknown users,
    so that the time taken does not tell whether the user exists.
    """
    settings = context.settings
    key = throttle.login_key(user_id)
    with context.database.transaction() as db:
        counted = throttle.count_attempt(
            db, key, context.clock.now(), settings.login_failure_limit, settings.login_lockout
        )
        user = accounts.find_user_by_login_id(db, settings.profile, user_id)
    password_hash = user.password_hash if user else None
    matches = await run_in_threadpool(context.hasher.verify, password_hash, password)
    if not counted or not matches or user is None or password_hash is None:
        return None
    with context.database.transaction() as db:
        throttle.clear_failures(db, key)
        if context.hasher.needs_rehash(password_hash):
            # Stored under older parameters: upgrade it now that the password is at hand.
            accounts.set_password(db, user.id, context.hasher.hash(password), context.clock.now())
    return user


async def log_out(request: Request) -> Response:
    context = context_of(request)
    await read_form(request)
    response = redirect("/login", signed_out="1")
    auth.end_session(context, request, response, "crm")
    return response


routes = [
    Route("/login", login_page, methods=["GET"]),
    Route("/login/identify", identify, methods=["POST"]),
    Route("/login", sign_in, methods=["POST"]),
    Route("/logout", log_out, methods=["POST"]),
]
