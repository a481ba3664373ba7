"""Companies, roles and users: who exists, how they sign in, what they may open."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Literal

from .settings import Profile

UserStatus = Literal["invited", "active", "disabled"]
SsoProvider = Literal["microsoft", "google"]
SSO_PROVIDER_NAMES: dict[str, str] = {"microsoft": "Microsoft 365", "google": "Google Workspace"}


def provider_name(sso_provider: str | None) -> str:
    return SSO_PROVIDER_NAMES.get(sso_provider or "", "your identity provider")


class AlreadyTaken(Exception):
    def __init__(self, field: str) -> None:
        super().__init__(f"{field} is already taken")
        self.field = field


@dataclass(frozen=True)
class Company:
    id: int
    name: str
    email_domain: str | None
    sso_provider: SsoProvider | None
    sso_tenant: str | None

    @property
    def uses_single_sign_on(self) -> bool:
        return self.sso_provider is not None


@dataclass(frozen=True)
class Role:
    id: int
    name: str
    grants_settings_login: bool


@dataclass(frozen=True)
class User:
    id: int
    company_id: int
    name: str
    email: str | None
    username: str | None
    role: Role
    status: UserStatus
    password_hash: str | None
    sso_issuer: str | None
    sso_subject: str | None
    created_at: float
    activated_at: float | None
    last_login_at: float | None

    def login_id(self, profile: Profile) -> str:
        """The user ID this user types: the email online, the assigned user name onsite."""
        value = self.email if profile == "online" else self.username
        return value or ""

    @property
    def may_sign_in(self) -> bool:
        return self.status == "active"

    @property
    def has_signed_in(self) -> bool:
        return self.last_login_at is not None


_USER_QUERY = """
SELECT users.*, roles.name AS role_name, roles.grants_settings_login
FROM users JOIN roles ON roles.id = users.role_id
"""


def _user(row: sqlite3.Row | None) -> User | None:
    if row is None:
        return None
    return User(
        id=row["id"],
        company_id=row["company_id"],
        name=row["name"],
        email=row["email"],
        username=row["username"],
        role=Role(row["role_id"], row["role_name"], bool(row["grants_settings_login"])),
        status=row["status"],
        password_hash=row["password_hash"],
        sso_issuer=row["sso_issuer"],
        sso_subject=row["sso_subject"],
        created_at=row["created_at"],
        activated_at=row["activated_at"],
        last_login_at=row["last_login_at"],
    )


def _company(row: sqlite3.Row | None) -> Company | None:
    if row is None:
        return None
    return Company(row["id"], row["name"], row["email_domain"], row["sso_provider"], row["sso_tenant"])


# Users


# SQLite integers are 64-bit; an id from a URL or a JSON body may be anything.
MAX_ID = 2**63 - 1


def get_user(db: sqlite3.Connection, user_id: int) -> User | None:
    if not 0 < user_id <= MAX_ID:
        return None
    return _user(db.execute(_USER_QUERY + " WHERE users.id = ?", (user_id,)).fetchone())


def find_user_by_login_id(db: sqlite3.Connection, profile: Profile, login_id: str) -> User | None:
    column = "email" if profile == "online" else "username"
    return _user(db.execute(_USER_QUERY + f" WHERE users.{column} = ?", (login_id,)).fetchone())


def find_user_by_email(db: sqlite3.Connection, email: str) -> User | None:
    return _user(db.execute(_USER_QUERY + " WHERE users.email = ?", (email,)).fetchone())


def find_user_by_identity(db: sqlite3.Connection, issuer: str, subject: str) -> User | None:
    row = db.execute(_USER_QUERY + " WHERE sso_issuer = ? AND sso_subject = ?", (issuer, subject)).fetchone()
    return _user(row)


def list_users(db: sqlite3.Connection, company_id: int) -> list[User]:
    rows = db.execute(_USER_QUERY + " WHERE company_id = ? ORDER BY users.name, users.id", (company_id,))
    return [user for row in rows if (user := _user(row))]


def create_user(
    db: sqlite3.Connection,
    *,
    company_id: int,
    name: str,
    email: str | None,
    username: str | None,
    role_id: int,
    status: UserStatus,
    password_hash: str | None,
    now: float,
) -> User:
    for field, value in (("email", email), ("username", username)):
        if value and db.execute(f"SELECT 1 FROM users WHERE {field} = ?", (value,)).fetchone():
            raise AlreadyTaken(field)
    cursor = db.execute(
        """INSERT INTO users (company_id, name, email, username, role_id, status, password_hash,
                              created_at, activated_at, password_changed_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            company_id,
            name,
            email,
            username,
            role_id,
            status,
            password_hash,
            now,
            now if status == "active" else None,
            now if password_hash else None,
        ),
    )
    user = get_user(db, int(cursor.lastrowid or 0))
    assert user is not None
    return user


