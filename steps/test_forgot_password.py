"""Steps of features/forgot_password.feature."""

from __future__ import annotations

from playwright.sync_api import expect
from pytest_bdd import given, parsers, scenarios, then, when

from loginspec.contract import Contract
from loginspec.targets import Target

from .cast import Cast
from .journeys import PROVIDERS, log_in, request_reset, users_screen_after_logging_in
from .pages.activation import CreatePasswordPage
from .pages.forgot_password import ForgotPasswordPage
from .pages.login import LoginPage
from .pages.settings import SettingsLoginPage, SettingsScreen

scenarios("forgot_password.feature")

# Longer than any answer of the CRM takes, well within the time a step waits for what it expects.
SLOW_RELAY_SECONDS = 3


@when(parsers.parse("{name:w} asks to reset the password once more than the email limit allows"))
def asks_for_reset_beyond_limit(cast: Cast, target: Target, contract: Contract, name: str) -> None:
    cast.expect_mail(name)
    page = cast.browser(name)
    for _ in range(int(contract.number("emails_per_address")) + 1):
        request_reset(page, target, cast.person(name).person.email)
        ForgotPasswordPage(page, target).expect_sent()


@when(parsers.parse("{name:w} asks to reset the password of an address nobody has"))
def stranger_asks_for_reset(cast: Cast, target: Target, name: str) -> None:
    request_reset(cast.browser(name), target, cast.person(name).person.email)


@when(parsers.parse("{name:w} asks to reset the password of an address nobody has, as often"))
def stranger_asks_as_often(cast: Cast, target: Target, contract: Contract, name: str) -> None:
    page = cast.browser(name)
    for _ in range(int(contract.number("emails_per_address")) + 1):
        request_reset(page, target, cast.person(name).person.email)
        ForgotPasswordPage(page, target).expect_sent()


@then(parsers.parse("{name:w}'s first browser is no longer signed in to Settings and maintenance"))
def settings_session_ended(cast: Cast, target: Target, name: str) -> None:
    page = cast.browser(name, "first")
    page.reload()
    SettingsLoginPage(page, target).expect_shown()
    expect(SettingsScreen(page, target).navigation).to_have_count(0)


def _confirmation(cast: Cast, target: Target, name: str) -> str:
    page = ForgotPasswordPage(cast.browser(name), target)
    page.expect_sent()
    return page.sent.inner_text().replace(cast.person(name).person.email, "<address>")


@then(parsers.parse("{name:w} is told to look for an email"))
def told_to_look_for_email(cast: Cast, target: Target, contract: Contract, name: str) -> None:
    expect(ForgotPasswordPage(cast.browser(name), target).sent).to_contain_text(
        contract.wording("reset_requested").regex()
    )


@given(parsers.parse("the mail server is slow to accept email for {name:w}"))
def slow_mail_server(cast: Cast, name: str) -> None:
    cast.mailer().delay_next("rcpt", SLOW_RELAY_SECONDS, recipient=cast.person(name).person.email)


@then(parsers.parse("{name:w} is told to look for an email before the mail server has accepted it"))
def told_before_the_email_went_out(cast: Cast, target: Target, contract: Contract, name: str) -> None:
    """A CRM that waited for the mail server would answer known addresses later than unknown ones."""
    expect(ForgotPasswordPage(cast.browser(name), target).sent).to_contain_text(
        contract.wording("reset_requested").regex()
    )
    assert cast.mailer().messages(to=cast.person(name).person.email) == [], "the answer waited for the email"


@then(parsers.parse("{first:w} and {second:w} are told the same thing"))
def told_the_same(cast: Cast, target: Target, first: str, second: str) -> None:
    assert _confirmation(cast, target, first) == _confirmation(cast, target, second)


@then(parsers.parse("no email went to {name:w}'s address"))
def no_email_to(cast: Cast, name: str) -> None:
    """Checked after the scenario has waited for a later request's email: a target that mailed
    this address would have done so first, so no fixed wait is needed."""
    assert cast.mailer().messages(to=cast.person(name).person.email) == []


@when(parsers.parse("{name:w} chooses a new password and confirms it"))
@when(parsers.parse("{name:w} chooses a new password and confirms it in the second browser"))
def chooses_new_password(cast: Cast, target: Target, name: str) -> None:
    member = cast.person(name)
    page = CreatePasswordPage(member.browsers["second"] if "second" in member.browsers else cast.browser(name), target)
    member.old_password = member.person.password
    member.person = member.person.with_password(cast.new_password(name))
    page.create(member.person.password)


@when(parsers.parse('{name:w} follows the "{anchor}" link in the email in a second browser'))
def follows_link_in_second_browser(cast: Cast, name: str, anchor: str) -> None:
    cast.browser(name, "second").goto(cast.email_link(name, anchor))


