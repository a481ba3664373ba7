"""Steps and fixtures shared by every feature."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, expect
from pytest_bdd import given, parsers, then, when

from loginspec.people import PersonFactory
from loginspec.targets import Target

from .cast import Cast
from .pages.crm import MainScreen
from .pages.login import LoginPage

expect.set_options(timeout=10_000)


@pytest.fixture
def cast(target: Target, people: PersonFactory, new_context: Callable[..., BrowserContext]) -> Cast:
    return Cast(target, people, new_context)


# People


@given(parsers.parse("{name} is an active user"))
def active_user(cast: Cast, name: str) -> None:
    cast.provision(name, state="active")


@given(parsers.parse("{name} is an active user with the role {role}"))
def active_user_with_role(cast: Cast, name: str, role: str) -> None:
    cast.provision(name, state="active", role=role)


@given(parsers.parse("{name} has been added as a user but has not activated the account"))
def invited_user(cast: Cast, name: str) -> None:
    cast.provision(name, state="invited")


@given(parsers.parse("{name} is a user whose account is disabled"))
def disabled_user(cast: Cast, name: str) -> None:
    cast.provision(name, state="disabled")


@when(parsers.parse("{name} logs in with the user ID and password"))
def logs_in(cast: Cast, target: Target, name: str) -> None:
    LoginPage(cast.browser(name), target.base_url).open().sign_in(cast.user_id(name), cast.person(name).person.password)


@given(parsers.parse("{name} is logged in to the CRM"))
def is_logged_in(cast: Cast, target: Target, name: str) -> None:
    cast.provision(name, state="active")
    logs_in(cast, target, name)
    MainScreen(cast.browser(name)).expect_open_for(cast.person(name).person.name)


# What the browser shows


@then(parsers.parse("the CRM main screen opens for {name}"))
def main_screen_for(cast: Cast, name: str) -> None:
    MainScreen(cast.browser(name)).expect_open_for(cast.person(name).person.name)


@then(parsers.parse("{name} is refused with the generic login message"))
def refused_generically(cast: Cast, target: Target, name: str) -> None:
    login = LoginPage(cast.browser(name), target.base_url)
    login.expect_shown()
    expect(login.refusal).to_be_visible()
    text = login.refusal.inner_text().lower()
    for revealing_word in ("password is wrong", "unknown", "not found", "disabled", "not activated", "inactive"):
        assert revealing_word not in text, f"the refusal reveals why: {text!r}"


@then(parsers.parse("{name} is not signed in"))
def not_signed_in(cast: Cast, target: Target, name: str) -> None:
    page = cast.browser(name)
    page.goto(target.url("/crm"))
    LoginPage(page, target.base_url).expect_shown()
    expect(MainScreen(page).signed_in_user).to_have_count(0)
