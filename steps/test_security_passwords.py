"""Steps of features/security/passwords.feature."""

from __future__ import annotations

from playwright.sync_api import expect
from pytest_bdd import given, parsers, scenarios, then, when

from loginspec.contract import Contract
from loginspec.targets import Target

from .cast import Cast, Reply
from .common.passwords import REASONS
from .inspection import INTERNALS
from .journeys import log_in
from .pages.activation import CreatePasswordPage
from .pages.login import LoginPage

scenarios("security/passwords.feature")

NO_SCRIPT = "without JavaScript"


@when(parsers.parse('{name:w} creates the password "{password}"'))
def creates_given_password(cast: Cast, target: Target, name: str, password: str) -> None:
    member = cast.person(name)
    member.person = member.person.with_password(password)
    page = CreatePasswordPage(cast.browser(name), target)
    page.create(password)


@when(parsers.parse("{name:w} logs in with that password"))
def logs_in_with_that_password(cast: Cast, target: Target, name: str) -> None:
    log_in(cast, target, name)


@given(parsers.parse("{name:w} is an active user whose password is {length:d} characters long"))
def user_with_long_password(cast: Cast, name: str, length: int) -> None:
    member = cast.person(name)
    words: list[str] = []
    while len(" ".join(words)) < length:
        words.append(cast.new_password(name))
    member.person = member.person.with_password(" ".join(words)[:length].rstrip().ljust(length, "z"))
    cast.provision(name, state="active")


@when(parsers.parse("{name:w} logs in with only the first {count:d} characters of the password"))
def logs_in_with_prefix(cast: Cast, target: Target, name: str, count: int) -> None:
    password = cast.person(name).person.password
    assert len(password) > count
    log_in(cast, target, name, password=password[:count])


@when(parsers.parse("{name:w} logs in with the password in capital letters"))
def logs_in_with_capitals(cast: Cast, target: Target, name: str) -> None:
    password = cast.person(name).person.password
    assert password.upper() != password
    log_in(cast, target, name, password=password.upper())


@when(parsers.parse('{name:w} follows the "{anchor}" link in a browser without JavaScript'))
def follows_link_without_script(cast: Cast, name: str, anchor: str) -> None:
    cast.browser(name, NO_SCRIPT, javascript=False).goto(cast.email_link(name, anchor))


@when(parsers.parse('{name:w} tries to create the password "{password}" in that browser'))
def tries_password_without_script(cast: Cast, target: Target, name: str, password: str) -> None:
    page = CreatePasswordPage(cast.browser(name, NO_SCRIPT), target)
    page.create(password)


@then(parsers.parse("the browser without JavaScript shows the password refused because {reason}"))
def refused_without_script(cast: Cast, target: Target, contract: Contract, reason: str) -> None:
    page = CreatePasswordPage(cast.browser(next(iter(cast.members)), NO_SCRIPT), target)
    minimum = int(contract.number("password_minimum"))
    expect(page.problems).to_contain_text(contract.wording(REASONS[reason]).regex(minimum=minimum))
    page.expect_shown()


@when(parsers.parse("{name:w} sends a password of {megabytes:d} MB from the login screen"))
def sends_huge_password(cast: Cast, target: Target, reply: Reply, name: str, megabytes: int) -> None:
    page = cast.browser(name)
    login = LoginPage(page, target).open()
    login.enter_user_id(cast.user_id(name))
    # As if pasted: typing a megabyte key by key would take the browser minutes.
    login.password.evaluate("(field, size) => { field.value = 'x'.repeat(size); }", megabytes * 1024 * 1024)
    # The answer's page, not only its response: the Then step reads what the browser shows (under load the
    # response came while the browser was still committing the page, whose body was not there yet).
    with (
        page.expect_navigation(),
        page.expect_response(
            lambda response: response.url.startswith(target.base_url) and response.request.resource_type == "document"
        ) as answer,
    ):
        login.log_in_button.click()
    reply.status = answer.value.status


@when(parsers.parse("{name:w} sends a new password of {megabytes:d} MB"))
def sends_huge_new_password(cast: Cast, target: Target, reply: Reply, name: str, megabytes: int) -> None:
    page = cast.browser(name)
    form = CreatePasswordPage(page, target)
    form.expect_shown()
    # Random text, strong by any rating, so that only its size can be the reason to refuse it; pasted into
    # both fields, as typing a megabyte key by key would take the browser minutes.
    huge = cast.people.scramble(64) * (megabytes * 1024 * 1024 // 64)
    cast.person(name).attempted_password = huge
    for field in (form.password, form.confirmation):
        field.evaluate("(field, value) => { field.value = value; }", huge)
    with (
        page.expect_navigation(),
        page.expect_response(
            lambda response: response.url.startswith(target.base_url) and response.request.resource_type == "document"
        ) as answer,
    ):
        form.submit_button.click()
    reply.status = answer.value.status


@then("the CRM answers with a 4xx status and a readable message")
def answered_4xx_readably(cast: Cast, contract: Contract, reply: Reply) -> None:
    page = cast.browser(next(iter(cast.members)))
    body = page.evaluate("() => document.body.innerText")
    assert body.strip() and not INTERNALS.search(body), body[:300]
    contract.require("refusal_status")
    assert 400 <= reply.status < 500, reply.status


@given(parsers.parse("{first:w} and {second:w} are active users with the same password"))
def two_users_same_password(cast: Cast, first: str, second: str) -> None:
    people = [cast.person(first).person, cast.person(second).person]
    shared = cast.people.passphrase(
        avoid=tuple(name for person in people for name in (person.first_name, person.last_name))
    )
    for handle in (first, second):
        cast.person(handle).person = cast.person(handle).person.with_password(shared)
        cast.provision(handle, state="active")


@then("the target stores both passwords as Argon2id hashes with different salts")
def stored_as_argon2id(cast: Cast, target: Target, contract: Contract) -> None:
    contract.require("storage_audit")
    hashes = []
    for member in cast.members.values():
        assert member.account is not None
        stored = target.provisioner.stored_credentials(member.account)["password_hash"]
        assert stored.startswith("$argon2id$"), stored[:20]
        assert member.person.password not in stored
        hashes.append(stored)
    salts = {stored.split("$")[4] for stored in hashes}
    assert len(salts) == len(hashes) and len(set(hashes)) == len(hashes), hashes
