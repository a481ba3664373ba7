"""Steps of features/sso.feature: single sign-on with the fake Microsoft and Google providers."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from playwright.sync_api import expect
from pytest_bdd import given, parsers, scenarios, then, when

from loginspec.contract import Contract
from loginspec.targets import Target

from .cast import Cast, Reply
from .common.single_sign_on import is_answer_to_crm, provider_of
from .inspection import INTERNALS
from .interception import in_another_browser, require_form_post, send_again, trapped_submission
from .journeys import PROVIDERS
from .pages.activation import CreatePasswordPage, SingleSignOnActivationPage
from .pages.sso import SingleSignOnFailedPage

scenarios("sso.feature")


@pytest.fixture
def browser_traffic() -> bool:
    """Steps here read the sign-in requests sent to the provider and the answers brought back."""
    return True


# Signing in again


@given(parsers.parse("{name:w}'s {provider} session has ended"))
def provider_session_ended(cast: Cast, target: Target, name: str, provider: str) -> None:
    assert provider_of(target, provider).control.end_session(cast.person(name).person.email) >= 1


@given(parsers.parse("{provider} will refuse {name:w}'s next sign-in with {misbehaviour}"))
@given(parsers.parse("{provider} will answer {name:w}'s next sign-in with {misbehaviour}"))
def provider_misbehaves(cast: Cast, provider: str, name: str, misbehaviour: str) -> None:
    """For this person's sign-in only: another scenario's sign-in at the same provider does not get it."""
    cast.misbehave(name, PROVIDERS[provider], misbehaviour)


@then(parsers.parse("{provider} did not ask {name:w} for credentials"))
def provider_did_not_ask(cast: Cast, target: Target, provider: str, name: str) -> None:
    assert cast.authorizations_since_mark(name), "the CRM did not send Ann to the provider at all"
    origin = provider_of(target, provider).base_url
    shown = [url for url in cast.shown_since_mark(name) if url.startswith(origin)]
    assert not shown, f"the provider showed sign-in pages: {shown}"


@then(parsers.parse("the CRM never asked {name:w} for a password"))
def crm_never_asked_for_password(cast: Cast, target: Target, name: str) -> None:
    """After the login screen where the email address was typed, the browser went on to the provider
    without the CRM showing any other page: nothing could have asked for a password."""
    shown = cast.shown_since_mark(name)
    provider_at = next((index for index, url in enumerate(shown) if not url.startswith(target.base_url)), len(shown))
    crm_pages = shown[:provider_at]
    assert provider_at < len(shown), f"the browser never left the CRM: {shown}"
    assert len(crm_pages) == 1, f"the CRM showed more than its login screen: {crm_pages}"


@then(parsers.parse("{name:w} is told to contact the company's IT support"))
def told_to_contact_it(cast: Cast, target: Target, name: str) -> None:
    """The refusal counts only if the provider really misbehaved as asked: otherwise it has another cause."""
    page = cast.browser(name)
    expect(SingleSignOnFailedPage(page, target).message).to_be_visible()
    assert not cast.unused_misbehaviours(), f"the provider never got to misbehave: {cast.unused_misbehaviours()}"
    shown = page.evaluate("() => document.body.innerText")
    assert not INTERNALS.search(shown), f"the failure page shows internal detail: {INTERNALS.search(shown)}"


# What the provider saw


def _authorization_request(cast: Cast, name: str) -> dict[str, str]:
    email = cast.person(name).person.email
    requests: list[dict[str, str]] = [
        entry["query"] for entry in cast.authorizations(name) if entry["query"].get("login_hint") == email
    ]
    assert requests, f"the provider received no authorization request for {email}"
    return requests[-1]


@given(parsers.parse("{provider} will refuse {name:w}'s next sign-in unless it carries an S256 code challenge"))
def provider_insists_on_pkce(cast: Cast, target: Target, provider: str, name: str) -> None:
    """The provider's strict mode, for this person's next authorization only; what it found is read back."""
    control = provider_of(target, provider).control
    cast.person(name).pkce_requirement = control.require_pkce_once(email=cast.person(name).person.email)["id"]


@then(parsers.parse("{provider} checked {name:w}'s sign-in for an S256 code challenge and found one"))
def provider_found_pkce(cast: Cast, target: Target, provider: str, name: str) -> None:
    requirement_id = cast.person(name).pkce_requirement
    assert requirement_id, "no PKCE requirement was set for this sign-in"
    requirement = provider_of(target, provider).control.pkce_requirement(requirement_id)
    assert requirement["state"] == "used", f"the CRM's sign-in never reached the provider's check: {requirement}"
    assert requirement["satisfied"] is True, requirement


@then(parsers.parse("the CRM's request to {provider} carried a S256 code challenge and a nonce"))
def request_had_pkce_and_nonce(cast: Cast, provider: str) -> None:
    member = next(member for member in cast.members.values() if member.browsers)
    params = _authorization_request(cast, member.handle)
    assert params.get("code_challenge_method") == "S256", params
    assert len(params.get("code_challenge", "")) == 43, params
    assert len(params.get("nonce", "")) >= 16, params
    assert len(params.get("state", "")) >= 16, params


@then("the CRM redeemed the code with the verifier of that challenge")
def redeemed_with_verifier(cast: Cast, target: Target) -> None:
    member = next(member for member in cast.members.values() if member.browsers)
    assert cast.company and cast.company.sso_provider
    provider = target.identity_providers[cast.company.sso_provider]
    challenge = _authorization_request(cast, member.handle)["code_challenge"]
    answers = [
        visit.url for visit in cast.responses(member.handle) if visit.is_page and is_answer_to_crm(target, visit.url)
    ]
    code = dict(parse_qsl(urlsplit(answers[-1]).query))["code"]
    token_requests = [entry for entry in provider.control.requests("token") if entry["form"].get("code") == code]
    assert len(token_requests) == 1, f"expected one token request for the code, saw {len(token_requests)}"
    verifier = token_requests[0]["form"]["code_verifier"]
    derived = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert derived == challenge
    # The verifier proves the redeemer started the sign-in only while no browser has seen it.
    seen = [url for url in cast.requests_made(member.handle) if verifier in url or quote(verifier, safe="") in url]
    assert not seen, f"the code verifier travelled through the browser: {seen[:2]}"


@then(parsers.parse("the CRM has not asked {provider} to sign {name:w} in since the logout"))
def no_new_authorization(cast: Cast, provider: str, name: str) -> None:
    assert not cast.authorizations_since_mark(name), "the CRM sent the browser to the provider by itself"


# Another route around the provider


@given(
    parsers.parse(
        "{name:w} is a user of a company that uses CRM passwords, who has filled in the form to create a password"
    )
)
def filled_in_password_form(cast: Cast, target: Target, contract: Contract, name: str) -> None:
    """The request Ben's browser would send to create his password, kept from the CRM."""
    cast.expect_mail(name)
    cast.provision(name, state="invited", send_activation_email=True, company=None)
    page = cast.browser(name)
    page.goto(cast.email_link(name, "Activate now", cast.email(name, subject="")))
    form = CreatePasswordPage(page, target)
    password = cast.person(name).person.password
    with trapped_submission(page, target, carrying=password) as caught:
        form.create(password)
    require_form_post(caught[0], contract)
    cast.person(name).held_request = caught[0]


@when(
    parsers.parse(
        "{name:w}'s browser sends {other:w}'s form instead, with {name2:w}'s own form token and a new password"
    )
)
def sends_other_form(cast: Cast, target: Target, reply: Reply, name: str, other: str, name2: str) -> None:
    """Ann's own form (the email address) is trapped to learn her browser's hidden values; Ben's password
    form then goes out from Ann's browser with those values and Ann's password in place of his."""
    page = cast.browser(name)
    email = cast.person(name).person.email
    with trapped_submission(page, target, carrying=email) as caught:
        SingleSignOnActivationPage(page, target).continue_with(email)
    theirs = cast.person(other).held_request
    assert theirs is not None
    typed = {cast.person(other).person.password: cast.new_password(name)}
    reply.status = send_again(page, in_another_browser(theirs, caught[0], typed))
