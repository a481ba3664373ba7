"""Helpers for the fast tests that walk the reference app's flows over HTTP: a form-filling
visitor, the Settings-and-maintenance administrator, emailed links, the clock, and reads of
the SQLite file for "nothing changed" checks."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from fake_services.mailsink import MailSink
from fake_services.mailsink.message import Message
from fake_services.serving import BackgroundServer
from reference_app.app import create_app
from reference_app.settings import IdentityProviderSettings, Settings

from .conftest import CONTROL_SECRET, CSRF_FIELD, PASSWORD, Browserless, RunningApp

NEW_PASSWORD = "marble quietly orbits seventeen lanterns"
ADMIN_PASSWORD = "copper tide whistles over nine dunes"


def quick_client(base_url: str, **options: Any) -> httpx.Client:
    """An HTTP client for plain http on loopback. A default httpx client loads the CA bundle for TLS,
    about 0.1 s of CPU each time; these tests make hundreds of clients and never use TLS."""
    return httpx.Client(base_url=base_url, follow_redirects=False, timeout=10, verify=False, **options)


class Visitor(Browserless):
    """A Browserless that keeps its CSRF token, so it can post from any state (signed in or not).

    The token is this browser's secret signed by the app, so the one read from the first
    form page stays valid for every later form of the same browser.
    """

    def __init__(self, app: RunningApp) -> None:
        # Not Browserless.__init__: see quick_client.
        self.http = quick_client(app.url)
        self._token: str | None = None

    def csrf_token(self, path: str = "/login") -> str:
        if self._token is None:
            # A signed-in browser is redirected away from a login page; another one then has a form.
            for page in (path, "/login", "/settings/login"):
                match = CSRF_FIELD.search(self.http.get(page).text)
                if match:
                    self._token = match.group(1)
                    break
            assert self._token, "no page offered a CSRF token"
        return self._token

    def post(self, path: str, fields: dict[str, str] | None = None) -> httpx.Response:
        return self.submit(path, fields or {})

    def get(self, path: str) -> httpx.Response:
        return self.http.get(path)

    def follow(self, link: str) -> httpx.Response:
        """Open an emailed link (an absolute URL) in this browser."""
        return self.http.get(link)

    def sign_in_to_settings(self, user_id: str, password: str = PASSWORD) -> httpx.Response:
        return self.post("/settings/login", {"user_id": user_id, "password": password})

    def cookie(self, name: str) -> str | None:
        return self.http.cookies.get(name)

    def set_cookie(self, name: str, value: str) -> Visitor:
        self.http.cookies.set(name, value, domain="127.0.0.1")
        return self

    def with_cookies_of(self, other: Visitor, *names: str) -> Visitor:
        """Copy the named cookies of another browser into this one (a replayed or stolen cookie)."""
        for name in names:
            value = other.cookie(name)
            assert value, f"the other browser holds no {name}"
            self.set_cookie(name, value)
        return self


# Real Argon2id at a lower cost: the production cost is covered by test_passwords, and here it would
# only make every user added and every sign-in slower.
QUICK_HASHING: dict[str, Any] = {"argon2_memory_kib": 1024, "argon2_time_cost": 1}


@dataclass
class QuickApp(RunningApp):
    """A RunningApp whose control calls share one keep-alive client (see quick_client)."""

    control_client: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        secret = {"Authorization": f"Bearer {CONTROL_SECRET}"}
        self.control_client = quick_client(self.url + "/_control", headers=secret)

    def control(self, method: str, path: str, json: dict | None = None) -> httpx.Response:
        return self.control_client.request(method, path, json=json)


def start_app(profile: str, tmp_path: Path, sink: MailSink, **overrides: Any) -> Iterator[RunningApp]:
    """Like conftest's app fixtures, with some settings changed (identity providers, hashing cost)."""
    server = BackgroundServer(name=f"crm-{profile}")
    values: dict[str, Any] = {
        "base_url": f"http://127.0.0.1:{server.port}",
        "profile": profile,
        "database_path": tmp_path / f"{profile}.sqlite3",
        "smtp_host": sink.smtp_host,
        "smtp_port": sink.smtp_port,
        "test_mode": True,
        "control_secret": CONTROL_SECRET,
    }
    settings = Settings(**{**values, **overrides})
    server.start(create_app(settings))
    app = QuickApp(settings, server.url, settings.database_path, sink)
    try:
        yield app
    finally:
        app.control_client.close()
        server.stop()


# conftest's app fixtures under the same names, with quick hashing: a test module that imports
# quick_app, quick_online_app or quick_onsite_app gets these instead of conftest's.


@pytest.fixture(name="app", params=["online", "onsite"])
def quick_app(request: pytest.FixtureRequest, tmp_path: Path, sink: MailSink) -> Iterator[RunningApp]:
    yield from start_app(request.param, tmp_path, sink, **QUICK_HASHING)


@pytest.fixture(name="online_app")
def quick_online_app(tmp_path: Path, sink: MailSink) -> Iterator[RunningApp]:
    yield from start_app("online", tmp_path, sink, **QUICK_HASHING)


