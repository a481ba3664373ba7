"""Waiting for an email: wakes on arrival, filters by recipient, subject and `since`, explains timeouts."""

from __future__ import annotations

import asyncio
import gc
import re
import smtplib
import time
from concurrent.futures import ThreadPoolExecutor

import anyio
import pytest

from fake_services.mailsink import MailSink, MailTimeout, MessageStore
from tests.mailsink.helpers import SENDER, InThread, build_email, send_email, send_raw, unique_address


def test_wait_for_returns_a_stored_message_at_once_the_oldest_first(sink: MailSink, address: str) -> None:
    send_email(sink, build_email(address, "First"))
    send_email(sink, build_email(address, "Second"))

    assert sink.store.wait_for(to=address, timeout=0).subject == "First"


def test_wait_for_wakes_when_the_message_arrives(sink: MailSink, address: str) -> None:
    waiting = InThread(lambda: sink.store.wait_for(to=address, subject="Activate", timeout=10))
    sink.store.wait_for_waiters(1)

    send_email(sink, build_email(address, "Activate your account"))

    assert waiting.result().subject == "Activate your account"
    assert sink.store.waiter_count == 0


def test_a_waiter_ignores_mail_for_others_and_keeps_waiting(sink: MailSink, address: str) -> None:
    waiting = InThread(lambda: sink.store.wait_for(to=address, timeout=10))
    sink.store.wait_for_waiters(1)

    send_email(sink, build_email(unique_address("someone-else"), "Not yours"))
    send_email(sink, build_email(address, "Yours"))

    assert waiting.result().subject == "Yours"


def test_recipient_matching_ignores_case(sink: MailSink) -> None:
    recipient = unique_address("Mixed.Case")
    send_email(sink, build_email(recipient, "Case"))

    assert sink.store.wait_for(to=recipient.upper(), timeout=0).subject == "Case"
    assert sink.store.mailbox(f" <{recipient.lower()}> ").messages()[0].subject == "Case"


def test_subject_is_a_case_insensitive_substring_or_a_regex(sink: MailSink, address: str) -> None:
    send_email(sink, build_email(address, "Welcome aboard"))
    send_email(sink, build_email(address, "Reset your password"))

    assert sink.store.wait_for(to=address, subject="RESET", timeout=0).subject == "Reset your password"
    assert sink.store.wait_for(to=address, subject=re.compile(r"^Wel\w+"), timeout=0).subject == "Welcome aboard"
    assert [m.subject for m in sink.store.messages(to=address, subject=re.compile("password$"))] == [
        "Reset your password"
    ]


def test_since_a_mark_waits_for_the_next_email(sink: MailSink, address: str) -> None:
    send_email(sink, build_email(address, "Activate (old)"))
    mark = sink.store.mark()
    waiting = InThread(lambda: sink.store.wait_for(to=address, subject="Activate", since=mark, timeout=10))
    sink.store.wait_for_waiters(1)

    send_email(sink, build_email(address, "Activate (new)"))

    message = waiting.result()
    assert message.subject == "Activate (new)"
    assert message.seq > mark
    assert [m.subject for m in sink.store.messages(to=address, since=mark)] == ["Activate (new)"]


def test_timeout_lists_what_the_recipient_did_receive(sink: MailSink, address: str) -> None:
    send_email(sink, build_email(address, "Welcome"))
    mark = sink.store.mark()
    send_email(sink, build_email(address, "Your invoice"))

    with pytest.raises(MailTimeout) as failure:
        sink.store.wait_for(to=address, subject="Reset", since=mark, timeout=0)

    text = str(failure.value)
    assert f"No email to {address} with a subject containing 'Reset' after #{mark} arrived within 0 s." in text
    assert f"{address} received 2 email(s):" in text
    assert f"'Welcome'  (not after #{mark})" in text
    assert "'Your invoice'" in text
    assert failure.value.received_subjects == ["Welcome", "Your invoice"]
    assert isinstance(failure.value, AssertionError)


def test_timeout_for_a_recipient_without_mail_says_so(sink: MailSink, address: str) -> None:
    with pytest.raises(MailTimeout, match=f"{re.escape(address)} received no email at all"):
        sink.store.wait_for(to=address, timeout=0)


def test_wait_for_waits_out_its_timeout(sink: MailSink, address: str) -> None:
    started = time.monotonic()

    with pytest.raises(MailTimeout, match="within 0.2 s"):
        sink.store.wait_for(to=address, timeout=0.2)

    assert 0.2 <= time.monotonic() - started < 2
    assert sink.store.waiter_count == 0


def test_an_empty_recipient_is_refused_rather_than_matching_nothing(sink: MailSink) -> None:
    with pytest.raises(ValueError, match="'to' must be an address"):
        sink.store.wait_for(to=" <> ", timeout=0)


def test_wait_for_waiters_raises_when_the_count_is_not_reached() -> None:
    with pytest.raises(TimeoutError, match="expected 1 waiting callers, found 0"):
        MessageStore().wait_for_waiters(1, timeout=0)


