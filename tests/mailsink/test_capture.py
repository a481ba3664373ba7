"""What the sink keeps of a message received over SMTP, for every shape of email a CRM sends."""

from __future__ import annotations

import base64
import smtplib
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from fake_services.mailsink import MailSink
from tests.mailsink.helpers import SENDER, build_email, send_email, send_raw, unique_address


def test_plain_text_message_is_kept_with_envelope_headers_and_raw_bytes(sink: MailSink, address: str) -> None:
    raw = (
        f"From: CRM <{SENDER}>\r\nTo: {address}\r\nSubject: Welcome\r\n"
        "Message-ID: <welcome-1@example.test>\r\n\r\nHello,\r\n.leading dot survives\r\n"
    ).encode()
    before = sink.store.mark()

    send_raw(sink, raw, address, sender="bounce@example.test")

    message = sink.store.wait_for(to=address, timeout=5)
    assert message.envelope_from == "bounce@example.test"
    assert message.envelope_to == (address,)
    assert message.subject == "Welcome"
    assert message.header_from == f"CRM <{SENDER}>"
    assert message.header_to == address
    assert message.header("message-id") == "<welcome-1@example.test>"
    assert message.text == "Hello,\n.leading dot survives\n"
    assert message.html is None
    assert message.raw == raw
    assert message.size == len(raw)
    assert message.seq > before
    assert isinstance(message.id, str) and message.id
    assert datetime.now(UTC) - message.received_at < timedelta(seconds=10)


def test_multipart_alternative_gives_text_and_html(sink: MailSink, address: str) -> None:
    send_email(sink, build_email(address, "Both", text="Plain words", html="<p>Rich <b>words</b></p>"))

    message = sink.store.wait_for(to=address, timeout=5)
    assert message.text == "Plain words\n"
    assert message.html == "<p>Rich <b>words</b></p>\n"


def test_base64_and_quoted_printable_parts_are_decoded(sink: MailSink, address: str) -> None:
    email = build_email(address, "Encodings", text=None)
    email.set_content("Grüße aus Köln " * 10, cte="base64")
    email.add_alternative("<p>" + "Caf\u00e9 na\u00efve " * 20 + "</p>", subtype="html", cte="quoted-printable")
    send_email(sink, email)

    message = sink.store.wait_for(to=address, timeout=5)
    assert b"Content-Transfer-Encoding: base64" in message.raw
    assert b"Content-Transfer-Encoding: quoted-printable" in message.raw
    assert message.text == "Grüße aus Köln " * 10 + "\n"
    assert message.html == "<p>" + "Café naïve " * 20 + "</p>\n"


def test_rfc2047_encoded_subject_and_names_are_decoded(sink: MailSink, address: str) -> None:
    raw = (
        "From: =?utf-8?q?J=C3=B6rg_M=C3=BCller?= <jorg@example.test>\r\n"
        f"To: =?iso-8859-1?q?Ana_Mu=F1oz?= <{address}>\r\n"
        "Subject: =?utf-8?b?0JDQutGC0LjQstCw0YbQuNGP?= =?iso-8859-1?q?_de_compte_r=E9ussie?=\r\n"
        "\r\nbody\r\n"
    ).encode()
    send_raw(sink, raw, address)

    message = sink.store.wait_for(to=address, timeout=5)
    assert message.subject == "Активация de compte réussie"
    assert message.header_from == "Jörg Müller <jorg@example.test>"
    assert message.header_to == f"Ana Muñoz <{address}>"
    assert ("Subject", "Активация de compte réussie") in message.headers


