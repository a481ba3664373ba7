"""Limits against guessing and mail bombing.

Sign-in attempts are counted per user ID typed (never per client address, which a
header could spoof), before the password is checked, so parallel guesses cannot
slip past the count: after `limit` attempts within `lockout` seconds without a
success the ID is locked for `lockout` seconds, during which even the right
password is refused with the same generic message. A success clears the count.
Emails with links are limited per address.
"""

from __future__ import annotations

import sqlite3


def login_key(login_id: str) -> str:
    return login_id.strip().casefold()


def is_locked(db: sqlite3.Connection, key: str, now: float) -> bool:
    row = db.execute("SELECT locked_until FROM login_failures WHERE login_key = ?", (key,)).fetchone()
    return bool(row and row["locked_until"] and row["locked_until"] > now)


def count_attempt(db: sqlite3.Connection, key: str, now: float, limit: int, lockout: float) -> bool:
    """Count one attempt for this user ID; False if the ID is locked (and the attempt not counted)."""
    if is_locked(db, key, now):
        return False
    record_failure(db, key, now, limit, lockout)
    return True


def record_failure(db: sqlite3.Connection, key: str, now: float, limit: int, lockout: float) -> None:
    row = db.execute("SELECT * FROM login_failures WHERE login_key = ?", (key,)).fetchone()
    if row is not None and row["locked_until"] and row["locked_until"] > now:
        return  # a lock is never shortened
    if row is None or now - row["window_started_at"] > lockout:
        failures, window_started_at = 1, now
    else:
        failures, window_started_at = row["failures"] + 1, row["window_started_at"]
    locked_until = now + lockout if failures >= limit else None
    db.execute(
        """INSERT INTO login_failures (login_key, failures, window_started_at, locked_until) VALUES (?, ?, ?, ?)
           ON CONFLICT (login_key) DO UPDATE SET failures = excluded.failures,
               window_started_at = excluded.window_started_at, locked_until = excluded.locked_until""",
        (key, failures, window_started_at, locked_until),
    )


def clear_failures(db: sqlite3.Connection, key: str) -> None:
    db.execute("DELETE FROM login_failures WHERE login_key = ?", (key,))


def mail_allowed(db: sqlite3.Connection, address: str, purpose: str, now: float, limit: int, window: float) -> bool:
    sent: int = db.execute(
        "SELECT COUNT(*) FROM sent_mail WHERE address = ? AND purpose = ? AND sent_at > ?",
        (address, purpose, now - window),
    ).fetchone()[0]
    return sent < limit


def record_mail(db: sqlite3.Connection, address: str, purpose: str, now: float) -> None:
    db.execute("INSERT INTO sent_mail (address, purpose, sent_at) VALUES (?, ?, ?)", (address, purpose, now))
