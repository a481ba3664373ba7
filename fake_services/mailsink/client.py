"""Python client of the sink's HTTP API, for a test suite running in another process.

`MailSinkClient` is synchronous (httpx); `AsyncMailSinkClient` is its async twin.
Both return the same `Message` objects as the in-process store. `wait_for` uses the
long-poll route, so it returns as soon as the message arrives.
"""

from __future__ import annotations

import re
import ssl
from typing import Any

import httpx

from fake_services.mailsink.faults import Fault, FaultStage
from fake_services.mailsink.filters import SubjectMatcher
from fake_services.mailsink.mailbox import Mailbox
from fake_services.mailsink.message import Message
from fake_services.mailsink.store import MailTimeout

REQUEST_TIMEOUT = 10.0
DEFAULT_WAIT = 10.0
# A long-poll's HTTP read timeout is its wait plus this margin, so the server answers first.
LONG_POLL_MARGIN = 5.0
_INLINE_FLAGS = (
    (re.IGNORECASE, "i"),
    (re.MULTILINE, "m"),
    (re.DOTALL, "s"),
    (re.VERBOSE, "x"),
    (re.ASCII, "a"),
)


class MailSinkApiError(Exception):
    """The sink refused a request (bad input, unknown message id...)."""

    def __init__(self, status_code: int, detail: str) -> None:
        super().__init__(f"mail sink answered {status_code}: {detail}")
        self.status_code = status_code
        self.detail = detail


class MailSinkClient:
    def __init__(
        self,
        http_url: str,
        *,
        request_timeout: float = REQUEST_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
        verify: ssl.SSLContext | bool = True,
        wait_timeout: float = DEFAULT_WAIT,
    ) -> None:
        """`transport` reaches host names the resolver does not know (e.g. a mapping to loopback);
        `verify` is how an `https://` sink's certificate is checked (a context trusting its authority);
        `wait_timeout` is how long `wait_for` waits when not told."""
        self._http = httpx.Client(base_url=http_url, timeout=request_timeout, transport=transport, verify=verify)
        self.wait_timeout = wait_timeout

    def wait_for(
        self,
        to: str | None = None,
        subject: SubjectMatcher | None = None,
        since: int | None = None,
        timeout: float | None = None,
    ) -> Message:
        """The oldest matching message, waiting up to `timeout` s; raises MailTimeout otherwise."""
        timeout = self.wait_timeout if timeout is None else timeout
        params = {**filter_params(to, subject, since), "timeout": timeout}
        response = self._http.get("/api/wait", params=params, timeout=timeout + LONG_POLL_MARGIN)
        return Message.from_json(checked_json(response))

    def messages(
        self, to: str | None = None, subject: SubjectMatcher | None = None, since: int | None = None
    ) -> list[Message]:
        params = {**filter_params(to, subject, since), "full": "true"}
        data = checked_json(self._http.get("/api/messages", params=params))
        return [Message.from_json(item) for item in data["messages"]]

    def message(self, message_id: str) -> Message:
        return Message.from_json(checked_json(self._http.get(f"/api/messages/{message_id}")))

    def raw(self, message_id: str) -> bytes:
        response = self._http.get(f"/api/messages/{message_id}/raw")
        check(response)
        return response.content

    def mark(self) -> int:
        seq: int = checked_json(self._http.get("/api/mark"))["seq"]
        return seq

    def clear(self, to: str | None = None) -> int:
        params = {} if to is None else {"to": to}
        cleared: int = checked_json(self._http.delete("/api/messages", params=params))["cleared"]
        return cleared

    def mailbox(self, address: str) -> Mailbox:
        return Mailbox(self, address)

    def fail_next(
        self, stage: FaultStage | str, code: int, text: str, recipient: str | None = None, count: int = 1
    ) -> Fault:
        body = reject_fault_body(stage, code, text, recipient, count)
        return Fault.from_json(checked_json(self._http.post("/api/faults", json=body)))

    def drop_next(self, stage: FaultStage | str, recipient: str | None = None, count: int = 1) -> Fault:
        body = drop_fault_body(stage, recipient, count)
        return Fault.from_json(checked_json(self._http.post("/api/faults", json=body)))

    def delay_next(
        self, stage: FaultStage | str, seconds: float, recipient: str | None = None, count: int = 1
    ) -> Fault:
        body = delay_fault_body(stage, seconds, recipient, count)
        return Fault.from_json(checked_json(self._http.post("/api/faults", json=body)))

    def faults(self) -> list[Fault]:
        return [Fault.from_json(item) for item in checked_json(self._http.get("/api/faults"))["faults"]]

    def clear_faults(self) -> None:
        """Forget pending faults and restore the size limit the sink started with."""
        check(self._http.delete("/api/faults"))

    def set_max_message_size(self, size: int | None) -> None:
        """Largest accepted message in bytes (None: no limit), for connections opened from now on."""
        check(self._http.put("/api/faults/max-message-size", json={"max_message_size": size}))

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> MailSinkClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncMailSinkClient:
    """`MailSinkClient` for coroutines (all but `mailbox`)."""

    def __init__(
        self, http_url: str, *, request_timeout: float = REQUEST_TIMEOUT, verify: ssl.SSLContext | bool = True
    ) -> None:
        self._http = httpx.AsyncClient(base_url=http_url, timeout=request_timeout, verify=verify)

    async def wait_for(
        self,
        to: str | None = None,
        subject: SubjectMatcher | None = None,
        since: int | None = None,
        timeout: float = 10.0,
    ) -> Message:
        params = {**filter_params(to, subject, since), "timeout": timeout}
        response = await self._http.get("/api/wait", params=params, timeout=timeout + LONG_POLL_MARGIN)
        return Message.from_json(checked_json(response))

    async def messages(
        self, to: str | None = None, subject: SubjectMatcher | None = None, since: int | None = None
    ) -> list[Message]:
        params = {**filter_params(to, subject, since), "full": "true"}
        data = checked_json(await self._http.get("/api/messages", params=params))
        return [Message.from_json(item) for item in data["messages"]]

    async def message(self, message_id: str) -> Message:
        return Message.from_json(checked_json(await self._http.get(f"/api/messages/{message_id}")))

    async def raw(self, message_id: str) -> bytes:
        response = await self._http.get(f"/api/messages/{message_id}/raw")
        check(response)
        return response.content

    async def mark(self) -> int:
        seq: int = checked_json(await self._http.get("/api/mark"))["seq"]
        return seq

    async def clear(self, to: str | None = None) -> int:
        params = {} if to is None else {"to": to}
        cleared: int = checked_json(await self._http.delete("/api/messages", params=params))["cleared"]
        return cleared

    async def fail_next(
        self, stage: FaultStage | str, code: int, text: str, recipient: str | None = None, count: int = 1
    ) -> Fault:
        body = reject_fault_body(stage, code, text, recipient, count)
        return Fault.from_json(checked_json(await self._http.post("/api/faults", json=body)))

    async def drop_next(self, stage: FaultStage | str, recipient: str | None = None, count: int = 1) -> Fault:
        body = drop_fault_body(stage, recipient, count)
        return Fault.from_json(checked_json(await self._http.post("/api/faults", json=body)))

    async def delay_next(
        self, stage: FaultStage | str, seconds: float, recipient: str | None = None, count: int = 1
    ) -> Fault:
        body = delay_fault_body(stage, seconds, recipient, count)
        return Fault.from_json(checked_json(await self._http.post("/api/faults", json=body)))

    async def faults(self) -> list[Fault]:
        return [Fault.from_json(item) for item in checked_json(await self._http.get("/api/faults"))["faults"]]

    async def clear_faults(self) -> None:
        check(await self._http.delete("/api/faults"))

    async def set_max_message_size(self, size: int | None) -> None:
        check(await self._http.put("/api/faults/max-message-size", json={"max_message_size": size}))

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncMailSinkClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


