"""A target file's expected failures: reported as such, one that now passes is named, and a release gate
(--require-every-id) passes on expected failures and fails until a fixed one's entry is removed."""

from __future__ import annotations

import json

import pytest

pytest_plugins = ["pytester"]

FEATURE = """
Feature: Known gaps
  @online @SEC-28
  Scenario: Strict transport is demanded
    Given a step that fails

  @online @LOGIN-7
  Scenario: The help link is there
    Given a step that passes

  @online @LOGIN-1
  Scenario: The user signs in
    Given a step that passes
"""

STEPS = """
from pytest_bdd import given, scenarios

scenarios("gaps.feature")


@given("a step that fails")
def fails():
    raise AssertionError("no Strict-Transport-Security header")


@given("a step that passes")
def passes():
    pass
"""

TARGET_FILE = """
[targets.online]
base_url = "http://crm.invalid"
control_url = "http://crm.invalid/_control"
control_secret_env = "LOGINSPEC_TEST_SECRET"

[expected_failures]
"SEC-28" = "HSTS comes from the load balancer, which staging lacks"
"The help link is there" = "ticket CRM-1234"
"""


@pytest.fixture
def run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("LOGINSPEC_TEST_SECRET", "not used")
    pytester.makefile(".feature", gaps=FEATURE)
    pytester.makepyfile(test_gaps=STEPS)

    def run_with(target_file: str, *arguments: str) -> tuple[pytest.RunResult, dict]:  # type: ignore[type-arg]
        path = pytester.makefile(".toml", target=target_file)
        report = pytester.path / "report"
        result = pytester.runpytest_subprocess(
            "-p", "loginspec.plugin", "--target-file", str(path), "--conformance-report", str(report), *arguments
        )
        document = json.loads((report / "results.json").read_text(encoding="utf-8"))
        return result, document

    return run_with


def test_expected_failures_are_reported_and_one_that_now_passes_is_named(run) -> None:  # type: ignore[no-untyped-def]
    result, document = run(TARGET_FILE)
    result.assert_outcomes(passed=1, xfailed=1, xpassed=1)
    outcomes = {scenario["name"]: scenario["outcome"] for scenario in document["scenarios"]}
    assert outcomes == {
        "Strict transport is demanded": "expected failure",
        "The help link is there": "passed",
        "The user signs in": "passed",
    }
    statuses = {row["id"]: row["status"] for row in document["requirements"]}
    assert (statuses["SEC-28"], statuses["LOGIN-7"], statuses["LOGIN-1"]) == ("expected failure", "passed", "passed")
    assert [entry["expected_failure"] for entry in document["now_passing"]] == [
        "The help link is there: ticket CRM-1234"
    ]
    result.stdout.fnmatch_lines(["*1 expected failure*", "*now passing, though expected to fail (The help link*"])


def test_the_gate_fails_until_a_fixed_entry_is_removed(run) -> None:  # type: ignore[no-untyped-def]
    result, _document = run(TARGET_FILE, "--require-every-id", "-m", "SEC-28 or LOGIN-7 or LOGIN-1")
    result.stdout.fnmatch_lines(["*scenarios expected to fail now pass: remove their entries*"])
    assert result.ret != 0
    ratcheted = TARGET_FILE.replace('"The help link is there" = "ticket CRM-1234"\n', "")
    result, _document = run(ratcheted, "--require-every-id", "-m", "SEC-28 or LOGIN-7 or LOGIN-1")
    # What still fails the gate is only the catalogue this small feature does not cover; SEC-28 is not among it.
    result.stdout.fnmatch_lines(["*FAILED: --require-every-id, and 77 IDs have no passing scenario*"])
    assert "now pass" not in result.stdout.str()


def test_an_expected_failure_that_is_not_in_the_catalogue_is_refused(run) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(FileNotFoundError):  # no report: the run stopped at the start
        run(TARGET_FILE.replace('"SEC-28"', '"SEC-999"'))


@pytest.mark.parametrize("reason", ['""', "3"])
def test_an_expected_failure_needs_a_reason(pytester: pytest.Pytester, reason: str) -> None:
    from loginspec.expected import ExpectedFailuresError, expected_failures

    with pytest.raises(ExpectedFailuresError, match="needs a reason"):
        expected_failures({"expected_failures": {"SEC-28": json.loads(reason)}})
