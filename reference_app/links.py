"""Taking a token out of the address bar.

An emailed link lands on `/activate/<token>` (or `/password/reset/<token>`); the
app checks the token, keeps it in a signed, HttpOnly cookie scoped to this
purpose, and redirects to the same page without the token. The token never
stays in the address bar, the history or a Referer header.
"""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

from . import accounts, tokens
from .context import AppContext, context_of
from .settings import Settings
from .tokens import Purpose, TokenProblem
from .web import redirect, render


def _lifetime(settings: Settings, purpose: Purpose) -> int:
    """The cookie lives as long as the link may; the token itself is checked again on every use."""
    return settings.activation_link_lifetime if purpose == "activation" else settings.reset_link_lifetime


def _cookie_name(settings: Settings, purpose: Purpose) -> str:
    return ("__Host-" if settings.https else "") + f"crm_{purpose}_link"


def _serializer(settings: Settings, purpose: Purpose) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.secret_key, salt=f"{purpose}-link")


def remember(response: Response, settings: Settings, purpose: Purpose, token: str) -> None:
    response.set_cookie(
        _cookie_name(settings, purpose),
        _serializer(settings, purpose).dumps(token),
        max_age=_lifetime(settings, purpose),
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
        token = _serializer(settings, purpose).loads(value, max_age=_lifetime(settings, purpose))
    except BadSignature:
        return None
    return token if isinstance(token, str) else None


def forget(response: Response, settings: Settings, purpose: Purpose) -> None:
    response.delete_cookie(_cookie_name(settings, purpose), path="/", secure=settings.https, httponly=True)


@dataclass(frozen=True)
class FollowedLink:
    token_hash: str
    user: accounts.User
    company: accounts.Company


def followed(
    context: AppContext, token: str | None, purpose: Purpose, user_status: accounts.UserStatus
) -> FollowedLink | TokenProblem:
    """Whose link this is, if it still works and its user is still in the state the link is for."""
    if not token:
        return TokenProblem.UNKNOWN
    with context.database.transaction() as db:
        check = tokens.check(db, token, purpose, context.clock.now())
        if check.problem is not None:
            return check.problem
        user = accounts.get_user(db, check.user_id or 0)
        company = accounts.get_company(db, user.company_id) if user else None
    if user is None or company is None or user.status != user_status:
        return TokenProblem.USED
    return FollowedLink(check.token_hash, user, company)


def followed_from_cookie(
    request: Request, purpose: Purpose, user_status: accounts.UserStatus
) -> FollowedLink | TokenProblem:
    context = context_of(request)
    return followed(context, remembered(request, context.settings, purpose), purpose, user_status)


def no_referrer(response: Response) -> Response:
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def problem_page(request: Request, problem: TokenProblem, purpose: Purpose) -> Response:
    status = 400 if problem is TokenProblem.UNKNOWN else 410
    lifetime = context_of(request).settings.activation_link_lifetime // 3600
    return no_referrer(
        render(request, "link_problem.html", status_code=status, problem=problem.value, purpose=purpose, hours=lifetime)
    )


def land(request: Request, purpose: Purpose, user_status: accounts.UserStatus, page_path: str) -> Response:
    """The emailed link itself: check it, keep its token in a cookie and show the page without it."""
    context = context_of(request)
    token = request.path_params["token"]
    link = followed(context, token, purpose, user_status)
    if isinstance(link, TokenProblem):
        return problem_page(request, link, purpose)
    response = redirect(page_path)
    remember(response, context.settings, purpose, token)
    return no_referrer(response)
