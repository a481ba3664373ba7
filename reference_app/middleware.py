"""ASGI middleware: response security headers, a cap on request bodies, and public paths."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from starlette.datastructures import MutableHeaders
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .presentation import Presentation

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    """Headers every response carries; pages may tighten Referrer-Policy or Cache-Control themselves."""

    def __init__(self, app: ASGIApp, https: bool) -> None:
        self.app = app
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Referrer-Policy", "same-origin")
                headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
                if headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("Cache-Control", "no-store")
                elif scope["path"].startswith("/static/"):
                    # Stylesheets and scripts hold nothing private; a browser may keep them for a day.
                    headers.setdefault("Cache-Control", "public, max-age=86400")
                if self.https:
                    headers.setdefault("Strict-Transport-Security", "max-age=31536000")
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodySizeLimitMiddleware:
    """Refuse bodies over `max_bytes` with 413 before anything reads them into memory."""

    def __init__(self, app: ASGIApp, max_bytes: int, translate: Callable[[str], str] = lambda text: text) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.translate = translate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > self.max_bytes:
            await self._too_large(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise RequestTooLarge()
            return message

        try:
            await self.app(scope, counting_receive, send)
        except RequestTooLarge:
            await self._too_large(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = PlainTextResponse(
            self.translate(f"The request is too large: at most {self.max_bytes // 1024} KiB can be sent."),
            status_code=413,
        )
        await response(scope, receive, send)


class RequestTooLarge(Exception):
    pass


NOT_OFFERED_PATH = "/not-offered-here"
# Not pages: the health check, static files and the test-mode control API keep their paths everywhere.
UNMAPPED_PREFIXES = ("/healthz", "/static/", "/_control/")


class PublicPathsMiddleware:
    """Requests arrive on the presentation's public paths and are handled on the internal ones; the
    redirects the app makes leave on public paths again. An internal path asked for directly is not
    found, as it would not be on a deployment that never had it."""

    def __init__(self, app: ASGIApp, presentation: Presentation, base_url: str) -> None:
        self.app = app
        self.presentation = presentation
        self.base_url = base_url

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.presentation.segments or scope["path"].startswith(UNMAPPED_PREFIXES):
            await self.app(scope, receive, send)
            return
        internal = self.presentation.internal_path(scope["path"]) or NOT_OFFERED_PATH
        scope = {**scope, "path": internal, "raw_path": quote(internal).encode("ascii")}

        async def send_on_public_paths(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                location = headers.get("location")
                if location and (location.startswith("/") or location.startswith(self.base_url + "/")):
                    headers["location"] = self.presentation.public_path(location)
            await send(message)

        await self.app(scope, receive, send_on_public_paths)
