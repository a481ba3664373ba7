"""Server-side sessions.

The cookie carries only a random 128-bit id; the store keeps its SHA-256 with the
user, the scope (the CRM, Settings and maintenance, or Service) and timestamps.
Signing in always makes a new id, signing out deletes the row, so a replayed
cookie finds nothing.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Literal

from starlette.requests import Request
from starlette.responses import Response

from .settings import Settings

Scope = Literal["crm", "settings", "service"]
SessionState = Literal["active", "terms_pending"]
SESSION_ID_BYTES = 16
COOKIE_NAMES: dict[Scope, str] = {
    "crm": "crm_session",
    "settings": "settings_session",
    "service": "service_session",
}


@dataclass(frozen=True)
class Session:
    id_hash: str
    user_id: int
    scope: Scope
    state: SessionState
    created_at: float
    last_seen_at: float


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8", "surrogatepass")).hexdigest()


def create(
    db: sqlite3.Connection,
    user_id: int,
    scope: Scope,
    now: float,
    state: SessionState = "active",
    parent: Session | None = None,
) -> str:
    """A new session; one with a `parent` ends when the parent ends (logout, timeout, user disabled)."""
    session_id = secrets.token_urlsafe(SESSION_ID_BYTES)
    db.execute(
        """INSERT INTO sessions (id_hash, user_id, scope, state, parent_id_hash, created_at, last_seen_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        (_hash(session_id), user_id, scope, state, parent.id_hash if parent else None, now, now),
    )
    return session_id


def load(
    db: sqlite3.Connection, session_id: str, scope: Scope, now: float, idle_timeout: float, absolute_timeout: float
) -> Session | None:
    """The live session for this id, touched; None (and the row gone) if it timed out."""
    if not session_id or len(session_id) > 64:
        return None
    id_hash = _hash(session_id)
    row = db.execute("SELECT * FROM sessions WHERE id_hash = ? AND scope = ?", (id_hash, scope)).fetchone()
    if row is None:
        return None
    if now - row["last_seen_at"] > idle_timeout or now - row["created_at"] > absolute_timeout:
        db.execute("DELETE FROM sessions WHERE id_hash = ?", (id_hash,))
        return None
    if row["parent_id_hash"]:
        parent = db.execute("SELECT * FROM sessions WHERE id_hash = ?", (row["parent_id_hash"],)).fetchone()
        if parent is None or now - parent["created_at"] > absolute_timeout:
            db.execute("DELETE FROM sessions WHERE id_hash IN (?, ?)", (id_hash, row["parent_id_hash"]))
            return None
        # Working in Service is working in the CRM: the parent stays alive too.
        db.execute("UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?", (now, row["parent_id_hash"]))
    db.execute("UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?", (now, id_hash))
    return Session(id_hash, row["user_id"], row["scope"], row["state"], row["created_at"], now)


def delete(db: sqlite3.Connection, id_hash: str) -> None:
    db.execute("DELETE FROM sessions WHERE id_hash = ?", (id_hash,))


def delete_by_id(db: sqlite3.Connection, session_id: str) -> None:
    delete(db, _hash(session_id))


def delete_all_for_user(db: sqlite3.Connection, user_id: int) -> None:
    db.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,))


def set_state(db: sqlite3.Connection, id_hash: str, state: SessionState) -> None:
    db.execute("UPDATE sessions SET state = ? WHERE id_hash = ?", (state, id_hash))


# Cookies


def cookie_name(settings: Settings, scope: Scope) -> str:
    # Under HTTPS the __Host- prefix makes the browser enforce Secure, Path=/ and no Domain.
    return ("__Host-" if settings.https else "") + COOKIE_NAMES[scope]


def session_id_from(request: Request, settings: Settings, scope: Scope) -> str:
    return request.cookies.get(cookie_name(settings, scope), "")


def set_cookie(response: Response, settings: Settings, scope: Scope, session_id: str) -> None:
    response.set_cookie(
        cookie_name(settings, scope),
        session_id,
        path="/",
        secure=settings.https,
        httponly=True,
        samesite="lax",
    )


def clear_cookie(response: Response, settings: Settings, scope: Scope) -> None:
    response.delete_cookie(cookie_name(settings, scope), path="/", secure=settings.https, httponly=True, samesite="lax")


def cookie_description(settings: Settings, scope: Scope, session_id: str) -> dict[str, object]:
    """The cookie `set_cookie` sets, read back from the header it writes (so that the two cannot differ),
    described for a caller that puts it into a browser itself."""
    response = Response()
    set_cookie(response, settings, scope, session_id)
    morsel = SimpleCookie(response.headers["set-cookie"])[cookie_name(settings, scope)]
    described: dict[str, object] = {
        "name": morsel.key,
        "value": morsel.value,
        "path": morsel["path"] or "/",
        "secure": bool(morsel["secure"]),
        "httpOnly": bool(morsel["httponly"]),
        # A browser takes a cookie without SameSite as Lax.
        "sameSite": str(morsel["samesite"] or "lax").capitalize(),
    }
    if morsel["max-age"]:
        described["max_age"] = int(morsel["max-age"])
    return described
