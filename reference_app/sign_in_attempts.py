"""Single sign-on attempts in flight, each bound to the browser that started it.

The browser holds a random attempt id in an HttpOnly cookie; the store keeps its
hash with the attempt's `state`, `nonce` and PKCE verifier. The callback takes
(and so deletes) the attempt: a replayed, foreign or stale answer finds nothing.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from dataclasses import dataclass
from typing import Literal

from starlette.requests import Request
from starlette.responses import Response

from .settings import Settings

AttemptPurpose = Literal["login", "activation"]
LIFETIME_SECONDS = 600
_COOKIE = "crm_sso_attempt"


@dataclass(frozen=True)
class Attempt:
    state: str
    nonce: str
    code_verifier: str
    company_id: int
    purpose: AttemptPurpose
    user_id: int | None
    token_hash: str | None
    return_to: str


def _hash(attempt_id: str) -> str:
    return hashlib.sha256(attempt_id.encode("utf-8", "surrogatepass")).hexdigest()


def create(db: sqlite3.Connection, attempt: Attempt, now: float) -> str:
    attempt_id = secrets.token_urlsafe(32)
    db.execute("DELETE FROM sign_in_attempts WHERE created_at < ?", (now - LIFETIME_SECONDS,))
    db.execute(
        """INSERT INTO sign_in_attempts (id_hash, state, nonce, code_verifier, company_id, purpose, user_id,
                                         token_hash, return_to, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            _hash(attempt_id),
            attempt.state,
            attempt.nonce,
            attempt.code_verifier,
            attempt.company_id,
            attempt.purpose,
            attempt.user_id,
            attempt.token_hash,
            attempt.return_to,
            now,
        ),
    )
    return attempt_id


def take(db: sqlite3.Connection, attempt_id: str, now: float) -> Attempt | None:
    """The attempt this browser started, removed from the store; None if there is none or it is stale."""
    if not attempt_id or len(attempt_id) > 100:
        return None
    row = db.execute("SELECT * FROM sign_in_attempts WHERE id_hash = ?", (_hash(attempt_id),)).fetchone()
    if row is None:
        return None
    db.execute("DELETE FROM sign_in_attempts WHERE id_hash = ?", (row["id_hash"],))
    if now - row["created_at"] > LIFETIME_SECONDS:
        return None
    return Attempt(
        state=row["state"],
        nonce=row["nonce"],
        code_verifier=row["code_verifier"],
        company_id=row["company_id"],
        purpose=row["purpose"],
        user_id=row["user_id"],
        token_hash=row["token_hash"],
        return_to=row["return_to"],
    )


def cookie_name(settings: Settings) -> str:
    return ("__Host-" if settings.https else "") + _COOKIE


def set_cookie(response: Response, settings: Settings, attempt_id: str) -> None:
    response.set_cookie(
        cookie_name(settings),
        attempt_id,
        max_age=LIFETIME_SECONDS,
        path="/",
        secure=settings.https,
        httponly=True,
        samesite="lax",
    )


def attempt_id_from(request: Request, settings: Settings) -> str:
    return request.cookies.get(cookie_name(settings), "")


def clear_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(cookie_name(settings), path="/", secure=settings.https, httponly=True, samesite="lax")
