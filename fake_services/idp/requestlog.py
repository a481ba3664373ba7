"""A log of the protocol requests the provider received, for tests to assert on.

Pure ASGI middleware: it copies the body as the endpoint reads it (so nothing is read twice),
and records the request once the response has been sent, when the router has told it which
endpoint ran. Secrets are redacted; the control API is not logged.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, unquote_plus

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REDACTED = "[redacted]"
SECRET_PARAMETERS = frozenset({"client_secret", "password"})
MAX_ENTRIES = 2000


@dataclass(frozen=True)
class LoggedRequest:
    time: str
    method: str
    # The Host header as sent: under real names it tells which of the provider's hosts was asked.
    host: str
    path: str
    endpoint: str | None
    query: dict[str, str]
    form: dict[str, str]
    client_id: str | None
    client_auth: str | None
    status: int

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


class RequestLog:
    def __init__(self) -> None:
        self._entries: list[LoggedRequest] = []

    def add(self, entry: LoggedRequest) -> None:
        if len(self._entries) >= MAX_ENTRIES:
            del self._entries[0]
        self._entries.append(entry)

    def entries(self) -> list[LoggedRequest]:
        return list(self._entries)

    def clear(self) -> None:
        self._entries.clear()


class RequestLogMiddleware:
    def __init__(self, app: ASGIApp, log: RequestLog, unlogged_prefix: str = "/_control") -> None:
        self.app = app
        self.log = log
        self.unlogged_prefix = unlogged_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(self.unlogged_prefix):
            await self.app(scope, receive, send)
            return
        body = bytearray()
        status = 500

        async def receive_and_copy() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                body.extend(message.get("body", b""))
            return message

        async def send_and_note_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive_and_copy, send_and_note_status)
        finally:
            self.log.add(_entry(scope, bytes(body), status))


def _entry(scope: Scope, body: bytes, status: int) -> LoggedRequest:
    headers = Headers(scope=scope)
    query = _redacted(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
    is_form = headers.get("content-type", "").startswith("application/x-www-form-urlencoded")
    form = _redacted(parse_qsl(body.decode("utf-8", "replace"))) if is_form else {}
    basic_client_id = _basic_auth_client_id(headers.get("authorization", ""))
    route = scope.get("route")
    return LoggedRequest(
        time=datetime.now(UTC).isoformat(timespec="milliseconds"),
        method=scope["method"],
        host=headers.get("host", ""),
        path=scope["path"],
        endpoint=getattr(route, "name", None),
        query=query,
        form=form,
        client_id=basic_client_id or form.get("client_id") or query.get("client_id"),
        client_auth=_client_auth(basic_client_id, form),
        status=status,
    )


def _redacted(pairs: list[tuple[str, str]]) -> dict[str, str]:
    values: dict[str, str] = {}
    for name, value in pairs:
        values.setdefault(name, REDACTED if name in SECRET_PARAMETERS else value)
    return values


def _client_auth(basic_client_id: str | None, form: dict[str, str]) -> str | None:
    if basic_client_id:
        return "client_secret_basic"
    return "client_secret_post" if "client_secret" in form else None


def _basic_auth_client_id(authorization: str) -> str | None:
    scheme, _, credentials = authorization.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, separator, _ = decoded.partition(":")
    return unquote_plus(client_id) if separator else None
