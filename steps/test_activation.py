"""Steps of features/activation.feature: from the Activate now email to a password of one's own."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from pytest_bdd import parsers, scenarios, then, when

from loginspec.targets import Target

from .cast import Cast
from .pages.activation import CreatePasswordPage
from .pages.login import LoginPage

scenarios("activation.feature")


@then(parsers.parse("the email says that the link expires {hours:d} hours after it was sent"))
def email_states_expiry(cast: Cast, hours: int) -> None:
    message = cast.last_email(next(iter(cast.members)))
    wording = re.compile(rf"expires?\b[^.]*\b{hours} hours", re.IGNORECASE)
    for part in (message.text, message.html):
        if part is not None:
            assert wording.search(re.sub(r"<[^>]+>|\s+", " ", part)), f"no '{hours} hours' expiry in: {part[:500]}"


@when(parsers.parse('{name:w} types the password "{password}"'))
def types_password(cast: Cast, name: str, password: str) -> None:
    CreatePasswordPage(cast.browser(name)).type_password(password)


@then(parsers.parse("the strength indicator says the password is {level}"))
def strength_says(cast: Cast, level: str) -> None:
    page = CreatePasswordPage(cast.browser(next(iter(cast.members))))
    opposite = {"weak": "strong", "strong": "weak"}[level]
    expect(page.strength).to_contain_text(re.compile(rf"\b{level}\b", re.IGNORECASE))
    expect(page.strength).not_to_contain_text(re.compile(rf"\b{opposite}\b", re.IGNORECASE))


@then(parsers.parse("{name:w} has still not activated the account"))
def still_not_activated(cast: Cast, target: Target, name: str) -> None:
    member = cast.person(name)
    other_browser = cast.browser(name, "second")
    LoginPage(other_browser, target.login_url).open().sign_in(
        cast.user_id(name), member.attempted_password or member.person.password
    )
    expect(LoginPage(other_browser, target.login_url).refusal).to_be_visible()
