"""Forgotten passwords (online): reset emails, and the notification after a change.

Whatever address is asked for, the answer on screen is the same. Only an active
user with a CRM password gets a reset link; a single sign-on user gets an email
that sends them to their company's identity provider; nobody else gets anything.
Emails to one address are rate-limited.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.message import EmailMessage

from . import accounts, throttle, tokens
from .context import AppContext
from .mail import MailDeliveryError

log = logging.getLogger("reference_app.recovery")


async def send_reset_email(context: AppContext, email: str) -> None:
    """Send what this address should get, if anything; never tell the caller which case it was."""
    settings = context.settings
    now = context.clock.now()
    with context.database.transaction() as db:
        user = accounts.find_user_by_email(db, email)
        if user is None or user.status != "active" or not user.email:
            return
        if not throttle.mail_allowed(
            db, user.email, "reset", now, settings.mails_per_address_limit, settings.mails_per_address_window
        ):
            return
        throttle.record_mail(db, user.email, "reset", now)
        company = accounts.get_company(db, user.company_id)
        if company is not None and company.sso_provider:
            message = context.mailer.compose(
                to=user.email,
                subject=f"About your {settings.product_name} password",
                template="password_managed_elsewhere",
                name=user.name,
                provider=accounts.provider_name(company.sso_provider),
            )
        elif user.password_hash:
            token = tokens.issue(db, user.id, "reset", now, settings.reset_link_lifetime)
            message = context.mailer.compose(
                to=user.email,
                subject=f"Reset your {settings.product_name} password",
                template="password_reset",
                name=user.name,
                link=settings.url(f"/password/reset/{token.value}"),
                lifetime_minutes=settings.reset_link_lifetime // 60,
                expires=_format_time(token.expires_at),
            )
        else:
            return
    await _send_quietly(context, message)


async def send_password_changed_notice(context: AppContext, user: accounts.User) -> None:
    if not user.email:
        return
    message = context.mailer.compose(
        to=user.email,
        subject=f"Your {context.settings.product_name} password was changed",
        template="password_changed",
        name=user.name,
        changed=_format_time(context.clock.now()),
        reset_link=context.settings.url("/password/forgot"),
    )
    await _send_quietly(context, message)


async def _send_quietly(context: AppContext, message: EmailMessage) -> None:
    # A failed delivery must not show on screen, or the answer would tell accounts apart.
    try:
        await context.mailer.send(message)
    except MailDeliveryError as error:
        log.warning("email %r to %s not delivered: %s", message["Subject"], message["To"], error)


def _format_time(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%d %B %Y at %H:%M UTC")
