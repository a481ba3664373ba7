"""Sending email to the sink the way a real sender does: smtplib over loopback."""

from __future__ import annotations

import smtplib
import socket
import ssl
import threading
import uuid
from collections.abc import Callable, Sequence
from email.message import EmailMessage
from typing import Generic, Protocol, TypeVar

SENDER = "crm@example.test"
T = TypeVar("T")


class SmtpEndpoint(Protocol):
    """Where to send: a MailSink, or the address a separately started sink printed."""

    @property
    def smtp_host(self) -> str: ...

    @property
    def smtp_port(self) -> int: ...


def unique_address(label: str = "user") -> str:
    return f"{label}-{uuid.uuid4().hex[:12]}@example.test"


def build_email(
    to: str | Sequence[str],
    subject: str = "Hello",
    text: str | None = "Hello there.",
    html: str | None = None,
    sender: str = SENDER,
) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = to if isinstance(to, str) else ", ".join(to)
    email["Subject"] = subject
    if text is not None:
        email.set_content(text)
    if html is not None:
        if text is None:
            email.set_content(html, subtype="html")
        else:
            email.add_alternative(html, subtype="html")
    return email


def send_email(sink: SmtpEndpoint, email: EmailMessage) -> None:
    with smtplib.SMTP(sink.smtp_host, sink.smtp_port, timeout=10) as smtp:
        smtp.send_message(email)


def send_raw(
    sink: SmtpEndpoint,
    raw: bytes,
    to: str | Sequence[str],
    sender: str = SENDER,
    mail_options: Sequence[str] = (),
) -> dict[str, tuple[int, bytes]]:
    recipients = [to] if isinstance(to, str) else list(to)
    with smtplib.SMTP(sink.smtp_host, sink.smtp_port, timeout=10) as smtp:
        return smtp.sendmail(sender, recipients, raw, mail_options=list(mail_options))


class SmtpWire:
    """A bare SMTP connection, for sending what smtplib would refuse to send."""

    def __init__(self, sink: SmtpEndpoint) -> None:
        self._socket = socket.create_connection((sink.smtp_host, sink.smtp_port), timeout=10)
        self._lines = self._socket.makefile("rb")
        self.greeting = self.reply()

    def command(self, line: bytes) -> bytes:
        self._socket.sendall(line + b"\r\n")
        return self.reply()

    def send(self, data: bytes) -> None:
        """Bytes as they are, without waiting for a reply."""
        self._socket.sendall(data)

    def starttls(self, context: ssl.SSLContext, server_hostname: str = "127.0.0.1") -> bytes:
        """EHLO, STARTTLS, the TLS handshake, and EHLO again: its reply."""
        self.command(b"EHLO client.test")
        assert self.command(b"STARTTLS").startswith(b"220")
        self._lines.close()
        self._socket = context.wrap_socket(self._socket, server_hostname=server_hostname)
        self._lines = self._socket.makefile("rb")
        return self.command(b"EHLO client.test")

    def reply(self) -> bytes:
        """A whole reply; multi-line replies are joined."""
        lines = []
        while True:
            line = self._lines.readline()
            if not line:
                raise ConnectionError("the sink closed the connection")
            lines.append(line)
            if line[3:4] != b"-":
                return b"".join(lines)

    def close(self) -> None:
        self._lines.close()
        self._socket.close()


class InThread(Generic[T]):
    """Run `function` on a thread and collect its result or exception."""

    def __init__(self, function: Callable[[], T]) -> None:
        self._function = function
        self._result: T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._result = self._function()
        except BaseException as error:  # handed over to the test thread in result()
            self._error = error

    def result(self, timeout: float = 10.0) -> T:
        self._thread.join(timeout)
        assert not self._thread.is_alive(), "the thread did not finish"
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result
