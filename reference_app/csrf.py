"""Protection against cross-site request forgery for every state-changing request.

Each browser gets a random secret in an HttpOnly, SameSite=Lax cookie; forms and
scripts send that secret signed with the app's key (itsdangerous). Another site
can neither read the cookie nor forge the signature, so it cannot produce a token
that matches. Sign-in forms are covered too, which stops login CSRF.
"""

from __future__ import annotations

import hmac
import secrets

from itsdangerous import BadSignature, URLSafeSerializer
from starlette.requests import Request
from starlette.responses import Response

from .settings import Settings

FIELD_NAME = "csrf_token"
HEADER_NAME = "x-csrf-token"
_COOKIE = "crm_csrf"
_SECRET_LENGTH = 43  # secrets.token_urlsafe(32)


def cookie_name(settings: Settings) -> str:
    return ("__Host-" if settings.https else "") + _COOKIE


def _serializer(settings: Settings) -> URLSafeSerializer:
    return URLSafeSerializer(settings.secret_key, salt="csrf")


def browser_secret(request: Request, settings: Settings) -> tuple[str, bool]:
    """This browser's secret, and whether it is new (so the response must set the cookie)."""
    existing = request.cookies.get(cookie_name(settings), "")
    if len(existing) == _SECRET_LENGTH:
        return existing, False
    if not hasattr(request.state, "new_csrf_secret"):
        request.state.new_csrf_secret = secrets.token_urlsafe(32)
    return request.state.new_csrf_secret, True


def token_for(request: Request, settings: Settings) -> str:
    secret, _ = browser_secret(request, settings)
    return _serializer(settings).dumps(secret)


def is_valid(request: Request, settings: Settings, submitted: str) -> bool:
    cookie = request.cookies.get(cookie_name(settings), "")
    if not cookie or not submitted or len(submitted) > 200:
        return False
    try:
        signed_secret = _serializer(settings).loads(submitted)
    except BadSignature:
        return False
    return isinstance(signed_secret, str) and hmac.compare_digest(signed_secret, cookie)


def set_cookie_if_new(request: Request, response: Response, settings: Settings) -> None:
    secret, is_new = browser_secret(request, settings)
    if is_new:
        response.set_cookie(
            cookie_name(settings), secret, path="/", secure=settings.https, httponly=True, samesite="lax"
        )
