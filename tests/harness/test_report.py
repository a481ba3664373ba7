"""The conformance report, fed real pytest reports shaped like pytest-bdd's scenario results."""

from __future__ import annotations

import io
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from slugify import slugify

from loginspec import catalogue
from loginspec.report import ConformanceReport


def scenario_report(
    name: str,
    outcome: str,
    requirements: str,
    *,
    profile: str = "online",
    target: str | None = None,
    when: str = "call",
    longrepr: Any = None,
    duration: float = 0.5,
    steps: list[dict[str, Any]] | None = None,
) -> pytest.TestReport:
    """One phase of one scenario, as the plugin hands it on: IDs and profile as user properties."""
    nodeid = f"steps/test_login.py::test_{name.replace(' ', '_')}[{target or profile}]"
    report = pytest.TestReport(
        nodeid=nodeid,
        location=("steps/test_login.py", 10, f"test_{name}"),
        keywords={},
        outcome=outcome,  # type: ignore[arg-type]
        longrepr=longrepr,
        when=when,  # type: ignore[arg-type]
        user_properties=[("requirements", requirements), ("profile", profile), ("target", target or profile)],
        duration=duration,
    )
    report.scenario = {  # type: ignore[attr-defined]
        "name": name,
        "feature": {"name": "Logging in"},
        "steps": steps
        or [
            {"keyword": "Given", "name": "a user of the CRM", "failed": False, "duration": 0.1},
            {"keyword": "When", "name": "they log in", "failed": outcome == "failed", "duration": 0.2},
        ],
    }
    return report


def skipped(name: str, requirements: str, reason: str, profile: str = "onsite") -> pytest.TestReport:
    location = ("steps/test_login.py", 12, f"Skipped: {reason}")
    return scenario_report(name, "skipped", requirements, profile=profile, when="setup", longrepr=location)


@pytest.fixture
def report(pytestconfig: pytest.Config, tmp_path: Path) -> ConformanceReport:
    return ConformanceReport(pytestconfig, tmp_path / "report")


def feed(report: ConformanceReport, *reports: pytest.TestReport) -> None:
    for one in reports:
        report.pytest_runtest_logreport(one)


def statuses(report: ConformanceReport) -> dict[str, str]:
    return {requirement.id: requirement.status for requirement in report.requirement_results()}


@pytest.fixture
def mixed_run(report: ConformanceReport) -> ConformanceReport:
    feed(
        report,
        scenario_report("valid credentials", "passed", "LOGIN-1", profile="online"),
        scenario_report("valid credentials", "passed", "LOGIN-1", profile="onsite"),
        scenario_report("email as user id", "passed", "LOGIN-2 LOGIN-5"),
        scenario_report("identifier first", "failed", "LOGIN-2", longrepr="AssertionError: no Next button"),
        skipped("assigned user name", "LOGIN-3", "the target has no onsite profile"),
        scenario_report("generic refusal", "passed", "LOGIN-4", profile="online"),
        skipped("generic refusal", "LOGIN-4", "the target has no onsite profile"),
    )
    return report


def test_status_of_each_id(mixed_run: ConformanceReport) -> None:
    found = statuses(mixed_run)
    assert found["LOGIN-1"] == "passed"  # passed in both profiles it applies to
    assert found["LOGIN-2"] == "failed"  # one of its scenarios failed
    assert found["LOGIN-5"] == "not run"  # passed online, but it applies onsite too and nothing ran there
    assert found["LOGIN-3"] == "skipped"  # only skipped
    assert found["LOGIN-4"] == "skipped"  # passed in one profile, skipped in the other
    assert found["LOGIN-6"] == "not run"
    assert set(found) == set(catalogue.load())
    assert list(found) == list(catalogue.load())  # in catalogue order


def test_status_in_each_profile(mixed_run: ConformanceReport) -> None:
    rows = {requirement.id: requirement.profiles for requirement in mixed_run.requirement_results()}
    assert rows["LOGIN-1"] == {"online": "passed", "onsite": "passed"}
    assert rows["LOGIN-2"] == {"online": "failed"}  # an online-only ID has no onsite status
    assert rows["LOGIN-4"] == {"online": "passed", "onsite": "skipped"}
    assert rows["LOGIN-5"] == {"online": "passed", "onsite": "not run"}


def test_a_profile_the_target_does_not_offer_does_not_count(pytestconfig: pytest.Config, tmp_path: Path) -> None:
    online_only = ConformanceReport(pytestconfig, tmp_path / "report", offered_targets={"online": "online"})
    feed(
        online_only,
        scenario_report("generic refusal", "passed", "LOGIN-4", profile="online"),
        skipped("generic refusal", "LOGIN-4", "the target has no onsite profile"),
        skipped("assigned user name", "LOGIN-3", "the target has no onsite profile"),
    )
    rows = {requirement.id: requirement for requirement in online_only.requirement_results()}
    assert rows["LOGIN-4"].status == "passed"
    assert rows["LOGIN-4"].profiles == {"online": "passed", "onsite": "not offered"}
    assert rows["LOGIN-3"].status == "skipped"  # applies onsite only, which the target lacks
    assert rows["LOGIN-3"].profiles == {"onsite": "not offered"}


