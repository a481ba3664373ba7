"""The plugin's tag handling: profiles and catalogue IDs become marks; a typo stops the run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from loginspec.plugin import pytest_bdd_apply_tag


def scenario_function() -> Callable[..., Any]:
    def test_scenario() -> None:
        pass

    return test_scenario


def marks_of(function: Callable[..., Any]) -> list[tuple[str, tuple[Any, ...]]]:
    return [(mark.name, mark.args) for mark in getattr(function, "pytestmark", [])]


@pytest.mark.parametrize("profile", ["online", "onsite"])
def test_a_profile_tag_makes_a_profile_mark_and_asks_for_the_target(profile: str) -> None:
    function = scenario_function()
    assert pytest_bdd_apply_tag(profile, function) is True
    assert marks_of(function) == [("usefixtures", ("target",)), ("profile", (profile,))]


def test_a_catalogue_id_makes_a_requirement_mark_and_a_mark_of_its_own_name() -> None:
    function = scenario_function()
    assert pytest_bdd_apply_tag("LOGIN-1", function) is True
    assert marks_of(function) == [("requirement", ("LOGIN-1",)), ("LOGIN-1", ())]


@pytest.mark.parametrize("tag", ["LOGIN-999", "LOGON-1", "SEC-0"])
def test_an_id_that_is_not_in_the_catalogue_stops_the_run(tag: str) -> None:
    function = scenario_function()
    with pytest.raises(pytest.UsageError, match=f"@{tag} is not an ID of the catalogue"):
        pytest_bdd_apply_tag(tag, function)
    assert marks_of(function) == []


@pytest.mark.parametrize("tag", ["wip", "slow", "login-1", "Online"])
def test_other_tags_are_left_to_pytest_bdd(tag: str) -> None:
    function = scenario_function()
    assert pytest_bdd_apply_tag(tag, function) is None
    assert marks_of(function) == []


def test_the_catalogue_ids_are_registered_markers(pytestconfig: pytest.Config) -> None:
    """So that `--strict-markers` accepts `@LOGIN-1` on Examples and `-m LOGIN-1` selects."""
    markers = pytestconfig.getini("markers")
    assert any(line.startswith("LOGIN-1:") for line in markers)
    assert any(line.startswith("requirement(id):") for line in markers)
    assert any(line.startswith("profile(name):") for line in markers)
