"""The preflight: a run with an undefined, an ambiguous or an unused step stops before any scenario
runs, naming the step and the files (real pytest runs through pytester, with and without xdist)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

FEATURE = """
Feature: Doors
  @online @LOGIN-1
  Scenario: Opening a door
    Given a door
    When Ann opens the door
    Then the door is open
"""

STEPS = """
from pytest_bdd import given, parsers, scenarios, then, when

scenarios("doors.feature")


@given("a door")
def door():
    pass


@when(parsers.parse("{name:w} opens the door"))
def opens(name):
    pass


@then("the door is open")
def is_open():
    pass
"""

TARGET_FILE = """
[targets.online]
base_url = "http://crm.invalid"
control_url = "http://crm.invalid/_control"
control_secret_env = "LOGINSPEC_TEST_SECRET"
"""


@pytest.fixture
def run(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("LOGINSPEC_TEST_SECRET", "not used")
    target_file = pytester.makefile(".toml", target=TARGET_FILE)

    def run_with(feature: str, steps: str, *arguments: str) -> pytest.RunResult:
        pytester.makefile(".feature", doors=feature)
        pytester.makepyfile(test_doors=steps)
        return pytester.runpytest_subprocess("-p", "loginspec.plugin", "--target-file", str(target_file), *arguments)

    return run_with


def test_steps_that_fit_run(run) -> None:  # type: ignore[no-untyped-def]
    run(FEATURE, STEPS).assert_outcomes(passed=1)


@pytest.mark.parametrize("workers", [(), ("-n", "2")], ids=["one process", "xdist"])
def test_an_undefined_step_stops_the_run_before_any_scenario(run, workers: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    result = run(FEATURE.replace("Then the door is open", "Then the door is ajar"), STEPS, *workers)
    result.stdout.fnmatch_lines(["*Steps no definition matches:*", "*Then the door is ajar*", "*doors.feature:6*"])
    result.assert_outcomes(errors=1)
    assert result.ret != 0


def test_a_step_two_definitions_match_is_named_with_both(run) -> None:  # type: ignore[no-untyped-def]
    ambiguous = (
        STEPS
        + """

@when(parsers.parse("Ann opens the {thing}"))
def opens_anything(thing):
    pass
"""
    )
    result = run(FEATURE, ambiguous)
    result.stdout.fnmatch_lines(
        [
            "*Steps two definitions match*",
            "*When Ann opens the door*",
            "*doors.feature:5*",
            "*test_doors.py:*(opens)*",
            "*test_doors.py:*(opens_anything)*",
        ]
    )
    result.assert_outcomes(errors=1)


UNUSED = (
    STEPS
    + """

@then("the door is locked")
def is_locked():
    pass
"""
)


def test_a_definition_no_scenario_uses_is_named(run) -> None:  # type: ignore[no-untyped-def]
    result = run(FEATURE, UNUSED)
    result.stdout.fnmatch_lines(["*Step definitions no scenario uses:*", "*test_doors.py:*(is_locked)*"])
    result.assert_outcomes(errors=1)


def test_a_partial_run_does_not_call_the_definitions_it_left_out_unused(run) -> None:  # type: ignore[no-untyped-def]
    run(FEATURE, UNUSED, "-k", "opening").assert_outcomes(passed=1)


def test_the_projects_own_features_and_steps_fit() -> None:
    """Collecting the browser suite runs the preflight over features/ and steps/: a step definition left
    unused by a change to the features stops every run (and CI's) before a scenario starts."""
    project = Path(__file__).resolve().parents[2]
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "steps", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert collected.returncode == 0, collected.stdout[-3000:] + collected.stderr[-2000:]
