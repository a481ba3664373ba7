"""The onsite amendment to the Terms of Service before the first use of Settings and maintenance."""

from __future__ import annotations

import pytest

from reference_app.terms import TERMS_VERSION

from .conftest import PASSWORD, RunningApp
from .http_flows import (  # noqa: F401  (quick_*: the app fixtures, with quick hashing)
    NEW_PASSWORD,
    Visitor,
    add_person,
    advance_clock,
    mail_mark,
    mail_since,
    quick_online_app,
    quick_onsite_app,
    role_id,
    rows,
    session_scopes,
    snapshot,
    wall_clock,
)

AMENDMENT = "Amendment to the Terms of Service"
WATCHED_TABLES = ("users", "email_tokens", "terms_acceptances", "sent_mail")


def pending_admin(app: RunningApp, name: str = "Ada Admin", role: str = "User level 0") -> tuple[Visitor, dict]:
    """An administrator who has just logged in to Settings and maintenance, before any answer to the amendment."""
    admin = add_person(app, name, role=role)
    visitor = Visitor(app)
    response = visitor.sign_in_to_settings(admin["user_id"])
    assert response.headers.get("location") == "/settings/terms", response.text
    return visitor, admin


def acceptances(app: RunningApp, user: dict) -> list[dict]:
    return [dict(row) for row in rows(app, "SELECT * FROM terms_acceptances WHERE user_id = ?", user["id"])]


@pytest.mark.parametrize("role", ["User level 0", "Settings and maintenance operator"])
def test_the_first_login_shows_the_amendment(onsite_app: RunningApp, role: str) -> None:
    admin = add_person(onsite_app, "Ada Admin", role=role)
    visitor = Visitor(onsite_app)
    response = visitor.sign_in_to_settings(admin["user_id"])
    assert response.headers["location"] == "/settings/terms"
    page = visitor.get("/settings/terms")
    assert page.status_code == 200 and AMENDMENT in page.text
    assert 'name="accept"' in page.text and 'name="cancel"' in page.text
    assert acceptances(onsite_app, admin) == []


def test_nothing_else_in_settings_opens_until_the_amendment_is_accepted(onsite_app: RunningApp) -> None:
    visitor, admin = pending_admin(onsite_app)
    ben = add_person(onsite_app, "Ben Example")
    ivy = add_person(onsite_app, "Ivy Invited", state="invited")
    standard = role_id(onsite_app, "Standard user")
    before = snapshot(onsite_app, *WATCHED_TABLES)
    since = mail_mark(onsite_app)

    for path in (
        "/settings",
        "/settings/users",
        "/settings/users/new",
        f"/settings/users/{ben['id']}",
        f"/settings/users/{ben['id']}/password",
    ):
        response = visitor.get(path)
        assert (response.status_code, response.headers.get("location")) == (303, "/settings/terms"), path

    for path, fields in (
        ("/settings/users", {"name": "Eve New", "username": "eve", "role": standard, "password": NEW_PASSWORD}),
        ("/settings/users", {"name": "Fay New", "username": "fay", "email": "fay@example.test", "role": standard}),
        (f"/settings/users/{ben['id']}", {"role": role_id(onsite_app, "User level 0")}),
        (f"/settings/users/{ben['id']}/disable", {}),
        (f"/settings/users/{ben['id']}/password", {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}),
        (f"/settings/users/{ivy['id']}/welcome-email", {}),
    ):
        response = visitor.post(path, fields)
        assert (response.status_code, response.headers.get("location")) == (303, "/settings/terms"), path

    assert snapshot(onsite_app, *WATCHED_TABLES) == before
    assert mail_since(onsite_app, "fay@example.test", since) == mail_since(onsite_app, ivy["email"], since) == []
    assert Visitor(onsite_app).sign_in(ben["user_id"], PASSWORD).headers["location"] == "/crm"
    assert visitor.get("/settings/terms").status_code == 200, "the amendment is still waiting"
    assert session_scopes(onsite_app, admin) == ["settings"]


def test_ok_without_accept_is_refused_and_records_nothing(onsite_app: RunningApp) -> None:
    visitor, admin = pending_admin(onsite_app)
    refused = visitor.post("/settings/terms", {})
    assert refused.status_code == 400
    assert "Select Accept to agree to the amendment" in refused.text and AMENDMENT in refused.text
    assert acceptances(onsite_app, admin) == []
    assert visitor.get("/settings/users").headers["location"] == "/settings/terms"


def test_cancel_ends_the_settings_session(onsite_app: RunningApp) -> None:
    visitor, admin = pending_admin(onsite_app)
    crm = Visitor(onsite_app)
    crm.sign_in(admin["user_id"])
    replay = Visitor(onsite_app).with_cookies_of(visitor, "settings_session")

    cancelled = visitor.post("/settings/terms", {"cancel": "1", "accept": "1"})
    assert cancelled.headers["location"] == "/settings/login?declined=1"
    assert "You must accept the amendment" in visitor.get(cancelled.headers["location"]).text
    for browser in (visitor, replay):
        for path in ("/settings/terms", "/settings/users"):
            assert browser.get(path).headers["location"] == "/settings/login", path
    assert acceptances(onsite_app, admin) == []
    assert session_scopes(onsite_app, admin) == ["crm"], "only the Settings session ends"


def test_accept_and_ok_records_the_time_and_the_next_login_goes_straight_in(onsite_app: RunningApp) -> None:
    visitor, admin = pending_admin(onsite_app)
    colleague, operator = pending_admin(onsite_app, "Oscar Operator", role="Settings and maintenance operator")
    app_time = advance_clock(onsite_app, 20 * 60)  # less than the idle timeout, more than any test's run time

    accepted = visitor.post("/settings/terms", {"accept": "1"})
    assert accepted.headers["location"] == "/settings"
    assert visitor.get("/settings/users").status_code == 200
    [record] = acceptances(onsite_app, admin)
    assert record["terms_version"] == TERMS_VERSION
    assert app_time - 1 <= record["accepted_at"] <= app_time + 60, "recorded with the app's own clock"
    assert record["accepted_at"] > wall_clock() + 10 * 60

    assert visitor.post("/settings/logout").headers["location"] == "/settings/login?signed_out=1"
    again = Visitor(onsite_app)
    assert again.sign_in_to_settings(admin["user_id"]).headers["location"] == "/settings"
    assert again.get("/settings/terms").headers["location"] == "/settings"
    assert colleague.get("/settings").headers["location"] == "/settings/terms", "each user accepts for themselves"
    assert acceptances(onsite_app, operator) == []


def test_online_never_asks(online_app: RunningApp) -> None:
    admin = add_person(online_app, "Ada Admin", role="User level 0")
    visitor = Visitor(online_app)
    assert visitor.sign_in_to_settings(admin["user_id"]).headers["location"] == "/settings"
    assert visitor.get("/settings/users").status_code == 200
    assert visitor.get("/settings/terms").headers["location"] == "/settings"
    assert acceptances(online_app, admin) == []


def test_accepting_the_amendment_issues_a_new_session_id(onsite_app: RunningApp) -> None:
    visitor, admin = pending_admin(onsite_app)
    before = visitor.http.cookies.get("settings_session")
    answer = visitor.post("/settings/terms", {"accept": "1"})
    assert answer.headers["location"] == "/settings"
    after = visitor.http.cookies.get("settings_session")
    assert before and after and before != after
    old = Visitor(onsite_app)
    old.http.cookies.set("settings_session", before, domain="127.0.0.1")
    assert old.get("/settings/users").status_code == 303, "the pre-acceptance session id still opens Settings"
    assert visitor.get("/settings/users").status_code == 200
