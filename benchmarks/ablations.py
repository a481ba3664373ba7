"""Harness features switched off for a benchmark run, to see what each costs: `benchmarks/suite.py --ablate`.

    python -m pytest steps -p benchmarks.ablations ...   (LOGINSPEC_BENCH_ABLATE=listeners,tracing-stop)

Only for measuring: the scenarios benchmarks/suite.py times still pass without these, others may not.

- listeners: the people's browsers (steps/cast.py) get no `response`, `request` and `framenavigated`
  listeners, so the driver sends the client no event for each request and response;
- tracing-stop: pytest-playwright does not stop tracing, with two round trips, on every context it closes
  although it never started tracing there (without --tracing, --screenshot).
"""

from __future__ import annotations

import os
from typing import Any

import pytest

ABLATE_VARIABLE = "LOGINSPEC_BENCH_ABLATE"
KINDS = ("listeners", "tracing-stop")


def pytest_configure(config: pytest.Config) -> None:
    wanted = {kind.strip() for kind in os.environ.get(ABLATE_VARIABLE, "").split(",") if kind.strip()}
    unknown = wanted - set(KINDS)
    if unknown:
        raise pytest.UsageError(f"{ABLATE_VARIABLE}: no such ablation {sorted(unknown)} (known: {KINDS})")
    if "listeners" in wanted:
        _without_listeners()
    if "tracing-stop" in wanted:
        _without_needless_tracing_stop()


def _without_listeners() -> None:
    from playwright.sync_api import Page

    from steps.cast import Cast

    def browser(self: Cast, handle: str, which: str = "first", javascript: bool = True) -> Page:
        member = self.person(handle)
        if which not in member.browsers:
            member.browsers[which] = self._new_context(java_script_enabled=javascript).new_page()
        return member.browsers[which]

    Cast.browser = browser  # type: ignore[method-assign]


def _without_needless_tracing_stop() -> None:
    from pytest_playwright.pytest_playwright import ArtifactsRecorder

    closing = ArtifactsRecorder.on_will_close_browser_context

    def on_will_close_browser_context(self: Any, context: Any) -> None:
        if self._capture_trace or self._pytestconfig.getoption("--screenshot") in ("on", "only-on-failure"):
            closing(self, context)

    ArtifactsRecorder.on_will_close_browser_context = on_will_close_browser_context  # type: ignore[method-assign]
