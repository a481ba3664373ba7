"""Single sign-on with Microsoft 365 or Google Workspace: starting an attempt and taking the answer.

Whatever goes wrong at the provider or in its answer, the user sees one page that
sends them to their company's IT support, no session is created, and the reason
goes to the log with a reference the user can quote.
"""

from __future__ import annotations

import hmac
import logging
import secrets

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from .. import accounts, auth, sign_in_attempts, tokens
from ..context import AppContext, context_of
from ..oidc import Identity, SignInRefused
from ..web import render

CALLBACK_PATH = "/sso/callback"
log = logging.getLogger("reference_app.sso")


def single_sign_on_company_for(context: AppContext, email: str) -> accounts.Company | None:
    """The company whose identity provider verifies this email, by its domain alone: looking the user
    up would send known and unknown addresses different ways and so tell them apart."""
    with context.database.transaction() as db:
        company = accounts.company_for_email_domain(db, email)
    return company if company is not None and company.uses_single_sign_on else None


def failure_page(request: Request, company: accounts.Company | None, reason: str) -> Response:
    reference = secrets.token_hex(4)
    log.warning("single sign-on refused (reference %s): %s", reference, reason)
    provider = accounts.provider_name(company.sso_provider if company else None)
    response = render(request, "sso_failed.html", status_code=403, provider=provider, reference=reference)
    sign_in_attempts.clear_cookie(response, context_of(request).settings)
    return response


async def start(
    request: Request,
    company: accounts.Company,
    *,
    purpose: sign_in_attempts.AttemptPurpose,
    login_hint: str,
    return_to: str,
    activation: tuple[int, str] | None = None,
) -> Response:
    context = context_of(request)
    client = context.identity_providers.get(company.sso_provider or "")
    if client is None or company.sso_tenant is None:
        return failure_page(request, company, f"no identity provider configured for {company.sso_provider!r}")
    try:
        authorization = await client.authorization_request(
            company.sso_tenant, context.settings.url(CALLBACK_PATH), login_hint
        )
    except SignInRefused as refusal:
        return failure_page(request, company, str(refusal))
    attempt = sign_in_attempts.Attempt(
        state=authorization.state,
        nonce=authorization.nonce,
        code_verifier=authorization.code_verifier,
        company_id=company.id,
        purpose=purpose,
        user_id=activation[0] if activation else None,
        token_hash=activation[1] if activation else None,
        return_to=return_to,
    )
    with context.database.transaction() as db:
        attempt_id = sign_in_attempts.create(db, attempt, context.clock.now())
    response = RedirectResponse(authorization.url, status_code=303)
    sign_in_attempts.set_cookie(response, context.settings, attempt_id)
    return response


async def callback(request: Request) -> Response:
    context = context_of(request)
    params = request.query_params
    with context.database.transaction() as db:
        attempt = sign_in_attempts.take(
            db, sign_in_attempts.attempt_id_from(request, context.settings), context.clock.now()
        )
        company = accounts.get_company(db, attempt.company_id) if attempt else None
    if attempt is None or company is None:
        return failure_page(request, None, "no sign-in attempt of this browser is waiting for an answer")
    if not hmac.compare_digest(params.get("state", "").encode(), attempt.state.encode()):
        return failure_page(request, company, "the state does not match the attempt this browser started")
    if "error" in params:
        return failure_page(
            request,
            company,
            f"the provider answered {params['error'][:100]}: {params.get('error_description', '')[:300]}",
        )
    code = params.get("code", "")
    client = context.identity_providers.get(company.sso_provider or "")
    if not code or len(code) > 2048 or client is None or company.sso_tenant is None:
        return failure_page(request, company, "the answer carries no usable authorization code")
    try:
        identity = await client.redeem(
            company.sso_tenant, code, context.settings.url(CALLBACK_PATH), attempt.code_verifier, attempt.nonce
        )
    except SignInRefused as refusal:
        return failure_page(request, company, str(refusal))

    if attempt.purpose == "activation":
        user_or_reason = _activate(context, attempt, company, identity)
    else:
        user_or_reason = _existing_user(context, company, identity)
    if isinstance(user_or_reason, str):
        return failure_page(request, company, user_or_reason)
    response = RedirectResponse(attempt.return_to, status_code=303)
    sign_in_attempts.clear_cookie(response, context.settings)
    auth.start_session(context, request, response, user_or_reason.id, "crm")
    return response


def _existing_user(context: AppContext, company: accounts.Company, identity: Identity) -> accounts.User | str:
    """Accounts are found by (issuer, subject), never by email."""
    with context.database.transaction() as db:
        user = accounts.find_user_by_identity(db, identity.issuer, identity.subject)
    if user is None or user.company_id != company.id:
        return f"no activated user is linked to {identity.issuer} subject {identity.subject}"
    if not user.may_sign_in:
        return f"user {user.id} may not sign in (status {user.status})"
    return user


def _activate(
    context: AppContext, attempt: sign_in_attempts.Attempt, company: accounts.Company, identity: Identity
) -> accounts.User | str:
    now = context.clock.now()
    with context.database.transaction() as db:
        user = accounts.get_user(db, attempt.user_id or 0)
        if user is None or user.company_id != company.id or user.status != "invited":
            return "the invited user no longer waits for activation"
        if identity.email.casefold() != (user.email or "").casefold():
            return f"the provider signed in {identity.email}, but the invitation was for {user.email}"
        linked = accounts.find_user_by_identity(db, identity.issuer, identity.subject)
        if linked is not None and linked.id != user.id:
            return f"{identity.issuer} subject {identity.subject} is already linked to another user"
        if not attempt.token_hash or not tokens.spend(db, attempt.token_hash, now):
            return "the activation link was used, replaced or expired meanwhile"
        accounts.link_identity(db, user.id, identity.issuer, identity.subject)
        accounts.activate(db, user.id, now)
        tokens.revoke(db, user.id, "activation", now)
    return user


routes = [Route(CALLBACK_PATH, callback, methods=["GET"])]
