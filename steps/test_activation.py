"""Steps of features/activation.feature: from the Activate now email to a password of one's own."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from pytest_bdd import parsers, scenarios, then, when

from loginspec.contract import Contract
from loginspec.targets import Target

from .cast import Cast
from .pages.activation import CreatePasswordPage

scenarios("activation.feature")


@then("the email says how many hours the link works")
def email_states_expiry(cast: Cast, contract: Contract) -> None:
    message = cast.last_email(next(iter(cast.members)))
    wording = contract.wording("activation_expiry").regex(hours=int(contract.number("activation_link_hours")))
    for part in (message.text, message.html):
        if part is not None:
            text = re.sub(r"<[^>]+>|\s+", " ", part)
            assert wording.search(text), f"{wording.pattern!r} is not in: {text[:500]}"


@when(parsers.parse('{name:w} types the password "{password}"'))
def types_password(cast: Cast, target: Target, name: str, password: str) -> None:
    CreatePasswordPage(cast.browser(name), target).type_password(password)


@then(parsers.parse("the strength indicator says the password is {level}"))
def strength_says(cast: Cast, target: Target, contract: Contract, level: str) -> None:
    page = CreatePasswordPage(cast.browser(next(iter(cast.members))), target)
    opposite = {"weak": "strong", "strong": "weak"}[level]
    expect(page.strength).to_contain_text(contract.wording(level).regex())
    expect(page.strength).not_to_contain_text(contract.wording(opposite).regex())
