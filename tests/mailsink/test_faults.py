"""Faults on demand, as the sender sees them through smtplib, and malformed SMTP traffic."""

from __future__ import annotations

import smtplib

import pytest

from fake_services.mailsink import FaultAction, FaultStage, MailSink
from tests.mailsink.helpers import SENDER, SmtpWire, build_email, send_email, send_raw, unique_address

MESSAGE = b"Subject: fault test\r\n\r\nbody\r\n"


@pytest.mark.parametrize(("code", "text"), [(550, "5.1.1 No such user"), (451, "4.3.0 Try again later")])
def test_reject_at_rcpt(sink: MailSink, address: str, code: int, text: str) -> None:
    sink.faults.fail_next("rcpt", code, text)

    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        send_raw(sink, MESSAGE, address)

    assert refused.value.recipients == {address: (code, text.encode())}
    assert sink.store.messages(to=address) == []
    send_raw(sink, MESSAGE, address)  # the fault was for the next message only
    assert len(sink.store.messages(to=address)) == 1


def test_reject_at_rcpt_only_for_the_given_recipient(sink: MailSink) -> None:
    ann, bob = unique_address("ann"), unique_address("bob")
    sink.faults.fail_next(FaultStage.RCPT, 550, "5.1.1 No such user", recipient=bob.upper())

    refused = send_raw(sink, MESSAGE, [ann, bob])

    assert refused == {bob: (550, b"5.1.1 No such user")}
    assert sink.store.wait_for(to=ann, timeout=0).envelope_to == (ann,)
    assert sink.store.messages(to=bob) == []


def test_rcpt_fault_refuses_every_recipient_of_the_message_and_counts_once(sink: MailSink) -> None:
    ann, bob = unique_address("ann"), unique_address("bob")
    sink.faults.fail_next("rcpt", 550, "5.7.1 Relaying denied")

    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send_raw(sink, MESSAGE, [ann, bob])

    assert sink.faults.pending() == []
    send_raw(sink, MESSAGE, [ann, bob])
    assert sink.store.wait_for(to=bob, timeout=0).envelope_to == (ann, bob)


def test_a_fault_lasts_for_count_messages(sink: MailSink, address: str) -> None:
    fault = sink.faults.fail_next("rcpt", 452, "4.2.2 Mailbox full", recipient=address, count=2)
    assert (fault.stage, fault.action, fault.remaining) == (FaultStage.RCPT, FaultAction.REJECT, 2)

    for _ in range(2):
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            send_raw(sink, MESSAGE, address)
    assert [f.remaining for f in sink.faults.pending()] == []
    send_raw(sink, MESSAGE, address)

    assert len(sink.store.messages(to=address)) == 1


def test_drop_at_rcpt_closes_the_connection_without_a_reply(sink: MailSink, address: str) -> None:
    sink.faults.drop_next("rcpt", recipient=address)

    with pytest.raises(smtplib.SMTPServerDisconnected):
        send_raw(sink, MESSAGE, address)

    assert sink.store.messages(to=address) == []
    send_raw(sink, MESSAGE, address)
    assert len(sink.store.messages(to=address)) == 1


@pytest.mark.parametrize(("code", "text"), [(554, "5.7.1 Message rejected as spam"), (451, "4.3.0 Queue full")])
def test_reject_at_data(sink: MailSink, address: str, code: int, text: str) -> None:
    sink.faults.fail_next("data", code, text, recipient=address)

    with pytest.raises(smtplib.SMTPDataError) as rejected:
        send_raw(sink, MESSAGE, address)

    assert (rejected.value.smtp_code, rejected.value.smtp_error) == (code, text.encode())
    assert sink.store.messages(to=address) == []


def test_drop_at_data_loses_the_message(sink: MailSink, address: str) -> None:
    sink.faults.drop_next("data")

    with pytest.raises(smtplib.SMTPServerDisconnected):
        send_raw(sink, MESSAGE, address)

    assert sink.store.messages(to=address) == []
    assert sink.faults.pending() == []


