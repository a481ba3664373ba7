"""The control API's sessions (`POST /users/{id}/sessions`): a session as signing in makes one, for a
browser the caller fills itself (capability provisioned_sessions)."""

from __future__ import annotations

from http.cookies import SimpleCookie

import httpx
import pytest

from .conftest import CONTROL_SECRET, RunningApp
from .http_flows import (  # noqa: F401  (quick_*: the app fixtures, with quick hashing)
    Visitor,
    add_person,
    add_sso_company,
    quick_app,
    quick_onsite_app,
    quick_sso_app,
    rows,
    session_scopes,
    snapshot,
)

WATCHED_TABLES = ("users", "sessions", "terms_acceptances")


def _browser_with(app: RunningApp, answer: httpx.Response) -> Visitor:
    """A browser holding the answered cookies, as the harness puts them into Chromium."""
    assert answer.status_code == 201, answer.text
    visitor = Visitor(app)
    for cookie in answer.json()["cookies"]:
        assert (cookie["path"], cookie["httpOnly"], cookie["sameSite"]) == ("/", True, "Lax")
        assert cookie["secure"] is app.url.startswith("https:")
        visitor.set_cookie(cookie["name"], cookie["value"])
    return visitor


def test_a_crm_session_opens_the_main_screen_and_no_more(app: RunningApp) -> None:
    user = add_person(app, "Ann Example")
    answer = app.control("POST", f"/users/{user['id']}/sessions", {"scope": "crm"})
    assert answer.json()["location"] == "/crm"
    browser = _browser_with(app, answer)
    assert browser.get("/crm").status_code == 200
    assert browser.get("/settings").headers["location"].startswith("/settings/login")
    assert session_scopes(app, user) == ["crm"]
    assert rows(app, "SELECT last_login_at FROM users WHERE id = ?", user["id"])[0][0] is not None


def test_the_cookie_is_the_one_signing_in_sets(app: RunningApp) -> None:
    user = add_person(app, "Ann Example")
    signed_in = Visitor(app).sign_in(user["user_id"])
    assert signed_in.status_code == 303
    (provisioned,) = app.control("POST", f"/users/{user['id']}/sessions", {}).json()["cookies"]
    set_by_login = SimpleCookie(signed_in.headers["set-cookie"])[provisioned["name"]]
    assert len(set_by_login.value) == len(provisioned["value"]) and set_by_login.value != provisioned["value"]
    assert (set_by_login["path"], bool(set_by_login["secure"]), bool(set_by_login["httponly"])) == (
        provisioned["path"],
        provisioned["secure"],
        provisioned["httpOnly"],
    )
    assert set_by_login["samesite"].capitalize() == provisioned["sameSite"]
    assert not set_by_login["max-age"] and "max_age" not in provisioned  # both end with the browser


def test_a_settings_session_is_as_after_accepting_the_amendment(app: RunningApp) -> None:
    admin = add_person(app, "Ada Admin", role="User level 0")
    answer = app.control("POST", f"/users/{admin['id']}/sessions", {"scope": "settings"})
    assert answer.json()["location"] == "/settings"
    browser = _browser_with(app, answer)
    assert browser.get("/settings/users").status_code == 200
    assert browser.get("/crm").status_code != 200  # a Settings session is not a CRM session
    accepted = rows(app, "SELECT 1 FROM terms_acceptances WHERE user_id = ?", admin["id"])
    assert len(accepted) == (1 if app.settings.profile == "onsite" else 0)


@pytest.mark.parametrize(
    ("fields", "body", "status"),
    [
        ({"state": "invited"}, {"scope": "crm"}, 409),
        ({"state": "disabled"}, {"scope": "crm"}, 409),
        ({}, {"scope": "settings"}, 409),  # a Standard user has no Settings login
        ({}, {"scope": "service"}, 400),
        ({}, {"scope": ["crm"]}, 400),
        ({}, {"scope": "crm" * 2000}, 400),
        ({}, ["crm"], 400),
    ],
)
def test_a_session_a_sign_in_could_not_make_is_refused_and_nothing_changes(
    app: RunningApp, fields: dict[str, str], body: object, status: int
) -> None:
    user = add_person(app, "Ann Example", **fields)
    before = snapshot(app, *WATCHED_TABLES)
    with httpx.Client(base_url=app.url, headers={"Authorization": f"Bearer {CONTROL_SECRET}"}) as client:
        answer = client.post(f"/_control/users/{user['id']}/sessions", json=body)
    assert answer.status_code == status, answer.text
    assert answer.json()["error"]
    assert snapshot(app, *WATCHED_TABLES) == before


@pytest.mark.parametrize("user_id", ["0", "999999", "99999999999999999999999999"])
def test_no_session_for_a_user_there_is_not(onsite_app: RunningApp, user_id: str) -> None:
    answer = onsite_app.control("POST", f"/users/{user_id}/sessions", {"scope": "crm"})
    assert answer.status_code == 404, answer.text
    assert rows(onsite_app, "SELECT 1 FROM sessions") == []


def test_sessions_need_the_control_secret(onsite_app: RunningApp) -> None:
    user = add_person(onsite_app, "Ann Example")
    with httpx.Client(base_url=onsite_app.url) as client:
        answer = client.post(f"/_control/users/{user['id']}/sessions", json={"scope": "crm"})
    assert answer.status_code == 401
    assert session_scopes(onsite_app, user) == []


def test_no_settings_session_for_a_single_sign_on_user(sso_app: RunningApp) -> None:
    """Settings and maintenance signs in with a password only, which a linked single sign-on user has not."""
    linked = {
        "name": "Sam Single",
        "email": "sam@fabrikam.test",
        "role": "User level 0",
        "company_id": add_sso_company(sso_app),
        "sso_identity": {"issuer": "http://login.microsoftonline.test:1/t-1/v2.0", "subject": "subject-1"},
    }
    user = sso_app.control("POST", "/users", linked).json()
    settings = sso_app.control("POST", f"/users/{user['id']}/sessions", {"scope": "settings"})
    assert settings.status_code == 409 and "password" in settings.json()["error"]
    assert session_scopes(sso_app, user) == []
    assert sso_app.control("POST", f"/users/{user['id']}/sessions", {"scope": "crm"}).status_code == 201
