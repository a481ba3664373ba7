"""Signing in to the CRM and out again, and what a refusal looks like."""

from __future__ import annotations

from playwright.sync_api import expect
from pytest_bdd import given, parsers, then, when

from loginspec.contract import Contract
from loginspec.targets import Target

from ..cast import Cast
from ..interception import altered_submissions, with_header
from ..journeys import expect_main_screen, log_in
from ..pages.crm import MainScreen
from ..pages.login import LoginPage


@when(parsers.parse("{name:w} logs in with the user ID and password"))
def logs_in(cast: Cast, target: Target, name: str) -> None:
    log_in(cast, target, name)


@given(parsers.parse("{name:w} is logged in to the CRM"))
def is_logged_in(cast: Cast, target: Target, name: str) -> None:
    """Signed in, through the provisioning interface where the target offers sessions (the scenarios about
    what signing in itself sets say "logs in"); a person not introduced yet is made an active user first."""
    _active_user_unless_introduced(cast, name)
    if target.opens_sessions:
        cast.open_session(name, "crm")
    else:
        log_in(cast, target, name)
    expect_main_screen(cast, target, name)


@given(parsers.parse("{name:w} has logged in to the CRM with the user ID and password"))
def has_logged_in_at_login_screen(cast: Cast, target: Target, name: str) -> None:
    """Signed in through the login screen always: for the scenarios about what signing in itself sets."""
    _active_user_unless_introduced(cast, name)
    log_in(cast, target, name)
    expect_main_screen(cast, target, name)


def _active_user_unless_introduced(cast: Cast, name: str) -> None:
    if cast.person(name).account is None:
        cast.provision(name, state="active")


@when(parsers.parse("{name:w} selects Log out in the Personal settings menu"))
def logs_out(cast: Cast, target: Target, name: str) -> None:
    MainScreen(cast.browser(name), target).log_out()
    cast.mark(name)


@then(parsers.parse("the CRM main screen opens for {name:w}"))
def main_screen_for(cast: Cast, target: Target, name: str) -> None:
    expect_main_screen(cast, target, name)


@then(parsers.parse("{name:w} is refused with the generic login message"))
def refused_generically(cast: Cast, target: Target, contract: Contract, name: str) -> None:
    login = LoginPage(cast.browser(name), target)
    login.expect_shown()
    expect(login.refusal).to_be_visible()
    text = login.refusal.inner_text().lower()
    for revealing_word in contract.revealing_words:
        assert revealing_word.lower() not in text, f"the refusal reveals why: {text!r}"


@then(parsers.parse("{name:w} is not signed in"))
def not_signed_in(cast: Cast, target: Target, name: str) -> None:
    page = cast.browser(name)
    page.goto(cast.person(name).addresses.get("signed in", target.url("/")))
    LoginPage(page, target).expect_shown()
    expect(MainScreen(page, target).signed_in_user).to_have_count(0)


@then(parsers.parse("{name:w} is still signed in"))
def still_signed_in(cast: Cast, target: Target, name: str) -> None:
    page = cast.browser(name)
    page.goto(cast.person(name).addresses.setdefault("signed in", page.url))
    MainScreen(page, target).expect_open_for(cast.person(name).person.name)


@then(parsers.parse("{name:w} can still log in with the old password"))
def old_password_still_works(cast: Cast, target: Target, name: str) -> None:
    """In a browser of its own, so that a session the scenario holds stays as it is."""
    log_in(cast, target, name, browser="old password")
    expect_main_screen(cast, target, name, browser="old password")


@given(parsers.parse("{name:w} is logged in to the CRM in a second browser"))
def logged_in_second_browser(cast: Cast, target: Target, name: str) -> None:
    log_in(cast, target, name, browser="second")
    expect_main_screen(cast, target, name, browser="second")


@when(parsers.parse("{name:w} opens the login screen"))
def opens_login_screen(cast: Cast, target: Target, name: str) -> None:
    LoginPage(cast.browser(name), target).open()


@when(parsers.parse("{name:w} goes back in the browser"))
def goes_back(cast: Cast, name: str) -> None:
    cast.browser(name).go_back()


@then(parsers.parse("the browser shows the login screen, not {name:w}'s CRM"))
def shows_login_not_crm(cast: Cast, target: Target, name: str) -> None:
    page = cast.browser(name)
    LoginPage(page, target).expect_shown()
    expect(page.get_by_text(cast.person(name).person.name)).to_have_count(0)


@when(parsers.parse("{name:w} opens the CRM again"))
def opens_crm_again(cast: Cast, target: Target, name: str) -> None:
    cast.browser(name).goto(target.url("/"))


@when(
    parsers.parse(
        "as many wrong passwords as the lockout allows are tried for {name:w}, each claiming another X-Forwarded-For"
    )
)
def guesses_with_spoofed_addresses(cast: Cast, target: Target, contract: Contract, name: str) -> None:
    """Each guess claims another client address; where the CRM takes the user ID in any case, every other
    guess also writes it in the other case: neither may escape the count."""
    spellings = [cast.user_id(name)]
    if _accepts_user_id_in_other_case(cast, target, name):
        spellings.append(cast.user_id(name).swapcase())
    page = cast.browser(name, "guessing")
    for number in range(int(contract.number("lockout_attempts"))):
        with altered_submissions(page, target, with_header("x-forwarded-for", f"203.0.113.{number + 1}")):
            login = LoginPage(page, target).open()
            login.sign_in(spellings[number % len(spellings)], cast.people.passphrase())
            login.expect_shown()
            login.refusal.wait_for()


def _accepts_user_id_in_other_case(cast: Cast, target: Target, name: str) -> bool:
    """Signs in once, in a browser of its own, with the user ID's letters in the other case."""
    page = cast.browser(name, "case probe")
    LoginPage(page, target).open().sign_in(cast.user_id(name).swapcase(), cast.person(name).person.password)
    signed_in, refused = MainScreen(page, target).signed_in_user, LoginPage(page, target).refusal
    expect(signed_in.or_(refused).first).to_be_visible()
    return signed_in.count() > 0
