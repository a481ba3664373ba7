"""Signing in and out, sessions, CSRF and bad input: the app over real HTTP, no browser."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from .conftest import PASSWORD, Browserless, RunningApp, http_client


def _count(app: RunningApp, table: str) -> int:
    with sqlite3.connect(app.database_path) as db:
        return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def _user_id(app: RunningApp, user: dict) -> str:
    return user["user_id"]


def test_online_sign_in_is_identifier_first(online_app: RunningApp) -> None:
    user = online_app.add_user(email="ann@example.test")
    browser = online_app.browser()
    first_step = browser.http.get("/login").text
    assert 'action="/login/identify"' in first_step and 'name="password"' not in first_step
    second_step = browser.submit("/login/identify", {"user_id": user["user_id"]})
    assert second_step.status_code == 200 and 'name="password"' in second_step.text
    assert browser.sign_in(user["user_id"]).headers["location"] == "/crm"


def test_onsite_sign_in_is_one_page_with_the_user_name(onsite_app: RunningApp) -> None:
    user = onsite_app.add_user(username="ann", email="ann@example.test")
    browser = onsite_app.browser()
    page = browser.http.get("/login").text
    assert 'name="user_id"' in page and 'name="password"' in page
    assert browser.sign_in("ann@example.test").status_code == 400
    assert browser.sign_in(user["user_id"]).headers["location"] == "/crm"
    assert "Ann Example" in browser.http.get("/crm").text


def test_failed_sign_ins_look_the_same_whatever_the_reason(app: RunningApp) -> None:
    profile = app.settings.profile
    active = app.add_user(email="ann@example.test", username="ann")
    disabled = app.add_user(email="dis@example.test", username="dis", state="disabled")
    invited = app.add_user(email="inv@example.test", username="inv", state="invited", password=PASSWORD)
    unknown = "nobody@example.test" if profile == "online" else "nobody"
    answers = []
    for user_id, password in (
        (active["user_id"], "wrong horse battery 11"),
        (unknown, PASSWORD),
        (disabled["user_id"], PASSWORD),
        (invited["user_id"], PASSWORD),
    ):
        browser = app.browser()
        browser.csrf_token()
        response = browser.sign_in(user_id, password)
        answers.append(
            (response.status_code, response.headers.get("location"), response.headers.get_list("set-cookie"))
        )
        assert "could not log you in" in response.text
        assert browser.http.get("/crm").status_code == 303
    assert len(set(map(repr, answers))) == 1, answers


def test_sign_in_issues_a_fresh_session_and_logout_deletes_it(app: RunningApp) -> None:
    user = app.add_user(email="ann@example.test", username="ann")
    browser = app.browser()
    planted = "planted-session-id-0000"
    browser.http.cookies.set("crm_session", planted, domain="127.0.0.1")
    browser.sign_in(user["user_id"])
    session_id = browser.http.cookies["crm_session"]
    assert session_id != planted and len(session_id) >= 22
    cookie_header = browser.http.get("/crm").request.headers["cookie"]

    browser.submit("/logout", {}, form_page="/crm")
    replay = http_client(app.url).get("/crm", headers={"Cookie": cookie_header})
    assert replay.status_code == 303 and replay.headers["location"].startswith("/login")
    assert _count(app, "sessions") == 0


def test_the_session_cookie_is_httponly_lax_and_host_only(app: RunningApp) -> None:
    user = app.add_user(email="ann@example.test", username="ann")
    response = app.browser().sign_in(user["user_id"])
    cookie = next(value for value in response.headers.get_list("set-cookie") if value.startswith("crm_session="))
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "path", "samesite"} <= attributes and "domain" not in attributes
    assert "samesite=lax" in cookie.lower() and "path=/" in cookie.lower()


def test_the_return_address_accepts_only_same_origin_paths(app: RunningApp) -> None:
    user = app.add_user(email="ann@example.test", username="ann")
    for hostile in ("//evil.test/x", "/\\evil.test", "https://evil.test/", "javascript:alert(1)", "/crm\r\nX: y"):
        browser = app.browser()
        response = browser.submit("/login", {"user_id": user["user_id"], "password": PASSWORD, "next": hostile})
        assert response.headers["location"] == "/crm", hostile
    browser = app.browser()
    response = browser.submit("/login", {"user_id": user["user_id"], "password": PASSWORD, "next": "/service"})
    assert response.headers["location"] == "/service"


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"user_id=ann&password=x", "application/x-www-form-urlencoded", 403),
        (b"user_id=%ff%fe&password=x&csrf_token=TOKEN", "application/x-www-form-urlencoded", 400),
        (b"user_id=ann&user_id=ben&password=x&csrf_token=TOKEN", "application/x-www-form-urlencoded", 400),
        (b"user_id=a%00b&password=x&csrf_token=TOKEN", "application/x-www-form-urlencoded", 400),
        (b"user_id=ann&password=x%07y&csrf_token=TOKEN", "application/x-www-form-urlencoded", 400),
        (b'{"user_id": "ann"}', "application/json", 415),
        (
            b"user_id=ann&password=" + b"x" * (1024 * 1024) + b"&csrf_token=TOKEN",
            "application/x-www-form-urlencoded",
            413,
        ),
        (b"user_id=" + b"a" * 300 + b"&password=x&csrf_token=TOKEN", "application/x-www-form-urlencoded", 400),
    ],
    ids=["no-csrf", "invalid-utf8", "duplicate-field", "nul", "bell", "json", "1MB-password", "overlong-id"],
)
def test_bad_input_gets_a_clear_4xx_and_changes_nothing(
    app: RunningApp, body: bytes, content_type: str, status: int
) -> None:
    app.add_user(email="ann@example.test", username="ann")
    browser = app.browser()
    token = browser.csrf_token()
    before = (_count(app, "sessions"), _count(app, "login_failures"), _count(app, "users"))
    response = browser.http.post(
        "/login", content=body.replace(b"TOKEN", token.encode()), headers={"content-type": content_type}
    )
    assert response.status_code == status
    assert "Traceback" not in response.text and "sqlite" not in response.text.lower()
    assert (_count(app, "sessions"), _count(app, "login_failures"), _count(app, "users")) == before


def test_a_csrf_token_from_another_browser_is_refused(app: RunningApp) -> None:
    user = app.add_user(email="ann@example.test", username="ann")
    attacker, victim = app.browser(), app.browser()
    victim.csrf_token()
    stolen = attacker.csrf_token()
    response = victim.http.post("/login", data={"user_id": user["user_id"], "password": PASSWORD, "csrf_token": stolen})
    assert response.status_code == 403
    assert "crm_session" not in victim.http.cookies


@pytest.mark.parametrize(("method", "path"), [("DELETE", "/login"), ("PUT", "/logout"), ("GET", "/logout")])
def test_unexpected_methods_are_refused(app: RunningApp, method: str, path: str) -> None:
    response = http_client(app.url).request(method, path)
    assert response.status_code == 405
    assert "Traceback" not in response.text


def test_repeated_failures_lock_the_user_id_even_with_a_spoofed_address(app: RunningApp) -> None:
    user = app.add_user(email="ann@example.test", username="ann")
    browser = app.browser()
    token = browser.csrf_token()
    for attempt in range(5):
        browser.http.post(
            "/login",
            data={"user_id": user["user_id"], "password": f"wrong guess {attempt}", "csrf_token": token},
            headers={"X-Forwarded-For": f"10.0.0.{attempt}"},
        )
    locked = browser.http.post(
        "/login",
        data={"user_id": user["user_id"], "password": PASSWORD, "csrf_token": token},
        headers={"X-Forwarded-For": "10.9.9.9"},
    )
    assert locked.status_code == 400 and "could not log you in" in locked.text
    app.control("POST", "/clock", {"seconds": 15 * 60 + 1})
    assert Browserless(app.url).sign_in(user["user_id"]).headers["location"] == "/crm"


def test_security_headers_are_on_every_page(app: RunningApp) -> None:
    for path in ("/login", "/help/login", "/no-such-page"):
        headers = http_client(app.url).get(path).headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "script-src 'self'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"]
        assert headers["cache-control"] == "no-store"


def test_idle_sessions_end(app: RunningApp) -> None:
    user = app.add_user(email="ann@example.test", username="ann")
    browser = app.browser()
    browser.sign_in(user["user_id"])
    assert browser.http.get("/crm").status_code == 200
    app.control("POST", "/clock", {"seconds": app.settings.session_idle_timeout + 1})
    assert browser.http.get("/crm").status_code == 303


def test_the_control_api_needs_its_secret_and_well_formed_json(app: RunningApp) -> None:
    assert httpx.post(app.url + "/_control/users", json={"name": "x"}).status_code == 401
    assert app.control("POST", "/users", None).status_code == 400
    bad = httpx.post(
        app.url + "/_control/users",
        content=b"\xff\xfe{",
        headers={"Authorization": "Bearer control-secret-for-tests"},
    )
    assert bad.status_code == 400 and bad.json()["error"]
    assert app.control("POST", "/users", {"name": "A", "role": "No such role", "password": PASSWORD}).status_code == 400
    assert app.control("POST", "/clock", {"seconds": -5}).status_code == 400
    assert _count(app, "users") == 0


@pytest.mark.parametrize("email", ["ann@[x", "ann@exa\u2028mple.com", "Ann <ann@example.test>", "ann@@example.test"])
def test_the_control_api_refuses_addresses_no_email_could_be_written_to(online_app: RunningApp, email: str) -> None:
    response = online_app.control("POST", "/users", {"name": "Ann", "email": email, "state": "invited"})
    assert response.status_code == 400 and response.json()["error"].startswith("email ")
    company = online_app.control("POST", "/companies", {"name": "Bad", "email_domain": email.partition("@")[2]})
    assert company.status_code == 400 and "email_domain" in company.json()["error"]
    assert (_count(online_app, "users"), _count(online_app, "email_tokens")) == (0, 0)


def test_parallel_guesses_cannot_slip_past_the_throttle(online_app: RunningApp) -> None:
    app = online_app
    user = app.add_user(email="ann@example.test", username="ann")
    token_holder = app.browser()
    token = token_holder.csrf_token()
    cookies = dict(token_holder.http.cookies)

    def attempt(password: str) -> int:
        with http_client(app.url, cookies=cookies) as client:
            return client.post(
                "/login", data={"user_id": user["user_id"], "password": password, "csrf_token": token}
            ).status_code

    guesses = [f"wrong guess {number}" for number in range(14)] + [PASSWORD]
    with ThreadPoolExecutor(max_workers=len(guesses)) as pool:
        statuses = list(pool.map(attempt, guesses))
    admitted = statuses.count(303)
    assert admitted <= 1
    with sqlite3.connect(app.database_path) as db:
        failures, locked_until = db.execute("SELECT failures, locked_until FROM login_failures").fetchone()
    assert locked_until is not None and failures == app.settings.login_failure_limit


@pytest.mark.parametrize("path", ["/settings/users/99999999999999999999", "/settings/users/0"])
def test_ids_out_of_range_are_not_found(app: RunningApp, path: str) -> None:
    response = http_client(app.url).get(path)
    assert response.status_code in (303, 404)
    audit = app.control("GET", "/users/99999999999999999999/stored-credentials")
    assert audit.status_code == 404
    huge_company = app.control(
        "POST", "/users", {"name": "A", "password": PASSWORD, "email": "a@x.test", "username": "a", "company_id": 2**70}
    )
    assert huge_company.status_code == 400


def test_a_company_domain_is_taken_whatever_its_case(app: RunningApp) -> None:
    assert app.control("POST", "/companies", {"name": "One", "email_domain": "ex.test"}).status_code == 201
    assert app.control("POST", "/companies", {"name": "Two", "email_domain": "EX.test"}).status_code == 409
