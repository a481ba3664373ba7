"""Small text helpers shared by the parser, the link extractor and the filters."""

from __future__ import annotations

import codecs


def normalise_space(text: str) -> str:
    """Collapse every run of whitespace to one space and trim the ends."""
    return " ".join(text.split())


def normalise_address(address: str) -> str:
    """The form in which addresses are compared: trimmed, without angle brackets, case-folded."""
    return address.strip().strip("<>").strip().casefold()


def repair_surrogates(text: str) -> str:
    """Turn the lone surrogates left by `surrogateescape` decoding into proper characters.

    The `email` package and aiosmtpd decode 8-bit bytes they cannot place with
    `surrogateescape`. Such strings cannot be encoded as UTF-8 (JSON, HTML), so the
    original bytes are recovered and decoded as UTF-8, with U+FFFD for invalid sequences.
    """
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # surrogates outside the escape range: not from bytes at all
        return text.encode("utf-8", "replace").decode("utf-8")


def decode_text(payload: bytes, charset: str | None) -> str:
    """Decode a body part, tolerating missing, unknown, unusable and wrong charsets."""
    if charset and not _is_ascii(charset):
        try:
            return payload.decode(charset, errors="replace")
        except (LookupError, ValueError):
            pass  # unknown or non-text codec name: guess below
    # No usable charset, or one claiming ASCII although senders often put 8-bit text
    # under it: UTF-8 is by far the likeliest, then the Windows Western code page.
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        return payload.decode("cp1252", errors="replace")


def _is_ascii(charset: str) -> bool:
    try:
        return codecs.lookup(charset).name == "ascii"
    except (LookupError, ValueError):
        return False