def test_scenarios_of_each_id(mixed_run: ConformanceReport) -> None:
    rows = {requirement.id: requirement for requirement in mixed_run.requirement_results()}
    assert rows["LOGIN-1"].scenarios == [
        "steps/test_login.py::test_valid_credentials[online]",
        "steps/test_login.py::test_valid_credentials[onsite]",
    ]
    assert rows["LOGIN-6"].scenarios == []
    assert rows["LOGIN-1"].title == catalogue.load()["LOGIN-1"].title


def test_the_phases_of_one_scenario_make_one_result(report: ConformanceReport) -> None:
    feed(
        report,
        scenario_report("log out", "passed", "LOGIN-8", when="setup", duration=0.25),
        scenario_report("log out", "passed", "LOGIN-8", when="call", duration=1.0),
        scenario_report("log out", "failed", "LOGIN-8", when="teardown", duration=0.25, longrepr="teardown broke"),
    )
    (result,) = report.results.values()
    assert result.outcome == "failed"
    assert result.duration == pytest.approx(1.5)
    assert result.message.endswith("teardown broke")
    assert statuses(report)["LOGIN-8"] == "failed"


def test_a_failure_keeps_its_message_and_steps(report: ConformanceReport) -> None:
    steps = [
        {"keyword": "Given", "name": "a user", "failed": False, "duration": 0.1},
        {"keyword": "Then", "name": "the CRM opens", "failed": True, "duration": 0.3},
    ]
    feed(
        report,
        scenario_report("opens", "failed", "LOGIN-1", longrepr="E   AssertionError: still on /login", steps=steps),
    )
    (result,) = report.results.values()
    assert (result.feature, result.name, result.profile) == ("Logging in", "opens", "online")
    assert result.requirements == ["LOGIN-1"]
    assert result.steps == steps
    assert "still on /login" in result.message


def test_a_skip_keeps_its_reason(report: ConformanceReport) -> None:
    feed(report, skipped("assigned user name", "LOGIN-3", "the target has no onsite profile"))
    (result,) = report.results.values()
    assert result.outcome == "skipped"
    assert result.message == "the target has no onsite profile"


def test_a_failure_is_not_undone_by_a_later_skip(report: ConformanceReport) -> None:
    feed(
        report,
        scenario_report("flaky", "failed", "LOGIN-9", longrepr="boom"),
        scenario_report("flaky", "skipped", "LOGIN-9", when="teardown", longrepr=("x.py", 1, "Skipped: later")),
    )
    assert statuses(report)["LOGIN-9"] == "failed"


def test_reports_of_plain_tests_are_ignored(report: ConformanceReport) -> None:
    plain = pytest.TestReport(
        nodeid="tests/test_x.py::test_x",
        location=("tests/test_x.py", 1, "test_x"),
        keywords={},
        outcome="failed",
        longrepr="boom",
        when="call",
        user_properties=[],
    )
    feed(report, plain)
    assert report.results == {}
    assert set(statuses(report).values()) == {"not run"}


def test_a_report_without_scenario_details_still_counts(report: ConformanceReport) -> None:
    bare = pytest.TestReport(
        nodeid="steps/test_login.py::test_bare[online]",
        location=("steps/test_login.py", 1, "test_bare"),
        keywords={},
        outcome="passed",
        longrepr=None,
        when="call",
        user_properties=[("requirements", "LOGIN-2"), ("profile", "online")],
    )
    feed(report, bare)
    (result,) = report.results.values()
    assert result.name == "steps/test_login.py::test_bare[online]"
    assert statuses(report)["LOGIN-2"] == "passed"


def test_session_finish_writes_json_and_html(mixed_run: ConformanceReport, request: pytest.FixtureRequest) -> None:
    mixed_run.pytest_sessionfinish(request.session)
    document = json.loads((mixed_run.directory / "results.json").read_text(encoding="utf-8"))
    by_id = {row["id"]: row for row in document["requirements"]}
    assert {row_id: by_id[row_id]["status"] for row_id in ("LOGIN-1", "LOGIN-2", "LOGIN-3", "LOGIN-6")} == {
        "LOGIN-1": "passed",
        "LOGIN-2": "failed",
        "LOGIN-3": "skipped",
        "LOGIN-6": "not run",
    }
    assert by_id["LOGIN-5"]["profiles"] == {"online": "passed", "onsite": "not run"}
    assert set(by_id) == set(catalogue.load())
    assert document["finished"] >= document["started"]
    outcomes = sorted(scenario["outcome"] for scenario in document["scenarios"])
    assert outcomes == ["failed", "passed", "passed", "passed", "passed", "skipped", "skipped"]
    html = (mixed_run.directory / "index.html").read_text(encoding="utf-8")
    for requirement_id in catalogue.load():
        assert f"<code>{requirement_id}</code>" in html
    assert "AssertionError: no Next button" in html


