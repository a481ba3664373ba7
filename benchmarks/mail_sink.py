"""How soon after an email arrives does a waiting `wait_for` return it?

Several SMTP clients (threads, one connection each) send to their own recipient while
one waiter per recipient loops on `wait_for(to=..., since=<last seq>)`. For every
message the latency is the time from its arrival in the store (the monotonic stamp the
store records) to the moment the waiter's `wait_for` returned it. Measured for the
in-process store and for the HTTP long-poll client.

    .venv/bin/python benchmarks/mail_sink.py [--messages 500] [--senders 10]
"""

from __future__ import annotations

import argparse
import smtplib
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from fake_services.mailsink import MailSink, MailSinkClient, Message

WAIT_TIMEOUT = 30.0
SENDER = "bench@example.test"


class Waiter(Protocol):
    def wait_for(self, recipient: str, since: int) -> Message: ...

    def close(self) -> None: ...


class StoreWaiter:
    def __init__(self, sink: MailSink) -> None:
        self._store = sink.store

    def wait_for(self, recipient: str, since: int) -> Message:
        return self._store.wait_for(to=recipient, since=since, timeout=WAIT_TIMEOUT)

    def close(self) -> None:
        pass


class HttpWaiter:
    def __init__(self, sink: MailSink) -> None:
        self._client = MailSinkClient(sink.http_url)

    def wait_for(self, recipient: str, since: int) -> Message:
        return self._client.wait_for(to=recipient, since=since, timeout=WAIT_TIMEOUT)

    def close(self) -> None:
        self._client.close()


@dataclass(frozen=True)
class Result:
    mode: str
    messages: int
    seconds: float
    latencies: list[float]

    def row(self) -> str:
        ordered = sorted(self.latencies)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]
        return (
            f"{self.mode:<16} {self.messages:>8} {self.messages / self.seconds:>10.0f} "
            f"{statistics.median(ordered) * 1000:>8.2f} {p95 * 1000:>8.2f} {ordered[-1] * 1000:>8.2f}"
        )


def run(mode: str, sink: MailSink, new_waiter: Callable[[MailSink], Waiter], messages: int, senders: int) -> Result:
    per_sender = messages // senders
    recipients = [f"{mode.replace(' ', '-')}-{index}@example.test" for index in range(senders)]
    start_seq = sink.store.mark()
    returned_at: dict[str, float] = {}  # message id -> when a wait_for returned it
    lock = threading.Lock()

    def wait_loop(recipient: str) -> None:
        waiter = new_waiter(sink)
        since = start_seq
        try:
            for _ in range(per_sender):
                message = waiter.wait_for(recipient, since)
                now = time.monotonic()
                with lock:
                    returned_at[message.id] = now
                since = message.seq
        finally:
            waiter.close()

    def send_loop(recipient: str) -> None:
        with smtplib.SMTP(sink.smtp_host, sink.smtp_port, local_hostname="bench.test", timeout=30) as smtp:
            for number in range(per_sender):
                body = f"Subject: {recipient} #{number}\r\n\r\nActivate now: https://crm.test/a?n={number}\r\n"
                smtp.sendmail(SENDER, [recipient], body.encode())

    waiting = [threading.Thread(target=wait_loop, args=(recipient,)) for recipient in recipients]
    for thread in waiting:
        thread.start()
    sink.store.wait_for_waiters(senders, timeout=30)  # every waiter is blocked before the first email

    started = time.monotonic()
    sending = [threading.Thread(target=send_loop, args=(recipient,)) for recipient in recipients]
    for thread in sending:
        thread.start()
    for thread in [*sending, *waiting]:
        thread.join()

    captured = sink.store.messages(since=start_seq)
    assert len(captured) == per_sender * senders, f"captured {len(captured)} of {per_sender * senders}"
    assert set(returned_at) == {message.id for message in captured}, "a waiter missed or repeated a message"
    for recipient in recipients:
        subjects = [message.subject for message in sink.store.messages(to=recipient, since=start_seq)]
        assert subjects == [f"{recipient} #{number}" for number in range(per_sender)], f"order for {recipient}"
    arrivals = {message.id: message.received_monotonic or 0.0 for message in captured}
    latencies = [returned_at[message_id] - arrived for message_id, arrived in arrivals.items()]
    return Result(mode, len(captured), max(arrivals.values()) - started, latencies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--senders", type=int, default=10)
    arguments = parser.parse_args()

    results = []
    for mode, new_waiter in (("store.wait_for", StoreWaiter), ("HTTP long-poll", HttpWaiter)):
        with MailSink() as sink:
            results.append(run(mode, sink, new_waiter, arguments.messages, arguments.senders))

    print(f"{arguments.messages} messages from {arguments.senders} SMTP client thread(s), a waiter for each")
    print("latency: from arrival in the store to the waiter's wait_for returning the message")
    print("msg/s: messages stored per second, from the first send to the last arrival")
    print()
    print(f"{'mode':<16} {'messages':>8} {'msg/s':>10} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for result in results:
        print(result.row())


if __name__ == "__main__":
    main()
