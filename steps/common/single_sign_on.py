"""Companies that sign in with Microsoft 365 or Google Workspace, their people, and the providers' pages."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from playwright.sync_api import expect
from pytest_bdd import given, parsers, then, when

from loginspec.provisioning import SsoIdentity
from loginspec.targets import IdentityProvider, Target

from ..cast import Cast, Reply
from ..inspection import INTERNALS
from ..journeys import PROVIDERS, activate_with_provider, expect_main_screen
from ..pages.activation import CreatePasswordPage, SingleSignOnActivationPage
from ..pages.crm import MainScreen
from ..pages.login import LoginPage
from ..pages.providers import ProviderSignInPage
from ..pages.sso import SingleSignOnFailedPage


def provider_of(target: Target, provider: str) -> IdentityProvider:
    return target.identity_providers[PROVIDERS[provider]]


def _company_with(cast: Cast, target: Target, provider: str) -> None:
    kind = PROVIDERS[provider]
    domain, name = cast.people.email_domain(), cast.people.company_name()
    tenant = (
        provider_of(target, provider).control.add_tenant(name=name, domain=domain) if kind == "microsoft" else domain
    )
    cast.company = target.provisioner.create_company(name, email_domain=domain, sso_provider=kind, sso_tenant=tenant)


def _provider_account(cast: Cast, target: Target, name: str, provider: str) -> dict[str, Any]:
    """The person's account at the company's provider, as the provider's control API describes it."""
    assert cast.company and cast.company.sso_tenant
    person = cast.person(name).person
    realm = (
        {"tenant": cast.company.sso_tenant}
        if PROVIDERS[provider] == "microsoft"
        else {"domain": cast.company.sso_tenant}
    )
    return provider_of(target, provider).control.add_user(person.email, person.password, person.name, **realm)


def _linkable_identity(target: Target, provider: str, account: dict[str, Any]) -> SsoIdentity | None:
    """The provider's account as the target will see it, if the target can be given a user linked to it."""
    if not target.contract.offers("linked_sso_users"):
        return None
    return provider_of(target, provider).identity_for_target(account)


def _signed_in_at_provider(cast: Cast, target: Target, name: str, provider: str) -> None:
    """A provider session for the person, put into the first browser as the provider's own cookie, kept
    as the provider's pages keep it after "Stay signed in? Yes"."""
    idp = provider_of(target, provider)
    cast.give_cookies(name, idp.base_url, [idp.control.sign_in_browser(cast.person(name).person.email)])


def _invite(cast: Cast, name: str) -> None:
    cast.expect_mail(name)
    cast.provision(name, state="invited", send_activation_email=True)
    cast.email(name, subject="")


@given(parsers.parse("Acme is a company that signs in with {provider}"))
def company_with_provider(cast: Cast, target: Target, provider: str) -> None:
    _company_with(cast, target, provider)


@given(parsers.parse("{name:w} has a {provider} account at Acme"))
def provider_account(cast: Cast, target: Target, name: str, provider: str) -> None:
    _provider_account(cast, target, name, provider)


@given(parsers.parse("{name:w} has a {provider} account at Acme and has been sent an activation email"))
def provider_account_and_invitation(cast: Cast, target: Target, name: str, provider: str) -> None:
    _provider_account(cast, target, name, provider)
    _invite(cast, name)


@given(
    parsers.parse(
        "{name:w}, a single sign-on user of a company that signs in with {provider},"
        " is signed in there but not in the CRM"
    )
)
def single_sign_on_user(cast: Cast, target: Target, name: str, provider: str) -> None:
    """As after activating through the provider and logging out of the CRM: the user is active and linked
    to the provider's account, and the first browser still has a session at the provider. Made through
    the provisioning interface where the target can link a user (linked_sso_users), else through the pages."""
    _company_with(cast, target, provider)
    identity = _linkable_identity(target, provider, _provider_account(cast, target, name, provider))
    if identity is None:
        _invite(cast, name)
        activate_with_provider(cast, target, name, PROVIDERS[provider])
        expect_main_screen(cast, target, name)
        MainScreen(cast.browser(name), target).log_out()
        LoginPage(cast.browser(name), target).expect_shown()
    else:
        cast.provision(name, sso_identity=identity)
        _signed_in_at_provider(cast, target, name, provider)
    cast.mark(name)


# Activation through the provider


@then(parsers.parse("{name:w} is asked for the email address and not for a new password"))
def asked_for_email_not_password(cast: Cast, target: Target, name: str) -> None:
    page = cast.browser(name)
    SingleSignOnActivationPage(page, target).expect_shown()
    create_password = CreatePasswordPage(page, target)
    expect(create_password.password).to_have_count(0)
    expect(create_password.confirmation).to_have_count(0)


@when(parsers.parse("{name:w} enters the email address and continues"))
def enters_email_and_continues(cast: Cast, target: Target, name: str) -> None:
    SingleSignOnActivationPage(cast.browser(name), target).continue_with(cast.person(name).person.email)


@then(parsers.parse("the {provider} sign-in page asks {name:w} to sign in"))
def provider_asks_to_sign_in(cast: Cast, target: Target, provider: str, name: str) -> None:
    ProviderSignInPage(cast.browser(name), target, PROVIDERS[provider]).expect_asks_for_credentials()


@then(parsers.parse("the {provider} sign-in page asks {name:w} for the password"))
def provider_asks_for_password(cast: Cast, target: Target, provider: str, name: str) -> None:
    ProviderSignInPage(cast.browser(name), target, PROVIDERS[provider]).expect_asks_for_password()


@when(parsers.parse("{name:w} signs in at {provider} as {other:w}"))
def signs_in_as_other(cast: Cast, target: Target, name: str, provider: str, other: str) -> None:
    someone_else = cast.person(other).person
    ProviderSignInPage(cast.browser(name), target, PROVIDERS[provider]).sign_in(
        someone_else.email, someone_else.password
    )


