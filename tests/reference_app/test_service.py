"""Service: its own session next to the CRM's, one per browser, ended one browser at a time."""

from __future__ import annotations

import re

from .conftest import PASSWORD, RunningApp
from .http_flows import (  # noqa: F401  (quick_*: the app fixtures, with quick hashing)
    Visitor,
    add_person,
    advance_clock,
    opens_crm,
    quick_app,
    quick_online_app,
    rows,
    signed_in_user,
)


def log_in_to_service(visitor: Visitor) -> None:
    landing = visitor.get("/service")
    assert landing.status_code == 200 and 'action="/service/login"' in landing.text
    response = visitor.post("/service/login")
    assert response.headers["location"] == "/service/dashboard"
    assert visitor.get("/service/dashboard").status_code == 200


def opens_service(visitor: Visitor) -> bool:
    return visitor.get("/service/dashboard").status_code == 200


def service_sessions(app: RunningApp, user: dict) -> int:
    return len(rows(app, "SELECT 1 FROM sessions WHERE user_id = ? AND scope = 'service'", user["id"]))


def test_service_needs_a_crm_session_first(online_app: RunningApp) -> None:
    visitor = Visitor(online_app)
    assert visitor.get("/service").headers["location"] == "/login?next=%2Fservice"
    assert visitor.post("/service/login").headers["location"].startswith("/login")
    assert visitor.get("/service/dashboard").headers["location"] == "/service"
    assert rows(online_app, "SELECT 1 FROM sessions") == []


def test_log_in_to_service_after_the_crm_session_timed_out_comes_back_to_a_page_that_opens(
    online_app: RunningApp,
) -> None:
    # Found as a 405: the sign-in sent the browser back to /service/login, which only takes a POST.
    user = add_person(online_app, "Ann Example")
    visitor = signed_in_user(online_app, user)
    assert visitor.get("/service").status_code == 200, "the Service landing page with its Log in button"
    advance_clock(online_app, online_app.settings.session_idle_timeout + 1)

    to_login = visitor.post("/service/login").headers["location"]
    login_page = visitor.get(to_login).text
    return_to = re.search(r'name="next" value="([^"]*)"', login_page)
    assert return_to is not None
    signed_in = visitor.submit("/login", {"user_id": user["user_id"], "password": PASSWORD, "next": return_to[1]})
    assert signed_in.status_code == 303
    arrival = visitor.get(signed_in.headers["location"])
    assert arrival.status_code in (200, 303), f"{signed_in.headers['location']} answers {arrival.status_code}"


def test_a_service_session_is_separate_from_the_crm_session(app: RunningApp) -> None:
    user = add_person(app, "Ann Example")
    visitor = signed_in_user(app, user)
    log_in_to_service(visitor)

    crm_id, service_id = visitor.cookie("crm_session"), visitor.cookie("service_session")
    assert crm_id and service_id and crm_id != service_id
    scopes = rows(app, "SELECT scope FROM sessions WHERE user_id = ? ORDER BY scope", user["id"])
    assert [row["scope"] for row in scopes] == ["crm", "service"]
    assert not opens_service(Visitor(app).set_cookie("service_session", crm_id)), "a CRM id is no Service id"
    assert not opens_crm(Visitor(app).set_cookie("crm_session", service_id)), "a Service id is no CRM id"

    signed_out = visitor.post("/service/logout")
    assert signed_out.headers["location"] == "/service?signed_out=1"
    assert "You have logged out of Service." in visitor.get(signed_out.headers["location"]).text
    assert not opens_service(visitor)
    assert not opens_service(Visitor(app).set_cookie("service_session", service_id)), "the old id opens nothing"
    assert opens_crm(visitor), "the CRM session lives on"
    assert service_sessions(app, user) == 0


def test_two_browsers_each_hold_a_service_session_and_log_out_alone(app: RunningApp) -> None:
    user = add_person(app, "Ann Example")
    first, second = signed_in_user(app, user), signed_in_user(app, user)
    log_in_to_service(first)
    log_in_to_service(second)
    assert first.cookie("service_session") != second.cookie("service_session")
    assert service_sessions(app, user) == 2

    assert second.post("/service/logout").headers["location"] == "/service?signed_out=1"
    assert opens_service(first)
    assert not opens_service(second)
    assert opens_crm(first) and opens_crm(second)
    assert service_sessions(app, user) == 1
    log_in_to_service(second)
    assert service_sessions(app, user) == 2


def test_logging_out_of_the_crm_ends_the_service_session_too(app: RunningApp) -> None:
    user = add_person(app, "Ann Example")
    visitor = signed_in_user(app, user)
    log_in_to_service(visitor)
    visitor.post("/logout")
    assert not opens_service(visitor), "the Service session outlived the CRM session it came from"
    assert service_sessions(app, user) == 0


def test_a_crm_session_that_times_out_takes_its_service_session_with_it(app: RunningApp) -> None:
    user = add_person(app, "Ann Example")
    visitor = signed_in_user(app, user)
    log_in_to_service(visitor)
    advance_clock(app, app.settings.session_absolute_timeout + 1)
    assert not opens_service(visitor)
