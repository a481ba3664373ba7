"""Corrupted email of every kind is stored and served; nothing in the sink raises on it."""

from __future__ import annotations

import json
import random

from fake_services.mailsink import MessageStore
from tests.mailsink.helpers import build_email

RECIPIENT = "ann@example.test"
SPLICES = [
    b"\r\n",
    b"--",
    b"=?utf-8?b?",
    b"=?x-unknown?q?",
    b"?=",
    b"\xff",
    b"\xc3",
    b'; charset="',
    b"; boundary=",
    b"Content-Type: multipart/mixed",
    b"Content-Transfer-Encoding: base64",
    b"Content-Disposition: attachment; filename*",
    b"<![ ",
    b"<a href=",
    b"=\r\n",
    b"\x00",
    b"<",
    b'"',
]


def realistic_email() -> bytes:
    email = build_email(
        [RECIPIENT, "Zoë <zoe@example.test>"],
        "Activate your account – Ünïcode",
        text="Activate now: https://crm.test/a?t=1",
        html='<p><a href="https://crm.test/a?t=1">Activate now</a></p>',
    )
    email.add_attachment(b"\x00\x01" * 40, maintype="application", subtype="octet-stream", filename="ä.bin")
    return bytes(email)


def corrupted(original: bytes, seed: int) -> bytes:
    rng = random.Random(seed)
    data = bytearray(original)
    for _ in range(rng.randint(1, 10)):
        position = rng.randrange(len(data) + 1)
        choice = rng.random()
        if choice < 0.4:
            data[position:position] = rng.choice(SPLICES)
        elif choice < 0.7:
            del data[position : position + rng.randint(1, 40)]
        else:
            data[position : position + 1] = bytes([rng.randrange(256)])
    return bytes(data)


def test_corrupted_email_is_stored_and_serialisable() -> None:
    store = MessageStore()
    original = realistic_email()

    for seed in range(150):
        raw = corrupted(original, seed)
        message = store.deliver("crm@example.test", [RECIPIENT], raw)

        assert message.raw == raw
        json.dumps(message.to_json(), ensure_ascii=False).encode("utf-8")  # what the API sends

    assert len(store.messages(to=RECIPIENT)) == 150
