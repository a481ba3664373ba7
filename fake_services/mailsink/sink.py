"""The whole sink in-process: SMTP server, store, faults and the HTTP API / web inbox."""

from __future__ import annotations

from fake_services.mailsink.app import create_app
from fake_services.mailsink.faults import DEFAULT_MAX_MESSAGE_SIZE, FaultPlan
from fake_services.mailsink.relay import SmtpCredentials, credentials_of
from fake_services.mailsink.smtp_server import SmtpServer, smtp_security
from fake_services.mailsink.store import MessageStore
from fake_services.serving import BackgroundServer, TlsFiles


class MailSink:
    """Both servers are bound at construction (port 0 picks a free port), then `start()` serves.

    Use it once: start, stop (or a `with` block).

    With `tls`, SMTP offers STARTTLS with that certificate (and with `require_starttls`
    refuses mail before it), and the web side serves HTTPS with it, or with `http_tls`
    when that is given.

    With `credentials` (user name, password), MAIL needs AUTH PLAIN or LOGIN first
    (530 5.7.0 without it, 535 5.7.8 for wrong credentials); with `tls` too, AUTH is
    offered only after STARTTLS.
    """

    def __init__(
        self,
        smtp_host: str = "127.0.0.1",
        smtp_port: int = 0,
        http_host: str = "127.0.0.1",
        http_port: int = 0,
        max_message_size: int | None = DEFAULT_MAX_MESSAGE_SIZE,
        *,
        tls: TlsFiles | None = None,
        http_tls: TlsFiles | None = None,
        require_starttls: bool = False,
        credentials: SmtpCredentials | tuple[str, str] | None = None,
    ) -> None:
        self.store = MessageStore()
        self.faults = FaultPlan(max_message_size)
        security = smtp_security(tls, require_starttls, credentials_of(credentials))
        self._smtp = SmtpServer(self.store, self.faults, smtp_host, smtp_port, security)
        try:
            self._http = BackgroundServer(
                create_app(self.store, self.faults),
                host=http_host,
                port=http_port,
                name="mailsink-http",
                tls=http_tls or tls,
            )
        except OSError:
            self._smtp.stop()
            raise

    @property
    def smtp_host(self) -> str:
        return self._smtp.host

    @property
    def smtp_port(self) -> int:
        return self._smtp.port

    @property
    def starttls(self) -> bool:
        """True when SMTP offers STARTTLS."""
        return self._smtp.security.tls_context is not None

    @property
    def auth_required(self) -> bool:
        """True when SMTP needs AUTH before MAIL."""
        return self._smtp.security.credentials is not None

    @property
    def http_url(self) -> str:
        """`https://...` when the web side has a certificate, else `http://...`."""
        return self._http.url

    def start(self) -> MailSink:
        self._smtp.start()
        try:
            self._http.start()
        except BaseException:
            self._smtp.stop()
            raise
        return self

    def stop(self) -> None:
        self._http.stop()
        self._smtp.stop()

    def __enter__(self) -> MailSink:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
