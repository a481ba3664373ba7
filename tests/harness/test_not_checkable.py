"""A target file that declares a capability absent: the scenarios that need it are reported as not
checkable on that target, with the reason, and never as failed (a real pytest run, through pytester)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

FEATURE = """
Feature: Needs
  @online @onsite @SEC-6 @needs-storage-audit
  Scenario: Looks at what the target stores
    Given a step that would read the stored credentials

  @online @onsite @LOGIN-7
  Scenario: Needs nothing more than a browser
    Given a step that needs nothing more
"""

STEPS = """
from pytest_bdd import given, scenarios

scenarios("needs.feature")


@given("a step that would read the stored credentials")
def reads_storage(target):
    target.contract.require("storage_audit")
    raise AssertionError("never reached on a target without the capability")


@given("a step that needs nothing more")
def needs_nothing(target):
    target.contract.require("clock_control")  # present: nothing happens
"""

TARGET_FILE = """
[targets.online]
base_url = "http://crm.invalid"
control_url = "http://crm.invalid/_control"
control_secret_env = "LOGINSPEC_TEST_SECRET"

[contract]
capabilities.storage_audit = "this deployment does not show what it stores"
"""


def test_a_scenario_needing_what_the_target_lacks_is_not_checkable(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOGINSPEC_TEST_SECRET", "not used: nothing is provisioned")
    pytester.makefile(".feature", needs=FEATURE)
    pytester.makepyfile(test_needs=STEPS)
    target_file = pytester.makefile(".toml", target=TARGET_FILE)
    report = pytester.path / "report"
    result = pytester.runpytest_subprocess(
        "-p", "loginspec.plugin", "--target-file", str(target_file), "--conformance-report", str(report), "-rs"
    )
    result.assert_outcomes(passed=1, skipped=3)
    result.stdout.fnmatch_lines(["*not checkable on this target: it lacks storage_audit*does not show what it stores*"])
    document = json.loads((report / "results.json").read_text(encoding="utf-8"))
    outcomes = {(scenario["name"], scenario["profile"]): scenario["outcome"] for scenario in document["scenarios"]}
    assert outcomes == {
        ("Looks at what the target stores", "online"): "not checkable",
        ("Looks at what the target stores", "onsite"): "skipped",  # the file offers no onsite profile
        ("Needs nothing more than a browser", "online"): "passed",
        ("Needs nothing more than a browser", "onsite"): "skipped",
    }
    requirements = {row["id"]: row for row in document["requirements"]}
    assert requirements["SEC-6"]["status"] == "not checkable"
    assert requirements["SEC-6"]["profiles"] == {"online": "not checkable", "onsite": "not offered"}
    assert requirements["LOGIN-7"]["status"] == "passed"


def test_a_step_that_finds_a_capability_missing_ends_the_scenario_as_not_checkable(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the tag, the step's own `require` still stops it before it asserts anything."""
    monkeypatch.setenv("LOGINSPEC_TEST_SECRET", "not used")
    pytester.makefile(".feature", needs=FEATURE.replace(" @needs-storage-audit", ""))
    pytester.makepyfile(test_needs=STEPS)
    target_file = pytester.makefile(".toml", target=TARGET_FILE)
    result = pytester.runpytest_subprocess("-p", "loginspec.plugin", "--target-file", str(target_file), "-rs")
    result.assert_outcomes(passed=1, skipped=3)
    result.stdout.fnmatch_lines(["*not checkable on this target: it lacks storage_audit*"])


def test_the_reason_is_required(tmp_path: Path) -> None:
    from loginspec.contract import ContractError, load

    with pytest.raises(ContractError, match="say in a string why"):
        load("en", {"capabilities": {"storage_audit": False}})
