"""Microsoft's token shapes: client_info, rotated refresh tokens, public clients."""

from __future__ import annotations

import base64
import json

from tests.idp.support import Browser, Party, Pkce, post_token, redeem, refresh, sign_in, verified_claims
from tests.idp.test_token_endpoint import assert_token_error

OFFLINE = "openid profile email offline_access"


def decode_client_info(value: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))


def test_client_info_when_asked(ms_party: Party, ms_visitor: Browser) -> None:
    code = sign_in(ms_visitor, ms_party)["code"]
    body = redeem(ms_party, code, client_info="1").json()
    assert decode_client_info(body["client_info"]) == {"uid": ms_party.user["oid"], "utid": ms_party.realm}
    other = sign_in(ms_visitor, ms_party)["code"]
    assert "client_info" not in redeem(ms_party, other).json()


def test_refresh_tokens_only_with_offline_access(ms_party: Party, ms_visitor: Browser) -> None:
    assert "refresh_token" not in redeem(ms_party, sign_in(ms_visitor, ms_party)["code"]).json()
    body = redeem(ms_party, sign_in(ms_visitor, ms_party, scope=OFFLINE)["code"]).json()
    assert list(body) == [
        "token_type",
        "scope",
        "expires_in",
        "ext_expires_in",
        "access_token",
        "refresh_token",
        "id_token",
    ]


def test_refresh_tokens_rotate(ms_party: Party, ms_visitor: Browser) -> None:
    first = redeem(ms_party, sign_in(ms_visitor, ms_party, scope=OFFLINE)["code"]).json()
    response = refresh(ms_party, first["refresh_token"], scope="openid profile offline_access", client_info="1")
    assert response.status_code == 200, response.text
    second = response.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["access_token"] != first["access_token"]
    assert second["scope"] == "openid profile offline_access"
    assert decode_client_info(second["client_info"])["uid"] == ms_party.user["oid"]
    claims = verified_claims(ms_party, second["id_token"])
    assert claims["sub"] == ms_party.subject and "nonce" not in claims

    reused = refresh(ms_party, first["refresh_token"])
    assert_token_error(ms_party, reused, 400, "invalid_grant", 70000)
    assert refresh(ms_party, second["refresh_token"]).status_code == 200


def test_refresh_token_belongs_to_its_client(ms_party: Party, ms_visitor: Browser) -> None:
    token = redeem(ms_party, sign_in(ms_visitor, ms_party, scope=OFFLINE)["code"]).json()["refresh_token"]
    ms_party.provider.control.register_client("intruder", "intruder secret", [ms_party.redirect_uri])
    intruder = Party(**{**ms_party.__dict__, "client_id": "intruder", "client_secret": "intruder secret"})
    assert_token_error(intruder, refresh(intruder, token), 400, "invalid_grant", 70000)


def test_refresh_cannot_widen_the_scopes(ms_party: Party, ms_visitor: Browser) -> None:
    token = redeem(ms_party, sign_in(ms_visitor, ms_party, scope="openid offline_access")["code"]).json()
    response = refresh(ms_party, token["refresh_token"], scope="openid email offline_access")
    assert_token_error(ms_party, response, 400, "invalid_grant", 70000)


def public_party(party: Party) -> Party:
    party.provider.control.register_client("spa", None, [party.redirect_uri])
    return Party(**{**party.__dict__, "client_id": "spa", "client_secret": ""})


def test_public_client_uses_pkce_and_no_secret(ms_party: Party, ms_visitor: Browser) -> None:
    spa = public_party(ms_party)
    code = sign_in(ms_visitor, spa)["code"]
    response = redeem(spa, code, auth="none")
    assert response.status_code == 200, response.text
    assert verified_claims(spa, response.json()["id_token"])["aud"] == "spa"


def test_public_client_must_send_a_code_challenge(ms_party: Party, ms_visitor: Browser) -> None:
    spa = public_party(ms_party)
    params = sign_in(ms_visitor, spa, code_challenge=None, code_challenge_method=None)
    assert params["error"] == "invalid_request"
    assert params["error_description"].startswith("AADSTS900144:")


def test_public_client_sending_a_secret_is_refused(ms_party: Party, ms_visitor: Browser) -> None:
    spa = public_party(ms_party)
    code = sign_in(ms_visitor, spa)["code"]
    form = {**spa.token_form(code), "client_id": "spa", "client_secret": "made up"}
    assert_token_error(spa, post_token(spa, form, auth="none"), 401, "invalid_client", 700025)


def test_confidential_client_without_its_secret_is_refused(ms_party: Party, ms_visitor: Browser) -> None:
    code = sign_in(ms_visitor, ms_party)["code"]
    assert_token_error(ms_party, redeem(ms_party, code, auth="none"), 401, "invalid_client", 7000218)


def test_confidential_client_may_skip_pkce(party: Party, visitor: Browser) -> None:
    code = sign_in(visitor, party, code_challenge=None, code_challenge_method=None)["code"]
    assert redeem(party, code, code_verifier=None).status_code == 200


def test_verifier_without_a_challenge_is_refused(party: Party, visitor: Browser) -> None:
    code = sign_in(visitor, party, code_challenge=None, code_challenge_method=None)["code"]
    response = redeem(party, code, code_verifier=Pkce.new().verifier)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"
