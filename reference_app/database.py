"""The SQLite file store: schema, connections and transactions.

Each unit of work opens its own connection, so the store can be used from the
event loop and from worker threads alike. Its calls are short and run on the
event loop itself (a reference app values plainness over throughput); every
`transaction()` takes the write lock at once (BEGIN IMMEDIATE), since most
requests also write (a session is touched on every request), and commits
everything or nothing, so a refused or failed request never leaves half-written data.

While the app runs, `kept_open()` holds one more connection: SQLite checkpoints the
write-ahead log and deletes it whenever its last connection closes, which would
otherwise happen after every unit of work (about seven times their cost).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS roles (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    grants_settings_login INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS companies (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    email_domain TEXT UNIQUE,
    sso_provider TEXT CHECK (sso_provider IN ('microsoft', 'google')),
    sso_tenant TEXT,
    CHECK ((sso_provider IS NULL) = (sso_tenant IS NULL))
);

CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    name TEXT NOT NULL,
    email TEXT UNIQUE COLLATE NOCASE,
    username TEXT UNIQUE COLLATE NOCASE,
    role_id INTEGER NOT NULL REFERENCES roles(id),
    status TEXT NOT NULL CHECK (status IN ('invited', 'active', 'disabled')),
    password_hash TEXT,
    sso_issuer TEXT,
    sso_subject TEXT,
    created_at REAL NOT NULL,
    activated_at REAL,
    last_login_at REAL,
    password_changed_at REAL,
    UNIQUE (sso_issuer, sso_subject)
);

CREATE TABLE IF NOT EXISTS sessions (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    scope TEXT NOT NULL CHECK (scope IN ('crm', 'settings', 'service')),
    state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'terms_pending')),
    -- A Service session lives only as long as the CRM session it was opened from.
    parent_id_hash TEXT REFERENCES sessions(id_hash) ON DELETE CASCADE,
    created_at REAL NOT NULL,
    last_seen_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions(user_id);

CREATE TABLE IF NOT EXISTS email_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('activation', 'reset')),
    token_hash TEXT NOT NULL UNIQUE,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL,
    used_at REAL,
    revoked_at REAL
);

CREATE TABLE IF NOT EXISTS sent_mail (
    id INTEGER PRIMARY KEY,
    address TEXT NOT NULL COLLATE NOCASE,
    purpose TEXT NOT NULL,
    sent_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS sent_mail_by_address ON sent_mail(address, purpose, sent_at);

CREATE TABLE IF NOT EXISTS login_failures (
    login_key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    window_started_at REAL NOT NULL,
    locked_until REAL
);

CREATE TABLE IF NOT EXISTS terms_acceptances (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    terms_version TEXT NOT NULL,
    accepted_at REAL NOT NULL,
    PRIMARY KEY (user_id, terms_version)
);

CREATE TABLE IF NOT EXISTS sign_in_attempts (
    id_hash TEXT PRIMARY KEY,
    state TEXT NOT NULL UNIQUE,
    nonce TEXT NOT NULL,
    code_verifier TEXT NOT NULL,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    purpose TEXT NOT NULL CHECK (purpose IN ('login', 'activation')),
    user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT,
    return_to TEXT NOT NULL,
    created_at REAL NOT NULL
);
"""

ROLES = (
    ("User level 0", 1),
    ("Settings and maintenance operator", 1),
    ("Standard user", 0),
)


class Database:
    def __init__(self, path: Path) -> None:
        self.path = path

    def connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        connection.row_factory = sqlite3.Row
        connection.execute("PRAGMA foreign_keys = ON")
        # With WAL, NORMAL still never corrupts the file; only a power cut may lose the last commits.
        connection.execute("PRAGMA synchronous = NORMAL")
        return connection

    @contextmanager
    def kept_open(self) -> Iterator[None]:
        connection = self.connect()
        try:
            yield
        finally:
            connection.close()

    def create_schema(self, default_company: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = self.connect()
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            columns = {row["name"] for row in connection.execute("PRAGMA table_info(sessions)")}
            if columns and "parent_id_hash" not in columns:
                # A file from before sessions had parents: sessions are short-lived, start them afresh.
                connection.execute("DROP TABLE sessions")
            connection.executescript(SCHEMA)
        finally:
            connection.close()
        with self.transaction() as db:
            db.executemany("INSERT OR IGNORE INTO roles (name, grants_settings_login) VALUES (?, ?)", ROLES)
            if db.execute("SELECT COUNT(*) FROM companies").fetchone()[0] == 0:
                db.execute("INSERT INTO companies (name) VALUES (?)", (default_company,))

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One connection in one transaction: committed if the block ends normally, else rolled back."""
        connection = self.connect()
        try:
            connection.execute("BEGIN IMMEDIATE")
            yield connection
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        finally:
            connection.close()
