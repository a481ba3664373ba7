"""The real client libraries, unchanged, against the fakes served over HTTPS under the real names.

Each library trusts the run's local authority through its own TLS option and reaches the fake
through loginspec.net.resolving, which maps the real host names to the fake's loopback port for
every socket in this process. The person at the sign-in pages is an HTTP client that fills in
and submits the pages' forms as a browser would.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

import google.auth.exceptions
import google.auth.transport.requests
import httpx
import jwt
import msal
import pytest
import requests
from google.oauth2 import id_token as google_id_token
from oic.exception import PyoidcError
from oic.oic import Client as OidcClient
from oic.utils.settings import ClientSettings
from requests_oauthlib import OAuth2Session

from fake_services.idp import GoogleProvider, MicrosoftProvider
from loginspec.net import http_client, resolving
from loginspec.tls import LocalAuthority, client_context
from tests.idp.support import parse_page

REDIRECT_URI = "https://crm.test/sso/callback"
PASSWORD = "correct horse battery staple"
GOOGLE_SCOPES = [
    "openid",
    "https://www.googleapis.com/auth/userinfo.email",
    "https://www.googleapis.com/auth/userinfo.profile",
]
PRESSED_BUTTONS = ("Next", "Sign in", "Yes")


@pytest.fixture
def ca_file(authority: LocalAuthority) -> Path:
    return authority.ca_file


@pytest.fixture
def mapped(
    real_microsoft: MicrosoftProvider, real_google: GoogleProvider, ca_file: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """The real names resolve to the fakes; oauthlib sees plain HTTPS, never an insecure-transport switch.

    requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE win over a session's own `verify`, so where
    they are set they must name the local authority too (the libraries' own options are set as well).
    """
    for variable in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.setenv(variable, str(ca_file))
    monkeypatch.delenv("OAUTHLIB_INSECURE_TRANSPORT", raising=False)
    monkeypatch.delenv("OAUTHLIB_RELAX_TOKEN_SCOPE", raising=False)
    with resolving(real_microsoft.host_map + real_google.host_map):
        yield


@pytest.fixture
def person(mapped: None, ca_file: Path) -> Iterator[Person]:
    with http_client(verify=client_context(ca_file)) as http:
        yield Person(http)


@dataclass
class Person:
    """Someone at a browser: follows the provider's pages, types the email and password, and
    presses the button that goes forward, until the provider redirects back to the application."""

    http: httpx.Client

    def sign_in(self, authorization_url: str, email: str, password: str = PASSWORD) -> str:
        """Returns the URL the provider redirected to."""
        response = self._through_the_pages(authorization_url, email, password)
        assert response.status_code == 302, response.text[:500]
        return response.headers["location"]

    def answer(self, authorization_url: str, email: str, password: str = PASSWORD) -> dict[str, str]:
        """The answer's parameters, whether redirected (query) or posted (response_mode=form_post)."""
        response = self._through_the_pages(authorization_url, email, password)
        if response.status_code == 302:
            return query_of(response.headers["location"])
        return parse_page(response).form.hidden

    def _through_the_pages(self, authorization_url: str, email: str, password: str) -> httpx.Response:
        response = self.http.get(authorization_url)
        for _ in range(5):
            if response.status_code != 200:
                break
            page = parse_page(response)
            form = page.form
            if urlsplit(urljoin(str(response.url), form.action)).hostname != response.url.host:
                break  # the form_post page that hands the answer to the application
            data = dict(form.hidden)
            for name, kind, _ in form.textboxes.values():
                data[name] = password if kind == "password" else email
            button = next(b for b in form.buttons if b.text in PRESSED_BUTTONS)
            if button.name:
                data[button.name] = button.value
            response = self.http.post(urljoin(str(response.url), form.action), data=data)
        return response


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


@dataclass
class Tenant:
    tenant_id: str
    client_id: str
    client_secret: str
    email: str
    user: dict[str, Any]

    @property
    def authority(self) -> str:
        return f"https://login.microsoftonline.com/{self.tenant_id}"

    @property
    def issuer(self) -> str:
        return f"https://login.microsoftonline.com/{self.tenant_id}/v2.0"


@pytest.fixture
def contoso(real_microsoft: MicrosoftProvider) -> Tenant:
    control = real_microsoft.control
    tenant_id = control.add_tenant(name="Contoso", domain="contoso.test")
    client_id, secret = str(uuid.uuid4()), secrets.token_urlsafe(24)
    control.register_client(client_id, secret, [REDIRECT_URI])
    user = control.add_user("alice@contoso.test", PASSWORD, "Alice Example", tenant=tenant_id)
    return Tenant(tenant_id, client_id, secret, "alice@contoso.test", user)


@dataclass
class Workspace:
    client_id: str
    client_secret: str
    email: str
    user: dict[str, Any]


@pytest.fixture
def acme(real_google: GoogleProvider) -> Workspace:
    control = real_google.control
    client_id = f"{secrets.randbelow(10**12):012d}-{secrets.token_hex(16)}.apps.googleusercontent.com"
    secret = "GOCSPX-" + secrets.token_urlsafe(21)
    control.register_client(client_id, secret, [REDIRECT_URI])
    user = control.add_user("gina@acme.test", PASSWORD, "Gina Acme", domain="acme.test")
    return Workspace(client_id, secret, "gina@acme.test", user)


def verifying_session(ca_file: Path) -> requests.Session:
    session = requests.Session()
    session.verify = str(ca_file)
    return session


# MSAL


def test_msal_confidential_client(
    contoso: Tenant, real_microsoft: MicrosoftProvider, person: Person, ca_file: Path
) -> None:
    app = msal.ConfidentialClientApplication(
        contoso.client_id, client_credential=contoso.client_secret, authority=contoso.authority, verify=str(ca_file)
    )
    flow = app.initiate_auth_code_flow(["User.Read"], redirect_uri=REDIRECT_URI, response_mode="form_post")
    assert flow["auth_uri"].startswith(f"{contoso.authority}/oauth2/v2.0/authorize?")
    assert query_of(flow["auth_uri"])["code_challenge_method"] == "S256"
    posted = person.answer(flow["auth_uri"], contoso.email)
    assert set(posted) == {"code", "state"}
    result = app.acquire_token_by_auth_code_flow(flow, posted)
    assert "access_token" in result, result
    assert result["id_token_claims"]["oid"] == contoso.user["oid"]
    assert result["id_token_claims"]["iss"] == contoso.issuer

    (account,) = app.get_accounts()
    assert account["home_account_id"] == f"{contoso.user['oid']}.{contoso.tenant_id}"
    assert account["username"] == contoso.email
    cached = app.acquire_token_silent(["User.Read"], account)
    assert cached is not None and cached["access_token"] == result["access_token"]
    assert cached["token_source"] == "cache"

    (first_refresh_token,) = [
        rt["secret"] for rt in app.token_cache.search(msal.TokenCache.CredentialType.REFRESH_TOKEN)
    ]
    refreshed = app.acquire_token_silent(["User.Read"], account, force_refresh=True)
    assert refreshed is not None and "access_token" in refreshed, refreshed
    assert refreshed["token_source"] == "identity_provider"
    assert refreshed["access_token"] != result["access_token"]
    (second_refresh_token,) = [
        rt["secret"] for rt in app.token_cache.search(msal.TokenCache.CredentialType.REFRESH_TOKEN)
    ]
    assert second_refresh_token != first_refresh_token, "Microsoft rotates refresh tokens"
    stale = app.acquire_token_by_refresh_token(first_refresh_token, ["User.Read"])
    assert stale.get("error") == "invalid_grant"
    assert app.acquire_token_by_refresh_token(second_refresh_token, ["User.Read"])["access_token"]
    token_requests = real_microsoft.control.requests("token")
    assert [entry["form"]["grant_type"] for entry in token_requests] == ["authorization_code"] + ["refresh_token"] * 3
    assert all(entry["form"]["client_info"] == "1" for entry in token_requests)
    assert token_requests[0]["client_auth"] == "client_secret_post"


@pytest.mark.filterwarnings("ignore:response_mode='form_post' is recommended:UserWarning")
def test_msal_public_client(contoso: Tenant, real_microsoft: MicrosoftProvider, person: Person, ca_file: Path) -> None:
    client_id, redirect_uri = str(uuid.uuid4()), "http://localhost:8400"
    real_microsoft.control.register_client(client_id, None, [redirect_uri])
    app = msal.PublicClientApplication(client_id, authority=contoso.authority, verify=str(ca_file))
    flow = app.initiate_auth_code_flow(["User.Read"], redirect_uri=redirect_uri)
    result = app.acquire_token_by_auth_code_flow(flow, person.answer(flow["auth_uri"], contoso.email))
    assert "access_token" in result, result
    assert result["id_token_claims"]["aud"] == client_id
    (account,) = app.get_accounts()
    assert account["home_account_id"] == f"{contoso.user['oid']}.{contoso.tenant_id}"
    refreshed = app.acquire_token_silent(["User.Read"], account, force_refresh=True)
    assert refreshed is not None and "access_token" in refreshed, refreshed


# google-auth


def google_tokens(acme: Workspace, person: Person, ca_file: Path, **authorization: str) -> dict[str, Any]:
    session = OAuth2Session(acme.client_id, redirect_uri=REDIRECT_URI, scope=GOOGLE_SCOPES, pkce="S256")
    session.verify = str(ca_file)
    url, _ = session.authorization_url("https://accounts.google.com/o/oauth2/v2/auth", **authorization)
    location = person.sign_in(url, acme.email)
    return session.fetch_token(
        "https://oauth2.googleapis.com/token", authorization_response=location, client_secret=acme.client_secret
    )


def test_google_auth_verifies_the_id_token_with_its_default_certificates(
    acme: Workspace, person: Person, ca_file: Path, real_google: GoogleProvider
) -> None:
    token = google_tokens(acme, person, ca_file)["id_token"]
    request = google.auth.transport.requests.Request(verifying_session(ca_file))
    claims = google_id_token.verify_oauth2_token(token, request, acme.client_id)
    assert claims["iss"] == "https://accounts.google.com"
    assert claims["sub"] == acme.user["sub"]
    assert claims["hd"] == "acme.test"
    assert claims["email"] == acme.email and claims["email_verified"] is True
    pem_requests = real_google.control.requests("pem_certs")
    assert [(entry["host"], entry["path"]) for entry in pem_requests] == [("www.googleapis.com", "/oauth2/v1/certs")]
    (token_request,) = real_google.control.requests("token")
    assert token_request["host"] == "oauth2.googleapis.com"

    real_google.control.rotate_keys()
    with pytest.raises(ValueError):
        google_id_token.verify_oauth2_token(token, request, "someone-else.apps.googleusercontent.com")


# oauthlib / requests-oauthlib


def test_requests_oauthlib_over_https(acme: Workspace, person: Person, ca_file: Path) -> None:
    session = OAuth2Session(acme.client_id, redirect_uri=REDIRECT_URI, scope=GOOGLE_SCOPES, pkce="S256")
    session.verify = str(ca_file)
    url, state = session.authorization_url(
        "https://accounts.google.com/o/oauth2/v2/auth", access_type="offline", prompt="consent"
    )
    location = person.sign_in(url, acme.email)
    assert query_of(location)["state"] == state
    token = session.fetch_token(
        "https://oauth2.googleapis.com/token", authorization_response=location, client_secret=acme.client_secret
    )
    assert token["access_token"].startswith("ya29.") and "refresh_token" in token
    userinfo = session.get("https://openidconnect.googleapis.com/v1/userinfo").json()
    assert userinfo["email"] == acme.email and userinfo["sub"] == acme.user["sub"]

    refreshed = session.refresh_token(
        "https://oauth2.googleapis.com/token", client_id=acme.client_id, client_secret=acme.client_secret
    )
    assert refreshed["access_token"] != token["access_token"]
    assert refreshed["refresh_token"] == token["refresh_token"], "Google does not rotate refresh tokens"

    revoked = session.post("https://oauth2.googleapis.com/revoke", data={"token": token["refresh_token"]})
    assert revoked.status_code == 200
    assert session.get("https://openidconnect.googleapis.com/v1/userinfo").status_code == 401


# pyoidc


def oidc_client(ca_file: Path) -> OidcClient:
    return OidcClient(settings=ClientSettings(verify_ssl=str(ca_file)))


def test_pyoidc_discovery_checks_the_issuer(contoso: Tenant, mapped: None, ca_file: Path) -> None:
    google_config = oidc_client(ca_file).provider_config("https://accounts.google.com")
    assert google_config["issuer"] == "https://accounts.google.com"
    assert google_config["jwks_uri"] == "https://www.googleapis.com/oauth2/v3/certs"

    client = oidc_client(ca_file)
    microsoft_config = client.provider_config(contoso.issuer)
    assert microsoft_config["issuer"] == contoso.issuer
    assert client.keyjar.get_issuer_keys(contoso.issuer), "the JWKS was fetched and loaded"

    # The multi-tenant document's issuer is a template, which pyoidc rightly refuses.
    with pytest.raises(PyoidcError, match="issuer"):
        oidc_client(ca_file).provider_config("https://login.microsoftonline.com/common/v2.0")


# PyJWT


def code_flow_id_token(person: Person, contoso: Tenant) -> str:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    params = {
        "client_id": contoso.client_id,
        "redirect_uri": REDIRECT_URI,
        "response_type": "code",
        "scope": "openid profile email",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    url = str(httpx.URL(f"{contoso.authority}/oauth2/v2.0/authorize", params=params))
    code = query_of(person.sign_in(url, contoso.email))["code"]
    response = person.http.post(
        f"{contoso.authority}/oauth2/v2.0/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier,
        },
        auth=(contoso.client_id, contoso.client_secret),
    )
    return response.json()["id_token"]


def test_pyjwt_jwks_client(contoso: Tenant, person: Person, ca_file: Path) -> None:
    id_token = code_flow_id_token(person, contoso)
    jwks_client = jwt.PyJWKClient(f"{contoso.authority}/discovery/v2.0/keys", ssl_context=client_context(ca_file))
    signing_key = jwks_client.get_signing_key_from_jwt(id_token)
    claims = jwt.decode(
        id_token, signing_key.key, algorithms=["RS256"], audience=contoso.client_id, issuer=contoso.issuer
    )
    assert claims["oid"] == contoso.user["oid"]
    with pytest.raises(jwt.InvalidIssuerError):
        jwt.decode(id_token, signing_key.key, algorithms=["RS256"], audience=contoso.client_id, issuer="https://x")


def test_google_auth_refuses_a_wrong_issuer_under_the_real_names(
    acme: Workspace, person: Person, ca_file: Path, real_google: GoogleProvider
) -> None:
    real_google.control.misbehave("wrong_issuer")
    token = google_tokens(acme, person, ca_file)["id_token"]
    request = google.auth.transport.requests.Request(verifying_session(ca_file))
    with pytest.raises(google.auth.exceptions.GoogleAuthError, match="Wrong issuer"):
        google_id_token.verify_oauth2_token(token, request, acme.client_id)


def test_requests_oauthlib_with_microsoft(contoso: Tenant, person: Person, ca_file: Path) -> None:
    scope = ["openid", "profile", "offline_access"]
    session = OAuth2Session(contoso.client_id, redirect_uri=REDIRECT_URI, scope=scope, pkce="S256")
    session.verify = str(ca_file)
    url, _ = session.authorization_url(f"{contoso.authority}/oauth2/v2.0/authorize")
    location = person.sign_in(url, contoso.email)
    token = session.fetch_token(
        f"{contoso.authority}/oauth2/v2.0/token",
        authorization_response=location,
        client_secret=contoso.client_secret,
        include_client_id=True,
    )
    assert token["token_type"] == "Bearer" and "refresh_token" in token
    refreshed = session.refresh_token(
        f"{contoso.authority}/oauth2/v2.0/token", client_id=contoso.client_id, client_secret=contoso.client_secret
    )
    assert refreshed["refresh_token"] != token["refresh_token"], "Microsoft rotates refresh tokens"


def test_pyjwt_jwks_client_with_google(acme: Workspace, person: Person, ca_file: Path) -> None:
    id_token = google_tokens(acme, person, ca_file)["id_token"]
    jwks_client = jwt.PyJWKClient("https://www.googleapis.com/oauth2/v3/certs", ssl_context=client_context(ca_file))
    signing_key = jwks_client.get_signing_key_from_jwt(id_token)
    claims = jwt.decode(
        id_token, signing_key.key, algorithms=["RS256"], audience=acme.client_id, issuer="https://accounts.google.com"
    )
    assert claims["sub"] == acme.user["sub"]
