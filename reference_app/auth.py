"""Who is signed in: resolving the session cookie of each scope to a user.

Every check runs on every request against the store, so disabling a user or
removing a role takes effect at once. Handlers call `require_*`, which raise
`SignInRequired` (answered with a redirect to the right login screen).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from . import accounts, sessions, terms
from .context import AppContext, context_of
from .sessions import Scope, Session

LOGIN_PATHS: dict[Scope, str] = {"crm": "/login", "settings": "/settings/login", "service": "/service"}


class SignInRequired(Exception):
    def __init__(self, scope: Scope, return_to: str) -> None:
        super().__init__(scope)
        self.scope = scope
        self.return_to = return_to


@dataclass(frozen=True)
class SignedIn:
    session: Session
    user: accounts.User


def _allowed_in(scope: Scope, user: accounts.User) -> bool:
    if not user.may_sign_in:
        return False
    if scope == "settings":
        return user.role.grants_settings_login
    return True


def signed_in(request: Request, scope: Scope) -> SignedIn | None:
    context = context_of(request)
    session_id = sessions.session_id_from(request, context.settings, scope)
    if not session_id:
        return None
    settings = context.settings
    with context.database.transaction() as db:
        session = sessions.load(
            db,
            session_id,
            scope,
            context.clock.now(),
            settings.session_idle_timeout,
            settings.session_absolute_timeout,
        )
        if session is None:
            return None
        user = accounts.get_user(db, session.user_id)
        if user is None or not _allowed_in(scope, user):
            sessions.delete(db, session.id_hash)
            return None
    return SignedIn(session, user)


def require(request: Request, scope: Scope, *, terms_accepted: bool = True) -> SignedIn:
    """The signed-in user of this scope, or SignInRequired.

    Settings and maintenance sessions that still wait for the Terms of Service
    amendment only reach the pages that ask for it.
    """
    found = signed_in(request, scope)
    if found is None:
        # Only a page can be returned to after signing in; a form's target cannot.
        raise SignInRequired(scope, request.url.path if request.method == "GET" else "")
    if terms_accepted and found.session.state == "terms_pending" and not accepted_meanwhile(request, found):
        raise TermsPending()
    return found


def accepted_meanwhile(request: Request, found: SignedIn) -> bool:
    """The amendment may have been accepted in another browser since this session began."""
    context = context_of(request)
    with context.database.transaction() as db:
        if not terms.has_accepted(db, found.user.id):
            return False
        sessions.set_state(db, found.session.id_hash, "active")
    return True


class TermsPending(Exception):
    pass


def start_session(
    context: AppContext,
    request: Request,
    response: Response,
    user_id: int,
    scope: Scope,
    state: sessions.SessionState = "active",
    parent: Session | None = None,
) -> None:
    """A new session with a fresh id for the user in this scope; whatever session the browser had is ended."""
    now = context.clock.now()
    previous_id = sessions.session_id_from(request, context.settings, scope)
    with context.database.transaction() as db:
        if previous_id:
            sessions.delete_by_id(db, previous_id)
        session_id = open_session(db, user_id, scope, now, state, parent)
    sessions.set_cookie(response, context.settings, scope, session_id)


def open_session(
    db: sqlite3.Connection,
    user_id: int,
    scope: Scope,
    now: float,
    state: sessions.SessionState = "active",
    parent: Session | None = None,
) -> str:
    """A signed-in session's id, the sign-in recorded: what every way of signing in ends with."""
    session_id = sessions.create(db, user_id, scope, now, state, parent)
    accounts.record_sign_in(db, user_id, now)
    return session_id


def end_session(context: AppContext, request: Request, response: Response, scope: Scope) -> None:
    session_id = sessions.session_id_from(request, context.settings, scope)
    if session_id:
        with context.database.transaction() as db:
            sessions.delete_by_id(db, session_id)
    sessions.clear_cookie(response, context.settings, scope)
