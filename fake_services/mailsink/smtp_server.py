"""The SMTP side: aiosmtpd on its own thread, storing every message it accepts."""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import MISSING, SMTP, Envelope, Session

from fake_services.mailsink.addresses import recipient_refusal, sender_refusal
from fake_services.mailsink.faults import Fault, FaultAction, FaultPlan, FaultStage
from fake_services.mailsink.relay import AUTH_REQUIRED, MECHANISMS, Authenticator, SmtpCredentials, server_tls_context
from fake_services.mailsink.store import MessageStore
from fake_services.serving import TlsFiles

# The name in the greeting. Giving one also keeps aiosmtpd from calling socket.getfqdn(),
# which can stall for seconds on a machine without working DNS.
GREETING_HOSTNAME = "mailsink.test"


class CaptureHandler:
    """aiosmtpd handler: applies pending faults, stores the messages it accepts."""

    def __init__(self, store: MessageStore, faults: FaultPlan, auth_required: bool = False) -> None:
        self._store = store
        self._faults = faults
        self._auth_required = auth_required
        # The RCPT fault chosen for each message in progress, so that it answers all its recipients.
        self._rcpt_faults: WeakKeyDictionary[Envelope, list[Fault]] = WeakKeyDictionary()

    async def handle_EHLO(
        self, server: SMTP, session: Session, envelope: Envelope, hostname: str, responses: list[str]
    ) -> list[str]:
        # With this hook aiosmtpd leaves remembering the client's name to it.
        session.host_name = hostname
        # Without credentials no mechanism is left, and aiosmtpd would still write an empty AUTH line.
        return [line for line in responses if line.strip() != "250-AUTH"]

    async def handle_MAIL(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, mail_options: list[str]
    ) -> str:
        if self._auth_required and not session.authenticated:
            return AUTH_REQUIRED
        refusal = sender_refusal(address)
        if refusal is not None:
            return refusal
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        refusal = recipient_refusal(address)
        if refusal is not None:
            return refusal  # before any fault, which stays for a valid recipient
        fault = self._rcpt_fault(envelope, address)
        if fault is not None and fault.action is FaultAction.DELAY:
            await asyncio.sleep(fault.seconds or 0)
        elif fault is not None:
            return _apply(fault, server)
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        fault = self._faults.take(FaultStage.DATA, envelope.rcpt_tos)
        if fault is not None and fault.action is FaultAction.DELAY:
            await asyncio.sleep(fault.seconds or 0)
        elif fault is not None:
            return _apply(fault, server)
        message = self._store.deliver(envelope.mail_from or "", envelope.rcpt_tos, envelope.original_content or b"")
        return f"250 2.0.0 OK queued as {message.id}"

    def _rcpt_fault(self, envelope: Envelope, address: str) -> Fault | None:
        chosen = self._rcpt_faults.setdefault(envelope, [])
        for known in chosen:
            if known.applies_to([address]):
                return known
        fault = self._faults.take(FaultStage.RCPT, [address])
        if fault is not None:
            chosen.append(fault)
        return fault


def _apply(fault: Fault, server: SMTP) -> str:
    if fault.action is FaultAction.DROP:
        assert isinstance(server.transport, asyncio.WriteTransport)  # a connected client's (TLS or not)
        # abort() discards pending output, so the reply returned below is never sent.
        server.transport.abort()
        return "421 4.4.2 Connection dropped"
    return fault.reply


@dataclass(frozen=True)
class SmtpSecurity:
    """STARTTLS (offered when there is a context; required before MAIL when `require_starttls`), and AUTH
    (required before MAIL when there are credentials; offered only after STARTTLS when there is a context)."""

    tls_context: ssl.SSLContext | None = None
    require_starttls: bool = False
    credentials: SmtpCredentials | None = None


def smtp_security(
    tls: TlsFiles | None, require_starttls: bool = False, credentials: SmtpCredentials | None = None
) -> SmtpSecurity:
    if require_starttls and tls is None:
        raise ValueError("require_starttls needs a certificate (tls=TlsFiles(certfile, keyfile))")
    return SmtpSecurity(server_tls_context(tls) if tls else None, require_starttls, credentials)


