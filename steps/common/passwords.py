"""Choosing a new password on an emailed link's page, for activation or reset."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from pytest_bdd import parsers, then, when

from ..cast import Cast
from ..pages.activation import CreatePasswordPage


@then(parsers.parse("{name:w} is asked to create a password for {name2:w}'s own user ID"))
@then(parsers.parse("{name:w} is asked to choose a new password for {name2:w}'s own user ID"))
def asked_to_create_password(cast: Cast, name: str, name2: str) -> None:
    page = CreatePasswordPage(cast.browser(name))
    page.expect_shown()
    expect(page.user_id).to_have_value(cast.user_id(name2))
    expect(page.user_id).not_to_be_editable()


@when(parsers.parse("{name:w} creates the password and confirms it"))
def creates_password(cast: Cast, name: str) -> None:
    page = CreatePasswordPage(cast.browser(name))
    page.expect_shown()
    page.create(cast.person(name).person.password)


@when(parsers.re(r"(?P<name>\w+) tries to create the password (?P<choice>.+)"))
def tries_password(cast: Cast, name: str, choice: str) -> None:
    member = cast.person(name)
    password = member.person.email if choice.endswith("email address") else choice.strip('"')
    member.attempted_password = password
    page = CreatePasswordPage(cast.browser(name))
    page.expect_shown()
    page.create(password)


@then(parsers.parse('the password is refused because "{reason}"'))
def password_refused(cast: Cast, reason: str) -> None:
    page = CreatePasswordPage(cast.browser(next(iter(cast.members))))
    expect(page.problems).to_contain_text(re.compile(re.escape(reason), re.IGNORECASE))
    page.expect_shown()
