"""Steps of features/sso.feature: single sign-on with the fake Microsoft and Google providers."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qsl, urlsplit

from playwright.sync_api import expect
from pytest_bdd import given, parsers, scenarios, then

from loginspec.targets import IdentityProvider, Target

from .cast import Cast, Member
from .common.single_sign_on import PROVIDERS, is_answer_to_crm, provider_of
from .pages.sso import SingleSignOnFailedPage

scenarios("sso.feature")


# Signing in again


@given(parsers.parse("{name:w}'s {provider} session has ended"))
def provider_session_ended(cast: Cast, target: Target, name: str, provider: str) -> None:
    assert provider_of(target, provider).control.end_session(cast.person(name).person.email) >= 1


@given(parsers.parse("{provider} will refuse the next sign-in with {misbehaviour}"))
@given(parsers.parse("{provider} will answer the next sign-in with {misbehaviour}"))
def provider_misbehaves(cast: Cast, provider: str, misbehaviour: str) -> None:
    cast.misbehave(PROVIDERS[provider], misbehaviour)


@then(parsers.parse("{provider} did not ask {name:w} for credentials"))
def provider_did_not_ask(cast: Cast, target: Target, provider: str, name: str) -> None:
    member = cast.person(name)
    at_provider = cast.pages_visited(name, provider_of(target, provider).base_url, member.visit_mark)
    assert at_provider, "the CRM did not go to the provider at all"
    shown_pages = [visit.url for visit in at_provider if visit.status == 200]
    assert not shown_pages, f"the provider showed sign-in pages: {shown_pages}"


@then(parsers.parse("the CRM never asked {name:w} for a password"))
def crm_never_asked_for_password(cast: Cast, target: Target, name: str) -> None:
    """After the page that asked for the user ID, the CRM only ever sent the browser on: nothing it
    showed could have asked for a password."""
    member = cast.person(name)
    assert not cast.browser(name).url.startswith(target.base_url)
    statuses = [visit.status for visit in cast.pages_visited(name, target.base_url, member.visit_mark)]
    assert statuses and statuses[0] == 200, statuses
    assert all(300 <= status < 400 for status in statuses[1:]), f"the CRM showed more pages: {statuses}"


@then(parsers.parse("{name:w} is told to contact the company's IT support"))
def told_to_contact_it(cast: Cast, name: str) -> None:
    expect(SingleSignOnFailedPage(cast.browser(name)).message).to_be_visible()


# Answers held back, tampered with, replayed


# What the provider saw


def _authorization_request(cast: Cast, member: Member, provider: IdentityProvider) -> dict[str, str]:
    authorize = [
        visit.url for visit in cast.pages_visited(member.handle, provider.base_url) if "response_type=code" in visit.url
    ]
    assert authorize, "the browser never went to the provider's authorization endpoint"
    return dict(parse_qsl(urlsplit(authorize[-1]).query))


@then(parsers.parse("the CRM's request to {provider} carried a S256 code challenge and a nonce"))
def request_had_pkce_and_nonce(cast: Cast, target: Target, provider: str) -> None:
    member = next(member for member in cast.members.values() if member.browsers)
    params = _authorization_request(cast, member, provider_of(target, provider))
    assert params.get("code_challenge_method") == "S256", params
    assert len(params.get("code_challenge", "")) == 43, params
    assert len(params.get("nonce", "")) >= 16, params
    assert len(params.get("state", "")) >= 16, params


@then("the CRM redeemed the code with the verifier of that challenge")
def redeemed_with_verifier(cast: Cast, target: Target) -> None:
    member = next(member for member in cast.members.values() if member.browsers)
    kind = cast.company.sso_provider if cast.company else None
    provider = target.identity_providers[kind or ""]
    challenge = _authorization_request(cast, member, provider)["code_challenge"]
    answers = [visit.url for visit in member.visits if visit.is_page and is_answer_to_crm(target, visit.url)]
    code = dict(parse_qsl(urlsplit(answers[-1]).query))["code"]
    token_requests = [entry for entry in provider.control.requests("token") if entry["form"].get("code") == code]
    assert len(token_requests) == 1, f"expected one token request for the code, saw {len(token_requests)}"
    verifier = token_requests[0]["form"]["code_verifier"]
    derived = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert derived == challenge


@then(parsers.parse("the CRM has not asked {provider} to sign {name:w} in since the logout"))
def no_new_authorization(cast: Cast, target: Target, provider: str, name: str) -> None:
    member = cast.person(name)
    assert not cast.pages_visited(name, provider_of(target, provider).base_url, member.visit_mark)
