"""Steps of features/security/email_links.feature."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from pytest_bdd import parsers, scenarios, then, when

from loginspec.targets import Target

from .cast import Cast
from .common.settings_and_maintenance import adds_user
from .forms import read_page, relay_form_posts
from .inspection import randomness_bits, reveals
from .links import token_of

scenarios("security/email_links.feature")


def _token(cast: Cast, name: str) -> str:
    return token_of(cast.last_email(name).link("Activate now"))


@then(parsers.parse("the token in {name:w}'s link carries at least {bits:d} bits of randomness"))
def token_is_long(cast: Cast, name: str, bits: int) -> None:
    token = _token(cast, name)
    assert randomness_bits(token) >= bits, (token, randomness_bits(token))


@then(parsers.parse("the token reveals nothing about {name:w}"))
def token_reveals_nothing(cast: Cast, name: str) -> None:
    person = cast.person(name).person
    facts = [person.email, person.username, person.name, person.first_name, person.last_name]
    assert not reveals(_token(cast, name), facts)


@then("the target does not store the token itself")
def token_not_stored(cast: Cast, target: Target) -> None:
    member = next(member for member in cast.members.values() if member.account)
    assert member.account is not None
    stored = json.dumps(target.provisioner.stored_credentials(member.account))
    assert _token(cast, member.handle) not in stored


@when(parsers.parse('a reset for {name:w} is requested over HTTP with the {header} header set to "{value}"'))
def reset_with_forged_header(cast: Cast, target: Target, name: str, header: str, value: str) -> None:
    forged = {header: value}
    login = read_page(target.http.get(target.login_url).text, target.login_url)
    forgot_url = next(link.href for link in login.links if link.text == "Forgot your password?")
    page = target.http.get(forgot_url, headers=forged)
    form = read_page(page.text, forgot_url).forms[0]
    cast.expect_mail(name)
    answer = target.http.post(
        form.action,
        data={**form.hidden, form.field_of_type("email", "text"): cast.person(name).person.email},
        headers=forged,
    )
    assert answer.status_code < 500, answer.status_code


@when(
    parsers.parse(
        '{name:w} adds {new:w} as a user, the browser\'s form arriving with the {header} header set to "{value}"'
    )
)
def adds_user_with_forged_header(cast: Cast, target: Target, name: str, new: str, header: str, value: str) -> None:
    relay_form_posts(cast.browser(name), target, header, value)
    adds_user(cast, target, name, new, "Standard user")


@then(parsers.parse("the {kind} email for {name:w} links to the CRM's own address"))
def emailed_link_is_ours(cast: Cast, target: Target, kind: str, name: str) -> None:
    link_text = {"reset": "Reset password", "activation": "Activate now"}[kind]
    link = cast.email(name, subject="").link(link_text)
    assert urlsplit(link).netloc == urlsplit(target.base_url).netloc, link


@then("the link's pages were sent with Referrer-Policy no-referrer")
def pages_without_referrer(cast: Cast, target: Target) -> None:
    member = next(member for member in cast.members.values() if member.browsers)
    pages = cast.pages_visited(member.handle, target.base_url)
    token = _token(cast, member.handle)
    landing = [visit for visit in pages if token in visit.url]
    assert landing, "the emailed link was not opened"
    after_landing = pages[pages.index(landing[0]) :]
    for visit in after_landing:
        assert visit.headers.get("referrer-policy") == "no-referrer", (visit.url, visit.headers)


@then("the page loaded nothing from another site")
def nothing_from_elsewhere(cast: Cast, target: Target) -> None:
    member = next(member for member in cast.members.values() if member.browsers)
    foreign = [visit.url for visit in member.visits if not visit.url.startswith(target.base_url)]
    assert not foreign, foreign


@then("the token is no longer in the address bar")
def token_gone_from_address_bar(cast: Cast) -> None:
    member = next(member for member in cast.members.values() if member.browsers)
    assert _token(cast, member.handle) not in cast.browser(member.handle).url
