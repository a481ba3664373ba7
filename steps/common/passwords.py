"""Choosing a new password on an emailed link's page, for activation or reset."""

from __future__ import annotations

from playwright.sync_api import expect
from pytest_bdd import parsers, then, when

from loginspec.contract import Contract
from loginspec.targets import Target

from ..cast import Cast
from ..pages.activation import CreatePasswordPage
from ..pages.crm import MainScreen
from ..pages.login import LoginPage

# How the scenarios name a refusal's reason, and the contract's wording of it.
REASONS = {
    "it is too short": "too_short",
    "it is too weak": "too_weak",
    "it is built on the email address": "built_on_email",
    "it is built on the name": "built_on_name",
    "the passwords do not match": "mismatch",
}


@then(parsers.parse("{name:w} is asked to create a password for {name2:w}'s own user ID"))
@then(parsers.parse("{name:w} is asked to choose a new password for {name2:w}'s own user ID"))
def asked_to_create_password(cast: Cast, target: Target, name: str, name2: str) -> None:
    page = CreatePasswordPage(cast.browser(name), target)
    page.expect_shown()
    expect(page.user_id).to_have_value(cast.user_id(name2))
    expect(page.user_id).not_to_be_editable()


@when(parsers.parse("{name:w} creates the password and confirms it"))
def creates_password(cast: Cast, target: Target, name: str) -> None:
    page = CreatePasswordPage(cast.browser(name), target)
    page.create(cast.person(name).person.password)


def _password_for(cast: Cast, contract: Contract, name: str, choice: str) -> str:
    minimum = int(contract.number("password_minimum"))
    if choice.endswith("email address"):
        return cast.person(name).person.email
    if choice == "one character shorter than the minimum":
        return cast.people.scramble(minimum - 1)
    if choice == "of exactly the minimum length":
        return cast.people.scramble(minimum)
    if choice == "of a thousand repeated letters":
        return "a" * 1000
    assert choice.startswith('"') and choice.endswith('"'), f"say the password in quotes, not {choice}"
    return choice.strip('"')


@when(parsers.re(r"(?P<name>\w+) tries to create the password (?P<choice>.+)"))
def tries_password(cast: Cast, target: Target, contract: Contract, name: str, choice: str) -> None:
    member = cast.person(name)
    password = _password_for(cast, contract, name, choice)
    member.attempted_password = password
    page = CreatePasswordPage(cast.browser(name), target)
    page.create(password)


@when(parsers.parse("{name:w} tries to create a password with a confirmation that differs"))
def tries_mismatched_confirmation(cast: Cast, target: Target, name: str) -> None:
    member = cast.person(name)
    password = cast.new_password(name)
    member.attempted_password = password
    page = CreatePasswordPage(cast.browser(name), target)
    page.create(password, confirmation=cast.new_password(name))


@then(parsers.parse("the password is refused because {reason}"))
def password_refused(cast: Cast, target: Target, contract: Contract, reason: str) -> None:
    page = CreatePasswordPage(cast.browser(next(iter(cast.members))), target)
    minimum = int(contract.number("password_minimum"))
    expect(page.problems).to_contain_text(contract.wording(REASONS[reason]).regex(minimum=minimum))
    page.expect_shown()


@then("the password is not refused for its length")
def not_refused_for_length(cast: Cast, target: Target, contract: Contract) -> None:
    """Accepted (the CRM opens), or refused for another reason, never as too short."""
    name = next(iter(cast.members))
    page = CreatePasswordPage(cast.browser(name), target)
    signed_in = MainScreen(page.page, target).signed_in_user
    expect(signed_in.or_(page.problems).first).to_be_visible()
    too_short = contract.wording("too_short").regex(minimum=int(contract.number("password_minimum")))
    expect(page.problems.filter(has_text=too_short)).to_have_count(0)


@then("the CRM answers promptly, accepting the password or saying why not")
def answered_promptly(cast: Cast, target: Target) -> None:
    """Within the time a step waits for anything: a CRM that rates or hashes long input slowly runs out of it."""
    page = CreatePasswordPage(cast.browser(next(iter(cast.members))), target)
    signed_in = MainScreen(page.page, target).signed_in_user
    expect(signed_in.or_(page.problems).first).to_be_visible()


@then(parsers.parse("{name:w} has still not activated the account"))
def still_not_activated(cast: Cast, target: Target, name: str) -> None:
    member = cast.person(name)
    other_browser = cast.browser(name, "second")
    login = LoginPage(other_browser, target).open()
    login.sign_in(cast.user_id(name), member.attempted_password or member.person.password)
    expect(login.refusal).to_be_visible()
