"""The token endpoint: client authentication, and codes that are single use and bound."""

from __future__ import annotations

import re

import httpx
import pytest

from fake_services.idp import MicrosoftProvider
from tests.idp.support import Browser, Party, http_client, make_party, redeem, sign_in

GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def assert_token_error(
    party: Party,
    response: httpx.Response,
    status: int,
    error: str,
    microsoft_code: int,
    google_error: str | None = None,
) -> dict:
    body = response.json()
    assert response.status_code == status, body
    if party.is_microsoft:
        assert body["error"] == error
        assert body["error_codes"] == [microsoft_code]
        assert body["error_description"].startswith(f"AADSTS{microsoft_code}:")
    else:
        assert body["error"] == (google_error or error)
        assert isinstance(body["error_description"], str)
    assert "id_token" not in body and "access_token" not in body
    return body


def test_microsoft_token_errors_have_the_full_shape(ms_party: Party) -> None:
    body = redeem(ms_party, "not-a-code").json()
    assert set(body) == {
        "error",
        "error_description",
        "error_codes",
        "timestamp",
        "trace_id",
        "correlation_id",
        "error_uri",
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ", body["timestamp"])
    assert GUID.fullmatch(body["trace_id"]) and GUID.fullmatch(body["correlation_id"])
    assert f"Trace ID: {body['trace_id']}" in body["error_description"]
    assert body["error_uri"] == f"{ms_party.provider.base_url}/error?code=9002313"


def test_code_is_single_use_and_a_replay_revokes_its_token(party: Party, visitor: Browser) -> None:
    code = sign_in(visitor, party)["code"]
    first = redeem(party, code)
    assert first.status_code == 200
    access_token = first.json()["access_token"]
    assert_token_error(party, redeem(party, code), 400, "invalid_grant", 54005)
    with http_client(party.provider) as http:
        userinfo = http.get(party.userinfo_path, headers={"Authorization": f"Bearer {access_token}"})
    assert userinfo.status_code == 401
    assert userinfo.headers["www-authenticate"].startswith("Bearer")


def test_code_is_bound_to_its_client(party: Party, visitor: Browser) -> None:
    code = sign_in(visitor, party)["code"]
    intruder = make_party(party.provider, email="eve@evil.test")
    assert_token_error(intruder, redeem(intruder, code, code_verifier=party.pkce.verifier), 400, "invalid_grant", 70000)


def test_code_is_bound_to_its_redirect_uri(party: Party, visitor: Browser) -> None:
    code = sign_in(visitor, party)["code"]
    response = redeem(party, code, redirect_uri="http://crm.test:8000/signed-out")
    assert_token_error(party, response, 400, "invalid_grant", 500112, google_error="redirect_uri_mismatch")


def test_code_is_bound_to_its_pkce_challenge(party: Party, visitor: Browser) -> None:
    code = sign_in(visitor, party)["code"]
    body = assert_token_error(party, redeem(party, code, code_verifier="x" * 50), 400, "invalid_grant", 501481)
    if not party.is_microsoft:
        assert body["error_description"] == "Invalid code verifier."
    # The failed attempt used the code up.
    assert redeem(party, code).status_code == 400


def test_code_verifier_is_required(party: Party, visitor: Browser) -> None:
    code = sign_in(visitor, party)["code"]
    expected_error = "invalid_request" if party.is_microsoft else "invalid_grant"
    assert_token_error(party, redeem(party, code, code_verifier=None), 400, expected_error, 900144)


def test_expired_code_is_refused(party: Party, visitor: Browser) -> None:
    party.provider.control.set_code_lifetime(0)
    code = sign_in(visitor, party)["code"]
    assert_token_error(party, redeem(party, code), 400, "invalid_grant", 70008)


def test_unknown_code_is_refused(party: Party) -> None:
    assert_token_error(party, redeem(party, "made-up"), 400, "invalid_grant", 9002313)


@pytest.mark.parametrize("auth", ["basic", "post"])
def test_wrong_client_secret_is_refused(party: Party, visitor: Browser, auth: str) -> None:
    code = sign_in(visitor, party)["code"]
    party.client_secret = "guessed"
    assert_token_error(party, redeem(party, code, auth=auth), 401, "invalid_client", 7000215)


def test_client_secret_is_required(party: Party, visitor: Browser) -> None:
    code = sign_in(visitor, party)["code"]
    form = party.token_form(code, client_id=party.client_id)
    with http_client(party.provider) as http:
        response = http.post(party.token_path, data=form)
    if party.is_microsoft:
        assert_token_error(party, response, 401, "invalid_client", 7000218)
    else:
        assert_token_error(party, response, 400, "invalid_request", 0)


def test_unknown_client_is_refused(party: Party, visitor: Browser) -> None:
    code = sign_in(visitor, party)["code"]
    party.client_id = "nobody"
    status = 400 if party.is_microsoft else 401
    expected_error = "unauthorized_client" if party.is_microsoft else "invalid_client"
    assert_token_error(party, redeem(party, code), status, expected_error, 700016)


def test_two_client_authentication_methods_are_refused(party: Party, visitor: Browser) -> None:
    code = sign_in(visitor, party)["code"]
    form = party.token_form(code, client_secret=party.client_secret)
    with http_client(party.provider) as http:
        response = http.post(party.token_path, data=form, auth=(party.client_id, party.client_secret))
    assert_token_error(party, response, 400, "invalid_request", 9002313)


def test_only_the_authorization_code_grant_is_supported(party: Party) -> None:
    form = {"grant_type": "password", "username": party.email, "password": party.password}
    with http_client(party.provider) as http:
        response = http.post(party.token_path, data=form, auth=(party.client_id, party.client_secret))
    assert_token_error(party, response, 400, "unsupported_grant_type", 70003)


MALFORMED_TOKEN_BODIES = {
    "json-body": (b'{"grant_type": "authorization_code"}', "application/json"),
    "repeated-parameter": (
        b"grant_type=authorization_code&grant_type=authorization_code",
        "application/x-www-form-urlencoded",
    ),
    "undecodable": (b"\xff\xfe garbage", "application/x-www-form-urlencoded"),
    "overlong-value": (b"code=" + b"c" * 5000, "application/x-www-form-urlencoded"),
}


def test_malformed_token_requests_get_a_4xx(party: Party) -> None:
    with http_client(party.provider) as http:
        for case, (content, content_type) in MALFORMED_TOKEN_BODIES.items():
            response = http.post(
                party.token_path,
                content=content,
                headers={"Content-Type": content_type},
                auth=(party.client_id, party.client_secret),
            )
            assert 400 <= response.status_code < 500, case
            assert response.json()["error"] in ("invalid_request", "unsupported_grant_type"), case


def test_oversized_body_is_refused(party: Party) -> None:
    with http_client(party.provider) as http:
        response = http.post(party.token_path, data={"code": "c" * 100_000})
    assert response.status_code == 413


def test_malformed_basic_credentials_are_refused(party: Party) -> None:
    with http_client(party.provider) as http:
        response = http.post(
            party.token_path, data={"grant_type": "authorization_code"}, headers={"Authorization": "Basic %%%"}
        )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_token_endpoint_refuses_get(party: Party) -> None:
    with http_client(party.provider) as http:
        response = http.get(party.token_path)
    assert response.status_code == 405
    assert response.json()["error"] == "http_405"


def test_userinfo_needs_a_valid_bearer_token(party: Party) -> None:
    with http_client(party.provider) as http:
        for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic Zm9vOmJhcg=="}):
            response = http.get(party.userinfo_path, headers=headers)
            assert response.status_code == 401
            assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'


def test_microsoft_code_is_refused_at_another_tenants_token_endpoint(
    microsoft: MicrosoftProvider, ms_party: Party, ms_visitor: Browser
) -> None:
    code = sign_in(ms_visitor, ms_party)["code"]
    ms_party.realm = microsoft.control.add_tenant(name="Fabrikam")
    assert_token_error(ms_party, redeem(ms_party, code), 400, "invalid_grant", 700005)


def test_microsoft_code_from_a_tenant_endpoint_is_accepted_at_common(ms_party: Party, ms_visitor: Browser) -> None:
    code = sign_in(ms_visitor, ms_party)["code"]
    ms_party.realm = None
    assert redeem(ms_party, code).status_code == 200
