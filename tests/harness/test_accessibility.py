"""Accessibility checks: what makes a screen, axe-core finding a real violation in a real page (once a
run), and the report that fails the run on a violation the target file does not expect."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import sync_playwright

from loginspec import accessibility
from loginspec.browsers import find_chromium, launch_arguments
from loginspec.people import PersonFactory
from loginspec.report import ConformanceReport
from steps.cast import Cast


def test_a_screen_is_its_address_without_what_varies_and_its_title() -> None:
    one = accessibility.screen_of("https://crm.test:41151/activate/Zk3q9x7LmPq2RtY8vW1?x=1", "Create password")
    other = accessibility.screen_of("https://crm.test:50000/activate/Ab5c6d7e8f9g0h1i2j3", "Create password")
    assert one == other == "https://crm.test/activate/* | Create password"
    assert accessibility.screen_of("https://crm.test/users/42/edit", "Edit") == "https://crm.test/users/*/edit | Edit"
    assert accessibility.screen_of("https://crm.test/login", "Log in") != accessibility.screen_of(
        "https://crm.test/login", "Log in to Settings and maintenance"
    )


def test_axe_finds_a_violation_in_a_real_page_and_checks_each_screen_once(tmp_path: Path) -> None:
    with sync_playwright() as playwright:
        executable = find_chromium(None, playwright.chromium.executable_path)
        browser = playwright.chromium.launch(executable_path=executable, args=launch_arguments(None))
        page = browser.new_page()
        page.set_content('<html lang="en"><title>Photo</title><main><img src="data:,"></main></html>')
        checker = accessibility.Checker(tmp_path, ["about:blank"], {})
        checker.check_pages([page])
        other_worker = accessibility.Checker(tmp_path, ["about:blank"], {})
        other_worker.check_pages([page])  # already claimed: not checked again
        browser.close()
    (check,) = accessibility.gather(tmp_path)
    assert check.title == "Photo"
    assert "image-alt" in {violation.rule for violation in check.violations}


def test_a_page_that_has_not_navigated_since_it_was_looked_at_is_passed_over(tmp_path: Path) -> None:
    with sync_playwright() as playwright:
        executable = find_chromium(None, playwright.chromium.executable_path)
        browser = playwright.chromium.launch(executable_path=executable, args=launch_arguments(None))
        page = browser.new_page()
        page.set_content('<html lang="en"><title>First</title><main><p>One</p></main></html>')
        checker = accessibility.Checker(tmp_path, ["about:blank"], {})
        navigations = {"count": 1}
        checker.check_pages([page], lambda _page: navigations["count"])
        page.evaluate("document.title = 'Second'")  # another screen, though nothing navigated
        checker.check_pages([page], lambda _page: navigations["count"])
        not_looked_at_again = {check.title for check in accessibility.gather(tmp_path)}
        navigations["count"] = 2
        checker.check_pages([page], lambda _page: navigations["count"])
        browser.close()
    assert not_looked_at_again == {"First"}
    assert {check.title for check in accessibility.gather(tmp_path)} == {"First", "Second"}


def _report_with(tmp_path: Path, pytestconfig: pytest.Config, expected: str) -> tuple[ConformanceReport, object]:
    report = ConformanceReport(pytestconfig, tmp_path / "report")
    folder = tmp_path / "report" / accessibility.FOLDER
    folder.mkdir(parents=True)
    violation = {
        "rule": "color-contrast",
        "impact": "serious",
        "help": "Contrast",
        "nodes": ["p"],
        "expected": expected,
    }
    check = {"screen": "https://crm.test/login | Log in", "url": "https://crm.test/login", "title": "Log in",
             "violations": [violation], "problem": ""}  # fmt: skip
    (folder / "one.json").write_text(json.dumps(check), encoding="utf-8")
    session = SimpleNamespace(exitstatus=pytest.ExitCode.OK)
    report.pytest_sessionfinish(session)  # type: ignore[arg-type]
    return report, session


def test_an_unexpected_violation_fails_the_run_and_is_listed(tmp_path: Path, pytestconfig: pytest.Config) -> None:
    report, session = _report_with(tmp_path, pytestconfig, expected="")
    assert session.exitstatus == pytest.ExitCode.TESTS_FAILED  # type: ignore[attr-defined]
    document = json.loads((report.directory / "accessibility.json").read_text(encoding="utf-8"))
    assert document["unexpected_violations"] == 1
    assert "color-contrast" in (report.directory / "index.html").read_text(encoding="utf-8")


def test_a_violation_the_target_file_expects_does_not(tmp_path: Path, pytestconfig: pytest.Config) -> None:
    _report, session = _report_with(tmp_path, pytestconfig, expected="brand colours, next release")
    assert session.exitstatus == pytest.ExitCode.OK  # type: ignore[attr-defined]


def test_expected_violations_need_reasons() -> None:
    assert accessibility.expected_violations({"accessibility": {"expected": {"color-contrast": "brand"}}}) == {
        "color-contrast": "brand"
    }
    assert accessibility.expected_violations({}) == {}
    with pytest.raises(ValueError, match="reason"):
        accessibility.expected_violations({"accessibility": {"expected": {"color-contrast": ""}}})


def test_pages_of_a_browser_without_javascript_are_not_offered_for_the_checks() -> None:
    """axe-core's promise never settles where scripts do not run: checking such a page hung a scenario
    until its timeout (seen in a flake run, whenever a browser without JavaScript was the first to show a
    screen). The cast offers the checks only the pages that run scripts."""
    with sync_playwright() as playwright:
        executable = find_chromium(None, playwright.chromium.executable_path)
        browser = playwright.chromium.launch(executable_path=executable, args=launch_arguments(None))
        cast = Cast(SimpleNamespace(), PersonFactory(), browser.new_context)  # type: ignore[arg-type]
        scripted = cast.browser("Ann")
        scriptless = cast.browser("Ann", "without JavaScript", javascript=False)
        assert cast.open_pages() == [scripted, scriptless]
        assert cast.pages_running_scripts() == [scripted]
        assert isinstance(cast, accessibility.PageSource)
        browser.close()
