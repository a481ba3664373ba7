"""Composing and sending email over SMTP.

Messages have a text and an HTML part rendered from templates in
`templates/email/`. Sending runs in a worker thread so the event loop never
waits on the mail server; any SMTP or network failure becomes `MailDeliveryError`.
"""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

import jinja2
from starlette.concurrency import run_in_threadpool

from . import presentation
from .settings import Settings


class MailDeliveryError(Exception):
    pass


class Mailer:
    def __init__(self, settings: Settings, environment: jinja2.Environment) -> None:
        self._settings = settings
        self._environment = environment

    def compose(self, to: str, subject: str, template: str, **values: Any) -> EmailMessage:
        values.setdefault("product", self._settings.product_name)
        message = EmailMessage()
        message["From"] = self._settings.mail_from
        message["To"] = to
        message["Subject"] = presentation.load(self._settings.presentation).translate(subject)
        message["Date"] = format_datetime(datetime.now(UTC))
        message["Message-ID"] = make_msgid(domain="crm.invalid")
        message.set_content(self._environment.get_template(f"email/{template}.txt").render(values))
        message.add_alternative(self._environment.get_template(f"email/{template}.html").render(values), subtype="html")
        return message

    async def send(self, message: EmailMessage) -> None:
        await run_in_threadpool(self._send_now, message)

    def _send_now(self, message: EmailMessage) -> None:
        try:
            with smtplib.SMTP(
                self._settings.smtp_host, self._settings.smtp_port, timeout=self._settings.smtp_timeout
            ) as smtp:
                smtp.send_message(message)
        except (smtplib.SMTPException, OSError) as error:
            raise MailDeliveryError(describe_failure(error)) from error


def describe_failure(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(error.recipients.values()))
        return f"the mail server refused the address ({code} {reply.decode(errors='replace')})"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"the mail server refused the message ({error.smtp_code} {error.smtp_error.decode(errors='replace')})"
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return "the mail server closed the connection"
    return "the mail server could not be reached"