# "at {provider}" alone would also match "at Google Workspace as Ben", the step above.
@when(parsers.re(r"(?P<name>\w+) signs in at (?P<provider>[^ ]+ [^ ]+)$"))
def signs_in_at(cast: Cast, target: Target, name: str, provider: str) -> None:
    person = cast.person(name).person
    ProviderSignInPage(cast.browser(name), target, PROVIDERS[provider]).sign_in(person.email, person.password)


@when(parsers.parse("{name:w} cancels at {provider}"))
def cancels_at(cast: Cast, target: Target, name: str, provider: str) -> None:
    ProviderSignInPage(cast.browser(name), target, PROVIDERS[provider]).cancel()


@when(parsers.parse("{name:w}'s next answer from {provider} is held back on its way to the CRM"))
def holds_answer(cast: Cast, provider: str, name: str) -> None:
    """The provider shows its answer to this person's sign-in as a link instead of sending the browser back with it."""
    cast.misbehave(name, PROVIDERS[provider], "hold_answer")


@when(
    parsers.re(
        r"the held answer is delivered (?P<tampering>as it is|is missing|belongs to another browser"
        r"|with its code garbled)"
    )
)
def delivers_held_answer(cast: Cast, target: Target, reply: Reply, tampering: str) -> None:
    member = next(member for member in cast.members.values() if member.browsers)
    if member.held_answer is None:
        assert cast.company and cast.company.sso_provider
        page = ProviderSignInPage(cast.browser(member.handle), target, cast.company.sso_provider)
        member.held_answer = page.held_answer.get_attribute("href")
        assert member.held_answer and is_answer_to_crm(target, member.held_answer), member.held_answer
        member.saved_cookies = cast.browser(member.handle).context.cookies(target.base_url)
    deliveries = {
        "as it is": ("first", member.held_answer),
        "is missing": ("first", _without_state(member.held_answer)),
        "belongs to another browser": ("second", member.held_answer),
        "with its code garbled": ("first", _with_garbled_code(member.held_answer)),
    }
    member.answer_browser, url = deliveries[tampering]
    response = cast.browser(member.handle, member.answer_browser).goto(url)
    assert response is not None
    reply.status, reply.text = response.status, response.text()
    reply.client_error_expected = tampering != "as it is"


@when(parsers.parse("the held answer is delivered again, with the cookies {name:w}'s browser held before it"))
def delivers_held_answer_with_old_cookies(cast: Cast, target: Target, reply: Reply, name: str) -> None:
    """Someone who copied the browser's cookies while the answer was on its way replays both."""
    member = cast.person(name)
    assert member.held_answer
    page = cast.browser(name)
    page.context.add_cookies(
        [{"name": c["name"], "value": c["value"], "url": target.base_url} for c in member.saved_cookies]
    )
    response = page.goto(member.held_answer)
    assert response is not None
    member.answer_browser = "first"
    reply.status, reply.text = response.status, response.text()


@then(parsers.parse("the CRM asked {provider} to redeem the held answer's code only once"))
def code_redeemed_once(cast: Cast, target: Target, provider: str) -> None:
    member = next(member for member in cast.members.values() if member.held_answer)
    code = dict(parse_qsl(urlsplit(member.held_answer or "").query))["code"]
    redeemed = [
        entry for entry in provider_of(target, provider).control.requests("token") if entry["form"].get("code") == code
    ]
    assert len(redeemed) == 1, f"the CRM asked for the same code's tokens {len(redeemed)} times"


@then("the browser that got the answer is told to contact the company's IT support")
def receiving_browser_told(cast: Cast, target: Target) -> None:
    member = next(member for member in cast.members.values() if member.browsers)
    page = cast.browser(member.handle, member.answer_browser)
    expect(SingleSignOnFailedPage(page, target).message).to_be_visible()
    shown = page.evaluate("() => document.body.innerText")
    assert not INTERNALS.search(shown), f"the failure page shows internal detail: {INTERNALS.search(shown)}"
    page.goto(target.url("/"))
    LoginPage(page, target).expect_shown()


def _with_garbled_code(url: str) -> str:
    parts = urlsplit(url)
    query = [(name, "\udcff<script>\x00" if name == "code" else value) for name, value in parse_qsl(parts.query)]
    garbled = urlencode(query, errors="surrogateescape")
    return urlunsplit((parts.scheme, parts.netloc, parts.path, garbled, parts.fragment))


def _without_state(url: str) -> str:
    parts = urlsplit(url)
    query = urlencode([(name, value) for name, value in parse_qsl(parts.query) if name != "state"])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def is_answer_to_crm(target: Target, url: str) -> bool:
    """The provider's redirect back to the CRM: a CRM URL carrying an authorization code or error."""
    parts = urlsplit(url)
    names = {name for name, _ in parse_qsl(parts.query)}
    return url.startswith(target.base_url) and bool(names & {"code", "error"})


@when(parsers.parse("{name:w} logs in to the CRM with the email address"))
@when(parsers.parse("{name:w} enters the email address on the CRM login screen"))
def enters_email_on_login(cast: Cast, target: Target, name: str) -> None:
    cast.mark(name)
    LoginPage(cast.browser(name), target).open().continue_as(cast.person(name).person.email)


@when(parsers.parse("{name:w} logs in to the CRM with the email address, its domain in capitals"))
def enters_email_with_capital_domain(cast: Cast, target: Target, name: str) -> None:
    local, _, domain = cast.person(name).person.email.rpartition("@")
    cast.mark(name)
    LoginPage(cast.browser(name), target).open().continue_as(f"{local}@{domain.upper()}")
