"""A misbehaviour queued for one user is used by that user's sign-in only, and cleared only with
that user's: what tests running side by side against one provider need. Provider-wide ones are
unchanged (tests/idp/test_misbehaviour.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest

from fake_services.idp import ControlError, FakeIdentityProvider, Misbehaviour
from tests.idp.support import (
    Browser,
    Party,
    Pkce,
    http_client,
    redeem,
    redirect_params,
    sign_in,
    start_authorization,
    tokens_for,
    unverified_parts,
    verified_claims,
)


@pytest.fixture
def colleague(party: Party) -> Party:
    """Another user of the same organisation, signing in to the same application."""
    email = f"bob@{party.email.partition('@')[2]}"
    realm = {"tenant": party.realm} if party.is_microsoft else {"domain": party.realm}
    user = party.provider.control.add_user(email, party.password, "Bob Example", **realm)
    return replace(party, email=email, name="Bob Example", user=user, pkce=Pkce.new())


@pytest.fixture
def colleague_browser(provider: FakeIdentityProvider) -> Iterator[Browser]:
    browser = Browser(provider)
    yield browser
    browser.close()


def nonce_of(party: Party, browser: Browser) -> str | None:
    nonce = verified_claims(party, tokens_for(browser, party)["id_token"]).get("nonce")
    return nonce if isinstance(nonce, str) else None


def test_a_token_misbehaviour_for_one_user_waits_for_that_users_sign_in(
    party: Party, visitor: Browser, colleague: Party, colleague_browser: Browser
) -> None:
    control = party.provider.control
    assert control.misbehave(Misbehaviour.MISSING_NONCE, user=party.email) == ["missing_nonce"]
    assert nonce_of(colleague, colleague_browser) == colleague.nonce
    assert control.pending_misbehaviours(user=party.email) == ["missing_nonce"]
    assert nonce_of(party, visitor) is None
    assert control.pending_misbehaviours() == []
    assert nonce_of(party, visitor) == party.nonce


def test_invalid_grant_for_one_user_refuses_only_that_users_code(
    party: Party, visitor: Browser, colleague: Party, colleague_browser: Browser
) -> None:
    party.provider.control.misbehave(Misbehaviour.INVALID_GRANT, user=party.email)
    assert redeem(colleague, sign_in(colleague_browser, colleague)["code"]).status_code == 200
    refused = redeem(party, sign_in(visitor, party)["code"])
    assert (refused.status_code, refused.json()["error"]) == (400, "invalid_grant")


def test_an_answer_misbehaviour_for_one_user_waits_for_that_users_code(
    party: Party, visitor: Browser, colleague: Party, colleague_browser: Browser
) -> None:
    control = party.provider.control
    sign_in(colleague_browser, colleague)  # Bob has a session: his next authorization answers at once
    control.misbehave(Misbehaviour.WRONG_STATE, user=party.email)
    control.misbehave(Misbehaviour.HOLD_ANSWER, user=colleague.email)
    held = start_authorization(colleague_browser, colleague)
    assert held.status_code == 200 and "Answer held" in held.text
    assert f"state={colleague.state}" in held.text  # Alice's wrong_state, queued first, was not his
    assert control.pending_misbehaviours() == ["wrong_state"]
    assert sign_in(visitor, party)["state"] != party.state
    assert control.pending_misbehaviours() == []


def test_a_refusal_for_the_user_a_login_hint_names_comes_at_once(
    party: Party, visitor: Browser, colleague: Party, colleague_browser: Browser
) -> None:
    control = party.provider.control
    control.misbehave(Misbehaviour.ACCESS_DENIED, user=party.email)
    assert start_authorization(colleague_browser, colleague, login_hint=colleague.email).status_code == 200
    assert start_authorization(colleague_browser, colleague).status_code == 200
    assert control.pending_misbehaviours() == ["access_denied"]
    params = redirect_params(start_authorization(visitor, party, login_hint=party.email.upper()))
    assert (params["error"], params["state"]) == ("access_denied", party.state)
    assert control.pending_misbehaviours() == []


def test_without_a_login_hint_the_refusal_comes_once_the_user_has_signed_in(
    party: Party, visitor: Browser, colleague: Party, colleague_browser: Browser
) -> None:
    control = party.provider.control
    control.misbehave(Misbehaviour.ACCESS_DENIED, user=party.email)
    assert "code" in sign_in(colleague_browser, colleague)
    assert control.pending_misbehaviours(user=party.email) == ["access_denied"]
    params = sign_in(visitor, party)  # the pages, then the refusal instead of a code
    assert (params["error"], params["state"]) == ("access_denied", party.state)
    assert "code" not in params
    control.misbehave(Misbehaviour.ACCESS_DENIED, user=party.email)
    silent = redirect_params(start_authorization(visitor, party))  # signed in: no pages this time
    assert silent["error"] == "access_denied" and "code" not in silent
    assert "code" in redirect_params(start_authorization(visitor, party))


def test_users_are_matched_without_regard_to_case(party: Party, visitor: Browser) -> None:
    control = party.provider.control
    assert control.misbehave(Misbehaviour.WRONG_NONCE, user=party.email.upper()) == ["wrong_nonce"]
    assert control.pending_misbehaviours(user=party.email) == ["wrong_nonce"]
    assert nonce_of(party, visitor) != party.nonce


def test_provider_wide_misbehaviours_still_go_to_whichever_sign_in_comes_next(
    party: Party, visitor: Browser, colleague: Party, colleague_browser: Browser
) -> None:
    control = party.provider.control
    control.misbehave(Misbehaviour.MISSING_NONCE, user=party.email)
    control.misbehave(Misbehaviour.ALG_NONE)
    assert control.pending_misbehaviours() == ["missing_nonce", "alg_none"]
    assert control.pending_misbehaviours(user=colleague.email) == []
    header, _, _ = unverified_parts(tokens_for(colleague_browser, colleague)["id_token"])
    assert header["alg"] == "none"
    assert nonce_of(party, visitor) is None  # queued first, so used first by Alice's sign-in
    control.misbehave(Misbehaviour.ACCESS_DENIED)
    assert redirect_params(start_authorization(colleague_browser, colleague))["error"] == "access_denied"


def test_clearing_one_users_misbehaviours_leaves_everyone_elses(party: Party, colleague: Party) -> None:
    control = party.provider.control
    control.misbehave(Misbehaviour.EXPIRED, user=party.email)
    control.misbehave(Misbehaviour.WRONG_NONCE, Misbehaviour.HOLD_ANSWER, user=colleague.email)
    control.misbehave(Misbehaviour.ALG_NONE)
    control.clear_misbehaviours(user=colleague.email.upper())
    assert control.pending_misbehaviours() == ["expired", "alg_none"]
    assert control.pending_misbehaviours(user=colleague.email) == []
    assert control.pending_misbehaviours(user=party.email) == ["expired"]
    control.clear_misbehaviours()
    assert control.pending_misbehaviours() == []


def test_the_listing_says_whose_each_one_is(party: Party) -> None:
    party.provider.control.misbehave(Misbehaviour.EXPIRED, user=party.email.upper())
    party.provider.control.misbehave(Misbehaviour.EXPIRED)
    with http_client(party.provider) as http:
        body = http.get("/_control/misbehaviours").json()
    assert body["queued"] == [{"kind": "expired", "user": party.email}, {"kind": "expired", "user": None}]


BAD_QUEUEING = [
    {"kind": "sabotage", "user": "alice@contoso.test"},
    {"kind": "expired", "user": "no-at-sign"},
    {"kind": "expired", "user": "@contoso.test"},
    {"kind": "expired", "user": "alice@"},
    {"kind": "expired", "user": "alice smith@contoso.test"},
    {"kind": "expired", "user": "alice@contoso.test\n"},
    {"kind": "expired", "user": ""},
    {"kind": "expired", "user": 5},
    {"kind": "expired", "user": ["alice@contoso.test"]},
    {"kind": "expired", "user": "a" * 250 + "@contoso.test"},
    {"kind": "expired", "usr": "alice@contoso.test"},  # a misspelt field must not queue it for everyone
]

BAD_QUERIES = [
    {"user": "no-at-sign"},
    {"user": ""},
    {"user": "a" * 250 + "@contoso.test"},
    {"usr": "alice@contoso.test"},  # a misspelt name must not widen a DELETE to everyone's
    [("user", "alice@contoso.test"), ("user", "bob@contoso.test")],
]


def test_bad_input_is_refused_and_changes_nothing(party: Party) -> None:
    control = party.provider.control
    control.misbehave(Misbehaviour.EXPIRED, user=party.email)
    control.misbehave(Misbehaviour.ALG_NONE)
    with http_client(party.provider) as http:
        for payload in BAD_QUEUEING:
            response = http.post("/_control/misbehaviours", json=payload)
            assert response.status_code == 400, payload
            assert response.json()["error"] == "invalid_request" and response.json()["error_description"]
        unknown = http.post("/_control/misbehaviours", json={"kind": "expired", "user": "nobody@contoso.test"})
        assert unknown.status_code == 404 and unknown.json()["error"] == "not_found"
        for query in BAD_QUERIES:
            for method in ("GET", "DELETE"):
                response = http.request(method, "/_control/misbehaviours", params=httpx.QueryParams(query))
                assert response.status_code == 400, (method, query)
                assert response.json()["error"] == "invalid_request"
    assert control.pending_misbehaviours() == ["expired", "alg_none"]
    with pytest.raises(ControlError) as refused:
        control.misbehave(Misbehaviour.EXPIRED, user="")
    assert refused.value.status_code == 400
    assert control.pending_misbehaviours(user=party.email) == ["expired"]
