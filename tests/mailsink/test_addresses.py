"""Syntactically invalid envelope addresses are refused with 501, as a real relay refuses them."""

from __future__ import annotations

import smtplib

import aiosmtplib
import pytest

from fake_services.mailsink import MailSink
from tests.mailsink.helpers import SENDER, SmtpWire, build_email, unique_address

INVALID = [
    b"<not an address>",
    b"<a@@example.test>",
    b"<@example.test>",
    b"<ann@>",
    b"<a..b@example.test>",
    b"<ann@example.test.>",
    b"<ann@-example.test>",
    b"<ann@localhost>",
]
VALID = [
    b"<ann@example.test>",
    b"<Ann.Example+crm@Example.TEST>",
    b'<"quoted name"@example.test>',
    b"<ann@[127.0.0.1]>",
    "<zoë@example.test>".encode(),
]


def session(sink: MailSink) -> SmtpWire:
    wire = SmtpWire(sink)
    assert wire.command(b"EHLO client.test").startswith(b"250")
    return wire


@pytest.mark.parametrize("address", INVALID)
def test_an_invalid_recipient_is_refused_with_501(sink: MailSink, address: bytes) -> None:
    wire = session(sink)
    try:
        assert wire.command(b"MAIL FROM:<" + SENDER.encode() + b">").startswith(b"250")
        reply = wire.command(b"RCPT TO:" + address)
        assert reply.startswith(b"501 5.1.3 Bad recipient address syntax: "), reply
        assert reply.isascii() and reply.count(b"\r\n") == 1
        assert wire.command(b"RCPT TO:<ann@example.test>").startswith(b"250")  # the session goes on
    finally:
        wire.close()


@pytest.mark.parametrize("address", INVALID)
def test_an_invalid_sender_is_refused_with_501(sink: MailSink, address: bytes) -> None:
    wire = session(sink)
    try:
        reply = wire.command(b"MAIL FROM:" + address)
        assert reply.startswith(b"501 5.1.7 Bad sender address syntax: "), reply
        assert wire.command(b"MAIL FROM:<" + SENDER.encode() + b">").startswith(b"250")
    finally:
        wire.close()


@pytest.mark.parametrize("address", VALID)
def test_a_valid_address_is_accepted(sink: MailSink, address: bytes) -> None:
    wire = session(sink)
    try:
        utf8 = b"" if address.isascii() else b" SMTPUTF8"
        assert wire.command(b"MAIL FROM:" + address + utf8).startswith(b"250")
        assert wire.command(b"RCPT TO:" + address).startswith(b"250")
    finally:
        wire.close()


def test_the_null_sender_is_accepted_but_not_as_a_recipient(sink: MailSink) -> None:
    wire = session(sink)
    try:
        assert wire.command(b"MAIL FROM:<>").startswith(b"250")
        assert wire.command(b"RCPT TO:<>").startswith(b"501")
    finally:
        wire.close()


def test_a_reply_quoting_other_characters_stays_printable_ascii(sink: MailSink) -> None:
    wire = session(sink)
    try:
        assert wire.command(b"MAIL FROM:<> SMTPUTF8").startswith(b"250")
        reply = wire.command("RCPT TO:<ann@exa\u200bmple.test>".encode())
        assert reply.startswith(b"501 5.1.3"), reply
        assert reply[:-2].isascii() and all(32 <= byte < 127 for byte in reply[:-2])
    finally:
        wire.close()


def test_smtplib_sends_to_the_valid_recipients_only(sink: MailSink) -> None:
    good = unique_address()
    with smtplib.SMTP(sink.smtp_host, sink.smtp_port, timeout=10) as smtp:
        refused = smtp.sendmail(SENDER, [good, "bad@@example.test"], bytes(build_email(good, "Partly")))
        with pytest.raises(smtplib.SMTPRecipientsRefused) as all_refused:
            smtp.sendmail(SENDER, ["<not an address>"], b"Subject: nobody\r\n\r\nno")

    assert refused["bad@@example.test"][0] == 501
    assert all_refused.value.recipients["<not an address>"][0] == 501
    assert sink.store.wait_for(to=good, timeout=5).envelope_to == (good,)


@pytest.mark.anyio
async def test_aiosmtplib_sees_501(sink: MailSink) -> None:
    with pytest.raises(aiosmtplib.SMTPRecipientsRefused) as refused:
        await aiosmtplib.send(
            build_email("someone@example.test", "Nobody"),
            sender=SENDER,
            recipients=["not an address"],
            hostname=sink.smtp_host,
            port=sink.smtp_port,
            timeout=10,
        )
    assert [error.code for error in refused.value.recipients] == [501]


def test_an_invalid_recipient_does_not_use_up_a_fault(sink: MailSink) -> None:
    address = unique_address()
    sink.faults.fail_next("rcpt", 550, "5.1.1 No such user")
    wire = session(sink)
    try:
        assert wire.command(b"MAIL FROM:<" + SENDER.encode() + b">").startswith(b"250")
        assert wire.command(b"RCPT TO:<not an address>").startswith(b"501")
        assert len(sink.faults.pending()) == 1
        assert wire.command(b"RCPT TO:<" + address.encode() + b">").startswith(b"550 5.1.1")
    finally:
        wire.close()
    assert sink.faults.pending() == []


def test_an_address_that_is_not_utf8_is_refused_with_501(sink: MailSink) -> None:
    wire = session(sink)
    try:
        assert wire.command(b"MAIL FROM:<> SMTPUTF8").startswith(b"250")
        assert wire.command(b"RCPT TO:<\xff\xfe@example.test>").startswith(b"501 5.1.3")
    finally:
        wire.close()
