"""The request log lets tests assert what the client sent, with secrets redacted."""

from __future__ import annotations

from tests.idp.support import Browser, Party, http_client, redeem, sign_in


def test_authorization_request_parameters_are_logged(party: Party, visitor: Browser) -> None:
    sign_in(visitor, party)
    (authorize,) = party.provider.control.requests("authorize")
    assert authorize["method"] == "GET"
    assert authorize["path"] == party.authorize_path
    assert authorize["client_id"] == party.client_id
    assert authorize["query"]["code_challenge_method"] == "S256"
    assert authorize["query"]["code_challenge"] == party.pkce.challenge
    assert authorize["query"]["nonce"] == party.nonce
    assert authorize["query"]["state"] == party.state
    assert authorize["status"] == 200
    assert authorize["time"].endswith("+00:00")


def test_secrets_are_redacted(party: Party, visitor: Browser) -> None:
    redeem(party, sign_in(visitor, party)["code"], auth="post")
    (token,) = party.provider.control.requests("token")
    assert token["form"]["client_secret"] == "[redacted]"
    assert token["form"]["code_verifier"] == party.pkce.verifier
    assert token["client_id"] == party.client_id
    assert token["client_auth"] == "client_secret_post"
    assert token["status"] == 200
    for entry in party.provider.control.requests("sign_in"):
        assert entry["form"].get("password") in (None, "[redacted]")
    assert party.password not in str(party.provider.control.requests())
    assert party.client_secret not in str(party.provider.control.requests())


def test_basic_authentication_is_noted_with_its_client_id(party: Party, visitor: Browser) -> None:
    redeem(party, sign_in(visitor, party)["code"], auth="basic")
    (token,) = party.provider.control.requests("token")
    assert token["client_auth"] == "client_secret_basic"
    assert token["client_id"] == party.client_id
    assert "client_secret" not in token["form"]


def test_log_is_in_order_clearable_and_ignores_the_control_api(party: Party, visitor: Browser) -> None:
    control = party.provider.control
    sign_in(visitor, party)
    with http_client(party.provider) as http:
        http.get(party.jwks_path)
    endpoints = [entry["endpoint"] for entry in control.requests()]
    assert endpoints[0] == "authorize"
    assert set(endpoints[1:-1]) == {"sign_in"}
    assert endpoints[-1] == "jwks"
    assert not any(entry["path"].startswith("/_control") for entry in control.requests())
    control.clear_requests()
    assert control.requests() == []


def test_unmatched_requests_are_logged_without_an_endpoint(party: Party) -> None:
    with http_client(party.provider) as http:
        assert http.get("/nowhere").status_code == 404
    (entry,) = party.provider.control.requests()
    assert entry["endpoint"] is None
    assert entry["status"] == 404
