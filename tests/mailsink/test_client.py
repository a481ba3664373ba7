"""MailSinkClient and its async twin against the running sink's HTTP API."""

from __future__ import annotations

import re
import smtplib

import anyio
import pytest

from fake_services.mailsink import (
    AsyncMailSinkClient,
    MailSink,
    MailSinkApiError,
    MailSinkClient,
    MailTimeout,
)
from tests.mailsink.helpers import InThread, build_email, send_email, unique_address


def test_wait_for_wakes_on_arrival_and_returns_the_same_message_as_the_store(
    sink: MailSink, client: MailSinkClient, address: str
) -> None:
    waiting = InThread(lambda: client.wait_for(to=address, subject="activate", timeout=10))
    sink.store.wait_for_waiters(1)

    send_email(
        sink,
        build_email(
            address,
            "Activate your account",
            text="Activate now: https://crm.test/a?t=9",
            html='<a href="https://crm.test/a?t=9">Activate now</a>',
        ),
    )

    message = waiting.result()
    assert message == sink.store.get(message.id)
    assert message.link("Activate now") == "https://crm.test/a?t=9"
    assert message.received_monotonic is None  # only meaningful inside the sink's process


def test_wait_for_with_a_compiled_regex_keeps_its_flags(sink: MailSink, client: MailSinkClient, address: str) -> None:
    send_email(sink, build_email(address, "Password RESET requested"))

    message = client.wait_for(to=address, subject=re.compile(r"password reset", re.IGNORECASE), timeout=0)

    assert message.subject == "Password RESET requested"
    with pytest.raises(MailTimeout):
        client.wait_for(to=address, subject=re.compile(r"password reset"), timeout=0)


def test_wait_for_timeout_raises_mail_timeout_listing_received_subjects(
    sink: MailSink, client: MailSinkClient, address: str
) -> None:
    send_email(sink, build_email(address, "Welcome"))

    with pytest.raises(MailTimeout) as failure:
        client.wait_for(to=address, subject="Reset", timeout=0)

    assert failure.value.received_subjects == ["Welcome"]
    assert f"{address} received 1 email(s):" in str(failure.value)


def test_messages_mark_since_and_clear(sink: MailSink, client: MailSinkClient, address: str) -> None:
    send_email(sink, build_email(address, "One"))
    mark = client.mark()
    send_email(sink, build_email(address, "Two"))

    assert mark == sink.store.mark() - 1
    assert [m.subject for m in client.messages(to=address)] == ["One", "Two"]
    assert [m.subject for m in client.messages(to=address, since=mark)] == ["Two"]
    assert [m.subject for m in client.messages(to=address, subject="one")] == ["One"]
    assert client.clear(to=address) == 2
    assert client.messages(to=address) == []


def test_message_and_raw_by_id(sink: MailSink, client: MailSinkClient, address: str) -> None:
    send_email(sink, build_email(address, "By id"))
    stored = sink.store.wait_for(to=address, timeout=0)

    assert client.message(stored.id) == stored
    assert client.raw(stored.id) == stored.raw


def test_mailbox_view(sink: MailSink, client: MailSinkClient, address: str) -> None:
    mailbox = client.mailbox(address)
    send_email(sink, build_email(address, "Earlier"))
    mark = mailbox.mark()
    waiting = InThread(lambda: mailbox.wait_for(since=mark, timeout=10))
    sink.store.wait_for_waiters(1)

    send_email(sink, build_email(address, "Later"))

    assert waiting.result().subject == "Later"
    assert [m.subject for m in mailbox.messages()] == ["Earlier", "Later"]
    assert mailbox.clear() == 2


def test_refusals_raise_mail_sink_api_error(client: MailSinkClient) -> None:
    with pytest.raises(MailSinkApiError) as unknown:
        client.message("no-such-id")
    assert unknown.value.status_code == 404
    assert unknown.value.detail == "no message with id 'no-such-id'"

    with pytest.raises(MailSinkApiError, match="'timeout' must be from 0 to 300 seconds"):
        client.wait_for(to="a@example.test", timeout=301)
    with pytest.raises(MailSinkApiError, match="code must be an SMTP error code"):
        client.fail_next("rcpt", 250, "OK")


def test_fault_control(sink: MailSink, client: MailSinkClient, address: str) -> None:
    other = unique_address("other")
    rejected = client.fail_next("rcpt", 550, "5.1.1 No such user", recipient=address)
    dropped = client.drop_next("data", recipient=other, count=2)

    assert client.faults() == [rejected, dropped]
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send_email(sink, build_email(address))
    with pytest.raises(smtplib.SMTPServerDisconnected):
        send_email(sink, build_email(other))
    assert [fault.remaining for fault in client.faults()] == [1]

    client.clear_faults()
    assert client.faults() == []


def test_size_limit_control(sink: MailSink, client: MailSinkClient) -> None:
    client.set_max_message_size(2048)

    with smtplib.SMTP(sink.smtp_host, sink.smtp_port, timeout=10) as smtp:
        smtp.ehlo()
        assert smtp.esmtp_features["size"] == "2048"
    client.clear_faults()
    assert sink.faults.max_message_size == 32 * 1024 * 1024


@pytest.mark.anyio
async def test_async_client(sink: MailSink, address: str) -> None:
    def send_once_waiting() -> None:
        sink.store.wait_for_waiters(1)
        send_email(sink, build_email(address, "Async"))

    async with AsyncMailSinkClient(sink.http_url) as client:
        mark = await client.mark()
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(anyio.to_thread.run_sync, send_once_waiting)
            message = await client.wait_for(to=address, since=mark, timeout=10)
        assert message == sink.store.get(message.id)
        assert await client.message(message.id) == message
        assert await client.raw(message.id) == message.raw
        assert [m.subject for m in await client.messages(to=address)] == ["Async"]

        fault = await client.fail_next("data", 451, "4.3.0 Busy", recipient=address)
        dropped = await client.drop_next("rcpt", recipient=address)
        assert await client.faults() == [fault, dropped]
        await client.set_max_message_size(4096)
        assert sink.faults.max_message_size == 4096
        await client.clear_faults()
        assert sink.faults.pending() == []
        assert sink.faults.max_message_size == 32 * 1024 * 1024

        assert await client.clear(to=address) == 1
        with pytest.raises(MailTimeout):
            await client.wait_for(to=address, timeout=0)
