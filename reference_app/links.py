"""Taking a token out of the address bar.

An emailed link lands on `/activate/<token>` (or `/password/reset/<token>`); the
app checks the token, keeps it in a signed, HttpOnly cookie scoped to this
purpose, and redirects to the same page without the token. The token never
stays in the address bar, the history or a Referer header.
"""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

from .settings import Settings
from .tokens import Purpose

_MAX_AGE = 3600


def _cookie_name(settings: Settings, purpose: Purpose) -> str:
    return ("__Host-" if settings.https else "") + f"crm_{purpose}_link"


def _serializer(settings: Settings, purpose: Purpose) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt=f"{purpose}-link")


def remember(response: Response, settings: Settings, purpose: Purpose, token: str) -> None:
    response.set_cookie(
        _cookie_name(settings, purpose),
        _serializer(settings, purpose).dumps(token),
        max_age=_MAX_AGE,
        path="/",
        secure=settings.https,
        httponly=True,
        samesite="lax",
    )


def remembered(request: Request, settings: Settings, purpose: Purpose) -> str | None:
    value = request.cookies.get(_cookie_name(settings, purpose))
    if not value or len(value) > 500:
        return None
    try:
        token = _serializer(settings, purpose).loads(value, max_age=_MAX_AGE)
    except BadSignature:
        return None
    return token if isinstance(token, str) else None


def forget(response: Response, settings: Settings, purpose: Purpose) -> None:
    response.delete_cookie(_cookie_name(settings, purpose), path="/", secure=settings.https, httponly=True)
