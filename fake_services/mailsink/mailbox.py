"""One recipient's view of the sink, the same whether it reads the store or the HTTP API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from fake_services.mailsink.filters import SubjectMatcher
    from fake_services.mailsink.message import Message


class MailSource(Protocol):
    """What both `MessageStore` and `MailSinkClient` offer."""

    def messages(
        self, to: str | None = None, subject: SubjectMatcher | None = None, since: int | None = None
    ) -> list[Message]: ...

    def wait_for(
        self,
        to: str | None = None,
        subject: SubjectMatcher | None = None,
        since: int | None = None,
        timeout: float = 10.0,
    ) -> Message: ...

    def mark(self) -> int: ...

    def clear(self, to: str | None = None) -> int: ...


class Mailbox:
    def __init__(self, source: MailSource, address: str) -> None:
        self._source = source
        self.address = address

    def messages(self, subject: SubjectMatcher | None = None, since: int | None = None) -> list[Message]:
        return self._source.messages(to=self.address, subject=subject, since=since)

    def wait_for(
        self, subject: SubjectMatcher | None = None, since: int | None = None, timeout: float = 10.0
    ) -> Message:
        return self._source.wait_for(to=self.address, subject=subject, since=since, timeout=timeout)

    def mark(self) -> int:
        return self._source.mark()

    def clear(self) -> int:
        return self._source.clear(to=self.address)

    def __repr__(self) -> str:
        return f"Mailbox({self.address!r})"