def test_mailboxes_are_isolated_and_cleared_separately(sink: MailSink) -> None:
    ann, bob = unique_address("ann"), unique_address("bob")
    send_email(sink, build_email(ann, "For Ann"))
    send_email(sink, build_email(bob, "For Bob"))
    send_raw(sink, b"Subject: For both\r\n\r\nhi\r\n", [ann, bob])
    shared = sink.store.wait_for(to=ann, subject="For both", timeout=0)

    assert [m.subject for m in sink.store.mailbox(ann).messages()] == ["For Ann", "For both"]
    assert [m.subject for m in sink.store.mailbox(bob).messages()] == ["For Bob", "For both"]

    assert sink.store.mailbox(ann).clear() == 2
    assert sink.store.mailbox(ann).messages() == []
    assert [m.subject for m in sink.store.mailbox(bob).messages()] == ["For Bob", "For both"]
    assert sink.store.get(shared.id) == shared  # Bob still has it

    sink.store.clear(to=bob)
    assert sink.store.get(shared.id) is None  # gone once every recipient cleared it


def test_mailbox_view_waits_and_marks(sink: MailSink, address: str) -> None:
    mailbox = sink.store.mailbox(address)
    send_email(sink, build_email(address, "Before"))
    mark = mailbox.mark()
    waiting = InThread(lambda: mailbox.wait_for(subject="after", since=mark, timeout=10))
    sink.store.wait_for_waiters(1)

    send_email(sink, build_email(address, "After"))

    assert waiting.result().subject == "After"
    assert [m.subject for m in mailbox.messages(since=mark)] == ["After"]
    assert repr(mailbox) == f"Mailbox({address!r})"


def test_clear_without_recipient_empties_the_store(fresh_sink: MailSink) -> None:
    send_email(fresh_sink, build_email(unique_address(), "One"))
    send_email(fresh_sink, build_email(unique_address(), "Two"))

    assert fresh_sink.store.clear() == 2
    assert fresh_sink.store.messages() == []
    assert fresh_sink.store.mark() == 2  # sequence numbers keep counting


def test_sequence_numbers_start_at_one_and_increase(fresh_sink: MailSink) -> None:
    assert fresh_sink.store.mark() == 0
    for subject in ("a", "b", "c"):
        send_email(fresh_sink, build_email(unique_address(), subject))

    assert [(m.seq, m.subject) for m in fresh_sink.store.messages()] == [(1, "a"), (2, "b"), (3, "c")]


def test_concurrent_senders_lose_nothing(sink: MailSink) -> None:
    recipients = [unique_address(f"thread{index}") for index in range(8)]
    before = sink.store.mark()

    def send_ten(recipient: str) -> None:
        with smtplib.SMTP(sink.smtp_host, sink.smtp_port, timeout=10) as smtp:
            for number in range(10):
                smtp.sendmail(SENDER, [recipient], f"Subject: {number}\r\n\r\nbody {number}\r\n".encode())

    with ThreadPoolExecutor(max_workers=len(recipients)) as pool:
        list(pool.map(send_ten, recipients))

    for recipient in recipients:
        assert [m.subject for m in sink.store.messages(to=recipient)] == [str(n) for n in range(10)]
    sequence_numbers = [m.seq for m in sink.store.messages(since=before)]
    assert sorted(sequence_numbers) == list(range(before + 1, before + 81))


@pytest.mark.anyio
async def test_wait_for_async_wakes_on_arrival_without_blocking_the_loop(sink: MailSink, address: str) -> None:
    def send_once_waiting() -> None:
        sink.store.wait_for_waiters(1)
        send_email(sink, build_email(address, "Async hello"))

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(anyio.to_thread.run_sync, send_once_waiting)
        message = await sink.store.wait_for_async(to=address, timeout=10)

    assert message.subject == "Async hello"
    assert sink.store.waiter_count == 0


@pytest.mark.anyio
async def test_wait_for_async_returns_a_stored_message_and_times_out(sink: MailSink, address: str) -> None:
    send_email(sink, build_email(address, "Already here"))

    assert (await sink.store.wait_for_async(to=address, timeout=0)).subject == "Already here"
    with pytest.raises(MailTimeout, match="'Already here'"):
        await sink.store.wait_for_async(to=address, subject="Other", timeout=0)
    assert sink.store.waiter_count == 0


@pytest.mark.anyio
async def test_cancelled_async_waiter_is_removed(sink: MailSink, address: str) -> None:
    with anyio.CancelScope() as scope:
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(sink.store.wait_for_async, address)
            await anyio.to_thread.run_sync(sink.store.wait_for_waiters, 1)
            scope.cancel()

    await anyio.to_thread.run_sync(sink.store.wait_for_waiters, 0)
    assert sink.store.waiter_count == 0


def test_a_waiter_whose_event_loop_closed_does_not_break_delivery(
    sink: MailSink, address: str, caplog: pytest.LogCaptureFixture
) -> None:
    loop = asyncio.new_event_loop()
    abandoned = loop.create_task(sink.store.wait_for_async(to=address, timeout=10))
    loop.call_soon(loop.stop)
    loop.run_forever()  # one turn: the task registers its waiter and suspends
    assert sink.store.waiter_count == 1
    loop.close()

    send_email(sink, build_email(address, "Nobody listens"))

    assert sink.store.wait_for(to=address, timeout=0).subject == "Nobody listens"
    assert sink.store.waiter_count == 0
    del abandoned
    gc.collect()  # asyncio logs the abandoned task now, while the log is captured, not at exit
    assert "Task was destroyed but it is pending" in caplog.text