def filter_params(to: str | None, subject: SubjectMatcher | None, since: int | None) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if to is not None:
        params["to"] = to
    if isinstance(subject, re.Pattern):
        params["subject_re"] = _with_inline_flags(subject)
    elif subject is not None:
        params["subject"] = subject
    if since is not None:
        params["since"] = since
    return params


def reject_fault_body(
    stage: FaultStage | str, code: int, text: str, recipient: str | None, count: int
) -> dict[str, Any]:
    return {
        "stage": str(stage),
        "action": "reject",
        "code": code,
        "text": text,
        "recipient": recipient,
        "count": count,
    }


def drop_fault_body(stage: FaultStage | str, recipient: str | None, count: int) -> dict[str, Any]:
    return {"stage": str(stage), "action": "drop", "recipient": recipient, "count": count}


def delay_fault_body(stage: FaultStage | str, seconds: float, recipient: str | None, count: int) -> dict[str, Any]:
    return {"stage": str(stage), "action": "delay", "seconds": seconds, "recipient": recipient, "count": count}


def check(response: httpx.Response) -> None:
    """Raise MailTimeout for a long-poll that timed out, MailSinkApiError for any other refusal."""
    if response.is_success:
        return
    try:
        data = response.json()
        detail = str(data["detail"])
    except (ValueError, KeyError, TypeError):
        raise MailSinkApiError(response.status_code, response.text) from None
    if response.status_code == 408:
        raise MailTimeout(detail, data.get("received", []))
    raise MailSinkApiError(response.status_code, detail)


def checked_json(response: httpx.Response) -> Any:
    check(response)
    return response.json()


def _with_inline_flags(pattern: re.Pattern[str]) -> str:
    """The pattern's source with its flags written inline, so the server compiles the same regex."""
    letters = "".join(letter for flag, letter in _INLINE_FLAGS if pattern.flags & flag)
    return f"(?{letters}){pattern.pattern}" if letters else pattern.pattern