@pytest.fixture(name="onsite_app")
def quick_onsite_app(tmp_path: Path, sink: MailSink) -> Iterator[RunningApp]:
    yield from start_app("onsite", tmp_path, sink, **QUICK_HASHING)


@pytest.fixture(name="sso_app")
def quick_sso_app(tmp_path: Path, sink: MailSink) -> Iterator[RunningApp]:
    """Online, with a Microsoft identity provider configured (nothing needs to answer at its address)."""
    provider = IdentityProviderSettings("microsoft", "http://login.microsoftonline.test:1", "id", "secret")
    yield from start_app("online", tmp_path, sink, identity_providers=(provider,), **QUICK_HASHING)


def add_sso_company(app: RunningApp) -> int:
    """Fabrikam, whose users sign in through the sso_app's Microsoft tenant t-1."""
    answer = app.control(
        "POST",
        "/companies",
        {"name": "Fabrikam", "email_domain": "fabrikam.test", "sso_provider": "microsoft", "sso_tenant": "t-1"},
    )
    assert answer.status_code == 201, answer.text
    company_id: int = answer.json()["id"]
    return company_id


# People


def add_person(app: RunningApp, name: str, role: str = "Standard user", **fields: Any) -> dict:
    """A user whose email and user name derive from the first name: 'Ann Example' is ann@example.test, 'ann'."""
    first = name.split()[0].lower()
    return app.add_user(name=name, role=role, email=f"{first}@example.test", username=first, **fields)


def signed_in_admin(app: RunningApp, name: str = "Ada Admin", role: str = "User level 0") -> tuple[Visitor, dict]:
    """An administrator signed in to Settings and maintenance (onsite, with the amendment accepted)."""
    admin = add_person(app, name, role=role, password=ADMIN_PASSWORD)
    visitor = Visitor(app)
    response = visitor.sign_in_to_settings(admin["user_id"], ADMIN_PASSWORD)
    assert response.status_code == 303, response.text
    if response.headers["location"] == "/settings/terms":
        accepted = visitor.post("/settings/terms", {"accept": "1"})
        assert accepted.headers["location"] == "/settings", accepted.text
    assert visitor.get("/settings/users").status_code == 200
    return visitor, admin


def signed_in_user(app: RunningApp, user: dict, password: str = PASSWORD) -> Visitor:
    visitor = Visitor(app)
    response = visitor.sign_in(user["user_id"], password)
    assert response.headers.get("location") == "/crm", response.text
    return visitor


def opens_crm(visitor: Visitor) -> bool:
    return visitor.get("/crm").status_code == 200


def can_sign_in(app: RunningApp, user_id: str, password: str) -> bool:
    response = Visitor(app).sign_in(user_id, password)
    return response.status_code == 303 and response.headers["location"] == "/crm"


def role_id(app: RunningApp, role: str) -> str:
    return str(one(app, "SELECT id FROM roles WHERE name = ?", role)["id"])


# Mail


def mail_mark(app: RunningApp) -> int:
    return app.sink.store.mark()


def wait_for_mail(app: RunningApp, to: str, subject: str, since: int) -> Message:
    return app.sink.store.wait_for(to=to, subject=subject, since=since, timeout=5)


def mail_since(app: RunningApp, to: str, since: int) -> list[Message]:
    """What arrived for `to` after the mark. The app sends within the request, so this is complete."""
    return app.sink.store.messages(to=to, since=since)


def invite(app: RunningApp, name: str = "Ann Example") -> tuple[dict, str]:
    """An invited user and the "Activate now" link of the activation email sent to them."""
    since = mail_mark(app)
    user = add_person(app, name, state="invited", send_activation_email=True)
    message = wait_for_mail(app, user["email"], "Activate your", since)
    return user, message.link("Activate now")


# Clock


def advance_clock(app: RunningApp, seconds: float) -> float:
    """Move the app's clock forward; returns the app's time afterwards."""
    response = app.control("POST", "/clock", {"seconds": seconds})
    assert response.status_code == 200, response.text
    return response.json()["now"]


def app_now(app: RunningApp) -> float:
    return advance_clock(app, 0)


def wall_clock() -> float:
    return time.time()


# The SQLite file


def rows(app: RunningApp, sql: str, *params: object) -> list[sqlite3.Row]:
    connection = sqlite3.connect(app.database_path)
    connection.row_factory = sqlite3.Row
    try:
        return connection.execute(sql, params).fetchall()
    finally:
        connection.close()


def one(app: RunningApp, sql: str, *params: object) -> sqlite3.Row:
    found = rows(app, sql, *params)
    assert len(found) == 1, f"{sql} {params}: {len(found)} rows"
    return found[0]


def user_row(app: RunningApp, user: dict) -> dict[str, Any]:
    return dict(one(app, "SELECT * FROM users WHERE id = ?", user["id"]))


def session_scopes(app: RunningApp, user: dict) -> list[str]:
    return sorted(row["scope"] for row in rows(app, "SELECT scope FROM sessions WHERE user_id = ?", user["id"]))


def snapshot(app: RunningApp, *tables: str) -> dict[str, list[tuple]]:
    """Every row of the tables, to compare before and after a refused request."""
    return {table: [tuple(row) for row in rows(app, f"SELECT * FROM {table} ORDER BY rowid")] for table in tables}
