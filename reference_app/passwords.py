"""Password hashing (Argon2id) and the password policy.

The policy follows NIST SP 800-63B: a minimum length, no composition rules, long
passphrases with spaces and any Unicode welcome, and guessable passwords refused
with the reason. Guessability is zxcvbn's score, the same estimate that feeds the
strength indicator on the page, so the indicator and the server never disagree.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import argon2
import zxcvbn

MIN_LENGTH = 8
MAX_LENGTH = 1024
MIN_SCORE = 2
# zxcvbn refuses longer input; estimating on a prefix is enough to judge it.
ESTIMATE_PREFIX = 72
STRENGTH_LABELS = ("Very weak", "Weak", "Fair", "Strong", "Very strong")


@dataclass(frozen=True)
class Strength:
    score: int
    label: str
    warning: str
    suggestions: tuple[str, ...]


@dataclass(frozen=True)
class PolicyResult:
    problems: tuple[str, ...]

    @property
    def accepted(self) -> bool:
        return not self.problems


# Control characters, the Unicode line and paragraph separators, and lone surrogates (which a JSON escape
# such as "\ud800" can carry, and no UTF-8 text or database can hold).
_CONTROL_CATEGORIES = ("Cc", "Zl", "Zp", "Cs")


def has_control_characters(text: str) -> bool:
    return any(unicodedata.category(char) in _CONTROL_CATEGORIES for char in text)


def estimate(password: str, context_words: tuple[str, ...] = ()) -> Strength:
    result = zxcvbn.zxcvbn(password[:ESTIMATE_PREFIX], user_inputs=list(context_words))
    score = int(result["score"])
    feedback = result["feedback"]
    return Strength(
        score=score,
        label=STRENGTH_LABELS[score],
        warning=feedback.get("warning") or "",
        suggestions=tuple(feedback.get("suggestions") or ()),
    )


def context_words_for(email: str | None, name: str | None, username: str | None, product: str) -> tuple[str, ...]:
    """Words a password must not be built on: the product first, then the user's own identifiers
    (whole, joined up, and word by word)."""
    words = [product.lower()]
    for value in (email, name, username):
        if value:
            words.append(value.lower())
            parts = _split_words(value.partition("@")[0])
            words.append("".join(parts))
            words.extend(parts)
    return tuple(dict.fromkeys(word for word in words if word))


def _split_words(value: str) -> list[str]:
    cleaned = "".join(char if char.isalnum() else " " for char in value.lower())
    return cleaned.split()


def uses_context_word(password: str, context_words: tuple[str, ...]) -> bool:
    """The product name (the first word) counts at any length; the user's words from four letters on,
    since shorter ones match too much innocent text (zxcvbn still penalises them). Separators
    do not hide a word: "ann-lee" is "annlee"."""
    lowered = password.lower()
    compact = "".join(char for char in lowered if char.isalnum())
    product, *personal = context_words or ("",)
    if product and (product in lowered or product in compact):
        return True
    return any(len(word) >= 4 and (word in lowered or word in compact) for word in personal)


def check(password: str, confirmation: str | None, context_words: tuple[str, ...]) -> PolicyResult:
    """All the reasons a new password is refused; none means it is accepted."""
    if len(password) > MAX_LENGTH:
        return PolicyResult((f"Use at most {MAX_LENGTH} characters.",))
    if has_control_characters(password):
        return PolicyResult(("The password contains control characters, which cannot be typed reliably.",))
    problems: list[str] = []
    if confirmation is not None and confirmation != password:
        problems.append("The passwords do not match.")
    if len(password) < MIN_LENGTH:
        problems.append(f"Use at least {MIN_LENGTH} characters.")
    elif uses_context_word(password, context_words):
        problems.append("Do not build the password on the product name, your email address or your name.")
    else:
        strength = estimate(password, context_words)
        if strength.score < MIN_SCORE:
            reason = (strength.warning or "It would be easy to guess").rstrip(".")
            problems.append(f"This password is too weak: {reason}. Try a longer phrase of unrelated words.")
    return PolicyResult(tuple(problems))


class PasswordHasher:
    def __init__(self, memory_kib: int, time_cost: int, parallelism: int) -> None:
        self._hasher = argon2.PasswordHasher(
            time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism, type=argon2.Type.ID
        )
        # Verified against when the user does not exist, so that the answer takes as long.
        self._dummy_hash = self._hasher.hash("not a real password")

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash or self._dummy_hash, password) and password_hash is not None
        except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        return self._hasher.check_needs_rehash(password_hash)
