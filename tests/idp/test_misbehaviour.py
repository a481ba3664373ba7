"""Each misbehaviour makes exactly the next fitting answer wrong, in exactly the way it names."""

from __future__ import annotations

import hashlib
import hmac
import time

import httpx
import pytest
from joserfc import jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import RSAKey
from joserfc.jws import JWSRegistry

from fake_services.idp import ControlError, Misbehaviour
from tests.idp.support import (
    Browser,
    Party,
    decode_segment,
    published_keys,
    redeem,
    redirect_params,
    sign_in,
    start_authorization,
    tokens_for,
    unverified_parts,
    verified_claims,
)


def misbehaving_token(party: Party, visitor: Browser, kind: Misbehaviour) -> str:
    party.provider.control.misbehave(kind)
    id_token = tokens_for(visitor, party)["id_token"]
    assert party.provider.control.pending_misbehaviours() == []
    return id_token


def test_access_denied_answers_the_next_authorization_only(party: Party, visitor: Browser) -> None:
    party.provider.control.misbehave(Misbehaviour.ACCESS_DENIED)
    params = redirect_params(start_authorization(visitor, party))
    assert params["error"] == "access_denied"
    assert params["state"] == party.state
    assert start_authorization(visitor, party).status_code == 200


def test_wrong_state_sends_back_a_state_the_client_never_sent(party: Party, visitor: Browser) -> None:
    party.provider.control.misbehave(Misbehaviour.WRONG_STATE)
    params = sign_in(visitor, party)
    assert params["state"] != party.state
    assert "code" in params
    assert redirect_params(start_authorization(visitor, party))["state"] == party.state


