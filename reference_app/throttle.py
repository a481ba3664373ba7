"""Limits against guessing and mail bombing.

Failed sign-ins are counted per user ID typed (never per client address, which a
header could spoof): after `limit` failures within `lockout` seconds the ID is
locked for `lockout` seconds, during which even the right password is refused
with the same generic message. Emails with links are limited per address.
"""

from __future__ import annotations

import sqlite3


def login_key(login_id: str) -> str:
    return login_id.strip().casefold()


def is_locked(db: sqlite3.Connection, key: str, now: float) -> bool:
    row = db.execute("SELECT locked_until FROM login_failures WHERE login_key = ?", (key,)).fetchone()
    return bool(row and row["locked_until"] and row["locked_until"] > now)


def record_failure(db: sqlite3.Connection, key: str, now: float, limit: int, lockout: float) -> None:
    row = db.execute("SELECT * FROM login_failures WHERE login_key = ?", (key,)).fetchone()
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
    sent = db.execute(
        "SELECT COUNT(*) FROM sent_mail WHERE address = ? AND purpose = ? AND sent_at > ?",
        (address, purpose, now - window),
    ).fetchone()[0]
    return sent < limit


def record_mail(db: sqlite3.Connection, address: str, purpose: str, now: float) -> None:
    db.execute("INSERT INTO sent_mail (address, purpose, sent_at) VALUES (?, ?, ?)", (address, purpose, now))
