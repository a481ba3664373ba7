"""Which messages a caller is asking for: recipient, subject and "only after sequence number N"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fake_services.mailsink.message import Message
from fake_services.mailsink.text import normalise_address

SubjectMatcher = str | re.Pattern[str]


@dataclass(frozen=True)
class MessageFilter:
    to: str | None = None
    """An envelope recipient, compared case-insensitively."""
    subject: SubjectMatcher | None = None
    """A case-insensitive substring of the subject, or a regex searched in it."""
    since: int | None = None
    """Only messages with a sequence number above this count."""

    def __post_init__(self) -> None:
        if self.to is not None and not normalise_address(self.to):
            raise ValueError(f"'to' must be an address, not {self.to!r}")

    @property
    def mailbox_key(self) -> str | None:
        return None if self.to is None else normalise_address(self.to)

    def admits(self, message: Message) -> bool:
        """Whether `message` meets the subject and `since` conditions (`to` chooses the mailbox)."""
        if self.since is not None and message.seq <= self.since:
            return False
        if self.subject is None:
            return True
        if isinstance(self.subject, re.Pattern):
            return self.subject.search(message.subject) is not None
        return self.subject.casefold() in message.subject.casefold()

    def describe(self) -> str:
        words = ["email"]
        if self.to is not None:
            words.append(f"to {self.to}")
        if isinstance(self.subject, re.Pattern):
            words.append(f"with a subject matching /{self.subject.pattern}/")
        elif self.subject is not None:
            words.append(f"with a subject containing {self.subject!r}")
        if self.since is not None:
            words.append(f"after #{self.since}")
        return " ".join(words)
