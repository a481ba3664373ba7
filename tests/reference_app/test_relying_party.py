"""The CRM's OpenID Connect client against the fake Microsoft and Google providers, over real HTTP.

Tokens come from real code flows at the fakes (driven without a browser by the
providers' own test support); every misbehaviour the fakes can produce must be
refused, and good answers must verify.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import pytest

from fake_services.idp import FakeIdentityProvider, MicrosoftProvider, Misbehaviour
from reference_app.oidc import OidcClient, SignInRefused
from reference_app.settings import IdentityProviderSettings
from tests.idp.support import Browser, Party, make_party, sign_in, tokens_for

HOST_MAP = (("*.test", "127.0.0.1"),)
T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run on a thread of its own: in a run with the browser suite, this thread's event loop is Playwright's."""
    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(asyncio.run, coroutine).result()


COMMON_MISBEHAVIOURS = [
    Misbehaviour.WRONG_NONCE,
    Misbehaviour.MISSING_NONCE,
    Misbehaviour.WRONG_ISSUER,
    Misbehaviour.WRONG_AUDIENCE,
    Misbehaviour.EXPIRED,
    Misbehaviour.NOT_YET_VALID,
    Misbehaviour.BAD_SIGNATURE,
    Misbehaviour.UNKNOWN_KID,
    Misbehaviour.ALG_NONE,
    Misbehaviour.HS256_PUBLIC_KEY,
    Misbehaviour.EMBEDDED_JWK,
]


def client_for(party: Party) -> OidcClient:
    kind = "microsoft" if party.is_microsoft else "google"
    settings = IdentityProviderSettings(kind, party.provider.base_url, party.client_id, party.client_secret)
    return OidcClient(settings, HOST_MAP)


def tenant_of(party: Party) -> str:
    assert party.realm
    return party.realm


def verify(party: Party, id_token: str) -> object:
    return run(client_for(party).verify_id_token(tenant_of(party), id_token, party.nonce))


def test_a_genuine_id_token_gives_the_linked_identity(party: Party, visitor: Browser) -> None:
    identity = verify(party, tokens_for(visitor, party)["id_token"])
    assert identity.issuer == party.issuer  # type: ignore[attr-defined]
    assert identity.subject == party.subject  # type: ignore[attr-defined]
    assert identity.email == party.email  # type: ignore[attr-defined]


@pytest.mark.parametrize("kind", COMMON_MISBEHAVIOURS, ids=lambda kind: kind.value)
def test_every_forged_or_mismatched_token_is_refused(party: Party, visitor: Browser, kind: Misbehaviour) -> None:
    party.provider.control.misbehave(kind)
    id_token = tokens_for(visitor, party)["id_token"]
    with pytest.raises(SignInRefused):
        verify(party, id_token)


@pytest.mark.parametrize(
    ("flavour", "kind"),
    [("google", Misbehaviour.EMAIL_UNVERIFIED), ("google", Misbehaviour.OTHER_DOMAIN)],
    ids=["email-unverified", "other-domain"],
)
def test_google_specific_answers_are_refused(request: pytest.FixtureRequest, flavour: str, kind: Misbehaviour) -> None:
    google_provider: FakeIdentityProvider = request.getfixturevalue(flavour)
    google_party = make_party(google_provider, email="gina@acme.test")
    browser = Browser(google_provider)
    google_party.provider.control.misbehave(kind)
    with pytest.raises(SignInRefused):
        verify(google_party, tokens_for(browser, google_party)["id_token"])
    browser.close()


def test_a_token_of_another_microsoft_tenant_is_refused(microsoft: MicrosoftProvider) -> None:
    ms_party = make_party(microsoft)
    browser = Browser(microsoft)
    microsoft.control.misbehave(Misbehaviour.OTHER_TENANT)
    with pytest.raises(SignInRefused, match="issuer|tenant|iss"):
        verify(ms_party, tokens_for(browser, ms_party)["id_token"])
    browser.close()


def test_rotated_keys_are_fetched_again(party: Party, visitor: Browser) -> None:
    client = client_for(party)

    async def verify_before_and_after_rotation() -> None:
        await client.verify_id_token(tenant_of(party), tokens_for(visitor, party)["id_token"], party.nonce)
        party.provider.control.rotate_keys()
        await client.verify_id_token(tenant_of(party), tokens_for(visitor, party)["id_token"], party.nonce)

    run(verify_before_and_after_rotation())


def test_the_authorization_request_carries_pkce_s256_state_nonce_and_hint(party: Party) -> None:
    request = run(client_for(party).authorization_request(tenant_of(party), party.redirect_uri, login_hint=party.email))
    params = {name: values[0] for name, values in parse_qs(urlsplit(request.url).query).items()}
    expected_challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(request.code_verifier.encode()).digest()).rstrip(b"=").decode()
    )
    assert params["code_challenge"] == expected_challenge
    assert params["code_challenge_method"] == "S256"
    assert params["state"] == request.state and len(request.state) >= 32
    assert params["nonce"] == request.nonce and len(request.nonce) >= 32
    assert params["login_hint"] == party.email
    assert params["response_type"] == "code" and params["client_id"] == party.client_id


def test_the_code_is_redeemed_with_the_verifier_and_checked(party: Party, visitor: Browser) -> None:
    client = client_for(party)
    request = run(client.authorization_request(tenant_of(party), party.redirect_uri, login_hint=party.email))
    answer = sign_in(
        visitor,
        party,
        state=request.state,
        nonce=request.nonce,
        code_challenge=dict(parse_qs(urlsplit(request.url).query))["code_challenge"][0],
    )
    identity = run(
        client.redeem(tenant_of(party), answer["code"], party.redirect_uri, request.code_verifier, request.nonce)
    )
    assert identity.subject == party.subject
    with pytest.raises(SignInRefused, match="token request failed"):
        run(client.redeem(tenant_of(party), answer["code"], party.redirect_uri, request.code_verifier, request.nonce))


def test_a_refused_grant_is_a_refused_sign_in(party: Party, visitor: Browser) -> None:
    client = client_for(party)
    party.provider.control.misbehave(Misbehaviour.INVALID_GRANT)
    code = sign_in(visitor, party)["code"]
    with pytest.raises(SignInRefused, match="token request failed"):
        run(client.redeem(tenant_of(party), code, party.redirect_uri, party.pkce.verifier, party.nonce))


def test_an_unknown_microsoft_tenant_is_refused_before_any_redirect(microsoft: MicrosoftProvider) -> None:
    ms_party = make_party(microsoft)
    with pytest.raises(SignInRefused):
        run(client_for(ms_party).authorization_request("no-such-tenant.invalid", ms_party.redirect_uri, "x@y.z"))
