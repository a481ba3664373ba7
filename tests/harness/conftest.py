"""Real services for the harness tests, in this process: the reference app in both profiles
(test mode, with its control API) and a tiny echo app for the HTTP plumbing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from fake_services.serving import BackgroundServer
from reference_app.app import create_app
from reference_app.context import AppContext
from reference_app.settings import Settings

CONTROL_SECRET = "harness-control-secret"


@dataclass(frozen=True)
class ReferenceApp:
    profile: str
    url: str
    context: AppContext

    @property
    def control_url(self) -> str:
        return self.url + "/_control"


@pytest.fixture(scope="session")
def reference_apps(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, ReferenceApp]]:
    """The reference CRM online and onsite, each on its own loopback port with its own SQLite file."""
    directory = tmp_path_factory.mktemp("reference-apps")
    servers: list[BackgroundServer] = []
    apps: dict[str, ReferenceApp] = {}
    try:
        for profile in ("online", "onsite"):
            server = BackgroundServer(name=f"harness-crm-{profile}")
            servers.append(server)
            settings = Settings(
                base_url=server.url,
                profile=profile,  # type: ignore[arg-type]
                database_path=directory / f"{profile}.sqlite3",
                test_mode=True,
                control_secret=CONTROL_SECRET,
                # Still Argon2id, at a fraction of the production cost: these tests hash dozens of passwords.
                argon2_memory_kib=1024,
                argon2_time_cost=1,
            )
            app = create_app(settings)
            server.start(app)
            apps[profile] = ReferenceApp(profile, server.url, app.state.context)
        yield apps
    finally:
        for server in servers:
            server.stop()


@pytest.fixture(params=["online", "onsite"])
def reference_app(request: pytest.FixtureRequest, reference_apps: dict[str, ReferenceApp]) -> ReferenceApp:
    return reference_apps[request.param]


async def _echo(request: Request) -> Response:
    """What the server saw; also sets a cookie, so that a client can be seen to send it back."""
    body = (await request.body()).decode()
    response = JSONResponse(
        {
            "host": request.headers.get("host"),
            "cookie": request.headers.get("cookie"),
            "path": request.url.path,
            "body": body,
        }
    )
    response.set_cookie("visit", f"seen-{request.url.path.strip('/') or 'root'}", path="/")
    return response


async def _redirect(request: Request) -> Response:
    return RedirectResponse("/elsewhere", status_code=303)


@pytest.fixture(scope="session")
def echo_server() -> Iterator[BackgroundServer]:
    """An HTTP server on 127.0.0.1 that answers with the Host and Cookie headers it received."""
    app = Starlette(routes=[Route("/redirect", _redirect), Route("/{path:path}", _echo, methods=["GET", "POST"])])
    with BackgroundServer(app, name="harness-echo") as server:
        yield server