def test_hold_answer_shows_the_answer_as_a_link_instead_of_redirecting(party: Party, visitor: Browser) -> None:
    sign_in(visitor, party)  # a provider session, so the next authorization answers at once
    party.provider.control.misbehave(Misbehaviour.HOLD_ANSWER)
    response = start_authorization(visitor, party)
    assert response.status_code == 200 and "Answer held" in response.text
    href = response.text.split('id="answer" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    answer = dict(httpx.URL(href).params)
    assert href.startswith(party.redirect_uri)
    assert answer["state"] == party.state and answer["code"]
    assert redeem(party, answer["code"]).status_code == 200


def test_invalid_grant_refuses_a_good_code(party: Party, visitor: Browser) -> None:
    party.provider.control.misbehave(Misbehaviour.INVALID_GRANT)
    response = redeem(party, sign_in(visitor, party)["code"])
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert redeem(party, sign_in(visitor, party)["code"]).status_code == 200


def test_wrong_nonce(party: Party, visitor: Browser) -> None:
    claims = verified_claims(party, misbehaving_token(party, visitor, Misbehaviour.WRONG_NONCE))
    assert claims["nonce"] != party.nonce and claims["nonce"]


def test_missing_nonce(party: Party, visitor: Browser) -> None:
    claims = verified_claims(party, misbehaving_token(party, visitor, Misbehaviour.MISSING_NONCE))
    assert "nonce" not in claims
    assert claims["sub"] == party.subject


def test_wrong_issuer(party: Party, visitor: Browser) -> None:
    claims = verified_claims(party, misbehaving_token(party, visitor, Misbehaviour.WRONG_ISSUER))
    assert claims["iss"] != party.issuer
    expected = f"https://sts.windows.net/{party.realm}/" if party.is_microsoft else "https://accounts.google.com"
    assert claims["iss"] == expected


def test_wrong_audience(party: Party, visitor: Browser) -> None:
    claims = verified_claims(party, misbehaving_token(party, visitor, Misbehaviour.WRONG_AUDIENCE))
    assert claims["aud"] != party.client_id
    if not party.is_microsoft:
        assert claims["aud"].endswith(".apps.googleusercontent.com")
        assert claims["azp"] == claims["aud"]


def test_extra_audience(party: Party, visitor: Browser) -> None:
    claims = verified_claims(party, misbehaving_token(party, visitor, Misbehaviour.EXTRA_AUDIENCE))
    assert claims["aud"][0] == party.client_id and len(claims["aud"]) == 2
    assert "azp" not in claims


def test_expired(party: Party, visitor: Browser) -> None:
    claims = verified_claims(party, misbehaving_token(party, visitor, Misbehaviour.EXPIRED))
    now = time.time()
    assert claims["exp"] < now - 3000
    assert claims["iat"] < claims["exp"]


def test_not_yet_valid(party: Party, visitor: Browser) -> None:
    claims = verified_claims(party, misbehaving_token(party, visitor, Misbehaviour.NOT_YET_VALID))
    now = time.time()
    assert claims["iat"] > now + 3000
    if party.is_microsoft:
        assert claims["nbf"] > now + 3000
    assert claims["exp"] > claims["iat"]


def test_bad_signature_fails_verification(party: Party, visitor: Browser) -> None:
    id_token = misbehaving_token(party, visitor, Misbehaviour.BAD_SIGNATURE)
    header, claims, _ = unverified_parts(id_token)
    assert header["kid"] == party.provider.control.keys()["signing_kid"]
    assert claims["sub"] == party.subject and claims["nonce"] == party.nonce
    with pytest.raises(BadSignatureError):
        jwt.decode(id_token, published_keys(party), algorithms=["RS256"])


def test_unknown_kid_names_a_key_that_is_not_published(party: Party, visitor: Browser) -> None:
    id_token = misbehaving_token(party, visitor, Misbehaviour.UNKNOWN_KID)
    header, _, _ = unverified_parts(id_token)
    assert header["alg"] == "RS256"
    assert header["kid"] not in [key.kid for key in published_keys(party).keys]
    for key in published_keys(party).keys:
        with pytest.raises(BadSignatureError):
            jwt.decode(id_token, key, algorithms=["RS256"])


def test_alg_none_is_unsigned(party: Party, visitor: Browser) -> None:
    id_token = misbehaving_token(party, visitor, Misbehaviour.ALG_NONE)
    header, claims, signature = unverified_parts(id_token)
    assert header == {"typ": "JWT", "alg": "none"}
    assert signature == ""
    assert claims["sub"] == party.subject and claims["aud"] == party.client_id


def test_hs256_is_keyed_with_the_public_key_pem(party: Party, visitor: Browser) -> None:
    id_token = misbehaving_token(party, visitor, Misbehaviour.HS256_PUBLIC_KEY)
    header, claims, signature = unverified_parts(id_token)
    assert header["alg"] == "HS256"
    assert header["kid"] == party.provider.control.keys()["signing_kid"]
    public_key = published_keys(party).get_by_kid(header["kid"])
    assert isinstance(public_key, RSAKey)
    signing_input = id_token.rsplit(".", 1)[0].encode()
    expected = hmac.new(public_key.as_pem(private=False), signing_input, hashlib.sha256).digest()
    assert decode_segment(signature) == expected
    assert claims["sub"] == party.subject


class RoomyHeaders(JWSRegistry):
    """joserfc refuses headers over 512 bytes by default, which an embedded JWK exceeds."""

    max_header_length = 4096


def test_embedded_jwk_is_signed_by_the_attacker_key_it_carries(party: Party, visitor: Browser) -> None:
    id_token = misbehaving_token(party, visitor, Misbehaviour.EMBEDDED_JWK)
    header, claims, _ = unverified_parts(id_token)
    embedded = RSAKey.import_key(header["jwk"])
    assert not embedded.is_private
    assert header["kid"] not in [key.kid for key in published_keys(party).keys]
    registry = RoomyHeaders(algorithms=["RS256"])
    assert jwt.decode(id_token, embedded, registry=registry).claims["sub"] == party.subject
    with pytest.raises(BadSignatureError):
        jwt.decode(id_token, published_keys(party).keys[0], registry=registry)


def test_email_unverified(google_party: Party, google_visitor: Browser) -> None:
    google_party.provider.control.misbehave(Misbehaviour.EMAIL_UNVERIFIED)
    tokens = tokens_for(google_visitor, google_party)
    claims = verified_claims(google_party, tokens["id_token"])
    assert claims["email_verified"] is False
    assert claims["email"] == google_party.email


def test_other_domain_keeps_the_email(google_party: Party, google_visitor: Browser) -> None:
    claims = verified_claims(google_party, misbehaving_token(google_party, google_visitor, Misbehaviour.OTHER_DOMAIN))
    assert claims["hd"] != "acme.test"
    assert claims["email"] == google_party.email
    assert claims["sub"] != google_party.subject
    assert claims["iss"] == google_party.issuer


def test_no_hosted_domain_is_a_personal_account_with_the_same_email(
    google_party: Party, google_visitor: Browser
) -> None:
    token = misbehaving_token(google_party, google_visitor, Misbehaviour.NO_HOSTED_DOMAIN)
    claims = verified_claims(google_party, token)
    assert "hd" not in claims
    assert claims["email"] == google_party.email and claims["sub"] != google_party.subject


def test_other_tenant_keeps_the_email(ms_party: Party, ms_visitor: Browser) -> None:
    claims = verified_claims(ms_party, misbehaving_token(ms_party, ms_visitor, Misbehaviour.OTHER_TENANT))
    assert claims["tid"] != ms_party.realm
    assert claims["iss"] == f"{ms_party.provider.base_url}/{claims['tid']}/v2.0"
    assert claims["email"] == claims["preferred_username"] == ms_party.email
    assert claims["oid"] != ms_party.user["oid"]
    assert claims["sub"] != ms_party.subject


def test_other_subject_is_another_account_of_the_same_organisation_with_the_email(
    party: Party, visitor: Browser
) -> None:
    claims = verified_claims(party, misbehaving_token(party, visitor, Misbehaviour.OTHER_SUBJECT))
    assert claims["sub"] != party.subject
    assert (claims["iss"], claims["email"]) == (party.issuer, party.email)
    if party.is_microsoft:
        assert claims["tid"] == party.realm and claims["oid"] != party.user["oid"]
    else:
        assert claims["hd"] == party.email.partition("@")[2] and claims["sub"].isdigit()


def test_flavour_specific_kinds_are_refused_by_the_other_flavour(party: Party) -> None:
    foreign = Misbehaviour.EMAIL_UNVERIFIED if party.is_microsoft else Misbehaviour.OTHER_TENANT
    with pytest.raises(ControlError) as refused:
        party.provider.control.misbehave(foreign)
    assert refused.value.status_code == 400
    with pytest.raises(ControlError):
        party.provider.control.misbehave("sabotage")
    assert party.provider.control.pending_misbehaviours() == []


def test_queued_misbehaviours_apply_in_order_one_answer_each(party: Party, visitor: Browser) -> None:
    control = party.provider.control
    assert control.misbehave(Misbehaviour.EXPIRED, Misbehaviour.ALG_NONE) == ["expired", "alg_none"]
    first = tokens_for(visitor, party)["id_token"]
    assert verified_claims(party, first)["exp"] < time.time()
    second = tokens_for(visitor, party)["id_token"]
    assert unverified_parts(second)[0]["alg"] == "none"
    third = tokens_for(visitor, party)["id_token"]
    assert verified_claims(party, third)["exp"] > time.time()


def test_authorization_misbehaviours_wait_for_the_authorization_endpoint(party: Party, visitor: Browser) -> None:
    control = party.provider.control
    control.misbehave(Misbehaviour.ACCESS_DENIED, Misbehaviour.WRONG_NONCE)
    assert redirect_params(start_authorization(visitor, party))["error"] == "access_denied"
    assert control.pending_misbehaviours() == ["wrong_nonce"]
    control.clear_misbehaviours()
    assert control.pending_misbehaviours() == []


def test_a_moved_clock_moves_the_times_in_its_tokens(party: Party, visitor: Browser) -> None:
    """For a relying party whose own clock a test moves: the provider's tokens keep up with it."""
    moved = party.provider.control.advance_clock(3 * 3600)
    assert moved >= time.time() + 3 * 3600 - 5
    _, claims, _ = unverified_parts(tokens_for(visitor, party)["id_token"])
    assert claims["iat"] >= time.time() + 3 * 3600 - 60
    assert claims["exp"] > claims["iat"]
