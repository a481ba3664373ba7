"""The reference app over real HTTP on loopback, with a real SQLite file and a real mail sink."""

from __future__ import annotations

import re
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from fake_services.mailsink import MailSink
from fake_services.serving import BackgroundServer
from reference_app.app import create_app
from reference_app.settings import Settings
from tests.idp.conftest import (  # noqa: F401  (the fake providers' fixtures, for the relying-party tests)
    google,
    google_server,
    microsoft,
    microsoft_server,
    party,
    provider,
    visitor,
)

CONTROL_SECRET = "control-secret-for-tests"
PASSWORD = "quiet harbour lantern 58"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
# Each httpx client would load the CA bundle again (a tenth of a second of CPU); the tests speak
# plain HTTP over loopback, so every client shares one context.
TLS = ssl.create_default_context()


def http_client(base_url: str = "", **options: Any) -> httpx.Client:
    return httpx.Client(base_url=base_url, follow_redirects=False, timeout=10, verify=TLS, **options)


class Browserless:
    """A cookie-keeping HTTP client that fills in forms the way a browser would, CSRF token included."""

    def __init__(self, base_url: str) -> None:
        self.http = http_client(base_url)

    def csrf_token(self, path: str = "/login") -> str:
        match = CSRF_FIELD.search(self.http.get(path).text)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def submit(self, path: str, fields: dict[str, str], form_page: str = "/login") -> httpx.Response:
        return self.http.post(path, data={"csrf_token": self.csrf_token(form_page), **fields})

    def sign_in(self, user_id: str, password: str = PASSWORD) -> httpx.Response:
        return self.submit("/login", {"user_id": user_id, "password": password})


@dataclass
class RunningApp:
    settings: Settings
    url: str
    database_path: Path
    sink: MailSink

    def browser(self) -> Browserless:
        return Browserless(self.url)

    def control(self, method: str, path: str, json: dict | None = None) -> httpx.Response:
        with http_client(self.url) as client:
            return client.request(
                method, "/_control" + path, json=json, headers={"Authorization": f"Bearer {CONTROL_SECRET}"}
            )

    def add_user(self, **fields: object) -> dict:
        document = {"name": "Ann Example", "role": "Standard user", "state": "active", **fields}
        if document["state"] != "invited":
            document.setdefault("password", PASSWORD)
        response = self.control("POST", "/users", document)
        assert response.status_code == 201, response.text
        return response.json()


@pytest.fixture(scope="module")
def sink() -> Iterator[MailSink]:
    with MailSink() as running:
        yield running


def _start(profile: str, tmp_path: Path, sink: MailSink) -> Iterator[RunningApp]:
    server = BackgroundServer(name=f"crm-{profile}")
    settings = Settings(
        base_url=f"http://127.0.0.1:{server.port}",
        profile=profile,  # type: ignore[arg-type]
        database_path=tmp_path / f"{profile}.sqlite3",
        smtp_host=sink.smtp_host,
        smtp_port=sink.smtp_port,
        test_mode=True,
        control_secret=CONTROL_SECRET,
    )
    server.start(create_app(settings))
    try:
        yield RunningApp(settings, server.url, settings.database_path, sink)
    finally:
        server.stop()


@pytest.fixture(params=["online", "onsite"])
def app(request: pytest.FixtureRequest, tmp_path: Path, sink: MailSink) -> Iterator[RunningApp]:
    yield from _start(request.param, tmp_path, sink)


@pytest.fixture
def online_app(tmp_path: Path, sink: MailSink) -> Iterator[RunningApp]:
    yield from _start("online", tmp_path, sink)


@pytest.fixture
def onsite_app(tmp_path: Path, sink: MailSink) -> Iterator[RunningApp]:
    yield from _start("onsite", tmp_path, sink)
