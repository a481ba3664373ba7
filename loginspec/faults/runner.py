"""Measuring the fault catalogue: each fault in a scratch copy of the tree, its scenarios run there.

A fault is *caught* when at least one scenario fails against the faulty CRM, *missed* when
every scenario passes, and *broken* when it cannot be measured: it no longer applies to the
tree, or the faulty CRM does not start (every scenario errors before its first step), or the
run does not finish in time. Faults run in parallel, one pytest process each.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .catalogue import Fault, FaultError, apply

PROJECT_DIR = Path(__file__).resolve().parents[2]
# What a scratch copy needs to run the suite: the code, the specification and the configuration.
TREE_ENTRIES = ("conftest.py", "pyproject.toml", "features", "steps", "loginspec", "fake_services", "reference_app")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.sqlite3*")
DEFAULT_TIMEOUT = 900.0

CAUGHT, MISSED, BROKEN = "caught", "missed", "broken"


@dataclass
class FaultResult:
    name: str
    ids: list[str]
    effect: str
    files: list[str]
    outcome: str
    failed_scenarios: list[str] = field(default_factory=list)
    scenarios_run: int = 0
    duration: float = 0.0
    detail: str = ""


def scratch_copy(destination: Path, source: Path = PROJECT_DIR) -> Path:
    destination.mkdir(parents=True, exist_ok=True)
    for entry in TREE_ENTRIES:
        path = source / entry
        if path.is_dir():
            shutil.copytree(path, destination / entry, ignore=IGNORED)
        else:
            shutil.copy2(path, destination / entry)
    return destination


# Run inside a scratch tree: both profiles must start and answer their login screens without a 5xx.
START_CHECK = """
import sys, tempfile
from pathlib import Path
from starlette.testclient import TestClient
from reference_app.app import create_app
from reference_app.settings import Settings

with tempfile.TemporaryDirectory() as folder:
    for profile in ("online", "onsite"):
        settings = Settings(base_url="http://crm.test", profile=profile, database_path=Path(folder) / profile,
                            test_mode=True, control_secret="start-check", argon2_memory_kib=1024, argon2_time_cost=1)
        with TestClient(create_app(settings), base_url="http://crm.test") as client:
            for path in ("/healthz", "/login", "/settings/login"):
                status = client.get(path).status_code
                if status >= 500:
                    sys.exit(f"{profile}: GET {path} answered {status}")