def test_the_html_escapes_what_scenarios_say(report: ConformanceReport, request: pytest.FixtureRequest) -> None:
    steps = [{"keyword": "Then", "name": "<script>alert(1)</script> is shown", "failed": True, "duration": 0.1}]
    feed(report, scenario_report("escaping", "failed", "SEC-1", longrepr="<b>bold</b>", steps=steps))
    report.pytest_sessionfinish(request.session)
    html = (report.directory / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; is shown" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_a_failed_scenario_links_its_playwright_trace(
    report: ConformanceReport, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    output = tmp_path / "test-results"
    monkeypatch.setattr(request.config.option, "output", str(output))
    failed = scenario_report("traced", "failed", "LOGIN-1", longrepr="boom")
    passed = scenario_report("also traced", "passed", "LOGIN-2")
    for one in (failed, passed):
        (output / slugify(one.nodeid)).mkdir(parents=True)
        (output / slugify(one.nodeid) / "trace.zip").write_bytes(b"PK")
    feed(report, failed, passed)
    report.pytest_sessionfinish(request.session)
    traces = {result.name: result.trace for result in report.results.values()}
    assert traces == {"traced": str(output / slugify(failed.nodeid) / "trace.zip"), "also traced": None}
    assert "trace.zip" in (report.directory / "index.html").read_text(encoding="utf-8")


def test_the_terminal_summary_lists_ids_by_status(mixed_run: ConformanceReport, pytestconfig: pytest.Config) -> None:
    written = io.StringIO()
    mixed_run.pytest_terminal_summary(pytest.TerminalReporter(pytestconfig, written))
    text = written.getvalue()
    total = len(catalogue.load())
    assert f"{total} catalogue IDs: 1 failed, 1 passed, 0 not checkable, 2 skipped, {total - 4} not run" in text
    assert "  failed: LOGIN-2\n" in text
    assert "  skipped: LOGIN-3 LOGIN-4(onsite)\n" in text
    assert " LOGIN-5(onsite) " in text
    assert str(mixed_run.directory / "index.html") in text


def test_requiring_every_id_fails_a_green_run_that_leaves_ids_unproven(
    pytestconfig: pytest.Config, tmp_path: Path
) -> None:
    strict = ConformanceReport(pytestconfig, tmp_path / "strict", require_every_id=True)
    feed(strict, scenario_report("valid credentials", "passed", "LOGIN-1", profile="online"))
    feed(strict, scenario_report("valid credentials", "passed", "LOGIN-1", profile="onsite"))
    feed(strict, scenario_report("generic refusal", "passed", "LOGIN-4", profile="online"))
    session = SimpleNamespace(exitstatus=pytest.ExitCode.OK)  # only the field the hook sets
    strict.pytest_sessionfinish(session)  # type: ignore[arg-type]
    assert session.exitstatus == pytest.ExitCode.TESTS_FAILED
    unproven = strict.unproven(strict.requirement_results())
    assert "LOGIN-1" not in unproven
    assert "LOGIN-2" in unproven
    assert "LOGIN-4" in unproven  # passed online only, and it applies onsite too


def test_requiring_every_id_passes_when_each_has_a_passing_scenario(
    pytestconfig: pytest.Config, tmp_path: Path
) -> None:
    strict = ConformanceReport(pytestconfig, tmp_path / "strict", require_every_id=True)
    for requirement in catalogue.load().values():
        for profile in requirement.profiles:
            feed(strict, scenario_report(f"proves {requirement.id}", "passed", requirement.id, profile=profile))
    session = SimpleNamespace(exitstatus=pytest.ExitCode.OK)
    strict.pytest_sessionfinish(session)  # type: ignore[arg-type]
    assert session.exitstatus == pytest.ExitCode.OK


def test_with_two_presentations_an_id_passes_only_where_it_passed_on_both(
    pytestconfig: pytest.Config, tmp_path: Path
) -> None:
    targets = {"en-online": "online", "en-onsite": "onsite", "nb-online": "online", "nb-onsite": "onsite"}
    both = ConformanceReport(pytestconfig, tmp_path / "report", offered_targets=targets)
    for target, profile in targets.items():
        feed(both, scenario_report("valid credentials", "passed", "LOGIN-1", profile=profile, target=target))
    feed(both, scenario_report("email as user id", "passed", "LOGIN-2", profile="online", target="en-online"))
    feed(both, scenario_report("email as user id", "failed", "LOGIN-2", profile="online", target="nb-online"))
    rows = {requirement.id: requirement for requirement in both.requirement_results()}
    assert rows["LOGIN-1"].status == "passed"
    assert rows["LOGIN-1"].targets == dict.fromkeys(targets, "passed")
    assert rows["LOGIN-2"].status == "failed"
    assert rows["LOGIN-2"].profiles == {"online": "failed"}
    assert rows["LOGIN-2"].targets == {"en-online": "passed", "nb-online": "failed"}