@pytest.mark.parametrize(
    ("charset", "words"),
    [
        ("iso-8859-1", "Déjà vu, garçon"),
        ("koi8-r", "Привет, мир"),
        ("shift_jis", "こんにちは"),
        ("cp1252", "“quoted” – €5"),
    ],
)
def test_parts_in_non_utf8_charsets_are_decoded(sink: MailSink, address: str, charset: str, words: str) -> None:
    raw = (
        (
            f"To: {address}\r\nSubject: charset\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: text/plain; charset={charset}\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        ).encode()
        + words.encode(charset)
        + b"\r\n"
    )
    send_raw(sink, raw, address)

    assert sink.store.wait_for(to=address, timeout=5).text == words + "\n"


@pytest.mark.parametrize(
    ("declared", "body", "expected"),
    [
        ("x-no-such-charset", "naïve".encode(), "naïve"),  # unknown name: UTF-8 tried first
        ("us-ascii", "naïve".encode(), "naïve"),  # 8-bit text under an ASCII label
        ("us-ascii", "naïve".encode("latin-1"), "naïve"),  # not UTF-8 either: Windows-1252
        ("utf-8", b"bad \xff byte", "bad \ufffd byte"),  # invalid UTF-8: replacement character
        ("zlib", b"text", "text"),  # a codec that is not a text encoding
    ],
)
def test_wrong_unknown_and_invalid_charsets_do_not_lose_the_text(
    sink: MailSink, address: str, declared: str, body: bytes, expected: str
) -> None:
    raw = (
        (f"To: {address}\r\nSubject: charset\r\nContent-Type: text/plain; charset={declared}\r\n\r\n").encode()
        + body
        + b"\r\n"
    )
    send_raw(sink, raw, address)

    assert sink.store.wait_for(to=address, timeout=5).text == expected + "\n"


def test_invalid_utf8_in_headers_is_replaced_and_still_served_as_json(
    sink: MailSink, address: str, http: httpx.Client
) -> None:
    raw = f"To: {address}\r\nSubject: caf\xc3\xa9 \xff\xfe end\r\nX-Note: \xe9t\xe9\r\n\r\nbody\r\n".encode("latin-1")
    send_raw(sink, raw, address)

    message = sink.store.wait_for(to=address, timeout=5)
    assert message.subject == "café \ufffd\ufffd end"
    assert message.header("X-Note") == "\ufffdt\ufffd"
    response = http.get(f"/api/messages/{message.id}")
    assert response.status_code == 200
    assert response.json()["subject"] == "café \ufffd\ufffd end"


def test_smtputf8_addresses_and_headers(sink: MailSink) -> None:
    recipient = f"ñoño-{unique_address()}".replace("example.test", "exämple.test")
    email = build_email(recipient, "Übermäßig schön", text="Grüße", sender="Zoë <zoë@exämple.test>")

    send_email(sink, email)  # smtplib adds SMTPUTF8 and BODY=8BITMIME for non-ASCII addresses

    message = sink.store.wait_for(to=recipient.upper(), timeout=5)
    assert message.envelope_from == "zoë@exämple.test"
    assert message.envelope_to == (recipient,)
    assert message.subject == "Übermäßig schön"
    assert message.header_from == "Zoë <zoë@exämple.test>"
    assert message.text == "Grüße\n"


def test_8bitmime_body(sink: MailSink, address: str) -> None:
    raw = (
        f"To: {address}\r\nSubject: 8bit\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        "Zürich, Ørsted, Łódź\r\n"
    ).encode()
    send_raw(sink, raw, address, mail_options=["BODY=8BITMIME"])

    message = sink.store.wait_for(to=address, timeout=5)
    assert message.text == "Zürich, Ørsted, Łódź\n"
    assert message.raw == raw


def test_one_message_to_many_recipients_reaches_every_mailbox(sink: MailSink) -> None:
    recipients = [unique_address(f"r{index}") for index in range(40)]
    before = sink.store.mark()

    send_raw(sink, b"Subject: To all\r\n\r\nHi all\r\n", recipients)

    stored = sink.store.messages(since=before, subject="To all")
    assert len(stored) == 1
    assert stored[0].envelope_to == tuple(recipients)
    for recipient in recipients:
        assert [message.id for message in sink.store.messages(to=recipient)] == [stored[0].id]


def test_attachments_are_not_taken_for_the_body(sink: MailSink, address: str) -> None:
    email = build_email(address, "Invoice", text="See the attached invoice.")
    email.add_attachment("not the body", filename="notes.txt")
    email.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="invoice.pdf")
    send_email(sink, email)

    message = sink.store.wait_for(to=address, timeout=5)
    assert message.text == "See the attached invoice.\n"
    assert message.html is None


