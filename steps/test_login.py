"""Steps of features/login.feature: signing in with a user ID and password, and logging out."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from pytest_bdd import parsers, scenarios, then, when

from loginspec.targets import Target

from .cast import Cast
from .inspection import opens_page
from .pages.crm import MainScreen
from .pages.help import LoginHelpPage
from .pages.login import LoginPage

scenarios("login.feature")


@when(parsers.parse("{name:w} enters the email address as the user ID"))
def enters_email_as_user_id(cast: Cast, target: Target, name: str) -> None:
    """Either layout the help page allows: one page, or identifier-first (no password until after Next)."""
    login = LoginPage(cast.browser(name), target.login_url)
    expect(login.user_id).to_be_editable()
    login.user_id.fill(cast.person(name).person.email)
    if login.is_identifier_first:
        expect(login.password).not_to_be_visible()
        login.next_button.click()


@then(parsers.parse("the login screen asks for the password of {name:w}'s email address"))
def asks_for_password_of(cast: Cast, target: Target, name: str) -> None:
    login = LoginPage(cast.browser(name), target.login_url)
    expect(login.password).to_be_editable()
    expect(login.user_id).to_have_value(cast.person(name).person.email)


@when(parsers.parse("{name:w} enters the password and selects Log in"))
def enters_password_then_log_in(cast: Cast, target: Target, name: str) -> None:
    login = LoginPage(cast.browser(name), target.login_url)
    login.password.fill(cast.person(name).person.password)
    login.log_in_button.click()


@when(parsers.parse("{name:w} logs in with the email address as user ID"))
def logs_in_with_email(cast: Cast, target: Target, name: str) -> None:
    person = cast.person(name).person
    LoginPage(cast.browser(name), target.login_url).open().sign_in(person.email, person.password)


@when(parsers.parse("{name:w} logs in with the assigned user name"))
def logs_in_with_user_name(cast: Cast, target: Target, name: str) -> None:
    person = cast.person(name).person
    LoginPage(cast.browser(name), target.login_url).open().sign_in(person.username, person.password)


@when(parsers.parse("{name:w} logs in with a wrong password"))
def logs_in_with_wrong_password(cast: Cast, target: Target, name: str) -> None:
    wrong = cast.people.passphrase()
    LoginPage(cast.browser(name), target.login_url).open().sign_in(cast.user_id(name), wrong)


@when(parsers.parse("{name:w} logs in with a user ID nobody has"))
def logs_in_as_nobody(cast: Cast, target: Target, name: str) -> None:
    stranger = cast.people.person()
    LoginPage(cast.browser(name), target.login_url).open().sign_in(stranger.user_id(target.profile), stranger.password)


@then(parsers.parse("{name:w}'s browser shows {name:w}'s own name and user ID"))
def shows_own_identity(cast: Cast, name: str) -> None:
    page = cast.browser(name)
    page.reload()
    screen = MainScreen(page)
    member = cast.person(name)
    expect(screen.signed_in_user).to_contain_text(member.person.name)
    expect(screen.signed_in_user).to_contain_text(cast.user_id(name))
    for other in cast.members.values():
        if other.handle != name:
            expect(screen.signed_in_user).not_to_contain_text(other.person.name)


@then("the login screen links to help for login problems")
def links_to_help(cast: Cast, target: Target) -> None:
    page = next(iter(cast.members.values())).browsers["first"]
    expect(LoginPage(page, target.login_url).help_link()).to_be_visible()


@when(parsers.parse("{name:w} follows the help link"))
def follows_help_link(cast: Cast, target: Target, name: str) -> None:
    LoginPage(cast.browser(name), target.login_url).help_link().click()


@then(parsers.parse('the help lists "{question}"'))
def help_lists(cast: Cast, question: str) -> None:
    page = next(iter(cast.members.values())).browsers["first"]
    expect(LoginHelpPage(page).topic(re.compile(re.escape(question), re.IGNORECASE))).to_be_visible()


@then(parsers.parse("the login screen tells {name:w} that the session has ended"))
def logged_out_notice(cast: Cast, target: Target, name: str) -> None:
    login = LoginPage(cast.browser(name), target.login_url)
    login.expect_shown()
    expect(login.status).to_contain_text(re.compile("logged out", re.IGNORECASE))


@when(parsers.parse("{name:w}'s session cookies are copied while {name:w} is signed in"))
def copies_session_cookies(cast: Cast, target: Target, name: str) -> None:
    page = cast.browser(name)
    cookies = page.context.cookies(target.base_url)
    assert cookies, "the browser holds no cookie for the CRM while signed in"
    member = cast.person(name)
    member.addresses["signed in"] = page.url
    assert opens_page(target, page.url, cookies, member.person.name), (
        "replaying the cookies over HTTP should open the CRM while the session lives"
    )
    member.saved_cookies = cookies


@then(parsers.parse("the copied cookies no longer open {name:w}'s CRM, in the browser or over HTTP"))
def copied_cookies_refused(cast: Cast, target: Target, name: str) -> None:
    member = cast.person(name)
    signed_in_page = member.addresses["signed in"]
    assert not opens_page(target, signed_in_page, member.saved_cookies, member.person.name), (
        "the old cookies still open the CRM over HTTP"
    )
    page = cast.browser(name)
    page.context.add_cookies(member.saved_cookies)  # type: ignore[arg-type]
    page.goto(signed_in_page)
    LoginPage(page, target.login_url).expect_shown()
    expect(MainScreen(page).signed_in_user).to_have_count(0)


@when(parsers.parse("{name:w}'s browser loses its network connection"))
def goes_offline(cast: Cast, name: str) -> None:
    cast.browser(name).context.set_offline(True)


@when(parsers.parse("{name:w}'s browser is connected again"))
def goes_online(cast: Cast, name: str) -> None:
    cast.browser(name).context.set_offline(False)


@then(parsers.parse("the login screen tells {name:w} that there is no internet connection"))
def says_offline(cast: Cast, target: Target, name: str) -> None:
    login = LoginPage(cast.browser(name), target.login_url)
    expect(
        login.refusal.filter(has_text=re.compile("not connected|no internet|offline", re.IGNORECASE))
    ).to_be_visible()


@then(parsers.parse("the login screen no longer warns {name:w} about the connection"))
def no_offline_warning(cast: Cast, target: Target, name: str) -> None:
    login = LoginPage(cast.browser(name), target.login_url)
    expect(login.refusal.filter(has_text=re.compile("not connected|no internet|offline", re.IGNORECASE))).to_have_count(
        0
    )


@when(parsers.parse("{name:w} tries to log in"))
def tries_to_log_in(cast: Cast, target: Target, name: str) -> None:
    login = LoginPage(cast.browser(name), target.login_url)
    login.user_id.fill(cast.user_id(name))
    submit = login.next_button if login.is_identifier_first else login.log_in_button
    if not login.is_identifier_first:
        login.password.fill(cast.person(name).person.password)
    submit.click()


@then(parsers.parse("{name:w} is still on the login screen"))
def still_on_login(cast: Cast, target: Target, name: str) -> None:
    LoginPage(cast.browser(name), target.login_url).expect_shown()
    expect(MainScreen(cast.browser(name)).signed_in_user).to_have_count(0)
