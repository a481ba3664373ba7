"""Made-up people for scenarios: unique, realistic, and safe to use in parallel.

Names come from Faker; a random suffix keeps every email and user name unique
across workers and runs, also against a shared external target. Passwords are
passphrases of unrelated words that any sensible policy accepts.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass, replace

from faker import Faker

_PASSPHRASE_WORDS = 4
# No vowels, so no name of a person can turn up inside; symbols and digits, so it is hard to guess.
_SCRAMBLE_ALPHABET = "bcdfghjkmnpqrstvwxzBCDFGHJKLMNPQRSTVWXZ23456789#%&*+=?"


@dataclass(frozen=True)
class Person:
    first_name: str
    last_name: str
    email: str
    username: str
    password: str

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def user_id(self, profile: str) -> str:
        """What this person types as user ID: the email online, the user name onsite."""
        return self.email if profile == "online" else self.username

    def with_password(self, password: str) -> Person:
        return replace(self, password=password)


def _ascii_slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", folded.lower())


class PersonFactory:
    def __init__(self, seed: int | None = None) -> None:
        self._faker = Faker("en_US")
        if seed is not None:
            self._faker.seed_instance(seed)
        # Two people of one scenario with the same name would make "the row of Michael Chavez" ambiguous.
        self._names_given: set[tuple[str, str]] = set()

    def email_domain(self) -> str:
        """A domain of our own under .test, unique per call, for a company of a scenario."""
        return f"{_ascii_slug(self._faker.domain_word())}-{secrets.token_hex(3)}.test"

    def company_name(self) -> str:
        return self._faker.company()

    def person(self, email_domain: str | None = None) -> Person:
        first, last = self._faker.first_name(), self._faker.last_name()
        while (first, last) in self._names_given:
            first, last = self._faker.first_name(), self._faker.last_name()
        self._names_given.add((first, last))
        suffix = secrets.token_hex(3)
        domain = email_domain or self.email_domain()
        return Person(
            first_name=first,
            last_name=last,
            email=f"{_ascii_slug(first)}.{_ascii_slug(last)}.{suffix}@{domain}",
            username=f"{_ascii_slug(first)[:1]}{_ascii_slug(last)}{suffix}",
            password=self.passphrase(avoid=(first, last)),
        )

    def passphrase(self, avoid: tuple[str, ...] = ()) -> str:
        """Unrelated words and a number; none of them built on the `avoid` words (a person's names),
        which password policies rightly refuse. Names under three letters are fragments of countless
        words, and no policy refuses them, so they are not avoided."""
        avoided = {_ascii_slug(word) for word in avoid if len(word) >= 3}
        words: list[str] = []
        while len(words) < _PASSPHRASE_WORDS:
            word = self._faker.word()
            # Policies read the phrase without its spaces too: "...some rich..." holds "eric".
            joined = "".join([*words, word])
            if word not in words and not any(name in joined or word in name for name in avoided):
                words.append(word)
        return " ".join(words) + f" {secrets.randbelow(90) + 10}"

    @staticmethod
    def scramble(length: int) -> str:
        """`length` random characters: a password as strong as its length allows, for length limits."""
        return "".join(secrets.choice(_SCRAMBLE_ALPHABET) for _ in range(length))
