"""The local certificate authority, and clients that trust it (and nothing else relaxed)."""

from __future__ import annotations

import smtplib
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from fake_services.serving import BackgroundServer
from loginspec.net import http_client, resolving
from loginspec.tls import LocalAuthority, UntrustedCertificate, client_context, verified_spki


async def _echo(request: Request) -> JSONResponse:
    return JSONResponse({"host": request.headers["host"], "scheme": request.url.scheme})


@pytest.fixture(scope="module")
def authority(tmp_path_factory: pytest.TempPathFactory) -> LocalAuthority:
    return LocalAuthority(tmp_path_factory.mktemp("authority"))


@pytest.fixture(scope="module")
def https_server(authority: LocalAuthority) -> Iterator[BackgroundServer]:
    certificate = authority.issue("echo", "echo.test", "accounts.example.com")
    app = Starlette(routes=[Route("/", _echo)])
    with BackgroundServer(app, name="tls-echo", tls=certificate.files) as server:
        yield server


def test_a_server_with_a_certificate_serves_https(https_server: BackgroundServer) -> None:
    assert https_server.url.startswith("https://127.0.0.1:")


def test_a_client_trusting_the_authority_reaches_a_mapped_name(
    authority: LocalAuthority, https_server: BackgroundServer
) -> None:
    with http_client((("*.test", "127.0.0.1"),), verify=client_context(authority.ca_file)) as client:
        answer = client.get(f"https://echo.test:{https_server.port}/").json()
    assert answer == {"host": f"echo.test:{https_server.port}", "scheme": "https"}


def test_a_name_mapped_with_its_port_keeps_the_default_port_in_the_url(
    authority: LocalAuthority, https_server: BackgroundServer
) -> None:
    host_map = (("accounts.example.com", f"127.0.0.1:{https_server.port}"),)
    with http_client(host_map, verify=client_context(authority.ca_file)) as client:
        assert client.get("https://accounts.example.com/").json()["host"] == "accounts.example.com"


def test_a_client_without_the_authority_refuses_the_certificate(https_server: BackgroundServer) -> None:
    with http_client((("*.test", "127.0.0.1"),)) as client, pytest.raises(httpx.ConnectError):
        client.get(f"https://echo.test:{https_server.port}/")


def test_a_certificate_is_for_its_names_only(authority: LocalAuthority, https_server: BackgroundServer) -> None:
    with (
        http_client((("*.test", "127.0.0.1"),), verify=client_context(authority.ca_file)) as client,
        pytest.raises(httpx.ConnectError),
    ):
        client.get(f"https://other.test:{https_server.port}/")


def test_the_process_wide_mapping_serves_libraries_that_use_the_system_resolver(
    authority: LocalAuthority, https_server: BackgroundServer
) -> None:
    host_map = (("accounts.example.com", f"127.0.0.1:{https_server.port}"),)
    context = client_context(authority.ca_file)
    with resolving(host_map), urllib.request.urlopen("https://accounts.example.com/", context=context) as answer:
        assert b'"host":"accounts.example.com"' in answer.read()
    with pytest.raises(OSError):  # the mapping is gone again (the name is not ours to resolve)
        smtplib.SMTP("accounts.example.com", https_server.port, timeout=0.5)


def test_the_pin_of_a_verified_certificate_is_the_issued_ones(
    authority: LocalAuthority, https_server: BackgroundServer
) -> None:
    pin = verified_spki("echo.test", ("127.0.0.1", https_server.port), authority.ca_file)
    assert pin in authority.pinned_keys()


def test_a_certificate_from_another_authority_is_not_pinned(tmp_path: Path, https_server: BackgroundServer) -> None:
    other = LocalAuthority(tmp_path)
    with pytest.raises(UntrustedCertificate, match="echo.test"):
        verified_spki("echo.test", ("127.0.0.1", https_server.port), other.ca_file)


def test_a_certificate_for_another_name_is_not_pinned(
    authority: LocalAuthority, https_server: BackgroundServer
) -> None:
    with pytest.raises(UntrustedCertificate, match="crm.test"):
        verified_spki("crm.test", ("127.0.0.1", https_server.port), authority.ca_file)


def test_a_kept_authority_issues_again_from_the_same_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from loginspec.tls import main

    assert main([str(tmp_path), "crm", "crm.test"]) == 0
    first_ca = (tmp_path / "ca.pem").read_bytes()
    assert main([str(tmp_path), "idp", "login.microsoftonline.com", "graph.microsoft.com"]) == 0
    assert (tmp_path / "ca.pem").read_bytes() == first_ca
    assert (tmp_path / "ca.key").stat().st_mode & 0o077 == 0
    assert "idp.pem for login.microsoftonline.com, graph.microsoft.com" in capsys.readouterr().out
    context = client_context(tmp_path / "ca.pem")
    app = Starlette(routes=[Route("/", _echo)])
    files = LocalAuthority(tmp_path, kept=True).issue("again", "again.test").files
    with (
        BackgroundServer(app, name="kept-authority", tls=files) as server,
        http_client((("*.test", "127.0.0.1"),), verify=context) as client,
    ):
        assert client.get(f"https://again.test:{server.port}/").json()["scheme"] == "https"
