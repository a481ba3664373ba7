"""Companies that sign in with Microsoft 365 or Google Workspace, their people, and the providers' pages."""

from __future__ import annotations

from playwright.sync_api import expect
from pytest_bdd import given, parsers, then, when

from loginspec.targets import IdentityProvider, Target

from ..cast import Cast
from ..pages.activation import SingleSignOnActivationPage
from ..pages.providers import sign_in_page
from .email_links import follows_email_link
from .signing_in import main_screen_for

PROVIDERS = {"Microsoft 365": "microsoft", "Google Workspace": "google"}


def provider_of(target: Target, provider: str) -> IdentityProvider:
    return target.identity_providers[PROVIDERS[provider]]


@given(parsers.parse("Acme is a company that signs in with {provider}"))
def company_with_provider(cast: Cast, target: Target, provider: str) -> None:
    kind = PROVIDERS[provider]
    domain, name = cast.people.email_domain(), cast.people.company_name()
    tenant = (
        provider_of(target, provider).control.add_tenant(name=name, domain=domain) if kind == "microsoft" else domain
    )
    cast.company = target.provisioner.create_company(name, email_domain=domain, sso_provider=kind, sso_tenant=tenant)


@given(parsers.parse("{name:w} has a {provider} account at Acme"))
def provider_account(cast: Cast, target: Target, name: str, provider: str) -> None:
    assert cast.company and cast.company.sso_tenant
    person = cast.person(name).person
    realm = (
        {"tenant": cast.company.sso_tenant}
        if PROVIDERS[provider] == "microsoft"
        else {"domain": cast.company.sso_tenant}
    )
    provider_of(target, provider).control.add_user(person.email, person.password, person.name, **realm)


@given(parsers.parse("{name:w} has a {provider} account at Acme and has been sent an activation email"))
def provider_account_and_invitation(cast: Cast, target: Target, name: str, provider: str) -> None:
    provider_account(cast, target, name, provider)
    cast.expect_mail(name)
    cast.provision(name, state="invited", send_activation_email=True)
    cast.email(name, subject="")


@given(parsers.parse("{name:w} is a single sign-on user of a company that signs in with {provider}"))
def single_sign_on_user(cast: Cast, target: Target, name: str, provider: str) -> None:
    company_with_provider(cast, target, provider)
    provider_account_and_invitation(cast, target, name, provider)
    follows_email_link(cast, name, "Activate now")
    enters_email_and_continues(cast, name)
    signs_in_at(cast, target, name, provider)
    main_screen_for(cast, name)


# Activation through the provider


@then(parsers.parse("{name:w} is asked for the email address and not for a new password"))
def asked_for_email_not_password(cast: Cast, name: str) -> None:
    page = cast.browser(name)
    SingleSignOnActivationPage(page).expect_shown()
    expect(page.get_by_label("Password", exact=True)).to_have_count(0)
    expect(page.get_by_label("Confirm Password", exact=True)).to_have_count(0)


@when(parsers.parse("{name:w} enters the email address and continues"))
def enters_email_and_continues(cast: Cast, name: str) -> None:
    SingleSignOnActivationPage(cast.browser(name)).continue_with(cast.person(name).person.email)


@then(parsers.parse("the {provider} sign-in page asks {name:w} to sign in"))
def provider_asks_to_sign_in(cast: Cast, target: Target, provider: str, name: str) -> None:
    page = cast.browser(name)
    sign_in_page(PROVIDERS[provider], page).expect_asks_for_credentials()
    assert page.url.startswith(provider_of(target, provider).base_url), page.url


@then(parsers.parse("the {provider} sign-in page asks {name:w} for the password"))
def provider_asks_for_password(cast: Cast, target: Target, provider: str, name: str) -> None:
    page = cast.browser(name)
    sign_in_page(PROVIDERS[provider], page).expect_asks_for_password()
    assert page.url.startswith(provider_of(target, provider).base_url), page.url


@when(parsers.parse("{name:w} signs in at {provider} as {other:w}"))
def signs_in_as_other(cast: Cast, name: str, provider: str, other: str) -> None:
    someone_else = cast.person(other).person
    sign_in_page(PROVIDERS[provider], cast.browser(name)).sign_in(someone_else.email, someone_else.password)


@when(parsers.parse("{name:w} signs in at {provider}"))
def signs_in_at(cast: Cast, target: Target, name: str, provider: str) -> None:
    person = cast.person(name).person
    sign_in_page(PROVIDERS[provider], cast.browser(name)).sign_in(person.email, person.password)


@when(parsers.parse("{name:w} cancels at {provider}"))
def cancels_at(cast: Cast, name: str, provider: str) -> None:
    sign_in_page(PROVIDERS[provider], cast.browser(name)).cancel()
