"""The test-mode control API: provisioning, the clock, and a look at what is stored.

It exists only when the app runs in test mode, and every call needs the control
secret as a Bearer token. Test harnesses use it to put the CRM into a known state
(companies, users in a given state) and to move time forward.
"""

from __future__ import annotations

import hmac
import json
import sqlite3
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .. import accounts, addresses, auth, new_passwords, onboarding, presentation, sessions, terms, web
from ..context import AppContext, context_of
from ..passwords import has_control_characters

USER_STATES: tuple[accounts.UserStatus, ...] = ("active", "invited", "disabled")
SSO_PROVIDERS: tuple[accounts.SsoProvider, ...] = ("microsoft", "google")

Choice = TypeVar("Choice", bound=str)
ControlHandler = Callable[[Request, AppContext], Awaitable[Response]]


class BadControlRequest(Exception):
    def __init__(self, message: str, status_code: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code


def _error(message: str, status_code: int) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status_code)


def _authorised(request: Request, context: AppContext) -> bool:
    expected = f"Bearer {context.settings.control_secret}".encode()
    return hmac.compare_digest(request.headers.get("authorization", "").encode(), expected)


async def _document(request: Request) -> dict[str, Any]:
    try:
        document = json.loads(await request.body())
    except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        raise BadControlRequest("the body must be a JSON object") from None
    if not isinstance(document, dict):
        raise BadControlRequest("the body must be a JSON object")
    return document


def _text(document: dict[str, Any], name: str, *, required: bool = False, max_length: int = 254) -> str | None:
    value = document.get(name)
    if value is None or value == "":
        if required:
            raise BadControlRequest(f"{name} is required")
        return None
    if not isinstance(value, str) or len(value) > max_length or has_control_characters(value):
        raise BadControlRequest(f"{name} must be a string of at most {max_length} printable characters")
    return value


def _address(value: str | None, check: Callable[[str], str], name: str) -> str | None:
    if value is None:
        return None
    try:
        return check(value)
    except addresses.InvalidAddress as problem:
        raise BadControlRequest(f"{name} is not a valid address: {problem}") from None


def _choice(document: dict[str, Any], name: str, choices: tuple[Choice, ...], default: Choice | None) -> Choice | None:
    value = document.get(name, default)
    if value is None:
        return None
    for choice in choices:
        if value == choice:
            return choice
    raise BadControlRequest(f"{name} must be one of {', '.join(choices)}")


def control_endpoint(handler: ControlHandler) -> Callable[[Request], Awaitable[Response]]:
    """Wrap a control handler with the secret check and JSON errors."""

    async def endpoint(request: Request) -> Response:
        context = context_of(request)
        if not _authorised(request, context):
            return _error("the control API needs the control secret as a Bearer token", 401)
        try:
            return await handler(request, context)
        except BadControlRequest as problem:
            return _error(problem.message, problem.status_code)

    endpoint.__name__ = handler.__name__
    endpoint.__doc__ = handler.__doc__
    return endpoint


@control_endpoint
async def create_company(request: Request, context: AppContext) -> Response:
    document = await _document(request)
    name = _text(document, "name", required=True, max_length=100) or ""
    domain = _address(_text(document, "email_domain"), addresses.checked_domain, "email_domain")
    provider = _choice(document, "sso_provider", SSO_PROVIDERS, None)
    tenant = _text(document, "sso_tenant", max_length=100)
    if (provider is None) != (tenant is None):
        raise BadControlRequest("sso_provider and sso_tenant go together")
    if provider and provider not in context.identity_providers:
        raise BadControlRequest(f"this deployment has no {provider} identity provider configured", 409)
    try:
        with context.database.transaction() as db:
            company = accounts.create_company(
                db,
                name=name,
                email_domain=domain,
                sso_provider=provider,
                sso_tenant=tenant,
            )
    except accounts.AlreadyTaken as taken:
        raise BadControlRequest(f"{taken.field} is already taken", 409) from None
    return JSONResponse(
        {
            "id": company.id,
            "name": company.name,
            "email_domain": company.email_domain,
            "sso_provider": company.sso_provider,
            "sso_tenant": company.sso_tenant,
        },
        status_code=201,
    )


