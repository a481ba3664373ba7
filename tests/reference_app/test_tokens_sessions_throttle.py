"""Email link tokens, server-side sessions and the throttles, on a real SQLite file."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from reference_app import accounts, sessions, throttle, tokens
from reference_app.database import Database

NOW = 1_700_000_000.0


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    database = Database(tmp_path / "crm.sqlite3")
    database.create_schema(default_company="Test company")
    with database.transaction() as connection:
        yield connection


@pytest.fixture
def user_id(db: sqlite3.Connection) -> int:
    role = accounts.find_role(db, "Standard user")
    assert role
    user = accounts.create_user(
        db,
        company_id=accounts.default_company(db).id,
        name="Ann Example",
        email="ann@example.test",
        username="ann",
        role_id=role.id,
        status="invited",
        password_hash=None,
        now=NOW,
    )
    return user.id


def test_tokens_are_long_random_and_stored_only_as_hashes(db: sqlite3.Connection, user_id: int) -> None:
    issued = [tokens.issue(db, user_id, "activation", NOW, 3600).value for _ in range(3)]
    assert len(set(issued)) == 3
    assert all(len(value) >= 43 for value in issued), "32 random bytes, base64url"
    stored = [row[0] for row in db.execute("SELECT token_hash FROM email_tokens")]
    assert not set(issued) & set(stored)
    assert tokens.hash_token(issued[-1]) in stored


def test_a_token_works_once(db: sqlite3.Connection, user_id: int) -> None:
    value = tokens.issue(db, user_id, "activation", NOW, 3600).value
    check = tokens.check(db, value, "activation", NOW + 1)
    assert check.valid and check.user_id == user_id
    assert tokens.spend(db, check.token_hash, NOW + 2)
    assert not tokens.spend(db, check.token_hash, NOW + 3)
    assert tokens.check(db, value, "activation", NOW + 4).problem is tokens.TokenProblem.USED


def test_a_newer_token_revokes_the_older_one(db: sqlite3.Connection, user_id: int) -> None:
    older = tokens.issue(db, user_id, "activation", NOW, 3600).value
    newer = tokens.issue(db, user_id, "activation", NOW + 10, 3600).value
    assert tokens.check(db, older, "activation", NOW + 20).problem is tokens.TokenProblem.USED
    assert tokens.check(db, newer, "activation", NOW + 20).valid


def test_a_token_expires_at_its_lifetime(db: sqlite3.Connection, user_id: int) -> None:
    value = tokens.issue(db, user_id, "activation", NOW, 48 * 3600).value
    assert tokens.check(db, value, "activation", NOW + 48 * 3600 - 1).valid
    assert tokens.check(db, value, "activation", NOW + 48 * 3600).problem is tokens.TokenProblem.EXPIRED


@pytest.mark.parametrize("value", ["", "tampered", "x" * 500, "\udcff"])
def test_unknown_tampered_or_odd_tokens_are_unknown(db: sqlite3.Connection, user_id: int, value: str) -> None:
    tokens.issue(db, user_id, "activation", NOW, 3600)
    assert tokens.check(db, value, "activation", NOW).problem is tokens.TokenProblem.UNKNOWN


def test_a_token_for_one_purpose_does_not_serve_another(db: sqlite3.Connection, user_id: int) -> None:
    value = tokens.issue(db, user_id, "activation", NOW, 3600).value
    assert tokens.check(db, value, "reset", NOW).problem is tokens.TokenProblem.UNKNOWN


def test_session_ids_are_random_and_stored_hashed(db: sqlite3.Connection, user_id: int) -> None:
    ids = [sessions.create(db, user_id, "crm", NOW) for _ in range(3)]
    assert len(set(ids)) == 3 and all(len(session_id) >= 22 for session_id in ids)
    stored = {row[0] for row in db.execute("SELECT id_hash FROM sessions")}
    assert not set(ids) & stored


def test_sessions_end_when_idle_or_too_old(db: sqlite3.Connection, user_id: int) -> None:
    session_id = sessions.create(db, user_id, "crm", NOW)
    assert sessions.load(db, session_id, "crm", NOW + 100, idle_timeout=300, absolute_timeout=1000)
    assert sessions.load(db, session_id, "crm", NOW + 390, idle_timeout=300, absolute_timeout=1000)
    assert sessions.load(db, session_id, "crm", NOW + 691, idle_timeout=300, absolute_timeout=1000) is None
    assert sessions.load(db, session_id, "crm", NOW + 692, idle_timeout=300, absolute_timeout=1000) is None

    kept_busy = sessions.create(db, user_id, "crm", NOW)
    for minute in range(1, 17):
        assert sessions.load(db, kept_busy, "crm", NOW + minute * 60, idle_timeout=300, absolute_timeout=1000)
    assert sessions.load(db, kept_busy, "crm", NOW + 1001, idle_timeout=300, absolute_timeout=1000) is None


def test_a_session_belongs_to_its_scope(db: sqlite3.Connection, user_id: int) -> None:
    session_id = sessions.create(db, user_id, "service", NOW)
    assert sessions.load(db, session_id, "crm", NOW, 300, 1000) is None
    assert sessions.load(db, session_id, "service", NOW, 300, 1000) is not None


def test_failed_sign_ins_lock_the_user_id_for_a_while(db: sqlite3.Connection) -> None:
    key = throttle.login_key("  Ann@Example.TEST ")
    assert key == throttle.login_key("ann@example.test")
    for attempt in range(4):
        throttle.record_failure(db, key, NOW + attempt, limit=5, lockout=900)
        assert not throttle.is_locked(db, key, NOW + attempt)
    throttle.record_failure(db, key, NOW + 5, limit=5, lockout=900)
    assert throttle.is_locked(db, key, NOW + 6)
    assert not throttle.is_locked(db, key, NOW + 906)
    throttle.clear_failures(db, key)
    assert not throttle.is_locked(db, key, NOW + 7)


def test_failures_spread_beyond_the_window_do_not_lock(db: sqlite3.Connection) -> None:
    key = throttle.login_key("ben")
    for attempt in range(10):
        throttle.record_failure(db, key, NOW + attempt * 1000, limit=5, lockout=900)
        assert not throttle.is_locked(db, key, NOW + attempt * 1000)


def test_mail_to_one_address_is_limited_per_window(db: sqlite3.Connection) -> None:
    for minute in range(3):
        assert throttle.mail_allowed(db, "ann@example.test", "activation", NOW + minute, limit=3, window=3600)
        throttle.record_mail(db, "ann@example.test", "activation", NOW + minute)
    assert not throttle.mail_allowed(db, "ANN@example.test", "activation", NOW + 10, limit=3, window=3600)
    assert throttle.mail_allowed(db, "ann@example.test", "reset", NOW + 10, limit=3, window=3600)
    assert throttle.mail_allowed(db, "ann@example.test", "activation", NOW + 3700, limit=3, window=3600)
