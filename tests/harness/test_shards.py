"""A run split into shards and merged reports the same scenarios as one run (real pytest runs via pytester)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from loginspec.merge import merge
from loginspec.sharding import parse_shard, shard_of

pytest_plugins = ["pytester"]

FEATURE = "Feature: Many\n" + "".join(
    f"  @online @LOGIN-{1 + number % 3}\n  Scenario: Number {number}\n    Given step {number}\n\n"
    for number in range(9)
)
STEPS = """
from pytest_bdd import given, parsers, scenarios

scenarios("many.feature")


@given(parsers.parse("step {number:d}"))
def step(number):
    assert number != 4, "number 4 fails"
"""
TARGET_FILE = """
[targets.online]
base_url = "http://crm.invalid"
control_url = "http://crm.invalid/_control"
control_secret_env = "LOGINSPEC_TEST_SECRET"
"""


def test_shards_balance_by_duration_and_cover_everything_once() -> None:
    durations = {"a": 10.0, "b": 6.0, "c": 5.0, "d": 1.0}
    first, second = shard_of(list("abcde"), durations, 1, 2), shard_of(list("abcde"), durations, 2, 2)
    assert first | second == set("abcde") and not first & second
    # Longest first, each to the lighter shard: a 10 | b 6, e (unknown: the median, 5.5) | c 5 | d 1.
    assert first == {"a", "c"} and second == {"b", "e", "d"}
    with pytest.raises(ValueError):
        parse_shard("3/2")


def test_two_shards_merged_report_what_one_run_reports(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOGINSPEC_TEST_SECRET", "not used")
    pytester.makefile(".feature", many=FEATURE)
    pytester.makepyfile(test_many=STEPS)
    target_file = pytester.makefile(".toml", target=TARGET_FILE)

    def run(folder: str, *arguments: str) -> Path:
        report = pytester.path / folder
        pytester.runpytest_subprocess(
            "-p", "loginspec.plugin", "--target-file", str(target_file), "--conformance-report", str(report),
            "--junitxml", str(report / "junit.xml"), "--durations-file", str(pytester.path / "none.json"), *arguments,
        )  # fmt: skip
        return report

    whole = run("whole")
    shards = [run(f"shard-{index}", "--shard", f"{index}/2", "-n", "2") for index in (1, 2)]
    names = [{s["nodeid"] for s in json.loads((shard / "results.json").read_text())["scenarios"]} for shard in shards]
    assert names[0] and names[1] and not names[0] & names[1]

    merge(pytester.path / "merged", shards)
    merged = json.loads((pytester.path / "merged" / "results.json").read_text())
    alone = json.loads((whole / "results.json").read_text())

    def outcomes(document: dict) -> dict[str, str]:  # type: ignore[type-arg]
        return {scenario["nodeid"]: scenario["outcome"] for scenario in document["scenarios"]}

    def statuses(document: dict) -> dict[str, str]:  # type: ignore[type-arg]
        return {row["id"]: row["status"] for row in document["requirements"]}

    assert outcomes(merged) == outcomes(alone) and len(outcomes(alone)) == 9
    assert statuses(merged) == statuses(alone)
    cases = ElementTree.parse(pytester.path / "merged" / "junit.xml").getroot().iter("testcase")
    assert len(list(cases)) == 9
    cucumber = json.loads((pytester.path / "merged" / "cucumber.json").read_text())
    assert sum(len(feature["elements"]) for feature in cucumber) == 9