def set_password(db: sqlite3.Connection, user_id: int, password_hash: str, now: float) -> None:
    db.execute(
        "UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?",
        (password_hash, now, user_id),
    )


def activate(db: sqlite3.Connection, user_id: int, now: float) -> None:
    db.execute(
        "UPDATE users SET status = 'active', activated_at = ? WHERE id = ? AND status = 'invited'",
        (now, user_id),
    )


def set_status(db: sqlite3.Connection, user_id: int, status: UserStatus) -> None:
    db.execute("UPDATE users SET status = ? WHERE id = ?", (status, user_id))


def set_role(db: sqlite3.Connection, user_id: int, role_id: int) -> None:
    db.execute("UPDATE users SET role_id = ? WHERE id = ?", (role_id, user_id))


def record_sign_in(db: sqlite3.Connection, user_id: int, now: float) -> None:
    db.execute("UPDATE users SET last_login_at = ? WHERE id = ?", (now, user_id))


def link_identity(db: sqlite3.Connection, user_id: int, issuer: str, subject: str) -> None:
    db.execute("UPDATE users SET sso_issuer = ?, sso_subject = ? WHERE id = ?", (issuer, subject, user_id))


# Roles


def list_roles(db: sqlite3.Connection) -> list[Role]:
    rows = db.execute("SELECT * FROM roles ORDER BY id")
    return [Role(row["id"], row["name"], bool(row["grants_settings_login"])) for row in rows]


def find_role(db: sqlite3.Connection, name: str) -> Role | None:
    return next((role for role in list_roles(db) if role.name == name), None)


# Companies


def default_company(db: sqlite3.Connection) -> Company:
    company = _company(db.execute("SELECT * FROM companies ORDER BY id LIMIT 1").fetchone())
    assert company is not None, "the schema creates a default company"
    return company


def get_company(db: sqlite3.Connection, company_id: int) -> Company | None:
    if not 0 < company_id <= MAX_ID:
        return None
    return _company(db.execute("SELECT * FROM companies WHERE id = ?", (company_id,)).fetchone())


def company_for_email_domain(db: sqlite3.Connection, email: str) -> Company | None:
    domain = email.rpartition("@")[2].lower()
    return _company(db.execute("SELECT * FROM companies WHERE email_domain = ?", (domain,)).fetchone())


def create_company(
    db: sqlite3.Connection,
    *,
    name: str,
    email_domain: str | None,
    sso_provider: SsoProvider | None,
    sso_tenant: str | None,
) -> Company:
    email_domain = email_domain.lower() if email_domain else None
    if email_domain and db.execute("SELECT 1 FROM companies WHERE email_domain = ?", (email_domain,)).fetchone():
        raise AlreadyTaken("email domain")
    cursor = db.execute(
        "INSERT INTO companies (name, email_domain, sso_provider, sso_tenant) VALUES (?, ?, ?, ?)",
        (name, email_domain, sso_provider, sso_tenant),
    )
    company = get_company(db, int(cursor.lastrowid or 0))
    assert company is not None
    return company
