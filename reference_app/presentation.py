"""How the CRM presents itself: the language of its pages and emails, and the paths it answers on.

The routes are written once, on their internal (English) paths. A presentation other than the
default maps every path segment to a public one of its language (`/login` is `/logg-inn` in
Norwegian): requests arrive on public paths and are handled on internal ones, and redirects and
emailed links leave on public paths again. Its messages translate what the code says in English,
exactly or by pattern. The default presentation maps and translates nothing.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

PACKAGE_DIR = Path(__file__).parent
PRESENTATIONS = ("en", "nb")


@dataclass(frozen=True)
class Presentation:
    name: str
    language: str
    templates: Path
    segments: dict[str, str] = field(default_factory=dict)
    """Internal path segment -> public path segment."""
    messages: dict[str, str] = field(default_factory=dict)
    patterns: tuple[tuple[re.Pattern[str], str], ...] = ()

    @property
    def _internal_segments(self) -> dict[str, str]:
        return {public: internal for internal, public in self.segments.items()}

    def public_path(self, path: str) -> str:
        """The path a person sees for an internal path (a query's path values are mapped too)."""
        if not self.segments:
            return path
        parts = urlsplit(path)
        mapped = "/".join(self.segments.get(segment, segment) for segment in parts.path.split("/"))
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        query = urlencode(
            [(name, self.public_path(value) if value.startswith("/") else value) for name, value in pairs]
        )
        return urlunsplit((parts.scheme, parts.netloc, mapped, query, parts.fragment))

    def internal_path(self, path: str) -> str | None:
        """The internal path a public one stands for; None for a path this presentation does not offer
        (one written with the internal segments)."""
        if not self.segments:
            return path
        internal = self._internal_segments
        segments = path.split("/")
        if any(segment in self.segments and segment not in internal for segment in segments):
            return None
        return "/".join(internal.get(segment, segment) for segment in segments)

    def translate(self, text: str) -> str:
        """What the code says in English, in this presentation's language."""
        if text in self.messages:
            return self.messages[text]
        for pattern, replacement in self.patterns:
            match = pattern.fullmatch(text)
            if match:
                values = {name: self.translate(value) for name, value in match.groupdict().items()}
                return replacement.format(**values)
        return text


@cache
def load(name: str) -> Presentation:
    if name not in PRESENTATIONS:
        raise ValueError(f"presentation must be one of {PRESENTATIONS}, not {name!r}")
    if name == "en":
        return Presentation("en", "en", PACKAGE_DIR / "templates")
    data = tomllib.loads((PACKAGE_DIR / "presentations" / f"{name}.toml").read_text(encoding="utf-8"))
    patterns = tuple((re.compile(entry["pattern"], re.DOTALL), entry["text"]) for entry in data.get("patterns", []))
    return Presentation(
        name,
        str(data["language"]),
        PACKAGE_DIR / "presentations" / name / "templates",
        dict(data.get("paths", {})),
        dict(data.get("messages", {})),
        patterns,
    )
