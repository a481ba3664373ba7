"""A password a person chooses: the policy's verdict first, then the hash to store.

Activation, reset, the administrator's forms and the control API all go through
here, so the same policy (with the same personal words) guards every way in.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool

from . import passwords
from .accounts import User
from .context import AppContext


@dataclass(frozen=True)
class NewPassword:
    password_hash: str | None
    problems: tuple[str, ...]

    @property
    def accepted(self) -> bool:
        return self.password_hash is not None


def personal_words(context: AppContext, email: str | None, name: str | None, username: str | None) -> tuple[str, ...]:
    """Words a person's password must not be built on: their identifiers and the product name."""
    return passwords.context_words_for(email, name, username, context.settings.product_name)


async def choose(
    context: AppContext,
    password: str,
    confirmation: str | None,
    *,
    email: str | None,
    name: str | None,
    username: str | None,
) -> NewPassword:
    """Hash the password if the policy accepts it for this person (Argon2 runs off the event loop)."""
    verdict = passwords.check(password, confirmation, personal_words(context, email, name, username))
    if not verdict.accepted:
        return NewPassword(None, verdict.problems)
    return NewPassword(await run_in_threadpool(context.hasher.hash, password), ())


async def choose_for(context: AppContext, user: User, password: str, confirmation: str | None) -> NewPassword:
    """`choose` for a user the CRM already has, judged against that user's own identifiers."""
    return await choose(context, password, confirmation, email=user.email, name=user.name, username=user.username)
