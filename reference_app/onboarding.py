"""Activation emails: the **Activate now** link an administrator's new user receives."""

from __future__ import annotations

from datetime import UTC, datetime

from . import accounts, throttle, tokens
from .context import AppContext
from .mail import MailDeliveryError

ACTIVATION_SUBJECT = "Activate your {product} account"


class MailNotSent(Exception):
    """Why an email could not go out, in words for the administrator."""


async def send_activation_email(context: AppContext, user: accounts.User) -> None:
    settings = context.settings
    if not user.email:
        raise MailNotSent("The user has no email address to send the activation email to.")
    now = context.clock.now()
    with context.database.transaction() as db:
        if not throttle.mail_allowed(
            db, user.email, "activation", now, settings.mails_per_address_limit, settings.mails_per_address_window
        ):
            raise MailNotSent("Too many activation emails were sent to this address recently. Try again in an hour.")
        token = tokens.issue(db, user.id, "activation", now, settings.activation_link_lifetime)
        company = accounts.get_company(db, user.company_id)
    message = context.mailer.compose(
        to=user.email,
        subject=ACTIVATION_SUBJECT.format(product=settings.product_name),
        template="activation",
        name=user.name,
        company=company.name if company else "",
        link=settings.url(f"/activate/{token.value}"),
        lifetime_hours=settings.activation_link_lifetime // 3600,
        expires=datetime.fromtimestamp(token.expires_at, UTC).strftime("%d %B %Y at %H:%M UTC"),
    )
    try:
        await context.mailer.send(message)
    except MailDeliveryError as error:
        raise MailNotSent(f"The activation email could not be sent: {error}.") from error
    # Only delivered emails count against the limit: a refusal by the mail server bombed nobody.
    with context.database.transaction() as db:
        throttle.record_mail(db, user.email, "activation", now)
