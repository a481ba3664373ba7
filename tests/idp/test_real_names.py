"""HTTPS under the real host names: every public URL is the real one, with no port, and one
server answers for all of a provider's names (reached through a host mapping)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from fake_services.idp import GoogleProvider, MicrosoftProvider
from fake_services.idp.__main__ import parse_args
from loginspec.net import http_client, parse_resolver_rules
from loginspec.tls import LocalAuthority, client_context


@pytest.fixture
def mapped_http(
    authority: LocalAuthority, real_microsoft: MicrosoftProvider, real_google: GoogleProvider
) -> Iterator[httpx.Client]:
    host_map = real_microsoft.host_map + real_google.host_map
    with http_client(host_map, verify=client_context(authority.ca_file)) as client:
        yield client


def test_host_names_are_known_before_construction() -> None:
    assert MicrosoftProvider.host_names_for("real") == ("login.microsoftonline.com", "graph.microsoft.com")
    assert GoogleProvider.host_names_for("real") == (
        "accounts.google.com",
        "oauth2.googleapis.com",
        "openidconnect.googleapis.com",
        "www.googleapis.com",
    )
    assert MicrosoftProvider.host_names_for("test") == ("login.microsoftonline.test",)
    assert GoogleProvider.host_names_for("test", "idp.example.test") == ("idp.example.test",)


def test_real_names_need_tls_and_no_public_host(authority: LocalAuthority) -> None:
    with pytest.raises(ValueError, match="HTTPS"):
        GoogleProvider(names="real")
    files = authority.issue("unused", "accounts.google.com").files
    with pytest.raises(ValueError, match="public_host"):
        GoogleProvider(names="real", tls=files, public_host="accounts.google.test")


def test_urls_host_map_and_resolver_rules(real_microsoft: MicrosoftProvider, real_google: GoogleProvider) -> None:
    port = real_microsoft.port
    assert real_microsoft.base_url == "https://login.microsoftonline.com"
    assert real_microsoft.authority("contoso.test") == "https://login.microsoftonline.com/contoso.test"
    assert real_microsoft.control_url == f"https://127.0.0.1:{port}"
    assert real_microsoft.host_map == (
        ("login.microsoftonline.com", f"127.0.0.1:{port}"),
        ("graph.microsoft.com", f"127.0.0.1:{port}"),
    )
    assert real_microsoft.resolver_rules == (
        f"MAP login.microsoftonline.com 127.0.0.1:{port}, MAP graph.microsoft.com 127.0.0.1:{port}"
    )
    assert parse_resolver_rules(real_google.resolver_rules) == real_google.host_map
    assert real_google.base_url == real_google.issuer == "https://accounts.google.com"
    assert real_google.token_url == "https://oauth2.googleapis.com/token"
    assert real_google.pem_certs_url == "https://www.googleapis.com/oauth2/v1/certs"


def test_microsoft_discovery_under_the_real_name(real_microsoft: MicrosoftProvider, mapped_http: httpx.Client) -> None:
    tenant = real_microsoft.control.add_tenant(name="Contoso", domain="contoso.test")
    document = mapped_http.get(
        f"https://login.microsoftonline.com/{tenant}/v2.0/.well-known/openid-configuration"
    ).json()
    assert document["issuer"] == f"https://login.microsoftonline.com/{tenant}/v2.0"
    assert document["authorization_endpoint"] == f"https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize"
    assert document["token_endpoint"] == f"https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"
    assert document["jwks_uri"] == f"https://login.microsoftonline.com/{tenant}/discovery/v2.0/keys"
    assert document["end_session_endpoint"] == f"https://login.microsoftonline.com/{tenant}/oauth2/v2.0/logout"
    assert document["userinfo_endpoint"] == "https://graph.microsoft.com/oidc/userinfo"
    assert mapped_http.get(document["jwks_uri"]).json()["keys"]


def test_microsoft_instance_discovery(mapped_http: httpx.Client) -> None:
    response = mapped_http.get(
        "https://login.microsoftonline.com/common/discovery/instance",
        params={
            "api-version": "1.1",
            "authorization_endpoint": "https://login.microsoftonline.com/common/oauth2/authorize",
        },
    )
    body = response.json()
    assert body["tenant_discovery_endpoint"] == (
        "https://login.microsoftonline.com/common/.well-known/openid-configuration"
    )
    assert body["api-version"] == "1.1"
    public = body["metadata"][0]
    assert public["preferred_network"] == "login.microsoftonline.com"
    assert {"login.microsoftonline.com", "login.windows.net", "sts.windows.net"} <= set(public["aliases"])


def test_google_endpoints_on_their_real_hosts(real_google: GoogleProvider, mapped_http: httpx.Client) -> None:
    document = mapped_http.get("https://accounts.google.com/.well-known/openid-configuration").json()
    assert document["issuer"] == "https://accounts.google.com"
    assert document["authorization_endpoint"] == "https://accounts.google.com/o/oauth2/v2/auth"
    assert document["token_endpoint"] == "https://oauth2.googleapis.com/token"
    assert document["userinfo_endpoint"] == "https://openidconnect.googleapis.com/v1/userinfo"
    assert document["jwks_uri"] == "https://www.googleapis.com/oauth2/v3/certs"
    assert mapped_http.get(document["jwks_uri"]).json()["keys"]


def test_session_cookie_is_secure_under_tls(real_google: GoogleProvider, mapped_http: httpx.Client) -> None:
    real_google.control.register_client("crm", "s3cret", ["https://crm.test/sso/callback"])
    real_google.control.add_user("gina@acme.test", "pw", "Gina Acme", domain="acme.test")
    page = mapped_http.get(
        "https://accounts.google.com/o/oauth2/v2/auth",
        params={
            "client_id": "crm",
            "redirect_uri": "https://crm.test/sso/callback",
            "response_type": "code",
            "scope": "openid",
            "login_hint": "gina@acme.test",
            "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            "code_challenge_method": "S256",
        },
    )
    flow = page.text.split('name="flow" value="')[1].split('"')[0]
    response = mapped_http.post(
        "https://accounts.google.com/v3/signin", data={"flow": flow, "step": "password", "password": "pw"}
    )
    assert response.status_code == 302, response.text
    cookie = response.headers["set-cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_cli_flags() -> None:
    args = parse_args(["microsoft", "--names", "real", "--certfile", "c.pem", "--keyfile", "c.key", "--require-pkce"])
    assert (args.names, str(args.certfile), str(args.keyfile), args.require_pkce) == ("real", "c.pem", "c.key", True)
    for argv in (["google", "--names", "real"], ["google", "--certfile", "c.pem"]):
        with pytest.raises(SystemExit):
            parse_args(argv)


def test_cli_serves_real_names(authority: LocalAuthority) -> None:
    certificate = authority.issue("cli-google", *GoogleProvider.host_names_for("real"))
    process = subprocess.Popen(
        [sys.executable, "-m", "fake_services.idp", "google", "--names", "real"]
        + ["--certfile", str(certificate.files.certfile), "--keyfile", str(certificate.files.keyfile)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        lines.append(line.rstrip())
        if line.startswith("Press Ctrl-C"):
            break
    process.terminate()
    process.wait(timeout=10)
    output = "\n".join(lines)
    assert "public base URL  https://accounts.google.com" in output
    assert "control API      https://127.0.0.1:" in output
    assert "MAP www.googleapis.com 127.0.0.1:" in output
