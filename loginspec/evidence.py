"""What a failed scenario leaves for the person reading the report, so that nobody has to rerun it:
a screenshot and the address of every browser it used at the moment of failure, the emails its
people received (subject, links), and the identity providers' requests about them.

The scenario's own state (steps/cast.py) gathers it through `EvidenceSource`; the plugin calls it
when the scenario's call phase fails, in the worker, and writes `evidence.json` and the screenshots
into the report folder, under the same folder name as the scenario's Playwright trace. The report
reads them back when it writes the HTML.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import pytest
from slugify import slugify

EVIDENCE_FOLDER = "evidence"
EVIDENCE_FILE = "evidence.json"


@dataclass
class BrowserShot:
    person: str
    browser: str
    url: str
    screenshot: str | None
    """The file name beside evidence.json, or None when the page could not be photographed."""


@dataclass
class EmailSeen:
    to: str
    subject: str
    links: list[dict[str, str]]


@dataclass
class Evidence:
    browsers: list[BrowserShot] = field(default_factory=list)
    emails: list[EmailSeen] = field(default_factory=list)
    provider_requests: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    """What could not be gathered, and why (the failure itself is never hidden by it)."""


@runtime_checkable
class EvidenceSource(Protocol):
    def evidence(self, folder: Path) -> Evidence: ...


_SOURCES = pytest.StashKey[list[EvidenceSource]]()


def offer(item: pytest.Item, source: EvidenceSource) -> None:
    """A fixture's way to say what it can show if its scenario fails."""
    item.stash.setdefault(_SOURCES, []).append(source)


def offered(item: pytest.Item) -> list[EvidenceSource]:
    return item.stash.get(_SOURCES, [])


def folder_for(report_directory: Path, nodeid: str) -> Path:
    return report_directory / EVIDENCE_FOLDER / slugify(nodeid)[:150]


def gather(sources: list[EvidenceSource], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    gathered = Evidence()
    for source in sources:
        try:
            found = source.evidence(folder)
        except Exception as error:  # evidence is a courtesy: it must never replace the failure itself
            gathered.problems.append(f"{type(error).__name__}: {error}")
            continue
        gathered.browsers += found.browsers
        gathered.emails += found.emails
        gathered.provider_requests.update(found.provider_requests)
        gathered.problems += found.problems
    (folder / EVIDENCE_FILE).write_text(json.dumps(asdict(gathered), indent=1), encoding="utf-8")


def load(report_directory: Path, nodeid: str) -> dict[str, Any] | None:
    """The evidence of a scenario as data, with its screenshots as paths relative to the report folder."""
    folder = folder_for(report_directory, nodeid)
    file = folder / EVIDENCE_FILE
    if not file.is_file():
        return None
    document: dict[str, Any] = json.loads(file.read_text(encoding="utf-8"))
    for shot in document["browsers"]:
        if shot["screenshot"]:
            shot["screenshot"] = str((folder / shot["screenshot"]).relative_to(report_directory))
    return document
