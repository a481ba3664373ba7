"""Deliberate SMTP failures, to test how the sender copes: rejections, dropped connections, a size limit.

A fault fires for the next `count` messages (optionally only those to one recipient):

- at the RCPT stage it answers the RCPT command, for every recipient of that message
  it applies to (so a message to two people is refused for both, and counts once);
- at the DATA stage it answers the end of the message data, and the message is not stored.

`reject` replies with the given code and text; `drop` closes the connection without a reply;
`delay` accepts as usual, but only after `seconds` (a slow relay, as when greylisting).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from fake_services.mailsink.text import normalise_address

DEFAULT_MAX_MESSAGE_SIZE = 32 * 1024 * 1024
MAX_FAULT_COUNT = 10_000
MAX_REPLY_TEXT_LENGTH = 200
MAX_ADDRESS_LENGTH = 320
MAX_MESSAGE_SIZE_LIMIT = 2**31 - 1
MAX_DELAY_SECONDS = 60.0


class FaultStage(StrEnum):
    RCPT = "rcpt"
    DATA = "data"


class FaultAction(StrEnum):
    REJECT = "reject"
    DROP = "drop"
    DELAY = "delay"


@dataclass(frozen=True)
class Fault:
    id: int
    stage: FaultStage
    action: FaultAction
    remaining: int
    recipient: str | None = None
    code: int | None = None
    text: str | None = None
    seconds: float | None = None

    @property
    def reply(self) -> str:
        return f"{self.code} {self.text}"

    def applies_to(self, recipients: Iterable[str]) -> bool:
        if self.recipient is None:
            return True
        wanted = normalise_address(self.recipient)
        return any(normalise_address(address) == wanted for address in recipients)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "stage": self.stage.value,
            "action": self.action.value,
            "remaining": self.remaining,
            "recipient": self.recipient,
            "code": self.code,
            "text": self.text,
            "seconds": self.seconds,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fault:
        return cls(
            id=data["id"],
            stage=FaultStage(data["stage"]),
            action=FaultAction(data["action"]),
            remaining=data["remaining"],
            recipient=data["recipient"],
            code=data["code"],
            text=data["text"],
            seconds=data.get("seconds"),
        )


class FaultPlan:
    """The pending faults and the size limit, shared by the SMTP server and the HTTP API."""

    def __init__(self, max_message_size: int | None = DEFAULT_MAX_MESSAGE_SIZE) -> None:
        self._lock = threading.Lock()
        self._used = threading.Condition(self._lock)
        self._faults: list[Fault] = []
        self._next_id = 1
        self._initial_max_message_size = _checked_size(max_message_size)
        self._max_message_size = self._initial_max_message_size

    def fail_next(
        self,
        stage: FaultStage | str,
        code: int,
        text: str,
        recipient: str | None = None,
        count: int = 1,
    ) -> Fault:
        """Reply `code text` (e.g. 550, "5.1.1 No such user") instead of accepting."""
        if isinstance(code, bool) or not isinstance(code, int) or not 400 <= code <= 599:
            raise ValueError(f"code must be an SMTP error code from 400 to 599, not {code!r}")
        if not isinstance(text, str) or not text or len(text) > MAX_REPLY_TEXT_LENGTH:
            raise ValueError(f"text must be a non-empty string of at most {MAX_REPLY_TEXT_LENGTH} characters")
        if not text.isascii() or not text.isprintable():
            raise ValueError("text must be printable ASCII on one line")
        return self._add(_stage(stage), FaultAction.REJECT, recipient, count, code, text)

    def drop_next(self, stage: FaultStage | str, recipient: str | None = None, count: int = 1) -> Fault:
        """Close the connection without a reply instead of accepting."""
        return self._add(_stage(stage), FaultAction.DROP, recipient, count, None, None)

    def delay_next(
        self, stage: FaultStage | str, seconds: float, recipient: str | None = None, count: int = 1
    ) -> Fault:
        """Accept, but only after `seconds`: the sender waits as it would on a slow relay."""
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 < seconds <= MAX_DELAY_SECONDS:
            raise ValueError(f"seconds must be a number above 0 and at most {MAX_DELAY_SECONDS:.0f}")
        return self._add(_stage(stage), FaultAction.DELAY, recipient, count, None, None, float(seconds))

    def take(self, stage: FaultStage, recipients: Iterable[str]) -> Fault | None:
        """The first pending fault for `stage` that applies to `recipients`, counting one use of it."""
        recipients = list(recipients)
        with self._lock:
            for index, fault in enumerate(self._faults):
                if fault.stage is stage and fault.applies_to(recipients):
                    if fault.remaining == 1:
                        del self._faults[index]
                    else:
                        self._faults[index] = replace(fault, remaining=fault.remaining - 1)
                    self._used.notify_all()
                    return fault
            return None

    def wait_until_all_used(self, timeout: float = 10.0) -> bool:
        """Block until no fault is pending (a sender ran into them all); False if `timeout` passed first."""
        with self._used:
            return self._used.wait_for(lambda: not self._faults, timeout)

    def pending(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def clear(self) -> None:
        """Forget every pending fault and restore the size limit the sink started with."""
        with self._lock:
            self._faults.clear()
            self._max_message_size = self._initial_max_message_size

    @property
    def max_message_size(self) -> int | None:
        """Largest accepted message in bytes (None: no limit), for connections opened after a change."""
        with self._lock:
            return self._max_message_size

    @max_message_size.setter
    def max_message_size(self, size: int | None) -> None:
        checked = _checked_size(size)
        with self._lock:
            self._max_message_size = checked

    def _add(
        self,
        stage: FaultStage,
        action: FaultAction,
        recipient: str | None,
        count: int,
        code: int | None,
        text: str | None,
        seconds: float | None = None,
    ) -> Fault:
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_FAULT_COUNT:
            raise ValueError(f"count must be an integer from 1 to {MAX_FAULT_COUNT}, not {count!r}")
        if recipient is not None and (
            not isinstance(recipient, str) or not recipient.strip() or len(recipient) > MAX_ADDRESS_LENGTH
        ):
            raise ValueError(f"recipient must be an address of at most {MAX_ADDRESS_LENGTH} characters")
        with self._lock:
            fault = Fault(self._next_id, stage, action, count, recipient, code, text, seconds)
            self._next_id += 1
            self._faults.append(fault)
            return fault


def _stage(stage: FaultStage | str) -> FaultStage:
    try:
        return FaultStage(stage)
    except ValueError:
        raise ValueError(f"stage must be 'rcpt' or 'data', not {stage!r}") from None


def _checked_size(size: int | None) -> int | None:
    if size is None:
        return None
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_MESSAGE_SIZE_LIMIT:
        raise ValueError(f"max_message_size must be null or an integer from 1 to {MAX_MESSAGE_SIZE_LIMIT}")
    return size
