"""What makes the sink look like a real relay: STARTTLS with a given certificate, AUTH with given credentials.

Both are off unless configured. The credentials are checked by aiosmtpd's own
authenticator hook, for the PLAIN and LOGIN mechanisms, in constant time.
"""

from __future__ import annotations

import hmac
import ssl
from dataclasses import dataclass, field

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from fake_services.serving import TlsFiles

MECHANISMS = ("LOGIN", "PLAIN")
AUTH_REQUIRED = "530 5.7.0 Authentication required"


@dataclass(frozen=True)
class SmtpCredentials:
    """The one user name and password the sink accepts over SMTP AUTH."""

    username: str
    password: str = field(repr=False)

    def __post_init__(self) -> None:
        if not self.username or not self.password:
            raise ValueError("SMTP credentials need a non-empty user name and password")

    def match(self, username: bytes, password: bytes) -> bool:
        # Both comparisons run, whatever the first one found, and each takes the same time for any input.
        username_matches = hmac.compare_digest(username, self.username.encode("utf-8"))
        password_matches = hmac.compare_digest(password, self.password.encode("utf-8"))
        return username_matches and password_matches


def credentials_of(value: SmtpCredentials | tuple[str, str] | None) -> SmtpCredentials | None:
    if value is None or isinstance(value, SmtpCredentials):
        return value
    username, password = value
    return SmtpCredentials(username, password)


class Authenticator:
    """aiosmtpd's `authenticator` hook: success only for the configured user name and password."""

    def __init__(self, credentials: SmtpCredentials) -> None:
        self._credentials = credentials

    def __call__(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: object
    ) -> AuthResult:
        if isinstance(auth_data, LoginPassword) and self._credentials.match(auth_data.login, auth_data.password):
            return AuthResult(success=True, auth_data=auth_data.login)
        # Not handled: aiosmtpd answers 535 5.7.8.
        return AuthResult(success=False, handled=False)


def server_tls_context(files: TlsFiles) -> ssl.SSLContext:
    """A server-side context for STARTTLS; the files are read now, so a bad path fails at start."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certfile=files.certfile, keyfile=files.keyfile)
    return context
