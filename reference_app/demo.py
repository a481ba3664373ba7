"""Demo accounts for trying the reference CRM by hand (`python -m reference_app --demo`)."""

from __future__ import annotations

from dataclasses import dataclass

from . import accounts
from .context import AppContext

DEMO_PASSWORD = "lantern orbit maple 42"
_DEMO_USERS = (
    ("Ada Admin", "ada", "User level 0"),
    ("Sam Seller", "sam", "Standard user"),
)


@dataclass(frozen=True)
class DemoAccount:
    role: str
    user_id: str


def seed_demo_accounts(context: AppContext, email_domain: str = "demo.test") -> list[DemoAccount]:
    """Create the demo users if they are missing; return how to sign in as each."""
    profile = context.settings.profile
    created = []
    password_hash = context.hasher.hash(DEMO_PASSWORD)
    with context.database.transaction() as db:
        company = accounts.default_company(db)
        for name, username, role_name in _DEMO_USERS:
            email = f"{username}@{email_domain}"
            user = accounts.find_user_by_email(db, email)
            if user is None:
                role = accounts.find_role(db, role_name)
                assert role is not None
                user = accounts.create_user(
                    db,
                    company_id=company.id,
                    name=name,
                    email=email,
                    username=username,
                    role_id=role.id,
                    status="active",
                    password_hash=password_hash,
                    now=context.clock.now(),
                )
            created.append(DemoAccount(role_name, user.login_id(profile)))
    return created
