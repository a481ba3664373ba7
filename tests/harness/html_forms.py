"""Reading a page's forms the way a browser would, for the fast tests that sign in over plain HTTP."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin


@dataclass
class HtmlForm:
    action: str
    method: str
    hidden: dict[str, str] = field(default_factory=dict)
    fields: list[tuple[str, str]] = field(default_factory=list)
    """(name, type) of the visible inputs, in page order."""

    def field_of_type(self, *types: str) -> str:
        return next(name for name, kind in self.fields if kind in types)


@dataclass
class HtmlLink:
    href: str
    text: str


class _PageReader(HTMLParser):
    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.forms: list[HtmlForm] = []
        self.links: list[HtmlLink] = []
        self._link: HtmlLink | None = None
        self._in_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            action = urljoin(self.base_url, attributes.get("action") or self.base_url)
            self.forms.append(HtmlForm(action, attributes.get("method", "get").lower()))
            self._in_form = True
        elif tag == "input" and self._in_form and attributes.get("name"):
            kind = attributes.get("type", "text").lower()
            if kind == "hidden":
                self.forms[-1].hidden[attributes["name"]] = attributes.get("value", "")
            elif kind not in ("submit", "button", "checkbox"):
                self.forms[-1].fields.append((attributes["name"], kind))
        elif tag == "a" and "href" in attributes:
            self._link = HtmlLink(urljoin(self.base_url, attributes["href"]), "")

    def handle_data(self, data: str) -> None:
        if self._link is not None:
            self._link.text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "a" and self._link is not None:
            self._link.text = " ".join(self._link.text.split())
            self.links.append(self._link)
            self._link = None


def read_page(html: str, url: str) -> _PageReader:
    reader = _PageReader(url)
    reader.feed(html)
    reader.close()
    return reader
