"""Google's shapes: PEM certificates, long scope names, picture and locale, plain PKCE,
offline refresh tokens (not rotated) and revocation."""

from __future__ import annotations

import re

import pytest
from cryptography import x509

from fake_services.idp import GoogleProvider
from tests.idp.support import (
    Browser,
    Party,
    Pkce,
    http_client,
    redeem,
    refresh,
    sign_in,
    start_authorization,
    verified_claims,
)
from tests.idp.test_token_endpoint import assert_token_error

LONG_SCOPES = "openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile"


def test_pem_certificates_by_kid_match_the_jwks(google: GoogleProvider) -> None:
    google.control.rotate_keys()
    with http_client(google) as http:
        certs = http.get("/oauth2/v1/certs").json()
        jwks = http.get("/oauth2/v3/certs").json()
    assert list(certs) == [key["kid"] for key in jwks["keys"]]
    for key in jwks["keys"]:
        assert re.fullmatch(r"[0-9a-f]{40}", key["kid"])
        certificate = x509.load_pem_x509_certificate(certs[key["kid"]].encode())
        numbers = certificate.public_key().public_numbers()
        assert numbers.e == 65537
        assert format(numbers.n, "x") and certs[key["kid"]].startswith("-----BEGIN CERTIFICATE-----\n")


def test_long_scope_names_count_as_email_and_profile(google_party: Party, google_visitor: Browser) -> None:
    params = sign_in(google_visitor, google_party, scope=LONG_SCOPES)
    claims = verified_claims(google_party, redeem(google_party, params["code"]).json()["id_token"])
    assert claims["email"] == google_party.email
    assert claims["name"] == google_party.name
    assert "picture" in claims and claims["locale"] == "en"


def test_picture_and_locale_come_from_the_directory(google: GoogleProvider, google_party: Party) -> None:
    user = google.control.add_user(
        "pat@acme.test", "pw-pat", "Pat Doe", domain="acme.test", picture="https://example.test/p.png", locale="fr"
    )
    assert (user["picture"], user["locale"]) == ("https://example.test/p.png", "fr")


def test_plain_pkce_is_accepted(google_party: Party, google_visitor: Browser) -> None:
    verifier = Pkce.new().verifier
    code = sign_in(google_visitor, google_party, code_challenge=verifier, code_challenge_method="plain")["code"]
    assert redeem(google_party, code, code_verifier="x" * 43).json()["error"] == "invalid_grant"
    code = sign_in(google_visitor, google_party, code_challenge=verifier, code_challenge_method="plain")["code"]
    assert redeem(google_party, code, code_verifier=verifier).status_code == 200


def test_refresh_token_on_first_offline_consent_only(google_party: Party, google_visitor: Browser) -> None:
    online = redeem(google_party, sign_in(google_visitor, google_party)["code"]).json()
    assert "refresh_token" not in online
    first = redeem(google_party, sign_in(google_visitor, google_party, access_type="offline")["code"]).json()
    assert list(first) == ["access_token", "expires_in", "refresh_token", "scope", "token_type", "id_token"]
    again = redeem(google_party, sign_in(google_visitor, google_party, access_type="offline")["code"]).json()
    assert "refresh_token" not in again
    params = sign_in(google_visitor, google_party, access_type="offline", prompt="consent")
    assert "refresh_token" in redeem(google_party, params["code"]).json()


def test_refresh_tokens_are_not_rotated(google_party: Party, google_visitor: Browser) -> None:
    code = sign_in(google_visitor, google_party, access_type="offline")["code"]
    token = redeem(google_party, code).json()["refresh_token"]
    for _ in range(2):
        response = refresh(google_party, token, auth="post")
        assert response.status_code == 200, response.text
        body = response.json()
        assert "refresh_token" not in body
        assert body["access_token"].startswith("ya29.")
        assert verified_claims(google_party, body["id_token"])["sub"] == google_party.subject


@pytest.mark.parametrize("revoked", ["refresh_token", "access_token"])
def test_revocation_ends_the_grant(google_party: Party, google_visitor: Browser, revoked: str) -> None:
    code = sign_in(google_visitor, google_party, access_type="offline")["code"]
    body = redeem(google_party, code).json()
    with http_client(google_party.provider) as http:
        response = http.post("/revoke", data={"token": body[revoked]})
        assert response.status_code == 200 and response.json() == {}
        userinfo = http.get("/v1/userinfo", headers={"Authorization": f"Bearer {body['access_token']}"})
        assert userinfo.status_code == 401
        again = http.post("/revoke", data={"token": body[revoked]})
        assert again.status_code == 400 and again.json()["error"] == "invalid_token"
        assert http.post("/revoke").json()["error"] == "invalid_request"
    assert_token_error(google_party, refresh(google_party, body["refresh_token"]), 400, "invalid_grant", 0)


def test_bad_access_type_is_refused(google_party: Party, google_visitor: Browser) -> None:
    response = start_authorization(google_visitor, google_party, access_type="forever")
    assert response.status_code == 400 and "Error 400: invalid_request" in response.text
