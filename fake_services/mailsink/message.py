"""One captured email, as the store keeps it and as the HTTP client rebuilds it."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from fake_services.mailsink.links import Link, Part, html_links, text_links
from fake_services.mailsink.text import normalise_space

_PART_NAMES: dict[Part, str] = {"html": "HTML part", "text": "text part"}


@dataclass(frozen=True)
class Message:
    id: str
    seq: int
    """Position in the order of arrival, starting at 1; `since=seq` means "after this one"."""
    received_at: datetime
    envelope_from: str
    envelope_to: tuple[str, ...]
    headers: tuple[tuple[str, str], ...]
    """Every header in order, RFC 2047 encoded words decoded."""
    subject: str
    header_from: str
    header_to: str
    text: str | None
    html: str | None
    raw: bytes = field(repr=False)
    received_monotonic: float | None = field(default=None, repr=False, compare=False)
    """`time.monotonic()` at arrival, in the sink's process only (None when rebuilt from JSON)."""

    @property
    def size(self) -> int:
        return len(self.raw)

    def header(self, name: str) -> str | None:
        """The first header called `name` (any case), or None."""
        wanted = name.lower()
        return next((value for header, value in self.headers if header.lower() == wanted), None)

    @cached_property
    def links(self) -> tuple[Link, ...]:
        html = html_links(self.html) if self.html is not None else []
        text = text_links(self.text) if self.text is not None else []
        return (*html, *text)

    def link(self, anchor_text: str) -> str:
        """The URL behind `anchor_text` (whitespace-insensitive, case-insensitive).

        When the email has both parts, both must carry the link and agree on its URL.
        Raises AssertionError naming what was found otherwise.
        """
        wanted = normalise_space(anchor_text).casefold()
        bodies: tuple[tuple[Part, str | None], ...] = (("html", self.html), ("text", self.text))
        parts: list[Part] = [part for part, body in bodies if body is not None]
        if not parts:
            raise AssertionError(f"{self.describe()} has neither a text nor an HTML part, so no link {anchor_text!r}")
        href_by_part: dict[Part, str] = {}
        for part in parts:
            hrefs = list(dict.fromkeys(link.href for link in self._links_in(part) if link.text.casefold() == wanted))
            if not hrefs:
                raise AssertionError(
                    f"{self.describe()}: its {_PART_NAMES[part]} has no link {anchor_text!r}.\n"
                    + self._link_listing(parts)
                )
            if len(hrefs) > 1:
                raise AssertionError(
                    f"{self.describe()}: its {_PART_NAMES[part]} has {len(hrefs)} different links "
                    f"{anchor_text!r}: {', '.join(hrefs)}"
                )
            href_by_part[part] = hrefs[0]
        if len(set(href_by_part.values())) > 1:
            raise AssertionError(
                f"{self.describe()}: the HTML part links {anchor_text!r} to {href_by_part['html']} "
                f"but the text part links it to {href_by_part['text']}"
            )
        return href_by_part[parts[0]]

    def describe(self) -> str:
        return f"Email #{self.seq} {self.subject!r} to {', '.join(self.envelope_to)}"

    def _links_in(self, part: Part) -> list[Link]:
        return [link for link in self.links if link.part == part]

    def _link_listing(self, parts: list[Part]) -> str:
        lines = []
        for part in parts:
            links = self._links_in(part)
            listing = ", ".join(f"{link.text!r} -> {link.href}" for link in links) if links else "(none)"
            lines.append(f"Links in the {_PART_NAMES[part]}: {listing}")
        return "\n".join(lines)

    def summary_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "seq": self.seq,
            "received_at": self.received_at.isoformat(timespec="microseconds"),
            "envelope": {"mail_from": self.envelope_from, "rcpt_to": list(self.envelope_to)},
            "from": self.header_from,
            "to": self.header_to,
            "subject": self.subject,
            "size": self.size,
        }

    def to_json(self) -> dict[str, Any]:
        return {
            **self.summary_json(),
            "headers": [[name, value] for name, value in self.headers],
            "text": self.text,
            "html": self.html,
            "links": [link.to_json() for link in self.links],
            "raw_base64": base64.b64encode(self.raw).decode("ascii"),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Message:
        """Rebuild a message from `to_json()` output."""
        return cls(
            id=data["id"],
            seq=data["seq"],
            received_at=datetime.fromisoformat(data["received_at"]),
            envelope_from=data["envelope"]["mail_from"],
            envelope_to=tuple(data["envelope"]["rcpt_to"]),
            headers=tuple((name, value) for name, value in data["headers"]),
            subject=data["subject"],
            header_from=data["from"],
            header_to=data["to"],
            text=data["text"],
            html=data["html"],
            raw=base64.b64decode(data["raw_base64"]),
        )
