"""The flake command's parts: shuffled runs (same seed, same order, also under xdist) and the tally."""

from __future__ import annotations

import pytest

from loginspec.flake import RunNotMade, check_run, tally

pytest_plugins = ["pytester"]

FEATURE = "Feature: Many\n" + "".join(
    f"  @online @LOGIN-1\n  Scenario: Number {number}\n    Given a step\n\n" for number in range(12)
)
STEPS = """
from pytest_bdd import given, scenarios

scenarios("many.feature")


@given("a step")
def step():
    pass
"""
TARGET_FILE = """
[targets.online]
base_url = "http://crm.invalid"
control_url = "http://crm.invalid/_control"
control_secret_env = "LOGINSPEC_TEST_SECRET"
"""


def _order(pytester: pytest.Pytester, *arguments: str) -> list[str]:
    target_file = pytester.path / "target.toml"
    result = pytester.runpytest_subprocess(
        "-p", "loginspec.plugin", "--target-file", str(target_file), "--collect-only", "-q", *arguments
    )
    return [line for line in result.outlines if "::" in line]


def test_a_seed_shuffles_the_scenarios_the_same_way_every_time(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOGINSPEC_TEST_SECRET", "not used")
    pytester.makefile(".feature", many=FEATURE)
    pytester.makepyfile(test_many=STEPS)
    pytester.makefile(".toml", target=TARGET_FILE)
    written = _order(pytester)
    shuffled = _order(pytester, "--shuffle", "7")
    assert sorted(shuffled) == sorted(written) and shuffled != written
    assert _order(pytester, "--shuffle", "7") == shuffled
    assert _order(pytester, "--shuffle", "8") != shuffled
    result = pytester.runpytest_subprocess(
        "-p", "loginspec.plugin", "--target-file", str(pytester.path / "target.toml"), "-n", "2", "--shuffle", "7"
    )
    result.assert_outcomes(passed=12)  # xdist accepts it: every worker collected the same order


def test_the_tally_counts_first_attempts_per_scenario() -> None:
    def run(seed: int, **outcomes: str) -> dict[str, object]:
        return {"seed": seed, "seconds": 1.0, "scenarios": [{"nodeid": k, "outcome": v} for k, v in outcomes.items()]}

    summary = tally([run(1, a="passed", b="passed", c="skipped"), run(2, a="passed", b="failed", c="skipped")])
    assert summary["runs"] == 2 and summary["seeds"] == [1, 2]
    assert summary["scenario_runs"] == 4 and summary["failed_runs"] == 1
    assert summary["first_attempt_pass_rate"] == 0.75
    assert summary["failures"] == {"b": {"failed": 1, "passed": 1}}


def test_a_run_that_ran_no_scenarios_stops_the_measurement() -> None:
    """Seen once: a preflight error stopped every run at collection, and twenty empty runs were reported
    as twenty runs without a failure."""
    one_passed = {"scenarios": [{"nodeid": "a", "outcome": "passed"}, {"nodeid": "b", "outcome": "skipped"}]}
    check_run(1, 0, one_passed, "")
    check_run(1, 1, {"scenarios": [{"nodeid": "a", "outcome": "failed"}]}, "")
    for returncode, document in ((2, one_passed), (0, {"scenarios": []}), (5, None), (0, None)):
        with pytest.raises(RunNotMade, match="ran no scenarios") as stopped:
            check_run(3, returncode, document, "ERROR preflight")
        assert "ERROR preflight" in str(stopped.value)
