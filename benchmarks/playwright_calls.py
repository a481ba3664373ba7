"""Counting what a Python Playwright client does: the calls it sends to the driver (each one a round trip
through the driver to the browser) and the events the driver sends it (a page's requests and responses are
sent only while someone listens for them). For benchmarks/suite.py, on the harness's side and the bare one's.

Each call's time is from sending it to its answer's arrival; each event's, the client's handling of it
(listeners included, up to their first wait). Counting costs microseconds against a round trip's
milliseconds.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from typing import Any

from playwright._impl.connection import Connection

calls: Counter[str] = Counter()
events: Counter[str] = Counter()
call_seconds: defaultdict[str, float] = defaultdict(float)
event_seconds: defaultdict[str, float] = defaultdict(float)
_installed = False


def install() -> None:
    """From now on, every Playwright connection in this process counts its messages."""
    global _installed
    if _installed:
        return
    _installed = True
    send, dispatch = Connection.send_message_to_server, Connection.dispatch

    def counted_send(self: Connection, object: Any, method: str, params: Any, options: dict[str, Any]) -> Any:
        name = f"{object._type}.{method}"
        calls[name] += 1
        started = time.perf_counter()
        future = send(self, object, method, params, options)

        def answered(_: Any) -> None:
            call_seconds[name] += time.perf_counter() - started

        future.add_done_callback(answered)
        return future

    def counted_dispatch(self: Connection, message: dict[str, Any]) -> None:
        if message.get("id"):
            dispatch(self, message)
            return
        name = str(message.get("method"))
        events[name] += 1
        started = time.perf_counter()
        try:
            dispatch(self, message)
        finally:
            event_seconds[name] += time.perf_counter() - started

    Connection.send_message_to_server = counted_send  # type: ignore[method-assign]
    Connection.dispatch = counted_dispatch  # type: ignore[method-assign]


Snapshot = tuple[dict[str, float], dict[str, float], dict[str, float], dict[str, float]]


def snapshot() -> Snapshot:
    return dict(calls), dict(events), dict(call_seconds), dict(event_seconds)


def since(before: Snapshot) -> dict[str, dict[str, float]]:
    """What happened after `before` (a snapshot): counts and seconds by call and by event."""
    names = ("calls", "events", "call_seconds", "event_seconds")
    return {
        name: {key: value - earlier.get(key, 0) for key, value in later.items() if value != earlier.get(key, 0)}
        for name, later, earlier in zip(names, snapshot(), before, strict=True)
    }


def totals() -> tuple[int, int]:
    """Calls and events so far (subtract two of these to count what happened in between)."""
    return sum(calls.values()), sum(events.values())
