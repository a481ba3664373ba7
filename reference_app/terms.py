"""The Terms of Service amendment that onsite users accept once before Settings and maintenance."""

from __future__ import annotations

import sqlite3

TERMS_VERSION = "2023-02"


def has_accepted(db: sqlite3.Connection, user_id: int) -> bool:
    row = db.execute(
        "SELECT 1 FROM terms_acceptances WHERE user_id = ? AND terms_version = ?", (user_id, TERMS_VERSION)
    ).fetchone()
    return row is not None


def record_acceptance(db: sqlite3.Connection, user_id: int, now: float) -> None:
    db.execute(
        "INSERT OR IGNORE INTO terms_acceptances (user_id, terms_version, accepted_at) VALUES (?, ?, ?)",
        (user_id, TERMS_VERSION, now),
    )