@control_endpoint
async def create_user(request: Request, context: AppContext) -> Response:
    """A user in a given state; `send_activation_email` also sends the real email for invited users."""
    document = await _document(request)
    profile = context.settings.profile
    name = _text(document, "name", required=True, max_length=100) or ""
    email = _address(_text(document, "email", required=profile == "online"), addresses.checked_email, "email")
    username = _text(document, "username", required=profile == "onsite", max_length=64)
    state = _choice(document, "state", USER_STATES, "active") or "active"
    identity = _sso_identity(document)
    password = document.get("password")
    if password is not None and not isinstance(password, str):
        raise BadControlRequest("password must be a string")
    if identity and (state == "invited" or password):
        raise BadControlRequest("a user linked to a provider's account is active or disabled, without a password")
    if state != "invited" and not password and not identity:
        raise BadControlRequest("active and disabled users need a password or an sso_identity")
    with context.database.transaction() as db:
        role = _role_named(context, db, _text(document, "role", max_length=100) or "Standard user")
        company_id = document.get("company_id") or accounts.default_company(db).id
        company = accounts.get_company(db, company_id) if isinstance(company_id, int) else None
    if role is None:
        raise BadControlRequest("role must name an existing role")
    if company is None:
        raise BadControlRequest("company_id must name an existing company")
    if identity:
        _check_issuer(context, company, identity[0])
    password_hash = None
    if password:
        chosen = await new_passwords.choose(context, password, None, email=email, name=name, username=username)
        if not chosen.accepted:
            raise BadControlRequest("the password is refused by the policy: " + " ".join(chosen.problems))
        password_hash = chosen.password_hash
    try:
        with context.database.transaction() as db:
            user = accounts.create_user(
                db,
                company_id=company.id,
                name=name,
                email=email,
                username=username,
                role_id=role.id,
                status="invited" if state == "invited" else "active",
                password_hash=password_hash,
                now=context.clock.now(),
            )
            if identity:
                if accounts.find_user_by_identity(db, *identity) is not None:
                    raise accounts.AlreadyTaken("sso_identity")
                accounts.link_identity(db, user.id, *identity)
            if state == "disabled":
                accounts.set_status(db, user.id, "disabled")
    except accounts.AlreadyTaken as taken:
        raise BadControlRequest(f"{taken.field} is already taken", 409) from None
    if state == "invited" and document.get("send_activation_email"):
        try:
            await onboarding.send_activation_email(context, user)
        except onboarding.MailNotSent as problem:
            raise BadControlRequest(str(problem), 502) from None
    return JSONResponse(
        {
            "id": user.id,
            "user_id": user.login_id(profile),
            "name": user.name,
            "email": user.email,
            "username": user.username,
            "role": role.name,
            "state": state,
            "company_id": company.id,
            "sso_identity": {"issuer": identity[0], "subject": identity[1]} if identity else None,
        },
        status_code=201,
    )


def _sso_identity(document: dict[str, Any]) -> tuple[str, str] | None:
    """The provider's account a user is linked to, as single sign-on activation links it: the issuer
    and subject of the provider's ID tokens."""
    value = document.get("sso_identity")
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != {"issuer", "subject"}:
        raise BadControlRequest("sso_identity must be an object with exactly issuer and subject")
    issuer = _text(value, "issuer", required=True, max_length=2048) or ""
    subject = _text(value, "subject", required=True, max_length=255) or ""
    return issuer, subject


def _check_issuer(context: AppContext, company: accounts.Company, issuer: str) -> None:
    """The identity must be one the company's provider can sign in: its issuer is the one the CRM expects."""
    provider = context.identity_providers.get(company.sso_provider or "")
    if provider is None or not company.sso_tenant:
        raise BadControlRequest("sso_identity needs a company that signs in with a provider")
    expected = provider.expected_issuer(company.sso_tenant)
    if issuer != expected:
        raise BadControlRequest(f"sso_identity's issuer must be {expected}, the company's provider")


