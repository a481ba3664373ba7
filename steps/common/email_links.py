"""Emails in the sink and the links in them: following, changing, and being refused."""

from __future__ import annotations

from playwright.sync_api import expect
from pytest_bdd import parsers, then, when

from loginspec.contract import Contract
from loginspec.targets import Target

from ..cast import Cast
from ..links import tamper
from ..pages.activation import CreatePasswordPage, LinkRefusedPage
from ..pages.help import SupportPage
from ..pages.login import LoginPage

LINK_VERDICTS = {"has expired": "link_expired", "has already been used": "link_used", "is not valid": "link_invalid"}


@then(parsers.parse('an email with an "{anchor}" link arrives for {name:w}'))
@then(parsers.parse('an email with a "{anchor}" link arrives for {name:w}'))
def email_with_link_arrives(cast: Cast, anchor: str, name: str) -> None:
    cast.email_link(name, anchor, cast.email(name, subject=""))


@when(parsers.parse('{name:w} follows the "{anchor}" link in the email'))
@when(parsers.parse('{name:w} follows the "{anchor}" link in the email again'))
def follows_email_link(cast: Cast, name: str, anchor: str) -> None:
    cast.browser(name).goto(cast.email_link(name, anchor))


@when(parsers.parse('{name:w} opens the "{anchor}" link of the first email'))
def opens_first_email_link(cast: Cast, name: str, anchor: str) -> None:
    cast.browser(name).goto(cast.email_link(name, anchor, cast.person(name).emails[0]))


@when(parsers.re(r'(?P<name>\w+) opens the "(?P<anchor>[^"]+)" link (?P<changed>with .+)'))
def opens_changed_link(cast: Cast, name: str, anchor: str, changed: str) -> None:
    cast.browser(name).goto(tamper(cast.email_link(name, anchor), changed))


@then(parsers.parse("{name:w} is told that the link {verdict}"))
def told_link_refused(cast: Cast, target: Target, name: str, verdict: str) -> None:
    expect(LinkRefusedPage(cast.browser(name), target).heading(LINK_VERDICTS[verdict])).to_be_visible()


@then(parsers.parse("{name:w} is offered a way to contact support"))
def offered_support(cast: Cast, target: Target, name: str) -> None:
    """The Support link is followed, in a browser of its own, to a page that says how to reach support."""
    page = cast.browser(name)
    link = LinkRefusedPage(page, target).support_link
    expect(link).to_be_visible()
    support = cast.browser(name, "support")
    answer = support.goto(link.evaluate("link => link.href"))
    assert answer is not None and answer.ok, f"the Support link leads nowhere: {answer and answer.status}"
    expect(SupportPage(support, target).heading).to_be_visible()
    expect(SupportPage(support, target).contact).to_be_visible()


@then(parsers.parse("{name:w} can go back to the login screen"))
def can_go_back_to_login(cast: Cast, target: Target, name: str) -> None:
    page = cast.browser(name)
    CreatePasswordPage(page, target).back_to_log_in.click()
    LoginPage(page, target).expect_shown()


@then(parsers.parse("{name:w} receives, in all, one email more than the limit allows"))
def receives_one_more_than_the_limit(cast: Cast, contract: Contract, name: str) -> None:
    """Each email is waited for in turn; the last is the one sent after the limit's window, so an
    email that the limit should have stopped would have arrived before it: no fixed wait is needed."""
    expected = int(contract.number("emails_per_address")) + 1
    address = cast.person(name).person.email
    seen: int | None = None
    for _ in range(expected):
        seen = cast.mailer().wait_for(to=address, since=seen).seq
    received = cast.mailer().messages(to=address)
    assert len(received) == expected, f"{len(received)} emails, expected {expected}: {[m.subject for m in received]}"
