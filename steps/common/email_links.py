"""Emails in the sink and the links in them: following, changing, and being refused."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from pytest_bdd import parsers, then, when

from loginspec.targets import Target

from ..cast import Cast
from ..links import tamper
from ..pages.activation import LinkRefusedPage
from ..pages.login import LoginPage

LINK_VERDICTS = {
    "has expired": re.compile(r"expired", re.IGNORECASE),
    "has already been used": re.compile(r"already been used|already used", re.IGNORECASE),
    "is not valid": re.compile(r"not valid|invalid", re.IGNORECASE),
}


@then(parsers.parse('an email with an "{anchor}" link arrives for {name:w}'))
@then(parsers.parse('an email with a "{anchor}" link arrives for {name:w}'))
def email_with_link_arrives(cast: Cast, anchor: str, name: str) -> None:
    cast.email(name, subject="").link(anchor)


@when(parsers.parse('{name:w} follows the "{anchor}" link in the email'))
@when(parsers.parse('{name:w} follows the "{anchor}" link in the email again'))
def follows_email_link(cast: Cast, name: str, anchor: str) -> None:
    cast.browser(name).goto(cast.last_email(name).link(anchor))


@when(parsers.parse('{name:w} opens the "{anchor}" link of the first email'))
def opens_first_email_link(cast: Cast, name: str, anchor: str) -> None:
    cast.browser(name).goto(cast.person(name).emails[0].link(anchor))


@when(parsers.re(r'(?P<name>\w+) opens the "(?P<anchor>[^"]+)" link (?P<changed>with .+)'))
def opens_changed_link(cast: Cast, name: str, anchor: str, changed: str) -> None:
    cast.browser(name).goto(tamper(cast.last_email(name).link(anchor), changed))


@then(parsers.parse("{name:w} is told that the link {verdict}"))
def told_link_refused(cast: Cast, name: str, verdict: str) -> None:
    expect(LinkRefusedPage(cast.browser(name)).heading).to_have_text(LINK_VERDICTS[verdict])


@then(parsers.parse("{name:w} is offered a way to contact support"))
def offered_support(cast: Cast, name: str) -> None:
    link = LinkRefusedPage(cast.browser(name)).support_link
    expect(link).to_be_visible()
    expect(link).to_have_attribute("href", re.compile(r".+"))


@then(parsers.parse("{name:w} can go back to the login screen"))
def can_go_back_to_login(cast: Cast, target: Target, name: str) -> None:
    page = cast.browser(name)
    page.get_by_role("link", name=re.compile(r"back to log ?in", re.IGNORECASE)).click()
    LoginPage(page, target.login_url).expect_shown()


@then(parsers.parse("{name:w} has received {count:d} emails"))
def has_received(cast: Cast, name: str, count: int) -> None:
    """Scenarios check this after the refusal is shown, or after a later request's email arrived,
    so an email beyond the limit would already be in the sink."""
    received = cast.mailer().messages(to=cast.person(name).person.email)
    assert len(received) == count, [message.subject for message in received]