def test_a_data_fault_for_one_recipient_lets_other_mail_through(sink: MailSink, address: str) -> None:
    other = unique_address("other")
    sink.faults.fail_next("data", 550, "5.1.1 No such user", recipient=address)

    send_raw(sink, MESSAGE, other)
    with pytest.raises(smtplib.SMTPDataError):
        send_raw(sink, MESSAGE, [other, address])

    assert len(sink.store.messages(to=other)) == 1


def test_size_limit_is_advertised_and_enforced(sink: MailSink, address: str) -> None:
    sink.faults.max_message_size = 1000
    fits = b"Subject: fits\r\n\r\n" + (b"x" * 70 + b"\r\n") * 5
    too_big = b"Subject: too big\r\n\r\n" + (b"x" * 70 + b"\r\n") * 20

    with smtplib.SMTP(sink.smtp_host, sink.smtp_port, timeout=10) as smtp:
        smtp.ehlo()
        assert smtp.esmtp_features["size"] == "1000"
        with pytest.raises(smtplib.SMTPSenderRefused) as refused:  # smtplib declares SIZE=...
            smtp.sendmail(SENDER, [address], too_big)
        assert refused.value.smtp_code == 552

        smtp.rset()
        smtp.mail(SENDER)  # no SIZE declared: the limit bites at the end of DATA
        smtp.rcpt(address)
        assert smtp.data(too_big)[0] == 552

        smtp.sendmail(SENDER, [address], fits)

    assert [m.subject for m in sink.store.messages(to=address)] == ["fits"]


def test_no_size_limit(sink: MailSink, address: str) -> None:
    sink.faults.max_message_size = None

    with smtplib.SMTP(sink.smtp_host, sink.smtp_port, timeout=10) as smtp:
        smtp.ehlo()
        assert "size" not in smtp.esmtp_features
        smtp.sendmail(SENDER, [address], MESSAGE)

    assert len(sink.store.messages(to=address)) == 1


def test_lines_longer_than_rfc_5321_allows_are_refused(sink: MailSink, address: str) -> None:
    raw = b"Subject: long line\r\n\r\n" + b"x" * 1001 + b"\r\n"

    with pytest.raises(smtplib.SMTPDataError) as refused:
        send_raw(sink, raw, address)

    assert refused.value.smtp_code == 500
    assert sink.store.messages(to=address) == []


