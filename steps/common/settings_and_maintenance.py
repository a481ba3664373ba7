"""Getting into Settings and maintenance and adding users there."""

from __future__ import annotations

from playwright.sync_api import expect
from pytest_bdd import given, parsers, then, when

from loginspec.contract import Contract
from loginspec.targets import Target

from ..cast import Cast
from ..journeys import add_user, enter_settings, log_in_to_settings, users_screen_after_logging_in
from ..pages.settings import SettingsLoginPage, SettingsScreen, TermsDialog, UsersPage


@when(parsers.parse("{name:w} logs in to Settings and maintenance"))
def logs_in_to_settings(cast: Cast, target: Target, name: str) -> None:
    log_in_to_settings(cast, target, name)


@given(parsers.parse("{name:w} is logged in to Settings and maintenance"))
def is_logged_in_to_settings(cast: Cast, target: Target, name: str) -> None:
    """Inside, as after signing in there and accepting the onsite amendment: through the provisioning
    interface where the target offers sessions, else through its login screen."""
    if target.opens_sessions:
        cast.open_session(name, "settings")
    else:
        log_in_to_settings(cast, target, name)
    enter_settings(cast, target, name)


@when(parsers.parse("{name:w} logs in to Settings and maintenance again"))
def logs_in_to_settings_again(cast: Cast, target: Target, name: str) -> None:
    log_in_to_settings(cast, target, name)
    enter_settings(cast, target, name)


@then(parsers.parse("Settings and maintenance opens for {name:w}"))
def settings_opens_for(cast: Cast, target: Target, name: str) -> None:
    enter_settings(cast, target, name)


@when(parsers.parse("{name:w} adds {new:w} as a user with the role {role}"))
def adds_user(cast: Cast, target: Target, name: str, new: str, role: str) -> None:
    users = add_user(cast, target, name, new, role)
    expect(users.notice.or_(users.problem).first).to_be_visible()


@then(parsers.parse("{name:w} is shown the Settings and maintenance login instead of the Users screen"))
@then(parsers.parse("{name:w} is at the Settings and maintenance login"))
def shown_settings_login(cast: Cast, target: Target, name: str) -> None:
    page = cast.browser(name)
    SettingsLoginPage(page, target).expect_shown()
    expect(UsersPage(page, target).table).to_have_count(0)


@given(parsers.parse("{name:w} has opened the Users screen"))
@when(parsers.parse("{name:w} has opened the Users screen"))
def has_opened_users(cast: Cast, target: Target, name: str) -> None:
    SettingsScreen(cast.browser(name), target).open_users()
    cast.person(name).addresses["Users screen"] = cast.browser(name).url


@when(parsers.parse("{name:w} selects Accept and OK"))
def accepts_terms(cast: Cast, target: Target, name: str) -> None:
    TermsDialog(cast.browser(name), target).accept()


@given(parsers.parse("{admin:w} has disabled {name:w} in the Users screen"))
@when(parsers.parse("{admin:w} disables {name:w} in the Users screen"))
def admin_disables(cast: Cast, target: Target, contract: Contract, admin: str, name: str) -> None:
    users = users_screen_after_logging_in(cast, target, admin)
    users.task(cast.person(name).person.name, "disable_user")
    expect(users.row(cast.person(name).person.name)).to_contain_text(contract.wording("user_disabled").regex())


@when(parsers.parse("{name:w} sends {new:w} the welcome email again"))
def sends_welcome_again(cast: Cast, target: Target, name: str, new: str) -> None:
    page = cast.browser(name)
    users = UsersPage(page, target)
    expect(users.table.or_(SettingsScreen(page, target).navigation).first).to_be_visible()
    if not users.table.is_visible():
        users = SettingsScreen(page, target).open_users()
    users.task(cast.person(new).person.name, "send_welcome_email_again")
    expect(users.notice.or_(users.problem).first).to_be_visible()
