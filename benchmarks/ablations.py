"""Harness features switched off for a benchmark run, to see what each costs: `benchmarks/suite.py --ablate`.

    python -m pytest steps -p benchmarks.ablations ...   (LOGINSPEC_BENCH_ABLATE=listeners,tracing-stop,...)

Only for measuring: the scenarios benchmarks/suite.py times still pass without these, others may not.
Since 2026-12-03 the harness itself records traffic only where steps read it, works the layout out once
per target and leaves out the readiness checks listed below (this ablation goes further: it drops the
new-password form's check in Then steps too); the ablations are kept so that the figures recorded before
can be measured again.

- listeners: the people's browsers (steps/cast.py) get no `response`, `request` and `framenavigated`
  listeners, so the driver sends the client no event for each request and response;
- tracing-stop: pytest-playwright does not stop tracing, with two round trips, on every context it closes
  although it never started tracing there (without --tracing, --screenshot);
- readiness-checks: the page objects do not check that a screen is ready before using it where the action
  that follows waits for it anyway (Playwright's fill and click wait for their control): the login
  screens' heading after opening them, the user ID's and the password's fields before typing, the new
  password form before filling it in; and the login screen's layout is worked out once per target instead
  of on every sign-in (two round trips).
"""

from __future__ import annotations

import os
from typing import Any

import pytest

ABLATE_VARIABLE = "LOGINSPEC_BENCH_ABLATE"
KINDS = ("listeners", "tracing-stop", "readiness-checks")


def pytest_configure(config: pytest.Config) -> None:
    wanted = {kind.strip() for kind in os.environ.get(ABLATE_VARIABLE, "").split(",") if kind.strip()}
    unknown = wanted - set(KINDS)
    if unknown:
        raise pytest.UsageError(f"{ABLATE_VARIABLE}: no such ablation {sorted(unknown)} (known: {KINDS})")
    if "listeners" in wanted:
        _without_listeners()
    if "tracing-stop" in wanted:
        _without_needless_tracing_stop()
    if "readiness-checks" in wanted:
        _without_readiness_checks()


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


def _without_readiness_checks() -> None:
    from steps.pages.activation import CreatePasswordPage
    from steps.pages.login import Layout, LoginPage
    from steps.pages.settings import SettingsLoginPage

    layouts: dict[str, Layout] = {}
    detect = LoginPage.layout

    def open_login(self: LoginPage) -> LoginPage:
        self.page.goto(self.target.login_url)
        return self

    def layout(self: LoginPage) -> Layout:
        if self.target.name not in layouts:
            layouts[self.target.name] = detect(self)
        return layouts[self.target.name]

    def give_user_id(self: LoginPage, user_id: str) -> Layout:
        chosen = self.layout()
        self.user_id.fill(user_id)
        if chosen is Layout.IDENTIFIER_FIRST:
            self.next_button.click()
        return chosen

    def enter_user_id(self: LoginPage, user_id: str) -> None:
        self.give_user_id(user_id)

    def open_settings_login(self: SettingsLoginPage) -> SettingsLoginPage:
        self.page.goto(self.target.settings_login_url)
        return self

    def nothing(self: Any) -> None:
        return None

    LoginPage.open = open_login  # type: ignore[method-assign]
    LoginPage.layout = layout  # type: ignore[method-assign]
    LoginPage.give_user_id = give_user_id  # type: ignore[method-assign]
    LoginPage.enter_user_id = enter_user_id  # type: ignore[method-assign]
    SettingsLoginPage.open = open_settings_login  # type: ignore[method-assign]
    CreatePasswordPage.expect_shown = nothing  # type: ignore[method-assign]
