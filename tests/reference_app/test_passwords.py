"""Password hashing and the password policy."""

from __future__ import annotations

import pytest

from reference_app import passwords

HASHER = passwords.PasswordHasher(memory_kib=19456, time_cost=2, parallelism=1)
CONTEXT = passwords.context_words_for("jane.doe@example.com", "Jane Doe", "jdoe", "CRM")


def test_hashes_are_argon2id_with_a_salt_of_their_own() -> None:
    first, second = HASHER.hash("quiet harbour lantern 58"), HASHER.hash("quiet harbour lantern 58")
    assert first.startswith("$argon2id$") and second.startswith("$argon2id$")
    assert first != second


def test_a_password_is_checked_exactly_as_typed() -> None:
    long_password = "w" * 80 + " harbour lantern"
    stored = HASHER.hash(long_password)
    assert HASHER.verify(stored, long_password)
    assert not HASHER.verify(stored, long_password[:72]), "no truncation at 72 bytes"
    assert not HASHER.verify(stored, long_password.upper()), "no case folding"
    assert not HASHER.verify(stored, long_password + " ")


def test_an_unknown_user_is_checked_against_a_dummy_hash_and_never_matches() -> None:
    assert not HASHER.verify(None, "not a real password")
    assert not HASHER.verify(None, "anything at all")


def test_a_malformed_stored_hash_never_matches() -> None:
    assert not HASHER.verify("not-a-hash", "quiet harbour lantern 58")


@pytest.mark.parametrize(
    "password",
    [
        "quiet harbour lantern 58",
        "Ünïcödé pässphrase with spaces, über-long: " + "ørken fjell kyst " * 3,
        "ж" * 3 + " мягкий знак ключ окно 42",
        "a1!" + "x" * 61 + " tail",
    ],
)
def test_strong_passwords_and_long_unicode_passphrases_are_accepted(password: str) -> None:
    assert passwords.check(password, password, CONTEXT).accepted


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short1!", "at least 8 characters"),
        ("password", "too weak"),
        ("11111111", "too weak"),
        ("jane.doe@example.com!", "your email address or your name"),
        ("Jane Doe forever 2024", "your email address or your name"),
        ("x" * 1025, "at most 1024"),
        ("quiet\x00harbour lantern 58", "control characters"),
    ],
)
def test_refused_passwords_come_with_the_reason(password: str, reason: str) -> None:
    verdict = passwords.check(password, password, CONTEXT)
    assert not verdict.accepted
    assert reason in " ".join(verdict.problems)


def test_a_confirmation_that_differs_is_refused() -> None:
    verdict = passwords.check("quiet harbour lantern 58", "quiet harbour lantern 59", CONTEXT)
    assert verdict.problems == ("The passwords do not match.",)


def test_the_estimate_rates_weak_and_strong_on_five_steps() -> None:
    weak, strong = passwords.estimate("password1"), passwords.estimate("quiet harbour lantern 58")
    assert weak.score <= 1 and weak.label in passwords.STRENGTH_LABELS[:2]
    assert strong.score >= 3 and strong.label in passwords.STRENGTH_LABELS[3:]
    assert len(passwords.STRENGTH_LABELS) == 5


@pytest.mark.parametrize("password", ["CRMcrmCRM2024!", "annlee-velvet-81", "Ann.Lee forever and ever"])
def test_the_product_name_and_the_joined_name_are_refused(password: str) -> None:
    words = passwords.context_words_for("ann.lee@example.com", "Ann Lee", "alee", "CRM")
    assert not passwords.check(password, None, words).accepted


def test_a_stored_hash_under_older_parameters_is_noticed() -> None:
    weaker = passwords.PasswordHasher(memory_kib=8192, time_cost=1, parallelism=1)
    assert HASHER.needs_rehash(weaker.hash("quiet harbour lantern 58"))
    assert not HASHER.needs_rehash(HASHER.hash("quiet harbour lantern 58"))
