"""Composing and sending email over SMTP.

Messages have a text and an HTML part rendered from templates in
`templates/email/`. Sending runs in a worker thread so the event loop never
waits on the mail server; any SMTP, TLS or network failure becomes `MailDeliveryError`.

Against a real relay the CRM upgrades the connection with STARTTLS (the server's
certificate checked against the system's authorities and `ca_file`) and signs in
with AUTH when a user name is configured, as the settings say.
"""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from enum import Enum
from typing import Any

import jinja2
from starlette.concurrency import run_in_threadpool

from . import presentation
from .outbound import tls_context
from .settings import Settings


class MailDeliveryError(Exception):
    pass


class Step(Enum):
    """How far a delivery got, to say what failed."""

    CONNECT = "connect"
    STARTTLS = "starttls"
    AUTH = "auth"
    SEND = "send"


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
        settings = self._settings
        step = Step.CONNECT
        try:
            # Closed without QUIT on failure: after a failed handshake the connection is in no state to talk.
            with contextlib.closing(
                smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout)
            ) as smtp:
                if settings.smtp_starttls:
                    step = Step.STARTTLS
                    smtp.starttls(context=tls_context(settings.ca_file))
                if settings.smtp_username is not None:
                    step = Step.AUTH
                    smtp.login(settings.smtp_username, settings.smtp_password or "")
                step = Step.SEND
                smtp.send_message(message)
                with contextlib.suppress(smtplib.SMTPException, OSError):
                    smtp.quit()  # the message is delivered whatever QUIT gets
        except (smtplib.SMTPException, OSError) as error:
            raise MailDeliveryError(describe_failure(error, step)) from error


def describe_failure(error: Exception, step: Step = Step.SEND) -> str:
    """A clause for 'The email could not be sent: ...'."""
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"the mail server's certificate is not trusted ({error.verify_message})"
    if isinstance(error, ssl.SSLError):
        return f"the TLS handshake with the mail server failed ({error.reason or error})"
    if isinstance(error, smtplib.SMTPNotSupportedError) and step is Step.STARTTLS:
        return "the mail server does not offer STARTTLS"
    if isinstance(error, smtplib.SMTPNotSupportedError) and step is Step.AUTH:
        return "the mail server does not offer authentication (AUTH)"
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return f"the mail server refused the user name or password ({_reply(error)})"
    if type(error) is smtplib.SMTPException and step is Step.AUTH:
        return f"the mail server and the CRM have no authentication method in common ({error})"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(error.recipients.values()))
        return f"the mail server refused the address ({code} {reply.decode(errors='replace')})"
    if isinstance(error, smtplib.SMTPSenderRefused) and error.smtp_code == 530:
        return f"the mail server requires authentication ({_reply(error)})"
    if isinstance(error, smtplib.SMTPResponseException) and step is Step.STARTTLS:
        return f"the mail server refused STARTTLS ({_reply(error)})"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"the mail server refused the message ({_reply(error)})"
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return "the mail server closed the connection"
    return "the mail server could not be reached"


def _reply(error: smtplib.SMTPResponseException) -> str:
    text = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else str(error.smtp_error)
    return f"{error.smtp_code} {text}"