"""


def start_problem(tree: Path, timeout: float = 120.0) -> str | None:
    """Why the CRM in `tree` does not start, or None when both profiles answer their login screens."""
    try:
        completed = subprocess.run(
            [sys.executable, "-c", START_CHECK], cwd=tree, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return f"the CRM did not start within {timeout:.0f} s"
    if completed.returncode != 0:
        return "the CRM does not start: " + _tail(completed.stdout + completed.stderr, 8)
    return None


def marker_expression(fault: Fault) -> str:
    return " or ".join(fault.ids)


def pytest_command(fault: Fault, junit: Path, whole_suite: bool, every_failure: bool = False) -> list[str]:
    """One worker per fault (faults run side by side instead); unless every failure is wanted, the first
    failing scenario settles the verdict."""
    command = [sys.executable, "-m", "pytest", "steps", "-p", "no:cacheprovider", "-q", "-n", "0"]
    command += ["--junitxml", str(junit), "-o", "junit_family=xunit2"]
    if not every_failure:
        command += ["--maxfail", "1"]
    if not whole_suite:
        command += ["-m", marker_expression(fault)]
    return command


@dataclass(frozen=True)
class JunitOutcomes:
    passed: list[str]
    failed: list[str]
    errored: list[str]
    skipped: list[str]

    @property
    def run(self) -> int:
        return len(self.passed) + len(self.failed) + len(self.errored)


def read_junit(path: Path) -> JunitOutcomes:
    passed: list[str] = []
    failed: list[str] = []
    errored: list[str] = []
    skipped: list[str] = []
    root = ElementTree.parse(path).getroot()
    for case in root.iter("testcase"):
        name = f"{case.get('classname', '')}::{case.get('name', '')}"
        if case.find("failure") is not None:
            failed.append(name)
        elif case.find("error") is not None:
            errored.append(name)
        elif case.find("skipped") is not None:
            skipped.append(name)
        else:
            passed.append(name)
    return JunitOutcomes(passed, failed, errored, skipped)


def classify(fault: Fault, outcomes: JunitOutcomes, output: str) -> tuple[str, list[str], str]:
    """The verdict on one fault from its run: an error before any step counts as failing only
    when some scenario still ran; if none did, the faulty CRM could not be measured."""
    failing = outcomes.failed + outcomes.errored
    if outcomes.run == 0:
        return BROKEN, [], "no scenario ran: " + _tail(output)
    if not outcomes.failed and not outcomes.passed:
        return BROKEN, [], "every scenario errored before its steps (does the faulty CRM start?): " + _tail(output)
    if failing:
        return CAUGHT, failing, ""
    return MISSED, [], ""


def _tail(text: str, lines: int = 25) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def measure(
    fault: Fault,
    workdir: Path,
    *,
    whole_suite: bool = False,
    every_failure: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    source: Path = PROJECT_DIR,
) -> FaultResult:
    started = time.monotonic()
    result = FaultResult(fault.name, list(fault.ids), fault.effect, list(fault.files), BROKEN)
    tree = scratch_copy(workdir / "tree", source)
    try:
        apply(fault, tree)
    except FaultError as problem:
        result.detail = f"does not apply: {problem}"
        result.duration = time.monotonic() - started
        return result
    not_starting = start_problem(tree)
    if not_starting:
        result.detail = not_starting
        result.duration = time.monotonic() - started
        return result
    junit = workdir / "junit.xml"
    environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    try:
        completed = subprocess.run(
            pytest_command(fault, junit, whole_suite, every_failure),
            cwd=tree,
            env=environment,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        output = completed.stdout + completed.stderr
    except subprocess.TimeoutExpired:
        result.detail = f"the run did not finish within {timeout:.0f} s"
        result.duration = time.monotonic() - started
        return result
    if not junit.is_file():
        result.detail = f"pytest exited with {completed.returncode} and wrote no results: " + _tail(output)
    else:
        outcomes = read_junit(junit)
        result.scenarios_run = outcomes.run
        result.outcome, result.failed_scenarios, result.detail = classify(fault, outcomes, output)
    result.duration = time.monotonic() - started
    return result


def estimated_seconds(fault: Fault, durations: dict[str, float], whole_suite: bool) -> float:
    """How long the fault's scenarios took in an earlier run (0 when unknown): the longest go first."""
    if whole_suite:
        return sum(durations.values())
    return sum(duration for nodeid, duration in durations.items() if set(nodeid.split("|")[1:]) & set(fault.ids))


def recorded_durations(results_json: Path) -> dict[str, float]:
    """`nodeid|ID|ID...` -> seconds, from a conformance report's results.json, if there is one."""
    try:
        scenarios = json.loads(results_json.read_text(encoding="utf-8"))["scenarios"]
    except (OSError, ValueError, KeyError):
        return {}
    return {"|".join([scenario["nodeid"], *scenario["requirements"]]): scenario["duration"] for scenario in scenarios}


def measure_all(
    faults: Iterable[Fault],
    *,
    jobs: int,
    whole_suite: bool = False,
    every_failure: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    on_result: Callable[[FaultResult], None] = lambda result: None,
) -> list[FaultResult]:
    durations = recorded_durations(PROJECT_DIR / "reports" / "test-run" / "results.json")
    ordered = sorted(faults, key=lambda fault: -estimated_seconds(fault, durations, whole_suite))
    with tempfile.TemporaryDirectory(prefix="loginspec-faults-") as scratch:
        # One snapshot of the tree for the whole run: edits made meanwhile do not mix into it.
        pristine = scratch_copy(Path(scratch) / "pristine")

        def one(indexed: tuple[int, Fault]) -> FaultResult:
            index, fault = indexed
            workdir = Path(scratch) / f"{index:03d}-{fault.name}"
            try:
                result = measure(
                    fault,
                    workdir,
                    whole_suite=whole_suite,
                    every_failure=every_failure,
                    timeout=timeout,
                    source=pristine,
                )
            finally:
                shutil.rmtree(workdir, ignore_errors=True)
            on_result(result)
            return result

        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            return list(pool.map(one, enumerate(ordered)))
