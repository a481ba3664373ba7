"""The thread-safe store of captured messages, and waiting for one to arrive.

Waiting never polls: a blocked `wait_for` sleeps on a condition variable and an
`await wait_for_async(...)` on a future, and `deliver` wakes exactly the waiters whose
filter the new message meets.

Each recipient has a mailbox; `clear(to=...)` empties only that mailbox, so scenarios
running in parallel never remove each other's mail. A message leaves the store once
every one of its recipients' mailboxes has been cleared.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
import uuid
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice

from fake_services.mailsink.filters import MessageFilter, SubjectMatcher
from fake_services.mailsink.mailbox import Mailbox
from fake_services.mailsink.message import Message
from fake_services.mailsink.parsing import parse_mail
from fake_services.mailsink.text import normalise_address, repair_surrogates

_LISTED_IN_TIMEOUT = 20


class MailTimeout(AssertionError):
    """No matching email arrived in time; the text lists what the recipient did receive."""

    def __init__(self, message: str, received_subjects: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.received_subjects = list(received_subjects)


@dataclass(frozen=True)
class _AsyncWaiter:
    criteria: MessageFilter
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Message]


class MessageStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._waiters_changed = threading.Condition(self._lock)
        self._messages: list[Message] = []  # in order of arrival
        self._by_id: dict[str, Message] = {}
        self._mailboxes: dict[str, list[Message]] = {}  # normalised recipient -> its messages, in order
        self._last_seq = 0
        self._blocked_threads = 0
        self._async_waiters: list[_AsyncWaiter] = []

    def deliver(self, envelope_from: str, envelope_to: Iterable[str], raw: bytes) -> Message:
        """Store one message received over SMTP and wake whoever waits for it."""
        parsed = parse_mail(raw)  # outside the lock: parsing a large email takes a while
        recipients = tuple(repair_surrogates(address) for address in envelope_to)
        with self._lock:
            self._last_seq += 1
            message = Message(
                id=uuid.uuid4().hex,
                seq=self._last_seq,
                received_at=datetime.now(UTC),
                envelope_from=repair_surrogates(envelope_from),
                envelope_to=recipients,
                headers=parsed.headers,
                subject=parsed.subject,
                header_from=parsed.header_from,
                header_to=parsed.header_to,
                text=parsed.text,
                html=parsed.html,
                raw=raw,
                received_monotonic=time.monotonic(),
            )
            self._messages.append(message)
            self._by_id[message.id] = message
            mailbox_keys = _mailbox_keys(message)
            for key in mailbox_keys:
                self._mailboxes.setdefault(key, []).append(message)
            self._arrived.notify_all()
            self._wake_async_waiters(message, mailbox_keys)
        return message

    def get(self, message_id: str) -> Message | None:
        with self._lock:
            return self._by_id.get(message_id)

    def messages(
        self, to: str | None = None, subject: SubjectMatcher | None = None, since: int | None = None
    ) -> list[Message]:
        criteria = MessageFilter(to, subject, since)
        with self._lock:
            return [message for message in self._candidates(criteria) if criteria.admits(message)]

    def mark(self) -> int:
        """The latest sequence number: pass it as `since` to wait for the next email from now on."""
        with self._lock:
            return self._last_seq

    def mailbox(self, address: str) -> Mailbox:
        return Mailbox(self, address)

    def clear(self, to: str | None = None) -> int:
        """Empty one recipient's mailbox, or the whole store; returns how many messages it held."""
        with self._lock:
            if to is None:
                cleared = len(self._messages)
                self._messages.clear()
                self._by_id.clear()
                self._mailboxes.clear()
                return cleared
            emptied = self._mailboxes.pop(normalise_address(to), [])
            still_held = {message.id for mailbox in self._mailboxes.values() for message in mailbox}
            for message in emptied:
                if message.id not in still_held:
                    del self._by_id[message.id]
            self._messages = [message for message in self._messages if message.id in self._by_id]
            return len(emptied)

    def wait_for(
        self,
        to: str | None = None,
        subject: SubjectMatcher | None = None,
        since: int | None = None,
        timeout: float = 10.0,
    ) -> Message:
        """The oldest matching message, waiting up to `timeout` seconds for one to arrive.

        Raises MailTimeout (an AssertionError) listing what the recipient did receive.
        """
        criteria = MessageFilter(to, subject, since)
        deadline = time.monotonic() + timeout
        with self._lock:
            found = self._first_match(criteria)
            if found is not None:
                return found
            self._blocked_threads += 1
            self._waiters_changed.notify_all()
            try:
                while found is None:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise self._timeout_error(criteria, timeout)
                    self._arrived.wait(remaining)
                    found = self._first_match(criteria)
                return found
            finally:
                self._blocked_threads -= 1
                self._waiters_changed.notify_all()

    async def wait_for_async(
        self,
        to: str | None = None,
        subject: SubjectMatcher | None = None,
        since: int | None = None,
        timeout: float = 10.0,
    ) -> Message:
        """`wait_for` for coroutines: awaits without blocking the event loop (any asyncio loop)."""
        criteria = MessageFilter(to, subject, since)
        loop = asyncio.get_running_loop()
        with self._lock:
            found = self._first_match(criteria)
            if found is not None:
                return found
            waiter = _AsyncWaiter(criteria, loop, loop.create_future())
            self._async_waiters.append(waiter)
            self._waiters_changed.notify_all()
        try:
            async with asyncio.timeout(timeout):
                return await waiter.future
        except TimeoutError:
            with self._lock:
                raise self._timeout_error(criteria, timeout) from None
        finally:
            with self._lock:
                if waiter in self._async_waiters:
                    self._async_waiters.remove(waiter)
                    self._waiters_changed.notify_all()

    @property
    def waiter_count(self) -> int:
        """How many `wait_for` / `wait_for_async` calls are blocked waiting for a message."""
        with self._lock:
            return self._waiter_count()

    def wait_for_waiters(self, count: int, timeout: float = 5.0) -> None:
        """Block until exactly `count` callers wait, so that a test can send once its waiter is in place."""
        with self._lock:
            if not self._waiters_changed.wait_for(lambda: self._waiter_count() == count, timeout):
                raise TimeoutError(f"expected {count} waiting callers, found {self._waiter_count()}")

    # The methods below expect the lock to be held.

    def _waiter_count(self) -> int:
        return self._blocked_threads + len(self._async_waiters)

    def _candidates(self, criteria: MessageFilter) -> list[Message]:
        key = criteria.mailbox_key
        return self._messages if key is None else self._mailboxes.get(key, [])

    def _first_match(self, criteria: MessageFilter) -> Message | None:
        candidates = self._candidates(criteria)
        start = 0 if criteria.since is None else bisect_right(candidates, criteria.since, key=_seq)
        return next((message for message in islice(candidates, start, None) if criteria.admits(message)), None)

    def _wake_async_waiters(self, message: Message, mailbox_keys: Sequence[str]) -> None:
        for waiter in list(self._async_waiters):
            key = waiter.criteria.mailbox_key
            if (key is None or key in mailbox_keys) and waiter.criteria.admits(message):
                self._async_waiters.remove(waiter)
                self._waiters_changed.notify_all()
                # RuntimeError: that event loop has been closed, so nobody is left to wake.
                with contextlib.suppress(RuntimeError):
                    waiter.loop.call_soon_threadsafe(_resolve, waiter.future, message)

    def _timeout_error(self, criteria: MessageFilter, timeout: float) -> MailTimeout:
        received = self._candidates(criteria)
        owner = criteria.to if criteria.to is not None else "The sink"
        lines = [f"No {criteria.describe()} arrived within {timeout:g} s."]
        if not received:
            lines.append(f"{owner} received no email at all.")
        else:
            lines.append(f"{owner} received {len(received)} email(s):")
            if len(received) > _LISTED_IN_TIMEOUT:
                lines.append(f"  ... {len(received) - _LISTED_IN_TIMEOUT} earlier ones not listed")
            for message in received[-_LISTED_IN_TIMEOUT:]:
                not_counted = criteria.since is not None and message.seq <= criteria.since
                note = f"  (not after #{criteria.since})" if not_counted else ""
                lines.append(f"  #{message.seq} {message.received_at:%H:%M:%S} {message.subject!r}{note}")
        return MailTimeout("\n".join(lines), [message.subject for message in received])


def _mailbox_keys(message: Message) -> tuple[str, ...]:
    return tuple(dict.fromkeys(normalise_address(address) for address in message.envelope_to))


def _seq(message: Message) -> int:
    return message.seq


def _resolve(future: asyncio.Future[Message], message: Message) -> None:
    if not future.done():  # it may have timed out or been cancelled meanwhile
        future.set_result(message)