def test_repeated_headers_are_all_kept_in_order(sink: MailSink, address: str) -> None:
    raw = f"Received: from a\r\nReceived: from b\r\nTo: {address}\r\nSubject: hops\r\n\r\nx\r\n".encode()
    send_raw(sink, raw, address)

    message = sink.store.wait_for(to=address, timeout=5)
    assert [value for name, value in message.headers if name == "Received"] == ["from a", "from b"]
    assert message.header("RECEIVED") == "from a"
    assert message.header("X-Absent") is None


@pytest.mark.parametrize(
    ("label", "mime", "expected_text"),
    [
        (
            "no boundary parameter",
            "Content-Type: multipart/alternative\r\n\r\nonly text here\r\n",
            "only text here\n",
        ),
        (
            "boundary never occurs",
            'Content-Type: multipart/mixed; boundary="XYZ"\r\n\r\nno parts at all\r\n',
            "no parts at all\n",
        ),
        (
            "closing boundary missing",
            'Content-Type: multipart/mixed; boundary="B"\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nfirst part\r\n',
            "first part",
        ),
        (
            "broken base64",
            "Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8gd29ybGQ!!!*\r\n",
            "hello world",
        ),
        (
            "parameter without a value",
            "Content-Type: text/plain; charset=utf-8\r\nContent-Disposition: inline; filename*\r\n\r\nstill here\r\n",
            "still here\n",
        ),
        (
            "address header the email package cannot parse",
            "To: .1<\r\nReply-To: \r\n .a@]== \t\r\nContent-Type: text/plain\r\n\r\nreadable\r\n",
            "readable\n",
        ),
    ],
)
def test_broken_mime_is_captured_without_crashing_the_sink(
    sink: MailSink, address: str, label: str, mime: str, expected_text: str
) -> None:
    raw = f"Subject: {label}\r\n{mime}".encode()
    send_raw(sink, raw, address)

    message = sink.store.wait_for(to=address, timeout=5)
    assert message.subject == label
    assert message.text is not None and message.text.startswith(expected_text)
    assert message.raw == raw


def test_binary_garbage_body_is_captured(sink: MailSink, address: str) -> None:
    garbage = bytes(range(1, 256)).replace(b"\r", b"").replace(b"\n", b"") * 3
    raw = b"Subject: garbage\r\n\r\n" + b"\r\n".join(garbage[i : i + 70] for i in range(0, len(garbage), 70)) + b"\r\n"
    send_raw(sink, raw, address)

    message = sink.store.wait_for(to=address, timeout=5)
    assert message.subject == "garbage"
    assert message.text is not None and "àáâãäå" in message.text  # not UTF-8, so read as Windows-1252
    assert message.raw == raw


def test_duplicate_recipient_counts_once_in_its_mailbox(sink: MailSink, address: str) -> None:
    with smtplib.SMTP(sink.smtp_host, sink.smtp_port, timeout=10) as smtp:
        smtp.ehlo()
        smtp.mail(SENDER)
        smtp.rcpt(address)
        smtp.rcpt(address.upper())
        smtp.data(b"Subject: twice\r\n\r\nx\r\n")

    assert len(sink.store.messages(to=address)) == 1
    assert sink.store.messages(to=address)[0].envelope_to == (address, address.upper())


def test_raw_bytes_survive_the_json_round_trip(sink: MailSink, address: str, http: httpx.Client) -> None:
    raw = f"To: {address}\r\nSubject: raw\r\n\r\n\xff\xfe binary\r\n".encode("latin-1")
    send_raw(sink, raw, address)

    message = sink.store.wait_for(to=address, timeout=5)
    data = http.get(f"/api/messages/{message.id}").json()
    assert base64.b64decode(data["raw_base64"]) == raw
