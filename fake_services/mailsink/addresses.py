"""Envelope addresses checked as a real relay would: a syntactically invalid one is refused with 501.

Only the syntax counts (no DNS). Domains under `.test` are accepted, like every other
ordinary domain; other special-use names (`localhost`, `.invalid`, `.local`...) are not.
"""

from __future__ import annotations

import email_validator

# The null reverse-path of MAIL FROM:<>, used by bounces; never a valid recipient.
NULL_SENDER = "<>"
MAX_REASON_LENGTH = 160


def address_problem(address: str) -> str | None:
    """Why `address` is not a syntactically valid mailbox, or None when it is."""
    try:
        address.encode("utf-8")
    except UnicodeEncodeError:
        return "The address is not valid UTF-8."
    try:
        email_validator.validate_email(
            address,
            check_deliverability=False,
            allow_smtputf8=True,
            allow_quoted_local=True,
            allow_domain_literal=True,
            test_environment=True,
        )
    except email_validator.EmailNotValidError as error:
        return str(error)
    return None


def refusal(kind: str, enhanced_code: str, reason: str) -> str:
    """A one-line 501 reply: printable ASCII whatever the reason quotes from the address."""
    text = reason.encode("ascii", "backslashreplace").decode("ascii")
    text = "".join(character if character.isprintable() else "?" for character in text)
    return f"501 {enhanced_code} Bad {kind} address syntax: {text[:MAX_REASON_LENGTH]}"


def sender_refusal(address: str) -> str | None:
    """The 501 reply for an invalid MAIL FROM address, or None to accept it (the null sender included)."""
    if address == NULL_SENDER:
        return None
    reason = address_problem(address)
    return None if reason is None else refusal("sender", "5.1.7", reason)


def recipient_refusal(address: str) -> str | None:
    """The 501 reply for an invalid RCPT TO address, or None to accept it."""
    reason = address_problem(address)
    return None if reason is None else refusal("recipient", "5.1.3", reason)
