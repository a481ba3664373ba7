"""Cucumber JSON under xdist: every scenario, every step with its status, from a real run with two workers."""

from __future__ import annotations

import json

import pytest

pytest_plugins = ["pytester"]

FEATURE = """
Feature: Doors
  @online @LOGIN-1
  Scenario: Opening a door
    Given a door
    When Ann opens the door
    Then the door is open

  @online @LOGIN-7
  Scenario: Opening a stuck door
    Given a door
    When Ann opens the stuck door
    Then the door is open

  @onsite @LOGIN-2
  Scenario: A door onsite
    Given a door
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


@when(parsers.parse("{name:w} opens the stuck door"))
def opens_stuck(name):
    raise AssertionError("the door is stuck")


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


def test_every_scenario_and_step_is_in_cucumber_json_under_xdist(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOGINSPEC_TEST_SECRET", "not used")
    pytester.makefile(".feature", doors=FEATURE)
    pytester.makepyfile(test_doors=STEPS)
    target_file = pytester.makefile(".toml", target=TARGET_FILE)
    report = pytester.path / "report"
    result = pytester.runpytest_subprocess(
        "-p", "loginspec.plugin", "-n", "2", "--target-file", str(target_file), "--conformance-report", str(report)
    )
    result.assert_outcomes(passed=1, failed=1, skipped=1)
    (feature,) = json.loads((report / "cucumber.json").read_text(encoding="utf-8"))
    assert feature["name"] == "Doors" and feature["uri"].endswith("doors.feature")
    elements = {element["name"]: element for element in feature["elements"]}
    assert set(elements) == {"Opening a door [online]", "Opening a stuck door [online]", "A door onsite [onsite]"}

    def statuses(name: str) -> list[tuple[str, str]]:
        return [(step["keyword"] + step["name"], step["result"]["status"]) for step in elements[name]["steps"]]

    assert statuses("Opening a door [online]") == [
        ("Given a door", "passed"),
        ("When Ann opens the door", "passed"),
        ("Then the door is open", "passed"),
    ]
    assert statuses("Opening a stuck door [online]") == [
        ("Given a door", "passed"),
        ("When Ann opens the stuck door", "failed"),
        ("Then the door is open", "skipped"),
    ]
    stuck = elements["Opening a stuck door [online]"]["steps"][1]["result"]
    assert "the door is stuck" in stuck["error_message"]
    assert elements["A door onsite [onsite]"]["steps"] == []  # never ran: the file offers no onsite profile
    assert {tag["name"] for tag in elements["Opening a door [online]"]["tags"]} == {"@online", "@LOGIN-1"}
    assert all(step["result"]["duration"] >= 0 for step in elements["Opening a door [online]"]["steps"])
