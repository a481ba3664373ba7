"""Forgot your password?: self-service reset by email online, the administrator onsite."""

from __future__ import annotations

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .. import accounts, links, new_passwords, recovery, sessions, throttle, tokens
from ..context import context_of
from ..forms import InvalidInput, read_form
from ..web import redirect, render


async def forgot_page(request: Request) -> Response:
    template = "password/forgot.html" if context_of(request).settings.profile == "online" else "password/ask_admin.html"
    return render(request, template)


async def request_reset(request: Request) -> Response:
    context = context_of(request)
    form = await read_form(request)
    if context.settings.profile != "online":
        return render(request, "password/ask_admin.html", status_code=404)
    email = form.text("email", "Email address", max_length=254)
    if email.count("@") != 1:
        raise InvalidInput("Enter your email address, such as name@example.com.")
    response = render(request, "password/reset_requested.html", email=email)
    # Sent after the answer: waiting for the mail server only for real accounts would time-tell them apart.
    response.background = BackgroundTask(recovery.send_reset_email, context, email.lower())
    return response


async def landing(request: Request) -> Response:
    return links.land(request, "reset", "active", "/password/reset")


def _reset_page(request: Request, user: accounts.User, status_code: int = 200, **values: object) -> Response:
    return links.no_referrer(
        render(
            request,
            "password/reset.html",
            status_code=status_code,
            user=user,
            user_id=user.login_id(context_of(request).settings.profile),
            form_action="/password/reset",
            submit_label="Save New Password",
            **values,
        )
    )


async def reset_page(request: Request) -> Response:
    pending = links.followed_from_cookie(request, "reset", "active")
    if isinstance(pending, tokens.TokenProblem):
        return links.problem_page(request, pending, "reset")
    return _reset_page(request, pending.user)


async def reset_password(request: Request) -> Response:
    """The new password follows the activation policy; on success every session of the user ends."""
    context = context_of(request)
    form = await read_form(request)
    pending = links.followed_from_cookie(request, "reset", "active")
    if isinstance(pending, tokens.TokenProblem):
        return links.problem_page(request, pending, "reset")
    token_hash, user = pending.token_hash, pending.user
    password = form.password("password")
    confirmation = form.password("confirm_password", "Confirm Password")
    chosen = await new_passwords.choose_for(context, user, password, confirmation)
    if chosen.password_hash is None:  # refused by the policy
        return _reset_page(request, user, status_code=400, errors=chosen.problems)
    now = context.clock.now()
    with context.database.transaction() as db:
        if not tokens.spend(db, token_hash, now):
            return links.problem_page(request, tokens.TokenProblem.USED, "reset")
        accounts.set_password(db, user.id, chosen.password_hash, now)
        tokens.revoke(db, user.id, "reset", now)
        sessions.delete_all_for_user(db, user.id)
        throttle.clear_failures(db, throttle.login_key(user.login_id(context.settings.profile)))
    await recovery.send_password_changed_notice(context, user)
    response = redirect("/login", password_changed="1")
    links.forget(response, context.settings, "reset")
    return links.no_referrer(response)


routes = [
    Route("/password/forgot", forgot_page, methods=["GET"]),
    Route("/password/forgot", request_reset, methods=["POST"]),
    Route("/password/reset/{token:str}", landing, methods=["GET"]),
    Route("/password/reset", reset_page, methods=["GET"]),
    Route("/password/reset", reset_password, methods=["POST"]),
]
