"""The catalogue as data, and that it says what the shared catalogue documents say."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from loginspec import catalogue

SHARED = Path(catalogue.__file__).resolve().parents[2] / "shared"
SHARED_DOCUMENTS = (SHARED / "requirements.md", SHARED / "security.md")
# `- LOGIN-2 (online): ...`: the ID, and the one profile it is limited to, if any.
DOCUMENTED_ID = re.compile(r"^- (?P<id>[A-Z]+-\d+)(?: \((?P<profile>online|onsite)\))?:")


def documented_ids() -> dict[str, str | None]:
    missing = [str(path) for path in SHARED_DOCUMENTS if not path.is_file()]
    if missing:
        pytest.skip(f"the shared catalogue is not beside the project: {', '.join(missing)} missing")
    found: dict[str, str | None] = {}
    for path in SHARED_DOCUMENTS:
        for line in path.read_text(encoding="utf-8").splitlines():
            match = DOCUMENTED_ID.match(line)
            if match:
                assert match["id"] not in found, f"{match['id']} is listed twice"
                found[match["id"]] = match["profile"]
    return found


def test_the_toml_loads_into_requirements() -> None:
    raw = tomllib.loads(catalogue.CATALOGUE_FILE.read_text(encoding="utf-8"))
    loaded = catalogue.load()
    assert list(loaded) == list(raw)
    assert len(loaded) > 50
    login_1 = loaded["LOGIN-1"]
    assert login_1.profiles == ("online", "onsite")
    assert login_1.area == "LOGIN"
    assert loaded["SEC-7"].area == "SEC"


def test_every_id_is_well_formed_and_every_entry_complete() -> None:
    for requirement_id, requirement in catalogue.load().items():
        assert re.fullmatch(r"[A-Z]+-\d+", requirement_id), requirement_id
        assert requirement.id == requirement_id
        assert requirement.title.strip(), requirement_id


def test_profiles_are_known_and_not_repeated() -> None:
    for requirement in catalogue.load().values():
        assert requirement.profiles, requirement.id
        assert set(requirement.profiles) <= set(catalogue.PROFILES), requirement
        assert len(set(requirement.profiles)) == len(requirement.profiles), requirement


def test_is_catalogue_id() -> None:
    assert catalogue.is_catalogue_id("LOGIN-1")
    assert catalogue.is_catalogue_id("SEC-36")
    assert not catalogue.is_catalogue_id("LOGIN-999")  # the shape of an ID, but not in the catalogue
    assert not catalogue.is_catalogue_id("login-1")
    assert not catalogue.is_catalogue_id("LOGIN-1a")
    assert not catalogue.is_catalogue_id("online")


def test_the_ids_are_those_of_the_shared_catalogue() -> None:
    documented = documented_ids()
    ours = set(catalogue.load())
    assert sorted(ours - set(documented)) == [], "in catalogue.toml but not in the shared documents"
    assert sorted(set(documented) - ours) == [], "in the shared documents but not in catalogue.toml"


def test_a_requirement_documented_for_one_profile_has_exactly_that_profile() -> None:
    """The documents mark profile-only requirements `(online)` or `(onsite)`; the copy must agree.

    (The copy may narrow an unmarked requirement, e.g. the single sign-on controls are online only.)
    """
    loaded = catalogue.load()
    marked = {requirement_id: profile for requirement_id, profile in documented_ids().items() if profile}
    assert marked, "no profile marks found: has the documents' format changed?"
    wrong = {rid: loaded[rid].profiles for rid, profile in marked.items() if loaded[rid].profiles != (profile,)}
    assert wrong == {}
