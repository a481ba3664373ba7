"""Getting into Settings and maintenance and adding users there."""

from __future__ import annotations

from playwright.sync_api import expect
from pytest_bdd import given, parsers, then, when

from loginspec.targets import Target

from ..cast import Cast
from ..pages.settings import SettingsLoginPage, SettingsScreen, TermsDialog


@when(parsers.parse("{name:w} logs in to Settings and maintenance"))
def logs_in_to_settings(cast: Cast, target: Target, name: str) -> None:
    SettingsLoginPage(cast.browser(name), target.settings_login_url).open().sign_in(
        cast.user_id(name), cast.person(name).person.password
    )


@given(parsers.parse("{name:w} is logged in to Settings and maintenance"))
def is_logged_in_to_settings(cast: Cast, target: Target, name: str) -> None:
    logs_in_to_settings(cast, target, name)
    settings_opens_for(cast, name)


@then(parsers.parse("Settings and maintenance opens for {name:w}"))
def settings_opens_for(cast: Cast, name: str) -> None:
    """Inside, after accepting the onsite Terms of Service amendment where it is asked for."""
    page = cast.browser(name)
    screen, terms = SettingsScreen(page), TermsDialog(page)
    expect(screen.navigation.or_(terms.dialog)).to_be_visible()
    if terms.dialog.is_visible():
        terms.accept()
    screen.expect_shown()


@when(parsers.parse("{name:w} adds {new:w} as a user with the role {role}"))
def adds_user(cast: Cast, target: Target, name: str, new: str, role: str) -> None:
    users = SettingsScreen(cast.browser(name)).open_users()
    person = cast.person(new).person
    cast.expect_mail(new)
    users.add_user(
        person.name,
        email=person.email,
        username=person.username if target.profile == "onsite" else None,
        role=role,
    )
    expect(users.notice.or_(users.problem)).to_be_visible()


@then(parsers.parse("{name:w} is shown the Settings and maintenance login instead of the Users screen"))
@then(parsers.parse("{name:w} is at the Settings and maintenance login"))
def shown_settings_login(cast: Cast, target: Target, name: str) -> None:
    page = cast.browser(name)
    SettingsLoginPage(page, target.settings_login_url).expect_shown()
    expect(page.get_by_role("table", name="Users")).to_have_count(0)


@given(parsers.parse("{name:w} has opened the Users screen"))
@when(parsers.parse("{name:w} has opened the Users screen"))
def has_opened_users(cast: Cast, name: str) -> None:
    SettingsScreen(cast.browser(name)).open_users()
    cast.person(name).addresses["Users screen"] = cast.browser(name).url


@when(parsers.parse("{name:w} selects Accept and OK"))
def accepts_terms(cast: Cast, name: str) -> None:
    TermsDialog(cast.browser(name)).accept()
