"""Steps of features/forgot_password.feature."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from pytest_bdd import given, parsers, scenarios, then, when

from loginspec.targets import Target

from .cast import Cast
from .common.settings_and_maintenance import is_logged_in_to_settings
from .common.signing_in import logs_in
from .pages.activation import CreatePasswordPage
from .pages.login import LoginPage
from .pages.settings import SettingsScreen

scenarios("forgot_password.feature")


def _request_reset(page: Page, target: Target, email: str) -> None:
    login = LoginPage(page, target.login_url).open()
    login.forgot_password_link().click()
    page.get_by_role("textbox", name=re.compile(r"email", re.IGNORECASE)).fill(email)
    page.get_by_role("button", name="Reset Password").click()


@when(parsers.parse("{name:w} asks to reset the password from the login screen"))
def asks_for_reset(cast: Cast, target: Target, name: str) -> None:
    cast.expect_mail(name)
    _request_reset(cast.browser(name), target, cast.person(name).person.email)


@when(parsers.parse("{name:w} asks to reset the password {times:d} times"))
def asks_for_reset_repeatedly(cast: Cast, target: Target, name: str, times: int) -> None:
    cast.expect_mail(name)
    page = cast.browser(name)
    for _ in range(times):
        _request_reset(page, target, cast.person(name).person.email)
        expect(page.get_by_role("status")).to_be_visible()


@given(parsers.parse("{name:w} has asked to reset the password"))
def has_asked_for_reset(cast: Cast, target: Target, name: str) -> None:
    """From a browser of its own, so the request never disturbs a session the scenario holds."""
    cast.expect_mail(name)
    _request_reset(cast.browser(name, "reset request"), target, cast.person(name).person.email)
    cast.email(name, subject="")


@when(parsers.parse("{name:w} asks to reset the password of an address nobody has"))
def stranger_asks_for_reset(cast: Cast, target: Target, name: str) -> None:
    _request_reset(cast.browser(name), target, cast.person(name).person.email)


def _confirmation(cast: Cast, name: str) -> str:
    page = cast.browser(name)
    expect(page.get_by_role("status")).to_be_visible()
    return page.get_by_role("main").inner_text().replace(cast.person(name).person.email, "<address>")


@then(parsers.parse("{name:w} is told to look for an email"))
def told_to_look_for_email(cast: Cast, name: str) -> None:
    expect(cast.browser(name).get_by_role("status")).to_contain_text(re.compile(r"email", re.IGNORECASE))


@then(parsers.parse("{first:w} and {second:w} are told the same thing"))
def told_the_same(cast: Cast, first: str, second: str) -> None:
    assert _confirmation(cast, first) == _confirmation(cast, second)


@then(parsers.parse("no email went to {name:w}'s address"))
def no_email_to(cast: Cast, name: str) -> None:
    """Checked after the scenario has waited for a later request's email: a target that mailed
    this address would have done so first, so no fixed wait is needed."""
    assert cast.mailer().messages(to=cast.person(name).person.email) == []


@when(parsers.parse("{name:w} chooses a new password and confirms it"))
@when(parsers.parse("{name:w} chooses a new password and confirms it in the second browser"))
def chooses_new_password(cast: Cast, name: str) -> None:
    member = cast.person(name)
    page = CreatePasswordPage(member.browsers["second"] if "second" in member.browsers else cast.browser(name))
    page.expect_shown()
    member.old_password = member.person.password
    member.person = member.person.with_password(cast.new_password(name))
    page.create(member.person.password)


@when(parsers.parse('{name:w} follows the "{anchor}" link in the email in a second browser'))
def follows_link_in_second_browser(cast: Cast, name: str, anchor: str) -> None:
    cast.browser(name, "second").goto(cast.last_email(name).link(anchor))


@then(parsers.parse("the login screen tells {name:w} that the password has changed"))
def told_password_changed(cast: Cast, target: Target, name: str) -> None:
    login = LoginPage(cast.browser(name), target.login_url)
    login.expect_shown()
    expect(login.status).to_contain_text(re.compile(r"password has (been )?changed", re.IGNORECASE))


@then(parsers.parse("{name:w}'s old password no longer works"))
def old_password_fails(cast: Cast, target: Target, name: str) -> None:
    member = cast.person(name)
    assert member.old_password and member.old_password != member.person.password
    page = cast.browser(name, "old password")
    login = LoginPage(page, target.login_url).open()
    login.sign_in(cast.user_id(name), member.old_password)
    expect(login.refusal).to_be_visible()


@when(parsers.parse("{name:w} selects Forgot your password? on the login screen"))
def selects_forgot_password(cast: Cast, target: Target, name: str) -> None:
    LoginPage(cast.browser(name), target.login_url).open().forgot_password_link().click()


@then(parsers.parse("{name:w} is told to contact the CRM administrator"))
def told_to_ask_admin(cast: Cast, name: str) -> None:
    expect(cast.browser(name).get_by_text(re.compile(r"contact your .*administrator", re.IGNORECASE))).to_be_visible()


@then(parsers.parse("{name:w} is not offered an email reset"))
def no_email_reset(cast: Cast, name: str) -> None:
    page = cast.browser(name)
    expect(page.get_by_role("button", name="Reset Password")).to_have_count(0)
    expect(page.get_by_role("textbox", name=re.compile(r"email", re.IGNORECASE))).to_have_count(0)


@when(parsers.parse("{admin:w} sets a new password for {name:w} in the Users screen"))
def admin_sets_password(cast: Cast, target: Target, admin: str, name: str) -> None:
    is_logged_in_to_settings(cast, target, admin)
    users = SettingsScreen(cast.browser(admin)).open_users()
    member = cast.person(name)
    member.old_password = member.person.password
    member.person = member.person.with_password(cast.new_password(name))
    users.set_password(member.person.name, member.person.password)
    expect(users.notice).to_contain_text(re.compile(r"updated", re.IGNORECASE))


@when(parsers.parse("{name:w} logs in with the user ID and the new password from {admin:w}"))
def logs_in_with_new_password(cast: Cast, target: Target, name: str, admin: str) -> None:
    logs_in(cast, target, name)


@then(parsers.parse("{name:w}'s first browser is no longer signed in"))
def first_browser_signed_out(cast: Cast, target: Target, name: str) -> None:
    page = cast.browser(name, "first")
    page.reload()
    LoginPage(page, target.login_url).expect_shown()


@then(parsers.parse("an email arrives for {name:w} saying the password was changed"))
def notice_of_change(cast: Cast, name: str) -> None:
    message = cast.email(name, subject=re.compile(r"changed", re.IGNORECASE))
    assert message.text and "changed" in message.text.lower()


@then(parsers.parse("an email arrives for {name:w} saying the password is managed by {provider}"))
def managed_elsewhere_email(cast: Cast, name: str, provider: str) -> None:
    message = cast.email(name, subject="")
    body = " ".join((message.text or "", message.html or ""))
    assert provider in body and "IT support" in body, body[:500]


@then("the email has no link to reset a CRM password")
def no_reset_link(cast: Cast) -> None:
    message = cast.last_email(next(iter(cast.members)))
    resetting = [link for link in message.links if re.search(r"reset|new password", link.text, re.IGNORECASE)]
    assert not resetting, resetting