@then(parsers.parse("the login screen tells {name:w} that the password has changed"))
def told_password_changed(cast: Cast, target: Target, contract: Contract, name: str) -> None:
    login = LoginPage(cast.browser(name), target)
    login.expect_shown()
    expect(login.notice).to_contain_text(contract.wording("password_changed").regex())


@then(parsers.parse("{name:w}'s old password no longer works"))
def old_password_fails(cast: Cast, target: Target, name: str) -> None:
    member = cast.person(name)
    assert member.old_password and member.old_password != member.person.password
    page = log_in(cast, target, name, password=member.old_password, browser="old password")
    expect(LoginPage(page, target).refusal).to_be_visible()


@when(parsers.parse("{name:w} selects Forgot your password? on the login screen"))
def selects_forgot_password(cast: Cast, target: Target, name: str) -> None:
    LoginPage(cast.browser(name), target).open().forgot_password_link.click()


@then(parsers.parse("{name:w} is told to contact the CRM administrator"))
def told_to_ask_admin(cast: Cast, target: Target, name: str) -> None:
    expect(ForgotPasswordPage(cast.browser(name), target).advice_to_ask_administrator).to_be_visible()


@then(parsers.parse("{name:w} is not offered an email reset"))
def no_email_reset(cast: Cast, target: Target, name: str) -> None:
    page = ForgotPasswordPage(cast.browser(name), target)
    expect(page.reset_button).to_have_count(0)
    expect(page.email).to_have_count(0)


@when(parsers.parse("{admin:w} sets a new password for {name:w} in the Users screen"))
def admin_sets_password(cast: Cast, target: Target, contract: Contract, admin: str, name: str) -> None:
    users = users_screen_after_logging_in(cast, target, admin)
    member = cast.person(name)
    member.old_password = member.person.password
    member.person = member.person.with_password(cast.new_password(name))
    users.set_password(member.person.name, member.person.password)
    expect(users.notice).to_contain_text(contract.wording("user_updated").regex())


@when(parsers.parse("{name:w} logs in with the user ID and the new password from {admin:w}"))
def logs_in_with_new_password(cast: Cast, target: Target, name: str, admin: str) -> None:
    log_in(cast, target, name)


@then(parsers.parse("{name:w}'s first browser is no longer signed in"))
def first_browser_signed_out(cast: Cast, target: Target, name: str) -> None:
    page = cast.browser(name, "first")
    page.reload()
    LoginPage(page, target).expect_shown()


@then(parsers.parse("an email arrives for {name:w} saying the password was changed"))
def notice_of_change(cast: Cast, contract: Contract, name: str) -> None:
    changed = contract.wording("password_changed_email").regex()
    message = cast.email(name, subject=changed)
    assert message.text and changed.search(message.text), message.text


@then(parsers.parse("an email arrives for {name:w} saying the password is managed by {provider}"))
def managed_elsewhere_email(cast: Cast, contract: Contract, name: str, provider: str) -> None:
    message = cast.email(name, subject="")
    body = " ".join((message.text or "", message.html or ""))
    assert contract.provider_name(PROVIDERS[provider]) in body, body[:500]
    assert contract.wording("it_support").regex().search(body), body[:500]


@then("the email has no link to reset a CRM password")
def no_reset_link(cast: Cast, contract: Contract) -> None:
    message = cast.last_email(next(iter(cast.members)))
    resetting = [link for link in message.links if contract.wording("reset_link").regex().search(link.text)]
    assert not resetting, resetting


@then(parsers.parse("{name:w} receives one reset email more than the limit allows, and the last of them works"))
def one_reset_email_more_than_the_limit(cast: Cast, target: Target, contract: Contract, name: str) -> None:
    """The reset emails are read in turn; the last one's link is used, and the notice of the change that
    follows comes after every reset email the requests caused, however late the CRM sent them: only then
    are they counted."""
    address = cast.person(name).person.email
    expected = int(contract.number("emails_per_address")) + 1
    seen = None
    for _ in range(expected):
        last = cast.mailer().wait_for(to=address, since=seen)
        seen = last.seq
    assert last is not None
    page = cast.browser(name, "last link")
    page.goto(cast.email_link(name, "Reset password", last))
    form = CreatePasswordPage(page, target)
    form.create(cast.new_password(name))
    changed = contract.wording("password_changed_email").regex()
    cast.mailer().wait_for(to=address, subject=changed, since=seen)
    resets = [message for message in cast.mailer().messages(to=address) if not changed.search(message.subject)]
    assert len(resets) == expected, f"{len(resets)} reset emails, expected {expected}"
