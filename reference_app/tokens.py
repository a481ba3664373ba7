"""Single-use tokens for the links in activation and password reset emails.

A token is 256 random bits, sent only in the email; the store keeps its SHA-256.
A new token for the same user and purpose, or a password change, revokes the
older ones; a token is spent when used, and dies at its expiry time.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from dataclasses import dataclass
from enum import Enum
from typing import Literal

Purpose = Literal["activation", "reset"]
TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 128


class TokenProblem(Enum):
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"


@dataclass(frozen=True)
class IssuedToken:
    value: str
    expires_at: float


@dataclass(frozen=True)
class TokenCheck:
    user_id: int | None
    token_hash: str
    problem: TokenProblem | None

    @property
    def valid(self) -> bool:
        return self.problem is None


def hash_token(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


def issue(db: sqlite3.Connection, user_id: int, purpose: Purpose, now: float, lifetime: float) -> IssuedToken:
    revoke(db, user_id, purpose, now)
    value = secrets.token_urlsafe(TOKEN_BYTES)
    expires_at = now + lifetime
    db.execute(
        "INSERT INTO email_tokens (user_id, purpose, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
        (user_id, purpose, hash_token(value), now, expires_at),
    )
    return IssuedToken(value, expires_at)


def revoke(db: sqlite3.Connection, user_id: int, purpose: Purpose, now: float) -> None:
    db.execute(
        """UPDATE email_tokens SET revoked_at = ?
           WHERE user_id = ? AND purpose = ? AND used_at IS NULL AND revoked_at IS NULL""",
        (now, user_id, purpose),
    )


def check(db: sqlite3.Connection, value: str, purpose: Purpose, now: float) -> TokenCheck:
    token_hash = hash_token(value[:MAX_TOKEN_LENGTH])
    if len(value) > MAX_TOKEN_LENGTH:
        return TokenCheck(None, token_hash, TokenProblem.UNKNOWN)
    row = db.execute(
        "SELECT * FROM email_tokens WHERE token_hash = ? AND purpose = ?", (token_hash, purpose)
    ).fetchone()
    if row is None:
        return TokenCheck(None, token_hash, TokenProblem.UNKNOWN)
    if row["used_at"] is not None or row["revoked_at"] is not None:
        return TokenCheck(row["user_id"], token_hash, TokenProblem.USED)
    if now >= row["expires_at"]:
        return TokenCheck(row["user_id"], token_hash, TokenProblem.EXPIRED)
    return TokenCheck(row["user_id"], token_hash, None)


def spend(db: sqlite3.Connection, token_hash: str, now: float) -> bool:
    """Mark the token used; False if it was already used, revoked or expired (a lost race)."""
    cursor = db.execute(
        """UPDATE email_tokens SET used_at = ?
           WHERE token_hash = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?""",
        (now, token_hash, now),
    )
    return cursor.rowcount == 1
