"""Accessibility: every screen of the target a scenario shows is checked with axe-core against WCAG 2.1
A and AA, once per distinct screen per run.

After each step the plugin looks at the pages the scenario's people have open (through `PageSource`,
which the scenario's state offers) and have navigated since it last looked; a page of the target whose
screen was not checked yet in this run is checked. A screen is its address without query and with the
parts that change from person to person (tokens, numbers) made `*`, and its title. xdist workers claim a
screen by creating a file, so each is checked once; each check leaves its violations beside it, and the
run's controller gathers them into `accessibility.json` and the report. A violation fails the run unless
the target file expects it:

    [accessibility.expected]
    "color-contrast" = "the brand colours, to be changed in the next release"
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlsplit
from weakref import WeakKeyDictionary

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

FOLDER = "accessibility"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}
# A path part that names one person's thing rather than a screen: long tokens, numbers, ids.
_VARYING = re.compile(r"^(?:\d+|[A-Za-z0-9_\-.~%]{16,})$")


@runtime_checkable
class PageSource(Protocol):
    def pages_running_scripts(self) -> list[Page]:
        """The pages open now whose browsers run scripts (axe-core runs in the page)."""
        ...

    def navigations(self, page: Page) -> int:
        """How many times the page's main frame has navigated so far."""
        ...


@dataclass
class Violation:
    rule: str
    impact: str
    help: str
    nodes: list[str]
    expected: str = ""
    """Why the target file expects it ("" when it does not)."""


@dataclass
class ScreenCheck:
    screen: str
    url: str
    title: str
    violations: list[Violation] = field(default_factory=list)
    problem: str = ""


def screen_of(url: str, title: str) -> str:
    """The host without its port: each worker's bundled stack serves the same screens on ports of its own."""
    parts = urlsplit(url)
    path = "/".join("*" if _VARYING.match(part) else part for part in parts.path.split("/"))
    return f"{parts.scheme}://{parts.hostname}{path or '/'} | {title}"


class Checker:
    """One a worker: checks what nobody in the run has checked yet, and writes what it found."""

    def __init__(self, folder: Path, origins: Iterable[str], expected: dict[str, str]) -> None:
        self.folder = folder
        self.origins = tuple(origins)
        self.expected = expected
        self._axe = Axe()
        self._seen: set[str] = set()
        self._looked_at: WeakKeyDictionary[Page, int] = WeakKeyDictionary()
        folder.mkdir(parents=True, exist_ok=True)

    def check_pages(self, pages: Iterable[Page], navigations: Callable[[Page], int] | None = None) -> None:
        """`navigations` counts a page's navigations: one that has not navigated since it was last looked at
        still shows the screen it showed then, and is passed over without asking the browser for its title."""
        for page in pages:
            if page.is_closed() or not page.url.startswith(self.origins):
                continue
            navigated = navigations(page) if navigations is not None else None
            if navigated is not None and self._looked_at.get(page) == navigated:
                continue
            try:
                title, content_type, state = page.evaluate(
                    "[document.title, document.contentType, document.readyState]"
                )
            except PlaywrightError:
                continue  # navigating away at this moment: the next step will see where it lands
            if state == "loading":
                continue  # not parsed yet (no title, part of the page): the next step will see it whole
            if navigated is not None:
                self._looked_at[page] = navigated
            if content_type != "text/html":
                continue  # a plain-text answer (a refusal of a malformed request), which the browser only wraps
            screen = screen_of(page.url, title)
            if screen in self._seen:
                continue
            self._seen.add(screen)
            claim = self.folder / f"{hashlib.sha256(screen.encode()).hexdigest()[:20]}.json"
            try:
                claim.open("x").close()  # another worker checks this screen, or has checked it
            except FileExistsError:
                continue
            claim.write_text(json.dumps(asdict(self._check(page, screen, title))), encoding="utf-8")

    def _check(self, page: Page, screen: str, title: str) -> ScreenCheck:
        checked = ScreenCheck(screen, page.url, title)
        try:
            response: dict[str, Any] = self._axe.run(page, options=AXE_OPTIONS).response
        except PlaywrightError as error:
            checked.problem = f"axe-core could not run: {error.message.splitlines()[0]}"
            return checked
        for found in response.get("violations", []):
            checked.violations.append(
                Violation(
                    rule=found["id"],
                    impact=str(found.get("impact") or ""),
                    help=found["help"],
                    nodes=[" ".join(map(str, node["target"])) for node in found["nodes"]][:10],
                    expected=self.expected.get(found["id"], ""),
                )
            )
        return checked


def gather(folder: Path) -> list[ScreenCheck]:
    """Every screen the run's workers checked (a claim they did not fill is a check cut short)."""
    checks = []
    for file in sorted(folder.glob("*.json")):
        text = file.read_text(encoding="utf-8")
        if not text:
            continue
        data = json.loads(text)
        data["violations"] = [Violation(**violation) for violation in data["violations"]]
        checks.append(ScreenCheck(**data))
    return sorted(checks, key=lambda check: check.screen)


def unexpected(checks: list[ScreenCheck]) -> list[tuple[ScreenCheck, Violation]]:
    return [(check, violation) for check in checks for violation in check.violations if not violation.expected]


def write_document(path: Path, checks: list[ScreenCheck]) -> None:
    document = {
        "standard": "WCAG 2.1 A and AA (axe-core tags " + ", ".join(WCAG_21_AA) + ")",
        "screens": [asdict(check) for check in checks],
        "unexpected_violations": len(unexpected(checks)),
    }
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")


def expected_violations(document: dict[str, Any]) -> dict[str, str]:
    table = document.get("accessibility", {})
    expected = table.get("expected", {}) if isinstance(table, dict) else None
    if not isinstance(expected, dict) or not all(isinstance(v, str) and v for v in expected.values()):
        raise ValueError("[accessibility.expected] must map axe rule ids to the reason each is expected")
    return dict(expected)
