"""Steps of features/sso.feature: single sign-on with the fake Microsoft and Google providers."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from playwright.sync_api import expect
from pytest_bdd import given, parsers, scenarios, then, when

from loginspec.targets import IdentityProvider, Target

from .cast import Cast, Member
from .common.single_sign_on import provider_of
from .pages.login import LoginPage
from .pages.sso import SingleSignOnFailedPage

scenarios("sso.feature")


def is_answer_to_crm(target: Target, url: str) -> bool:
    """The provider's redirect back to the CRM: a CRM URL carrying an authorization code or error."""
    parts = urlsplit(url)
    names = {name for name, _ in parse_qsl(parts.query)}
    return url.startswith(target.base_url) and bool(names & {"code", "error"})


# Signing in again


@given(parsers.parse("{name:w}'s {provider} session has ended"))
def provider_session_ended(cast: Cast, target: Target, name: str, provider: str) -> None:
    assert provider_of(target, provider).control.end_session(cast.person(name).person.email) >= 1


@given(parsers.parse("{provider} will refuse the next sign-in with {misbehaviour}"))
@given(parsers.parse("{provider} will answer the next sign-in with {misbehaviour}"))
def provider_misbehaves(target: Target, provider: str, misbehaviour: str) -> None:
    provider_of(target, provider).control.misbehave(misbehaviour)


@when(parsers.parse("{name:w} logs in to the CRM with the email address"))
@when(parsers.parse("{name:w} enters the email address on the CRM login screen"))
def enters_email_on_login(cast: Cast, target: Target, name: str) -> None:
    member = cast.person(name)
    member.visit_mark = len(member.visits)
    login = LoginPage(cast.browser(name), target.base_url).open()
    login.user_id.fill(member.person.email)
    login.next_button.click()


@then(parsers.parse("{provider} did not ask {name:w} for credentials"))
def provider_did_not_ask(cast: Cast, target: Target, provider: str, name: str) -> None:
    member = cast.person(name)
    at_provider = cast.pages_visited(name, provider_of(target, provider).base_url, member.visit_mark)
    assert at_provider, "the CRM did not go to the provider at all"
    shown_pages = [visit.url for visit in at_provider if visit.status == 200]
    assert not shown_pages, f"the provider showed sign-in pages: {shown_pages}"


@then(parsers.parse("the CRM never asked {name:w} for a password"))
def crm_never_asked_for_password(cast: Cast, target: Target, name: str) -> None:
    page = cast.browser(name)
    assert not page.url.startswith(target.base_url)
    member = cast.person(name)
    crm_pages = [
        visit.url for visit in cast.pages_visited(name, target.base_url, member.visit_mark) if visit.status == 200
    ]
    assert crm_pages == [target.url("/login")] or all("/login" in url for url in crm_pages), crm_pages


@then(parsers.parse("{name:w} is told to contact the company's IT support"))
def told_to_contact_it(cast: Cast, name: str) -> None:
    expect(SingleSignOnFailedPage(cast.browser(name)).message).to_be_visible()


# Answers held back, tampered with, replayed


@when(parsers.parse("{name:w}'s next answer from {provider} is held back on its way to the CRM"))
def holds_answer(target: Target, name: str, provider: str) -> None:
    """The provider shows its answer as a link instead of sending the browser back with it."""
    provider_of(target, provider).control.misbehave("hold_answer")


def _without_state(url: str) -> str:
    parts = urlsplit(url)
    query = urlencode([(name, value) for name, value in parse_qsl(parts.query) if name != "state"])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


@when(parsers.parse("the held answer is delivered {tampering}"))
def delivers_held_answer(cast: Cast, target: Target, tampering: str) -> None:
    member = next(member for member in cast.members.values() if member.browsers)
    if member.held_answer is None:
        link = cast.browser(member.handle).get_by_role("link", name="Continue to the application")
        member.held_answer = link.get_attribute("href")
        assert member.held_answer and is_answer_to_crm(target, member.held_answer), member.held_answer
    deliveries = {
        "as it is": ("first", member.held_answer),
        "is missing": ("first", _without_state(member.held_answer)),
        "belongs to another browser": ("second", member.held_answer),
    }
    member.answer_browser, url = deliveries[tampering]
    cast.browser(member.handle, member.answer_browser).goto(url)


@then("the browser that got the answer is told to contact the company's IT support")
def receiving_browser_told(cast: Cast, target: Target) -> None:
    member = next(member for member in cast.members.values() if member.browsers)
    page = cast.browser(member.handle, member.answer_browser)
    expect(SingleSignOnFailedPage(page).message).to_be_visible()
    page.goto(target.url("/"))
    LoginPage(page, target.base_url).expect_shown()


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


@when(parsers.parse("{name:w} opens the CRM again"))
def opens_crm_again(cast: Cast, target: Target, name: str) -> None:
    cast.browser(name).goto(target.url("/"))


@then(parsers.parse("the CRM has not asked {provider} to sign {name:w} in since the logout"))
def no_new_authorization(cast: Cast, target: Target, provider: str, name: str) -> None:
    member = cast.person(name)
    assert not cast.pages_visited(name, provider_of(target, provider).base_url, member.visit_mark)
