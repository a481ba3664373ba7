"""The help page as data: its language, the pictures it shows and the bold labels it tells people to look for.

The help page ("Logging in", `../shared/seed/logging-in.md` beside the project) is Markdown with a front
matter. Its pictures are reference-style images (`![alt][img4]` ... `[img4]: media/login-screen.png`); its
labels are the bold runs (`**Log in**`). Some bold runs are not labels of any screen (a caption before a set
of pictures, a menu of the Windows client): they are listed here with the reason, never dropped unseen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

PROJECT = Path(__file__).resolve().parents[1]
DEFAULT_HELP_PAGE = PROJECT.parent / "shared" / "seed" / "logging-in.md"

NOT_SCREEN_LABELS = {
    "Microsoft 365:": "a caption of the page, introducing its pictures of Microsoft's sign-in pages",
    "Google Workspace:": "a caption of the page, introducing its pictures of Google's sign-in pages",
    "File": "the File menu of SuperOffice CRM for Windows, a desktop client no scenario drives",
}
"""Bold runs of the help page that are not labels a screen shows, each with the reason."""

ICON_FOLDER = "icons"
ICON_REASON = "an icon shown within a sentence (its image is under an icons folder), not a screen"

_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ANCHOR = re.compile(r"<a\b[^>]*>\s*</a>|<a\b[^>]*/>")
_IMAGE_USE = re.compile(r"!\[(?P<alt>[^\]]*)\]\[(?P<ref>[^\]]+)\]")
_REFERENCE = re.compile(r"^\[(?P<ref>[^\]]+)\]:\s*(?P<path>\S+)\s*$")
_FRONT_MATTER = re.compile(r"\A---\n(?P<body>.*?)\n---\n", re.DOTALL)


def normalise(text: str) -> str:
    """Whitespace collapsed and trimmed: how a label is compared with what a screen says."""
    return " ".join(text.split())


@dataclass(frozen=True)
class Occurrence:
    line: int
    section: str
    """The heading the label stands under ("" before the first heading)."""


@dataclass
class Label:
    text: str
    occurrences: list[Occurrence] = field(default_factory=list)
    not_a_screen_label: str = ""
    """Why this bold run is not looked for on screen ("" for a label that is)."""


@dataclass
class Image:
    name: str
    """The file name, which a picture of the run is saved under."""
    path: str
    """As the page references it."""
    alt: list[str] = field(default_factory=list)
    not_a_screen: str = ""


@dataclass
class HelpPage:
    path: Path
    language: str
    labels: list[Label]
    images: list[Image]

    @property
    def screen_labels(self) -> list[Label]:
        return [label for label in self.labels if not label.not_a_screen_label]

    @property
    def pictures(self) -> list[str]:
        """The file names of the pictures of screens the page shows, in the order it references them."""
        return [image.name for image in self.images if not image.not_a_screen]


def load(path: Path = DEFAULT_HELP_PAGE) -> HelpPage:
    return parse(path.read_text(encoding="utf-8"), path)


def parse(text: str, path: Path = DEFAULT_HELP_PAGE) -> HelpPage:
    language = ""
    front = _FRONT_MATTER.match(text)
    if front:
        for line in front.group("body").splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "language":
                language = value.strip()
    labels: dict[str, Label] = {}
    alts: dict[str, list[str]] = {}
    references: dict[str, str] = {}
    section = ""
    in_code = False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("```"):
            in_code = not in_code
            continue
        if in_code or (front and number <= front.group(0).count("\n")):
            continue
        heading = _HEADING.match(line)
        if heading:
            section = normalise(_ANCHOR.sub("", heading.group(2)))
        for bold in _BOLD.finditer(line):
            label = normalise(bold.group(1))
            found = labels.setdefault(label, Label(label, not_a_screen_label=NOT_SCREEN_LABELS.get(label, "")))
            found.occurrences.append(Occurrence(number, section))
        for use in _IMAGE_USE.finditer(line):
            alts.setdefault(use.group("ref"), []).append(normalise(use.group("alt")))
        reference = _REFERENCE.match(line.strip())
        if reference:
            references[reference.group("ref")] = reference.group("path")
    images: dict[str, Image] = {}
    for ref, used in alts.items():
        if ref not in references:
            continue  # a link, or an image without a file
        where = PurePosixPath(references[ref])
        image = images.setdefault(where.name, Image(where.name, str(where)))
        for alt in used:
            if alt not in image.alt:
                image.alt.append(alt)
        if ICON_FOLDER in where.parts:
            image.not_a_screen = ICON_REASON
    order = list(references.values())
    return HelpPage(
        path,
        language,
        list(labels.values()),
        sorted(images.values(), key=lambda image: order.index(image.path)),
    )
