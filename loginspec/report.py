"""The conformance report: which catalogue IDs passed, failed or did not run, and why.

It collects every scenario's result as the run goes (also from xdist workers, whose
reports carry pytest-bdd's scenario and step details), then writes `results.json`
and a self-contained `index.html`, and prints the coverage at the end of the run.
Failed scenarios link to their Playwright trace when `--tracing retain-on-failure`
recorded one.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import pytest
from slugify import slugify

from . import accessibility, catalogue, cucumber, docshots, evidence
from .contract import NOT_CHECKABLE

EXPECTED_FAILURE = "expected failure"
HELP_PICTURES_FOLDER = "help-pictures"
STATUS_ORDER = ("failed", EXPECTED_FAILURE, "passed", "not checkable", "skipped", "not run")
NOT_OFFERED = "not offered"
# An ID's status is the worst of its statuses in the profiles it applies to.
_SEVERITY = {"failed": 0, "not run": 1, "skipped": 2, "not checkable": 3, EXPECTED_FAILURE: 4, "passed": 5}


@dataclass
class ScenarioResult:
    nodeid: str
    feature: str
    name: str
    profile: str
    requirements: list[str]
    target: str = ""
    outcome: str = "passed"
    duration: float = 0.0
    steps: list[dict[str, Any]] = field(default_factory=list)
    message: str = ""
    trace: str | None = None
    expected_failure: str = ""
    """Why the target file expects this scenario to fail ("" when it does not)."""
    feature_file: str = ""
    line: int = 0
    tags: list[str] = field(default_factory=list)
    keyword: str = "Scenario"
    evidence: dict[str, Any] | None = None
    """For a failed scenario: its browsers' screenshots and addresses, emails, providers' requests."""

    @property
    def now_passing(self) -> bool:
        return bool(self.expected_failure) and self.outcome == "passed"


@dataclass
class RequirementResult:
    id: str
    title: str
    area: str
    status: str
    scenarios: list[str]
    profiles: dict[str, str] = field(default_factory=dict)
    """The status in each profile the ID applies to ("not offered" where the target has no such profile)."""
    targets: dict[str, str] = field(default_factory=dict)
    """The status on each target of those profiles (with several presentations, several per profile)."""


class ConformanceReport:
    def __init__(
        self,
        config: pytest.Config | None,
        directory: Path,
        *,
        require_every_id: bool = False,
        offered_targets: dict[str, str] | None = None,
    ) -> None:
        self.config = config
        self.directory = directory
        self.require_every_id = require_every_id
        self.offered_targets = offered_targets or {profile: profile for profile in catalogue.PROFILES}
        self.started = time.time()
        self.results: dict[str, ScenarioResult] = {}
        self.accessibility: list[accessibility.ScreenCheck] = []
        self.help_pictures: docshots.Outcome | None = None
        """With --doc-screenshots: the help page's pictures, their comparison and the labels found."""
        if config is not None:
            # A new run: what an earlier one left (claimed screens, evidence) must not stand for this one's.
            for leftover in (accessibility.FOLDER, evidence.EVIDENCE_FOLDER, HELP_PICTURES_FOLDER):
                shutil.rmtree(directory / leftover, ignore_errors=True)

    @pytest.hookimpl
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        scenario = getattr(report, "scenario", None)
        properties = dict(report.user_properties)
        if scenario is None and "requirements" not in properties:
            return
        result = self.results.get(report.nodeid)
        if result is None:
            result = ScenarioResult(
                nodeid=report.nodeid,
                feature=(scenario or {}).get("feature", {}).get("name", str(properties.get("feature", ""))),
                name=(scenario or {}).get("name", str(properties.get("scenario", report.nodeid))),
                profile=str(properties.get("profile", "")),
                requirements=str(properties.get("requirements", "")).split(),
                target=str(properties.get("target", properties.get("profile", ""))),
                expected_failure=str(properties.get("expected_failure", "")),
                feature_file=str(properties.get("feature_file", "")),
                line=int(str(properties.get("line", 0) or 0)),
                tags=str(properties.get("tags", "")).split(),
                keyword=str(properties.get("keyword", "Scenario")),
            )
            self.results[report.nodeid] = result
        result.duration += report.duration
        if scenario:
            result.feature = scenario["feature"]["name"]
            result.feature_file = scenario["feature"].get("rel_filename", result.feature_file)
            result.name = scenario["name"]
            result.line = scenario.get("line_number", result.line)
            result.steps = scenario["steps"]
        if getattr(report, "wasxfail", None) is not None and report.skipped:
            result.outcome = EXPECTED_FAILURE
            result.message = report.longreprtext[-4000:] or str(report.wasxfail)
        elif report.skipped and result.outcome == "passed":
            result.message = _skip_reason(report)
            result.outcome = "not checkable" if result.message.startswith(NOT_CHECKABLE) else "skipped"
        elif report.failed:
            result.outcome = "failed"
            result.message = report.longreprtext[-4000:]

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self._attach_traces()
        self._attach_evidence()
        self.accessibility = accessibility.gather(self.directory / accessibility.FOLDER)
        self._attach_help_pictures()
        requirements = self.write(finished=time.time())
        gate_fails = self.unproven(requirements) or self.now_passing()
        if self.require_every_id and gate_fails and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        if accessibility.unexpected(self.accessibility) and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def write(self, finished: float) -> list[RequirementResult]:
        """results.json, index.html and cucumber.json in the report folder; the requirements' results."""
        self.directory.mkdir(parents=True, exist_ok=True)
        requirements = self.requirement_results()
        document = {
            "started": self.started,
            "finished": finished,
            "targets": self.offered_targets,
            "requirements": [asdict(requirement) for requirement in requirements],
            "scenarios": [asdict(result) for result in self.results.values()],
            "now_passing": [
                {"nodeid": result.nodeid, "expected_failure": result.expected_failure}
                for result in self.results.values()
                if result.now_passing
            ],
        }
        if self.help_pictures is not None:
            document["doc_screenshots"] = self.help_pictures.to_json()
        (self.directory / "results.json").write_text(json.dumps(document, indent=2), encoding="utf-8")
        (self.directory / "index.html").write_text(self._html(requirements), encoding="utf-8")
        if self.accessibility:
            accessibility.write_document(self.directory / "accessibility.json", self.accessibility)
        cucumber_json = cucumber.document(list(self.results.values()))
        (self.directory / "cucumber.json").write_text(json.dumps(cucumber_json, indent=1), encoding="utf-8")
        return requirements

    @staticmethod
    def unproven(requirements: list[RequirementResult]) -> list[str]:
        """The catalogue IDs without a passing scenario (failed, skipped or not run at all), except those the
        target file expects to fail."""
        return [
            requirement.id for requirement in requirements if requirement.status not in ("passed", EXPECTED_FAILURE)
        ]

    def now_passing(self) -> list[ScenarioResult]:
        """Scenarios the target file expects to fail that passed: the entry can go (a gate ratchets on it)."""
        return [result for result in self.results.values() if result.now_passing]

    def requirement_results(self) -> list[RequirementResult]:
        """Each catalogue ID with its status on each target and in each profile; it has passed only where
        it passed on every target of every profile it applies to that the run offers."""
        by_id: dict[str, list[ScenarioResult]] = {}
        for result in self.results.values():
            for requirement_id in result.requirements:
                by_id.setdefault(requirement_id, []).append(result)
        rows = []
        for requirement in catalogue.load().values():
            scenarios = by_id.get(requirement.id, [])
            targets = {
                name: _status_of([scenario for scenario in scenarios if scenario.target == name])
                for name, profile in self.offered_targets.items()
                if profile in requirement.profiles
            }
            profiles = {
                profile: _worst([status for name, status in targets.items() if self.offered_targets[name] == profile])
                for profile in requirement.profiles
            }
            judged = [status for status in profiles.values() if status != NOT_OFFERED]
            rows.append(
                RequirementResult(
                    requirement.id,
                    requirement.title,
                    requirement.area,
                    _worst(judged) if judged else "skipped",
                    [scenario.nodeid for scenario in scenarios],
                    profiles,
                    targets,
                )
            )
        return rows

    def _attach_traces(self) -> None:
        if self.config is None:
            return
        output = Path(self.config.getoption("--output", default="test-results")).absolute()
        for result in self.results.values():
            trace = output / artifacts_folder_name(result.nodeid) / "trace.zip"
            if result.outcome == "failed" and trace.is_file():
                result.trace = str(trace)

    def _attach_evidence(self) -> None:
        for result in self.results.values():
            if result.outcome in ("failed", EXPECTED_FAILURE):
                result.evidence = evidence.load(self.directory, result.nodeid)

    def _attach_help_pictures(self) -> None:
        """The help page's pictures of this run (the controller's summary), copied beside the report with each
        difference drawn, so that the HTML shows them."""
        plugin = self.config.pluginmanager.get_plugin(docshots.PLUGIN_NAME) if self.config is not None else None
        outcome: docshots.Outcome | None = getattr(plugin, "outcome", None)
        if outcome is None:
            return
        self.help_pictures = outcome
        shown = self.directory / HELP_PICTURES_FOLDER
        shown.mkdir(parents=True, exist_ok=True)
        for picture in outcome.pictures:
            taken = Path(outcome.folder) / picture.name
            if picture.taken and taken.is_file():
                shutil.copyfile(taken, shown / picture.name)
            if picture.diff and Path(picture.diff).is_file():
                shutil.copyfile(picture.diff, shown / f"difference-{picture.name}")

    def _html(self, requirements: list[RequirementResult]) -> str:
        environment = jinja2.Environment(
            loader=jinja2.PackageLoader("loginspec", "templates"), autoescape=True, undefined=jinja2.StrictUndefined
        )
        counts = Counter(requirement.status for requirement in requirements)
        scenario_counts = Counter(result.outcome for result in self.results.values())
        return environment.get_template("report.html").render(
            requirements=requirements,
            profiles=catalogue.PROFILES,
            targets=list(self.offered_targets) if list(self.offered_targets) != list(catalogue.PROFILES) else [],
            counts=[(status, counts.get(status, 0)) for status in STATUS_ORDER],
            scenario_counts=[
                (status, scenario_counts.get(status, 0))
                for status in ("failed", EXPECTED_FAILURE, "passed", "not checkable", "skipped")
            ],
            scenarios=sorted(self.results.values(), key=lambda result: (result.feature, result.name, result.profile)),
            generated=time.strftime("%Y-%m-%d %H:%M:%S %Z"),
            accessibility=self.accessibility,
            help_pictures=self.help_pictures,
            help_pictures_folder=HELP_PICTURES_FOLDER,
        )

    @pytest.hookimpl
    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        requirements = self.requirement_results()
        counts = Counter(requirement.status for requirement in requirements)
        shown = [status for status in STATUS_ORDER if status != EXPECTED_FAILURE or counts.get(status)]
        summary = ", ".join(f"{counts.get(status, 0)} {status}" for status in shown)
        terminalreporter.section("Loginspec catalogue coverage")
        terminalreporter.write_line(f"{len(requirements)} catalogue IDs: {summary}")
        for status in ("failed", EXPECTED_FAILURE, "not checkable", "skipped", "not run"):
            ids = [_with_profiles(requirement) for requirement in requirements if requirement.status == status]
            if ids:
                terminalreporter.write_line(f"  {status}: {' '.join(ids)}")
        for result in self.now_passing():
            terminalreporter.write_line(
                f"  now passing, though expected to fail ({result.expected_failure}): {result.nodeid}",
                yellow=True,
            )
        if self.require_every_id and self.unproven(requirements):
            terminalreporter.write_line(
                f"FAILED: --require-every-id, and {len(self.unproven(requirements))} IDs have no passing scenario",
                red=True,
            )
        if self.require_every_id and self.now_passing():
            terminalreporter.write_line(
                "FAILED: --require-every-id, and scenarios expected to fail now pass: "
                "remove their entries from [expected_failures]",
                red=True,
            )
        if self.accessibility:
            violations = accessibility.unexpected(self.accessibility)
            terminalreporter.write_line(
                f"Accessibility (WCAG 2.1 AA, axe-core): {len(self.accessibility)} screens checked, "
                f"{len(violations)} unexpected violations",
                red=bool(violations),
            )
            for check, violation in violations:
                terminalreporter.write_line(
                    f"  {violation.rule} ({violation.impact}) on {check.screen}: {violation.help}"
                )
        terminalreporter.write_line(f"Report: {(self.directory / 'index.html').absolute()}")