def test_clearing_faults_restores_normal_service(sink: MailSink, address: str) -> None:
    sink.faults.fail_next("rcpt", 550, "5.1.1 No such user")
    sink.faults.drop_next("data")
    sink.faults.max_message_size = 10

    sink.faults.clear()

    assert sink.faults.pending() == []
    send_raw(sink, MESSAGE, address)
    assert len(sink.store.messages(to=address)) == 1


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        ({"stage": "helo", "code": 550, "text": "x"}, "stage must be 'rcpt' or 'data'"),
        ({"stage": "rcpt", "code": 250, "text": "x"}, "code must be an SMTP error code"),
        ({"stage": "rcpt", "code": True, "text": "x"}, "code must be an SMTP error code"),
        ({"stage": "rcpt", "code": 550, "text": ""}, "text must be a non-empty string"),
        ({"stage": "rcpt", "code": 550, "text": "two\r\nlines"}, "printable ASCII on one line"),
        ({"stage": "rcpt", "code": 550, "text": "x", "count": 0}, "count must be an integer"),
        ({"stage": "rcpt", "code": 550, "text": "x", "recipient": " "}, "recipient must be an address"),
    ],
)
def test_invalid_faults_are_refused(sink: MailSink, arguments: dict[str, object], problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        sink.faults.fail_next(**arguments)  # type: ignore[arg-type]
    assert sink.faults.pending() == []


@pytest.mark.parametrize("size", [0, -1, True, 2**40])
def test_invalid_size_limits_are_refused(sink: MailSink, size: int) -> None:
    with pytest.raises(ValueError, match="max_message_size must be"):
        sink.faults.max_message_size = size


def test_garbage_commands_get_errors_and_the_same_connection_then_delivers(sink: MailSink, address: str) -> None:
    wire = SmtpWire(sink)
    try:
        assert wire.greeting.startswith(b"220 ")
        assert wire.command(b"\x00\xff\xfe garbage").startswith(b"500 ")
        assert wire.command(b"MAIL FROM:<early@example.test>").startswith(b"503 ")  # before HELO
        assert wire.command(b"HELO").startswith(b"501 ")
        assert wire.command(b"EHLO client.test").startswith(b"250-")
        assert wire.command(b"X" * 5000).startswith(b"500 ")
        assert wire.command(b"RCPT TO:<nobody@example.test>").startswith(b"503 ")  # before MAIL
        assert wire.command(b"MAIL TO:<wrong@example.test>").startswith(b"501 ")
        assert wire.command(b"DATA").startswith(b"503 ")
        assert wire.command(b"").startswith(b"500 ")

        assert wire.command(f"MAIL FROM:<{SENDER}>".encode()).startswith(b"250 ")
        assert wire.command(f"RCPT TO:<{address}>".encode()).startswith(b"250 ")
        assert wire.command(b"DATA").startswith(b"354 ")
        assert wire.command(b"Subject: after garbage\r\n\r\n..dot-stuffed line\r\n.").startswith(b"250 ")
        assert wire.command(b"QUIT").startswith(b"221 ")
    finally:
        wire.close()

    message = sink.store.wait_for(to=address, timeout=0)
    assert message.subject == "after garbage"
    assert message.text == ".dot-stuffed line\n"


def test_too_many_unknown_commands_close_that_connection_only(sink: MailSink, address: str) -> None:
    wire = SmtpWire(sink)
    try:
        replies = [wire.command(f"BOGUS{number}".encode()) for number in range(5)]
    finally:
        wire.close()

    assert replies[-1].startswith(b"502 ")
    send_email(sink, build_email(address, "still serving"))
    assert sink.store.wait_for(to=address, timeout=0).subject == "still serving"


def test_client_vanishing_mid_data_loses_only_that_message(sink: MailSink, address: str) -> None:
    wire = SmtpWire(sink)
    wire.command(b"EHLO client.test")
    wire.command(f"MAIL FROM:<{SENDER}>".encode())
    wire.command(f"RCPT TO:<{address}>".encode())
    assert wire.command(b"DATA").startswith(b"354 ")
    wire.close()  # mid-message

    send_email(sink, build_email(address, "complete"))
    assert [m.subject for m in sink.store.messages(to=address)] == ["complete"]


def test_waiting_until_all_faults_are_used_wakes_when_a_sender_runs_into_them(sink: MailSink) -> None:
    sink.faults.fail_next("rcpt", 550, "5.1.1 No such user", recipient="gone@example.test")
    assert not sink.faults.wait_until_all_used(timeout=0)
    with smtplib.SMTP(sink.smtp_host, sink.smtp_port) as client, pytest.raises(smtplib.SMTPRecipientsRefused):
        client.sendmail("app@example.test", ["gone@example.test"], b"Subject: x\r\n\r\nbody")
    assert sink.faults.wait_until_all_used(timeout=5)


def test_delay_at_rcpt_accepts_after_the_relay_has_kept_the_sender_waiting(sink: MailSink, address: str) -> None:
    import threading
    import time

    fault = sink.faults.delay_next("rcpt", 0.5, recipient=address)
    assert (fault.action, fault.seconds) == (FaultAction.DELAY, 0.5)
    started = time.monotonic()
    sender = threading.Thread(target=send_raw, args=(sink, MESSAGE, address))
    sender.start()
    assert sink.faults.wait_until_all_used(timeout=10)
    assert sink.store.messages(to=address) == []  # still waiting at RCPT
    sender.join(timeout=10)
    assert time.monotonic() - started >= 0.5  # a lower bound: a busy machine only makes it longer
    assert len(sink.store.messages(to=address)) == 1


@pytest.mark.parametrize("seconds", [0, -1, 61, True, "1"])
def test_a_delay_must_be_a_sensible_number_of_seconds(sink: MailSink, seconds: object) -> None:
    with pytest.raises(ValueError, match="seconds"):
        sink.faults.delay_next("rcpt", seconds)  # type: ignore[arg-type]
