"""Steps of features/security/email_links.feature."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from pytest_bdd import parsers, scenarios, then, when

from loginspec.contract import Contract
from loginspec.targets import Target

from .cast import Cast
from .inspection import randomness_bits, reveals
from .interception import relay_form_posts
from .journeys import add_user, request_reset
from .links import token_of
from .pages.forgot_password import ForgotPasswordPage

scenarios("security/email_links.feature")


@pytest.fixture
def browser_traffic() -> bool:
    """Steps here read the pages an emailed link leads to and where the browser was sent."""
    return True


def _token(cast: Cast, name: str, label: str = "Activate now") -> str:
    return token_of(cast.email_link(name, label))


@then(parsers.parse("the token in {name:w}'s link carries at least {bits:d} bits of randomness"))
def token_is_long(cast: Cast, name: str, bits: int) -> None:
    token = _token(cast, name)
    assert randomness_bits(token) >= bits, (token, randomness_bits(token))


@then(parsers.parse("the token reveals nothing about {name:w}"))
def token_reveals_nothing(cast: Cast, name: str) -> None:
    person = cast.person(name).person
    facts = [person.email, person.username, person.name, person.first_name, person.last_name]
    assert not reveals(_token(cast, name), facts)


@then(parsers.parse("the target does not store {name:w}'s token itself"))
def token_not_stored(cast: Cast, target: Target, contract: Contract, name: str) -> None:
    contract.require("storage_audit")
    member = cast.person(name)
    assert member.account is not None
    stored = json.dumps(target.provisioner.stored_credentials(member.account))
    assert _token(cast, name) not in stored


@when(
    parsers.parse(
        '{name:w} asks to reset the password, the browser\'s form arriving with the {header} header set to "{value}"'
    )
)
def reset_with_forged_header(cast: Cast, target: Target, name: str, header: str, value: str) -> None:
    page = cast.browser(name)
    cast.expect_mail(name)
    relay_form_posts(page, target, header, value)
    request_reset(page, target, cast.person(name).person.email)
    ForgotPasswordPage(page, target).expect_sent()


@when(
    parsers.parse(
        '{name:w} adds {new:w} as a user, the browser\'s form arriving with the {header} header set to "{value}"'
    )
)
def adds_user_with_forged_header(cast: Cast, target: Target, name: str, new: str, header: str, value: str) -> None:
    relay_form_posts(cast.browser(name), target, header, value)
    add_user(cast, target, name, new, "Standard user")


@then(parsers.parse('the "{label}" link in the email for {name:w} leads to the CRM\'s own address'))
def emailed_link_is_ours(cast: Cast, target: Target, label: str, name: str) -> None:
    link = cast.email_link(name, label, cast.email(name, subject=""))
    assert urlsplit(link).netloc == urlsplit(target.base_url).netloc, link


@then(parsers.parse('the "{label}" link\'s pages were sent with Referrer-Policy no-referrer'))
def pages_without_referrer(cast: Cast, target: Target, label: str) -> None:
    member = next(member for member in cast.members.values() if member.browsers)
    pages = cast.pages_visited(member.handle, target.base_url)
    token = _token(cast, member.handle, label)
    landing = [visit for visit in pages if token in visit.url]
    assert landing, "the emailed link was not opened"
    after_landing = pages[pages.index(landing[0]) :]
    for visit in after_landing:
        assert visit.headers.get("referrer-policy") == "no-referrer", (visit.url, visit.headers)


@then("the page loaded nothing from another site")
def nothing_from_elsewhere(cast: Cast, target: Target) -> None:
    member = next(member for member in cast.members.values() if member.browsers)
    foreign = [url for url in cast.requests_made(member.handle) if not url.startswith((target.base_url, "data:"))]
    assert not foreign, f"the page asked another site for: {foreign}"


@then(parsers.parse('the token of the "{label}" link is no longer in the address bar'))
def token_gone_from_address_bar(cast: Cast, label: str) -> None:
    member = next(member for member in cast.members.values() if member.browsers)
    assert _token(cast, member.handle, label) not in cast.browser(member.handle).url