def _status_of(scenarios: list[ScenarioResult]) -> str:
    outcomes = {scenario.outcome for scenario in scenarios}
    # A scenario not checkable here leaves part of the ID unproven, even when others passed.
    for status in ("failed", "not checkable", EXPECTED_FAILURE, "passed", "skipped"):
        if status in outcomes:
            return status
    return "not run"


def _worst(statuses: list[str]) -> str:
    """The worst status; a profile without targets in the run is not offered."""
    return min(statuses, key=_SEVERITY.__getitem__) if statuses else NOT_OFFERED


def _with_profiles(requirement: RequirementResult) -> str:
    """`SEC-6` when the status holds in every profile, `SEC-6(onsite)` when only some profiles fall short."""
    short = [profile for profile, status in requirement.profiles.items() if status == requirement.status]
    if len(short) == len(requirement.profiles):
        return requirement.id
    return f"{requirement.id}({','.join(short) or 'not offered'})"


def artifacts_folder_name(nodeid: str) -> str:
    """The folder pytest-playwright keeps a test's trace in (its own rule: a slug, shortened when long)."""
    name = slugify(nodeid)
    if len(name) < 256:
        return name
    return f"{name[:100]}-{hashlib.sha256(name.encode()).hexdigest()[:7]}-{name[-100:]}"


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr or "")
