"""Run an ASGI app with uvicorn on a background thread, for in-process use.

The listening socket is bound before the thread starts, so the port is known at once
(port 0 picks a free one) and a caller can hand it out before the first request.
`start()` returns only when uvicorn reports that it is serving. Given a certificate and
its key, it serves HTTPS.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from starlette.types import ASGIApp

KEEP_ALIVE_SECONDS = 30


class _SignallingServer(uvicorn.Server):
    """Tells another thread when it is serving, and stops as soon as it is asked to (not at its next tick)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._exit_requested: asyncio.Event | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        self._loop = asyncio.get_running_loop()
        self._exit_requested = asyncio.Event()
        await super().startup(sockets=sockets)
        self.ready.set()

    async def main_loop(self) -> None:
        # uvicorn's own loop ticks every 0.1 s so as to notice `should_exit`; this one ticks once a second
        # (what uvicorn does every tenth tick: the Date header's second) and wakes at once when an exit is
        # requested. A worker of the suite runs some twenty servers, whose ticks cost 2 % of a core.
        assert self._exit_requested is not None
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 10) % 864000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._exit_requested.wait(), 1.0)

    def request_exit(self) -> None:
        self.should_exit = True
        if self._loop is not None and self._exit_requested is not None:
            self._loop.call_soon_threadsafe(self._exit_requested.set)


@dataclass(frozen=True)
class TlsFiles:
    """A server certificate (PEM, the chain if any after it) and its private key (PEM)."""

    certfile: Path
    keyfile: Path


class BackgroundServer:
    """One uvicorn server on a daemon thread, bound to `host:port` (0 for any free port).

    The app may be given later, to `start()`, when it needs to know its own port first
    (an app whose settings hold its public URL).
    """

    def __init__(
        self,
        app: ASGIApp | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        name: str = "server",
        tls: TlsFiles | None = None,
    ) -> None:
        self.app = app
        self.host = host
        self.name = name
        self.tls = tls
        # With the protocol named, accepted connections get TCP_NODELAY from asyncio; without
        # it, Nagle and delayed ACKs hold every second response on a connection for 40 ms.
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((host, port))
        self.port: int = self._socket.getsockname()[1]
        self._server: _SignallingServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    @property
    def scheme(self) -> str:
        return "https" if self.tls else "http"

    def start(self, app: ASGIApp | None = None, timeout: float = 15.0) -> BackgroundServer:
        self.app = app or self.app
        if self.app is None:
            raise ValueError(f"{self.name} has no app to serve")
        config = uvicorn.Config(
            self.app,
            log_level="warning",
            lifespan="auto",
            timeout_graceful_shutdown=2,
            # Longer than clients keep an idle connection (httpx: 5 s), so that the server never closes one
            # just as a client sends on it (seen under load: "Server disconnected without sending a response").
            timeout_keep_alive=KEEP_ALIVE_SECONDS,
            access_log=False,
            ssl_certfile=self.tls.certfile if self.tls else None,
            ssl_keyfile=self.tls.keyfile if self.tls else None,
        )
        self._server = _SignallingServer(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, name=self.name, daemon=True
        )
        self._thread.start()
        if not self._server.ready.wait(timeout):
            self.stop()
            raise RuntimeError(f"{self.name} did not start within {timeout} s")
        return self

    def stop(self, timeout: float = 10.0) -> None:
        if self._server is not None:
            self._server.request_exit()
        if self._thread is not None and self._thread.is_alive():
            self._thread.join(timeout)
        self._socket.close()

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def wait_until_stopped(stop: threading.Event | None = None) -> None:
    """Block the main thread until Ctrl-C (KeyboardInterrupt) or until `stop` is set, in short waits.

    The kernel hands a process's SIGINT to any of its threads; Python then runs the handler in the main
    thread, but only when that thread next runs Python code. A main thread blocked in a wait without a
    timeout never does, so a server's own thread catching the signal left the process running.
    """
    stop = stop or threading.Event()
    while not stop.wait(0.2):
        pass