class _QuietSession(Session):
    """aiosmtpd sets the deprecated `login_data` after every successful AUTH, and logs a warning each
    time it does; here it is a plain attribute (nothing reads it)."""

    login_data: object = None


class _SinkSmtp(SMTP):
    """aiosmtpd's SMTP, answering malformed AUTH input with a reply of its own rather than an exception,
    and every malformed address with 501."""

    def _create_session(self) -> Session:
        return _QuietSession(self.loop)

    def _getaddr(self, arg: str) -> tuple[str | None, str | None]:
        address, rest = super()._getaddr(arg)
        if address is None and arg.strip():
            # aiosmtpd answers 553 to what its parser cannot read (`<a@@b>`); handed on as it came,
            # it is refused by the handler with the 501 every other malformed address gets.
            return arg.strip(), ""
        return address, rest

    async def challenge_auth(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return await super().challenge_auth(*args, **kwargs)
        except ValueError as error:
            # asyncio's readline() refuses an answer longer than the line limit (1000 bytes), and
            # leaves the rest of the line unread when it has not reached the line's end yet.
            if "not found" in str(error):
                await self._skip_rest_of_line()
            await self.push("500 5.5.6 Authentication answer too long")
            return MISSING

    async def _skip_rest_of_line(self) -> None:
        while True:
            try:
                await self._reader.readuntil()
                return
            except asyncio.LimitOverrunError as overrun:
                await self._reader.read(overrun.consumed)


class SmtpServer:
    """aiosmtpd bound to `host:port` at construction (0 picks a free port, known at once)."""

    def __init__(
        self,
        store: MessageStore,
        faults: FaultPlan,
        host: str = "127.0.0.1",
        port: int = 0,
        security: SmtpSecurity | None = None,
    ) -> None:
        self.security = security or SmtpSecurity()
        self._socket = _listening_socket(host, port)
        self.host = host
        self.port: int = self._socket.getsockname()[1]
        handler = CaptureHandler(store, faults, auth_required=self.security.credentials is not None)
        self._controller = _PreboundController(handler, self._socket, faults, self.security)
        self._running = False

    def start(self) -> None:
        self._controller.start()
        self._running = True

    def stop(self) -> None:
        if self._running:
            self._controller.stop()
            self._running = False
        self._socket.close()


def _listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # asyncio turns Nagle's algorithm off only for sockets whose protocol says TCP. With it
    # on, each line of a multi-line reply (EHLO) after the first waits for the client's
    # delayed ACK: 40 ms per connection.
    listening = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind((host, port))
        listening.listen()
    except OSError:
        listening.close()
        raise
    return listening


class _PreboundController(Controller):
    """aiosmtpd's Controller, serving on a socket bound beforehand (it cannot report a port-0 choice)."""

    def __init__(
        self, handler: CaptureHandler, listening_socket: socket.socket, faults: FaultPlan, security: SmtpSecurity
    ) -> None:
        host, port = listening_socket.getsockname()[:2]
        super().__init__(handler, hostname=host, port=port)
        self._listening_socket = listening_socket
        self._faults = faults
        self._security = security

    def factory(self) -> SMTP:
        # Called for each connection, so a size limit changed at run time applies to the next one.
        credentials = self._security.credentials
        return _SinkSmtp(
            self.handler,
            hostname=GREETING_HOSTNAME,
            data_size_limit=self._faults.max_message_size,
            enable_SMTPUTF8=True,
            tls_context=self._security.tls_context,
            require_starttls=self._security.require_starttls,
            # As real relays do: with a certificate, AUTH only once the connection is encrypted.
            auth_require_tls=self._security.tls_context is not None,
            authenticator=Authenticator(credentials) if credentials else None,
            auth_exclude_mechanism=() if credentials else MECHANISMS,
            loop=self.loop,
        )

    def _create_server(self) -> Awaitable[asyncio.AbstractServer]:  # aiosmtpd's designated override point
        return self.loop.create_server(self._factory_invoker, sock=self._listening_socket)
