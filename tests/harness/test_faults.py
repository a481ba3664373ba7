"""The fault catalogue: every fault still applies to the tree, the catalogue covers every ID, and the
runner's verdicts and report say what they should."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from loginspec import catalogue
from loginspec.faults import report
from loginspec.faults.catalogue import FaultError, apply, apply_to_copy, load, load_all
from loginspec.faults.runner import (
    BROKEN,
    CAUGHT,
    MISSED,
    FaultResult,
    JunitOutcomes,
    classify,
    marker_expression,
    pytest_command,
    read_junit,
)

FAULTS = load_all()
MINIMUM_FAULTS = 80
SECURITY_MINIMUM = 3


@pytest.mark.parametrize("fault", FAULTS, ids=[fault.name for fault in FAULTS])
def test_the_fault_still_applies_to_the_tree(fault) -> None:  # type: ignore[no-untyped-def]
    apply_to_copy(fault)


def test_the_catalogue_is_large_enough() -> None:
    assert len(FAULTS) >= MINIMUM_FAULTS, f"{len(FAULTS)} faults; the catalogue needs {MINIMUM_FAULTS}"


def test_every_catalogue_id_has_faults_and_security_ids_three() -> None:
    counts = {requirement_id: 0 for requirement_id in catalogue.load()}
    for fault in FAULTS:
        for requirement_id in fault.ids:
            counts[requirement_id] += 1
    short = {
        requirement.id: counts[requirement.id]
        for requirement in catalogue.load().values()
        if counts[requirement.id] < (SECURITY_MINIMUM if requirement.security else 1)
    }
    assert not short, f"IDs with too few faults (security IDs need {SECURITY_MINIMUM}): {short}"


def test_fault_names_are_unique_and_say_their_first_id() -> None:
    for fault in FAULTS:
        assert fault.name.upper().startswith(fault.ids[0] + "-") or any(
            fault.name.upper().startswith(requirement_id + "-") for requirement_id in fault.ids
        ), f"{fault.name} should start with one of its IDs {fault.ids}"


def write_fault(tmp_path: Path, text: str, name: str = "sec-1-example.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """
ids = ["SEC-1"]
effect = "A seven-character password is accepted."