def _role_named(context: AppContext, db: sqlite3.Connection, name: str) -> accounts.Role | None:
    """A role by the name the Users screen shows in this presentation, or by its stored name."""
    shown = presentation.load(context.settings.presentation)
    return next((role for role in accounts.list_roles(db) if name in (role.name, shown.translate(role.name))), None)


@control_endpoint
async def advance_clock(request: Request, context: AppContext) -> Response:
    document = await _document(request)
    seconds = document.get("seconds")
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or not 0 <= seconds <= 10 * 365 * 86400:
        raise BadControlRequest("seconds must be a number between 0 and ten years")
    clock = context.adjustable_clock
    if clock is None:
        raise BadControlRequest("this deployment's clock cannot be moved", 409)
    return JSONResponse({"now": clock.advance(float(seconds))})


# The screen a session of each scope opens, for a browser given the session's cookie.
SESSION_SCREENS: dict[sessions.Scope, str] = {"crm": web.DEFAULT_RETURN_PATH, "settings": "/settings"}
SESSION_SCOPES: tuple[sessions.Scope, ...] = tuple(SESSION_SCREENS)


@control_endpoint
async def open_session(request: Request, context: AppContext) -> Response:
    """A session as signing in makes one, its cookie answered for the caller to put into a browser. For
    Settings and maintenance, as after signing in there and, onsite, accepting the amendment once. Only
    the session: the failure count a sign-in clears and the hash it upgrades stay as they are."""
    document = await _document(request)
    scope = _choice(document, "scope", SESSION_SCOPES, "crm") or "crm"
    now = context.clock.now()
    with context.database.transaction() as db:
        user = accounts.get_user(db, request.path_params["user_id"])
        if user is None:
            raise BadControlRequest("no such user", 404)
        if not user.may_sign_in:
            raise BadControlRequest("the user cannot sign in: only an active user has a session", 409)
        if scope == "settings" and not user.role.grants_settings_login:
            raise BadControlRequest(f"the role {user.role.name} gives no login to Settings and maintenance", 409)
        if scope == "settings" and user.password_hash is None:
            raise BadControlRequest("Settings and maintenance signs in with a password, which the user has not", 409)
        if scope == "settings" and context.settings.profile == "onsite":
            terms.record_acceptance(db, user.id, now)
        session_id = auth.open_session(db, user.id, scope, now)
    cookie = sessions.cookie_description(context.settings, scope, session_id)
    shown_at = presentation.load(context.settings.presentation).public_path(SESSION_SCREENS[scope])
    return JSONResponse({"cookies": [cookie], "location": shown_at}, status_code=201)


@control_endpoint
async def stored_credentials(request: Request, context: AppContext) -> Response:
    """Exactly what the store keeps of a user's secrets, so an audit can see that no secret is kept in clear."""
    user_id = request.path_params["user_id"]
    with context.database.transaction() as db:
        user = accounts.get_user(db, user_id)
        if user is None:
            raise BadControlRequest("no such user", 404)
        token_rows = db.execute("SELECT purpose, token_hash FROM email_tokens WHERE user_id = ?", (user_id,))
        stored_tokens = [{"purpose": row["purpose"], "stored_value": row["token_hash"]} for row in token_rows]
        session_rows = db.execute("SELECT scope, id_hash FROM sessions WHERE user_id = ?", (user_id,))
        stored_sessions = [{"scope": row["scope"], "stored_value": row["id_hash"]} for row in session_rows]
    return JSONResponse(
        {"password_hash": user.password_hash, "email_tokens": stored_tokens, "sessions": stored_sessions}
    )


routes = [
    Route("/_control/companies", create_company, methods=["POST"]),
    Route("/_control/users", create_user, methods=["POST"]),
    Route("/_control/users/{user_id:int}/sessions", open_session, methods=["POST"]),
    Route("/_control/clock", advance_clock, methods=["POST"]),
    Route("/_control/users/{user_id:int}/stored-credentials", stored_credentials, methods=["GET"]),
]
