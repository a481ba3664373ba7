"""Find the links of an email, each with the text a reader would click.

HTML part: every `<a href>` with its visible text (whitespace collapsed, entities
unescaped; an image inside the anchor contributes its `alt` text).

Text part: a URL is labelled by the text before it on its line, so that
`Activate now: URL` and `Activate now <URL>` both label the URL "Activate now";
a URL alone on its line takes the line just above it as its label
("Activate now" on one line, the URL on the next).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Literal

from fake_services.mailsink.text import normalise_space

Part = Literal["html", "text"]


@dataclass(frozen=True)
class Link:
    part: Part
    text: str
    href: str

    def to_json(self) -> dict[str, str]:
        return {"part": self.part, "text": self.text, "href": self.href}


def html_links(html: str) -> list[Link]:
    collector = _AnchorCollector()
    collector.feed(html)
    collector.close()
    return [Link("html", text, href) for text, href in collector.anchors]


class _AnchorCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "a":
            self._finish_anchor()  # an unclosed <a> ends where the next one starts, as in browsers
            href = attributes.get("href")
            if href is not None:
                self._href = href.strip()
        elif tag == "img" and self._href is not None:
            self._text.append(f" {attributes.get('alt') or ''} ")
        elif tag == "br" and self._href is not None:
            self._text.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._finish_anchor()

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def close(self) -> None:
        super().close()
        self._finish_anchor()

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        # The standard parser raises AssertionError on junk after "<![" (broken email HTML has
        # it); a browser reads such junk as a bogus comment up to the next ">", and so do we.
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            end = self.rawdata.find(">", i)
            return -1 if end < 0 else end + 1

    def _finish_anchor(self) -> None:
        if self._href is not None:
            self.anchors.append((normalise_space("".join(self._text)), self._href))
        self._href = None
        self._text = []


_URL = re.compile(r"<(?P<bracketed>https?://[^\s<>]+)>|(?P<bare>https?://[^\s<>\"]+)", re.IGNORECASE)
_SENTENCE_PUNCTUATION = ".,;:!?'\""


def text_links(text: str) -> list[Link]:
    links: list[Link] = []
    label_from_line_above = ""
    for line in text.splitlines():
        matches = list(_URL.finditer(line))
        position = 0
        for match in matches:
            label = _label(line[position : match.start()])
            if not label and position == 0:
                label = label_from_line_above
            links.append(Link("text", label, _url_of(match)))
            position = match.end()
        label_from_line_above = "" if matches else _label(line)
    return links


def _label(text: str) -> str:
    return normalise_space(text).rstrip(":").rstrip()


def _url_of(match: re.Match[str]) -> str:
    if match["bracketed"] is not None:
        return match["bracketed"]
    url = match["bare"].rstrip(_SENTENCE_PUNCTUATION)
    if url.endswith(")") and "(" not in url:  # "(see https://x.test/a)"
        url = url[:-1]
    return url
