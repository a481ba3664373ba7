"""Steps of features/login.feature: signing in with a user ID and password, and logging out."""

from __future__ import annotations

from playwright.sync_api import expect
from pytest_bdd import parsers, scenarios, then, when

from loginspec.contract import Contract
from loginspec.targets import Target

from .cast import Cast
from .inspection import opens_in_a_new_browser
from .pages.crm import MainScreen
from .pages.help import LoginHelpPage
from .pages.login import Layout, LoginPage

scenarios("login.feature")

FAQS = {
    "cannot log in to the CRM online": "faq_cannot_log_in_online",
    "newly created user cannot log in": "faq_new_user",
    "password I have forgotten": "faq_forgotten_password",
}


@when(parsers.parse("{name:w} enters the email address as the user ID"))
def enters_email_as_user_id(cast: Cast, target: Target, name: str) -> None:
    """Either layout the help page allows: one page, or identifier-first (no password until after Next)."""
    login = LoginPage(cast.browser(name), target)
    if login.layout() is Layout.IDENTIFIER_FIRST:
        expect(login.password).to_have_count(0)
    login.give_user_id(cast.person(name).person.email)


@then(parsers.parse("the login screen asks for the password of {name:w}'s email address"))
def asks_for_password_of(cast: Cast, target: Target, name: str) -> None:
    login = LoginPage(cast.browser(name), target)
    expect(login.password).to_be_editable()
    expect(login.user_id).to_have_value(cast.person(name).person.email)


@when(parsers.parse("{name:w} enters the password and selects Log in"))
def enters_password_then_log_in(cast: Cast, target: Target, name: str) -> None:
    login = LoginPage(cast.browser(name), target)
    login.password.fill(cast.person(name).person.password)
    login.log_in_button.click()


@when(parsers.parse("{name:w} logs in with the email address as user ID"))
def logs_in_with_email(cast: Cast, target: Target, name: str) -> None:
    person = cast.person(name).person
    LoginPage(cast.browser(name), target).open().sign_in(person.email, person.password)


@when(parsers.parse("{name:w} logs in with the assigned user name"))
def logs_in_with_user_name(cast: Cast, target: Target, name: str) -> None:
    person = cast.person(name).person
    LoginPage(cast.browser(name), target).open().sign_in(person.username, person.password)


@when(parsers.parse("{name:w} logs in with a wrong password"))
def logs_in_with_wrong_password(cast: Cast, target: Target, name: str) -> None:
    LoginPage(cast.browser(name), target).open().sign_in(cast.user_id(name), cast.people.passphrase())


@when(parsers.parse("{name:w} logs in with a user ID nobody has"))
def logs_in_as_nobody(cast: Cast, target: Target, name: str) -> None:
    stranger = cast.people.person()
    LoginPage(cast.browser(name), target).open().sign_in(stranger.user_id(target.profile), stranger.password)


@then(parsers.parse("{name:w}'s browser shows {name2:w}'s own name and user ID"))
def shows_own_identity(cast: Cast, target: Target, name: str, name2: str) -> None:
    page = cast.browser(name)
    page.reload()
    screen = MainScreen(page, target)
    expect(screen.signed_in_user).to_contain_text(cast.person(name2).person.name)
    expect(screen.signed_in_user).to_contain_text(cast.user_id(name2))
    for other in cast.members.values():
        if other.handle != name2:
            expect(screen.signed_in_user).not_to_contain_text(other.person.name)


@then("the login screen links to help for login problems")
def links_to_help(cast: Cast, target: Target) -> None:
    page = next(iter(cast.members.values())).browsers["first"]
    expect(LoginPage(page, target).help_link).to_be_visible()


@when(parsers.parse("{name:w} follows the help link"))
def follows_help_link(cast: Cast, target: Target, name: str) -> None:
    LoginPage(cast.browser(name), target).help_link.click()


@then(parsers.parse('the help lists "{question}"'))
def help_lists(cast: Cast, target: Target, question: str) -> None:
    page = next(iter(cast.members.values())).browsers["first"]
    expect(LoginHelpPage(page, target).topic(FAQS[question])).to_be_visible()


@then(parsers.parse("the login screen tells {name:w} that the session has ended"))
def logged_out_notice(cast: Cast, target: Target, contract: Contract, name: str) -> None:
    login = LoginPage(cast.browser(name), target)
    login.expect_shown()
    expect(login.notice).to_contain_text(contract.wording("logged_out").regex())


@when(parsers.parse("{name:w}'s session cookies are copied while {name2:w} is signed in"))
def copies_session_cookies(cast: Cast, target: Target, name: str, name2: str) -> None:
    page = cast.browser(name)
    cookies = page.context.cookies(target.base_url)
    assert cookies, "the browser holds no cookie for the CRM while signed in"
    member = cast.person(name)
    member.addresses["signed in"] = page.url
    assert opens_in_a_new_browser(cast, target, page.url, cookies, member.person.name), (
        "the cookies, copied to a new browser, should open the CRM while the session lives"
    )
    member.saved_cookies = cookies


@then(parsers.parse("the copied cookies no longer open {name:w}'s CRM"))
def copied_cookies_refused(cast: Cast, target: Target, name: str) -> None:
    member = cast.person(name)
    signed_in_page = member.addresses["signed in"]
    assert not opens_in_a_new_browser(cast, target, signed_in_page, member.saved_cookies, member.person.name), (
        "the copied cookies still open the CRM"
    )


@when(parsers.parse("{name:w}'s browser loses its network connection"))
def goes_offline(cast: Cast, name: str) -> None:
    cast.browser(name).context.set_offline(True)


@when(parsers.parse("{name:w}'s browser is connected again"))
def goes_online(cast: Cast, name: str) -> None:
    cast.browser(name).context.set_offline(False)


@then(parsers.parse("the login screen tells {name:w} that there is no internet connection"))
def says_offline(cast: Cast, target: Target, contract: Contract, name: str) -> None:
    login = LoginPage(cast.browser(name), target)
    expect(login.refusal.filter(has_text=contract.wording("offline").regex())).to_be_visible()


@then(parsers.parse("the login screen no longer warns {name:w} about the connection"))
def no_offline_warning(cast: Cast, target: Target, contract: Contract, name: str) -> None:
    login = LoginPage(cast.browser(name), target)
    expect(login.refusal.filter(has_text=contract.wording("offline").regex())).to_have_count(0)


@when(parsers.parse("{name:w} tries to log in"))
def tries_to_log_in(cast: Cast, target: Target, name: str) -> None:
    LoginPage(cast.browser(name), target).try_to_submit(cast.user_id(name), cast.person(name).person.password)


@then(parsers.parse("{name:w} is still on the login screen"))
def still_on_login(cast: Cast, target: Target, name: str) -> None:
    LoginPage(cast.browser(name), target).expect_shown()
    expect(MainScreen(cast.browser(name), target).signed_in_user).to_have_count(0)
