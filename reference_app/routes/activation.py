"""Activating an account from the emailed **Activate now** link.

For a company that uses CRM passwords the user creates a password (with a live
strength indicator) and lands in the CRM. For a company that uses single sign-on
the user confirms the email address and continues at the company's identity
provider; no password is offered.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .. import accounts, auth, links, new_passwords, passwords, presentation, tokens
from ..context import AppContext, context_of
from ..forms import read_form, read_json
from ..web import redirect, render
from . import sso


async def landing(request: Request) -> Response:
    """The emailed link: check it, keep the token out of the address bar, show the activation page."""
    return links.land(request, "activation", "invited", "/activate")


def _activation_page(
    request: Request, pending: links.FollowedLink, status_code: int = 200, **values: object
) -> Response:
    context = context_of(request)
    if pending.company.uses_single_sign_on:
        template = "activate_sso.html"
        values["provider"] = accounts.provider_name(pending.company.sso_provider)
    else:
        template = "activate_password.html"
    return links.no_referrer(
        render(
            request,
            template,
            status_code=status_code,
            user=pending.user,
            user_id=pending.user.login_id(context.settings.profile),
            **values,
        )
    )


async def page(request: Request) -> Response:
    pending = links.followed_from_cookie(request, "activation", "invited")
    if isinstance(pending, tokens.TokenProblem):
        return links.problem_page(request, pending, "activation")
    return _activation_page(request, pending)


async def create_password(request: Request) -> Response:
    context = context_of(request)
    form = await read_form(request)
    pending = links.followed_from_cookie(request, "activation", "invited")
    if isinstance(pending, tokens.TokenProblem):
        return links.problem_page(request, pending, "activation")
    if pending.company.uses_single_sign_on:
        return _activation_page(request, pending, status_code=400)
    user = pending.user
    password = form.password("password")
    confirmation = form.password("confirm_password", "Confirm Password")
    chosen = await new_passwords.choose_for(context, user, password, confirmation)
    if chosen.password_hash is None:  # refused by the policy
        return _activation_page(request, pending, status_code=400, errors=chosen.problems)
    now = context.clock.now()
    with context.database.transaction() as db:
        if not tokens.spend(db, pending.token_hash, now):
            return links.problem_page(request, tokens.TokenProblem.USED, "activation")
        accounts.set_password(db, user.id, chosen.password_hash, now)
        accounts.activate(db, user.id, now)
        tokens.revoke(db, user.id, "activation", now)
        tokens.revoke(db, user.id, "reset", now)
    response = redirect("/crm")
    links.forget(response, context.settings, "activation")
    auth.start_session(context, request, response, user.id, "crm")
    return response


async def continue_with_provider(request: Request) -> Response:
    """Single sign-on activation: the invited email address, then the company's identity provider."""
    form = await read_form(request)
    pending = links.followed_from_cookie(request, "activation", "invited")
    if isinstance(pending, tokens.TokenProblem):
        return links.problem_page(request, pending, "activation")
    if not pending.company.uses_single_sign_on:
        return _activation_page(request, pending, status_code=400)
    email = form.text("email", "Email address", max_length=254)
    if email.casefold() != (pending.user.email or "").casefold():
        return _activation_page(
            request,
            pending,
            status_code=400,
            email=email,
            error="Enter the email address that the activation email was sent to.",
        )
    return await sso.start(
        request,
        pending.company,
        purpose="activation",
        login_hint=pending.user.email or "",
        return_to="/crm",
        activation=(pending.user.id, pending.token_hash),
    )


async def password_strength(request: Request) -> Response:
    """Feeds the strength indicator while the user types; the server's policy uses the same estimate."""
    context = context_of(request)
    document = await read_json(request)
    password = document.get("password")
    if not isinstance(password, str) or len(password) > passwords.MAX_LENGTH:
        return JSONResponse({"error": "password must be a string of at most 1024 characters"}, status_code=400)
    words = strength_context_words(request, context)
    strength = passwords.estimate(password, words)
    verdict = passwords.check(password, None, words)
    return JSONResponse(
        {
            "score": strength.score,
            "label": presentation.load(context.settings.presentation).translate(strength.label),
            "acceptable": verdict.accepted,
            "problems": list(verdict.problems),
        },
        headers={"Cache-Control": "no-store"},
    )


def strength_context_words(request: Request, context: AppContext) -> tuple[str, ...]:
    """The identifiers of the user whose link this browser is following, if any."""
    user = None
    for purpose in ("activation", "reset"):
        token = links.remembered(request, context.settings, purpose)
        if token:
            with context.database.transaction() as db:
                check = tokens.check(db, token, purpose, context.clock.now())
                user = accounts.get_user(db, check.user_id) if check.valid and check.user_id else None
            if user:
                break
    if user is None:
        return (context.settings.product_name.lower(),)
    return new_passwords.personal_words(context, user.email, user.name, user.username)


routes = [
    Route("/activate/{token:str}", landing, methods=["GET"]),
    Route("/activate", page, methods=["GET"]),
    Route("/activate", create_password, methods=["POST"]),
    Route("/activate/single-sign-on", continue_with_provider, methods=["POST"]),
    Route("/password-strength", password_strength, methods=["POST"]),
]
