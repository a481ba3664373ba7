"""The presentations of the reference CRM: public paths both ways, translation, and the Norwegian app
over real HTTP (public paths answered, internal ones not found, redirects and emailed links public)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from fake_services.serving import BackgroundServer
from reference_app import presentation
from reference_app.app import create_app
from reference_app.settings import Settings

NORWEGIAN = presentation.load("nb")
ENGLISH = presentation.load("en")


@pytest.mark.parametrize(
    ("internal", "public"),
    [
        ("/login", "/logg-inn"),
        ("/settings/users/7/welcome-email", "/innstillinger/brukere/7/velkomst-epost"),
        ("/activate/AbC-123_xyz", "/aktivering/AbC-123_xyz"),
        ("/login?next=%2Fcrm%2Fcontacts&signed_out=1", "/logg-inn?next=%2Farbeidsflate%2Fkontakter&signed_out=1"),
        ("http://crm.test:8000/password/reset/tok", "http://crm.test:8000/passord/nullstill/tok"),
    ],
)
def test_public_paths_are_the_internal_ones_translated_both_ways(internal: str, public: str) -> None:
    assert NORWEGIAN.public_path(internal) == public
    path_only = public.split("?")[0].removeprefix("http://crm.test:8000")
    assert NORWEGIAN.internal_path(path_only) == internal.split("?")[0].removeprefix("http://crm.test:8000")


def test_an_internal_path_is_not_a_public_one_in_another_presentation() -> None:
    assert NORWEGIAN.internal_path("/login") is None
    assert NORWEGIAN.internal_path("/innstillinger/users") is None
    assert NORWEGIAN.internal_path("/aktivering/login") is None  # a token named like a segment is no token


def test_the_default_presentation_maps_and_translates_nothing() -> None:
    assert ENGLISH.public_path("/settings/users") == "/settings/users"
    assert ENGLISH.internal_path("/settings/users") == "/settings/users"
    assert ENGLISH.translate("You have logged out.") == "You have logged out."


def test_messages_are_translated_exactly_or_by_pattern_with_their_parts() -> None:
    assert NORWEGIAN.translate("You have logged out.") == "Du har logget ut."
    assert NORWEGIAN.translate("User ID is required.") != "User ID is required."
    assert NORWEGIAN.translate("Not a message the code says") == "Not a message the code says"


def test_every_translated_path_segment_is_its_own() -> None:
    public = list(NORWEGIAN.segments.values())
    assert len(public) == len(set(public)), "two internal segments share a public one"
    assert not set(public) & set(NORWEGIAN.segments), "a public segment is also an internal one"


def test_an_unknown_presentation_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="presentation must be one of"):
        Settings(base_url="http://crm.test", presentation="xx", database_path=tmp_path / "db")


@pytest.fixture(scope="module")
def norwegian_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    """The Norwegian app on loopback; its base URL is where it listens, so redirects come back to it."""
    server = BackgroundServer(name="crm-nb")
    settings = Settings(
        base_url=server.url,
        profile="online",
        presentation="nb",
        database_path=tmp_path_factory.mktemp("nb") / "crm.sqlite3",
        test_mode=True,
        control_secret="secret",
        argon2_memory_kib=1024,
        argon2_time_cost=1,
    )
    server.start(create_app(settings))
    try:
        with httpx.Client(base_url=server.url, follow_redirects=False, timeout=10) as client:
            yield client
    finally:
        server.stop()


def test_the_norwegian_app_answers_on_public_paths_only(norwegian_app: httpx.Client) -> None:
    assert norwegian_app.get("/logg-inn").status_code == 200
    assert "Logg inn" in norwegian_app.get("/logg-inn").text
    assert norwegian_app.get("/login").status_code == 404
    assert norwegian_app.get("/innstillinger/logg-inn").status_code == 200


def test_redirects_leave_on_public_paths(norwegian_app: httpx.Client) -> None:
    answer = norwegian_app.get("/arbeidsflate/kontakter")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/logg-inn?next=%2Farbeidsflate%2Fkontakter"


def test_the_health_check_static_files_and_control_api_keep_their_paths(norwegian_app: httpx.Client) -> None:
    assert norwegian_app.get("/healthz").status_code == 200
    assert norwegian_app.get("/static/crm.css").status_code == 200
    assert norwegian_app.post("/_control/clock", json={"seconds": 1}).status_code == 401  # there, and guarded


def test_links_the_app_builds_are_public(tmp_path: Path) -> None:
    settings = Settings(base_url="http://crm.test", presentation="nb", database_path=tmp_path / "db")
    assert settings.url("/activate/abc") == "http://crm.test/aktivering/abc"


def test_a_provisioned_session_names_its_screen_on_public_paths(norwegian_app: httpx.Client) -> None:
    secret = {"Authorization": "Bearer secret"}
    user = norwegian_app.post(
        "/_control/users",
        json={"name": "Ada Admin", "email": "ada@example.test", "role": "User level 0", "password": "x" * 8 + "Qz!7"},
        headers=secret,
    )
    assert user.status_code == 201, user.text
    for scope, shown_at in (("crm", "/arbeidsflate"), ("settings", "/innstillinger")):
        answer = norwegian_app.post(
            f"/_control/users/{user.json()['id']}/sessions", json={"scope": scope}, headers=secret
        )
        assert answer.json()["location"] == shown_at
        (cookie,) = answer.json()["cookies"]
        opened = norwegian_app.get(shown_at, headers={"Cookie": f"{cookie['name']}={cookie['value']}"})
        assert opened.status_code == 200, opened.headers