[[change]]
file = "reference_app/passwords.py"
find = "MIN_LENGTH = 8"
replace = "MIN_LENGTH = 7"
"""


def tree_with(tmp_path: Path, text: str) -> Path:
    tree = tmp_path / "tree"
    (tree / "reference_app").mkdir(parents=True)
    (tree / "reference_app" / "passwords.py").write_text(text, encoding="utf-8")
    return tree


def test_a_fault_changes_exactly_the_text_it_names(tmp_path: Path) -> None:
    fault = load(write_fault(tmp_path, GOOD))
    assert (fault.name, fault.ids, fault.files) == ("sec-1-example", ("SEC-1",), ("reference_app/passwords.py",))
    tree = tree_with(tmp_path, "MIN_LENGTH = 8\nMAX_LENGTH = 1024\n")
    apply(fault, tree)
    assert (tree / "reference_app" / "passwords.py").read_text() == "MIN_LENGTH = 7\nMAX_LENGTH = 1024\n"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("MAX_LENGTH = 1024\n", "not found"),
        ("MIN_LENGTH = 8\nMIN_LENGTH = 8\n", "found 2 times"),
    ],
)
def test_a_fault_that_no_longer_applies_says_why_and_changes_nothing(
    tmp_path: Path, content: str, problem: str
) -> None:
    fault = load(write_fault(tmp_path, GOOD))
    tree = tree_with(tmp_path, content)
    with pytest.raises(FaultError, match=problem):
        apply(fault, tree)
    assert (tree / "reference_app" / "passwords.py").read_text() == content


def test_a_fault_that_breaks_the_syntax_is_refused_before_writing(tmp_path: Path) -> None:
    fault = load(write_fault(tmp_path, GOOD.replace('replace = "MIN_LENGTH = 7"', 'replace = "MIN_LENGTH = ("')))
    tree = tree_with(tmp_path, "MIN_LENGTH = 8\n")
    with pytest.raises(FaultError, match="no longer compiles"):
        apply(fault, tree)
    assert (tree / "reference_app" / "passwords.py").read_text() == "MIN_LENGTH = 8\n"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (GOOD.replace('ids = ["SEC-1"]', 'ids = ["SEC-99"]'), "not catalogue IDs"),
        (GOOD.replace('ids = ["SEC-1"]', "ids = []"), "non-empty list"),
        (GOOD.replace('effect = "A seven-character password is accepted."', 'effect = " "'), "effect"),
        (GOOD.replace("reference_app/passwords.py", "steps/test_login.py"), "under reference_app/"),
        (GOOD.replace("reference_app/passwords.py", "reference_app/../conftest.py"), "under reference_app/"),
        (GOOD.replace('replace = "MIN_LENGTH = 7"', 'replace = "MIN_LENGTH = 8"'), "other text"),
        (GOOD.split("[[change]]")[0], "at least one"),
        ("ids = [", "cannot be read"),
    ],
)
def test_a_malformed_fault_file_is_refused(tmp_path: Path, text: str, problem: str) -> None:
    with pytest.raises(FaultError, match=problem):
        load(write_fault(tmp_path, text))


def junit(tmp_path: Path, cases: str) -> Path:
    path = tmp_path / "junit.xml"
    path.write_text(f'<testsuites><testsuite name="pytest">{cases}</testsuite></testsuites>', encoding="utf-8")
    return path


def test_junit_results_are_read_per_scenario(tmp_path: Path) -> None:
    outcomes = read_junit(
        junit(
            tmp_path,
            '<testcase classname="steps.test_login" name="test_a[online]"/>'
            '<testcase classname="steps.test_login" name="test_b[online]"><failure message="x"/></testcase>'
            '<testcase classname="steps.test_login" name="test_c[onsite]"><error message="y"/></testcase>'
            '<testcase classname="steps.test_login" name="test_d[onsite]"><skipped message="z"/></testcase>',
        )
    )
    assert outcomes.passed == ["steps.test_login::test_a[online]"]
    assert outcomes.failed == ["steps.test_login::test_b[online]"]
    assert outcomes.errored == ["steps.test_login::test_c[onsite]"]
    assert outcomes.skipped == ["steps.test_login::test_d[onsite]"]
    assert outcomes.run == 3


@pytest.mark.parametrize(
    ("outcomes", "verdict"),
    [
        (JunitOutcomes(["a"], ["b"], [], []), CAUGHT),
        (JunitOutcomes(["a"], [], ["b"], []), CAUGHT),
        (JunitOutcomes(["a", "b"], [], [], ["c"]), MISSED),
        (JunitOutcomes([], [], ["a", "b"], []), BROKEN),
        (JunitOutcomes([], [], [], ["a"]), BROKEN),
    ],
)
def test_the_verdict_on_a_fault(tmp_path: Path, outcomes: JunitOutcomes, verdict: str) -> None:
    fault = load(write_fault(tmp_path, GOOD))
    assert classify(fault, outcomes, "output")[0] == verdict


def test_a_fault_runs_the_scenarios_of_its_ids_or_the_whole_suite(tmp_path: Path) -> None:
    fault = load(write_fault(tmp_path, GOOD.replace('ids = ["SEC-1"]', 'ids = ["SEC-1", "ACT-5"]')))
    assert marker_expression(fault) == "SEC-1 or ACT-5"
    tagged = pytest_command(fault, tmp_path / "junit.xml", whole_suite=False)
    assert tagged[-2:] == ["-m", "SEC-1 or ACT-5"]
    assert "SEC-1 or ACT-5" not in pytest_command(fault, tmp_path / "junit.xml", whole_suite=True)


def result(name: str, ids: list[str], outcome: str) -> FaultResult:
    return FaultResult(name, ids, "what a user sees", ["reference_app/x.py"], outcome)


def test_the_report_scores_each_id_and_lists_what_was_missed(tmp_path: Path) -> None:
    results = [
        result("sec-1-a", ["SEC-1", "ACT-5"], CAUGHT),
        result("sec-1-b", ["SEC-1"], MISSED),
        result("sec-1-c", ["SEC-1"], BROKEN),
    ]
    page = report.write(tmp_path, results, scope="tagged", jobs=2, started=0.0)
    data = json.loads((tmp_path / "faults.json").read_text(encoding="utf-8"))
    assert data["summary"] == {"faults": 3, "caught": 1, "missed": 1, "broken": 1, "score": 0.5}
    assert data["by_id"]["SEC-1"]["score"] == 0.5
    assert data["by_id"]["ACT-5"]["score"] == 1.0
    assert data["by_id"]["LOGIN-1"]["score"] is None
    assert data["missed"] == ["sec-1-b"] and data["broken"] == ["sec-1-c"]
    html = page.read_text(encoding="utf-8")
    assert "Missed faults" in html and "sec-1-b" in html and "50.0 %" in html
