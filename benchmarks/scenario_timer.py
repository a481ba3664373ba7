"""A pytest plugin for benchmarks/suite.py: how long each scenario took through the harness, and where.

    python -m pytest steps -p benchmarks.scenario_timer ...   (LOGINSPEC_BENCH_TIMINGS=FILE, LOGINSPEC_BENCH_ONLY=...)

For every test it records the wall time of its whole run protocol (setup, call and teardown, and pytest's
own work around them: hooks, reports, logging), the durations pytest reports for each phase, the CPU time
of this process (the harness, and the bundled stack's servers, which run in it), the Playwright calls and
events (benchmarks/playwright_calls.py), and, for a pytest-bdd scenario, each step's own time (the step
function) and the time between steps (finding the step's function and its fixtures, the after-step
hooks). It writes them as JSON to the file named by LOGINSPEC_BENCH_TIMINGS when the session ends.
LOGINSPEC_BENCH_ONLY (node IDs without pytest-repeat's suffix, separated by newlines) keeps only those.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from benchmarks import playwright_calls

OUTPUT_VARIABLE = "LOGINSPEC_BENCH_TIMINGS"
ONLY_VARIABLE = "LOGINSPEC_BENCH_ONLY"
REPEAT_SUFFIX = re.compile(r"-(\d+)-(\d+)\]$")
"""pytest-repeat's part of a node ID: `[online-3-11]` is round 3 of 11."""

_records: list[dict[str, Any]] = []
_current: dict[str, Any] = {}


def base_nodeid(nodeid: str) -> str:
    """The node ID without pytest-repeat's round: `test_x[online-3-11]` -> `test_x[online]`."""
    return REPEAT_SUFFIX.sub("]", nodeid)


def round_of(nodeid: str) -> int:
    found = REPEAT_SUFFIX.search(nodeid)
    return int(found.group(1)) if found else 1


def pytest_configure(config: pytest.Config) -> None:
    playwright_calls.install()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    wanted = {line.strip() for line in os.environ.get(ONLY_VARIABLE, "").splitlines() if line.strip()}
    if not wanted:
        return
    kept = [item for item in items if base_nodeid(item.nodeid) in wanted]
    config.hook.pytest_deselected(items=[item for item in items if item not in kept])
    items[:] = kept


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, object, object]:
    _current.clear()
    _current.update(phases={}, outcome="passed", steps=[], step_mark=None)
    traffic = playwright_calls.snapshot()
    cpu = time.process_time()
    started = time.perf_counter()
    try:
        return (yield)
    finally:
        wall = time.perf_counter() - started
        cpu = time.process_time() - cpu
        _records.append(
            {
                "nodeid": item.nodeid,
                "scenario": base_nodeid(item.nodeid),
                "round": round_of(item.nodeid),
                # The last test's teardown also ends the session: the stack and the browser.
                "last": nextitem is None,
                "wall": wall,
                "cpu": cpu,
                **playwright_calls.since(traffic),
                "phases": _current["phases"],
                "outcome": _current["outcome"],
                "steps": _current["steps"],
                "before_scenario": _current.get("before_scenario"),
                "after_scenario": _current.get("after_scenario"),
                "call_started": _current.get("call_started"),
                "call_ended": _current.get("call_ended"),
            }
        )


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if not _current:
        return
    _current["phases"][report.when] = report.duration
    if report.outcome != "passed" and not (report.when == "teardown" and report.outcome == "skipped"):
        _current["outcome"] = report.outcome


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    _current["call_started"] = time.perf_counter()
    try:
        return (yield)
    finally:
        _current["call_ended"] = time.perf_counter()


def pytest_bdd_before_scenario() -> None:
    _current["before_scenario"] = time.perf_counter()


def pytest_bdd_after_scenario() -> None:
    _current["after_scenario"] = time.perf_counter()


@pytest.hookimpl(tryfirst=True)
def pytest_bdd_before_step(step: Any) -> None:
    _current["step_started"] = time.perf_counter()
    _current["step_counts"] = playwright_calls.totals()


@pytest.hookimpl(trylast=True)
def pytest_bdd_before_step_call(step: Any) -> None:
    _current["step_called"] = time.perf_counter()


@pytest.hookimpl(tryfirst=True)
def pytest_bdd_after_step(step: Any) -> None:
    ended = time.perf_counter()
    calls, events = playwright_calls.totals()
    calls_before, events_before = _current.pop("step_counts", (calls, events))
    _current["steps"].append(
        {
            "text": f"{step.keyword} {step.name}",
            "started": _current.pop("step_started", ended),
            "called": _current.pop("step_called", ended),
            "ended": ended,
            "calls": calls - calls_before,
            "events": events - events_before,
        }
    )


def pytest_sessionfinish(session: pytest.Session) -> None:
    output = os.environ.get(OUTPUT_VARIABLE)
    if output and not hasattr(session.config, "workerinput"):
        Path(output).write_text(json.dumps(_records, indent=1), encoding="utf-8")
