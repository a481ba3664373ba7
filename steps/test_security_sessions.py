"""Steps of features/security/sessions.feature."""

from __future__ import annotations

import json
import secrets
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Cookie, Response, expect
from pytest_bdd import given, parsers, scenarios, then, when

from loginspec.contract import Contract
from loginspec.targets import Target

from .cast import Cast
from .common.clock import span
from .inspection import opens_in_a_new_browser, randomness_bits, reveals, session_cookies
from .journeys import expect_main_screen, log_in, log_in_the_usual_way
from .pages.crm import MainScreen
from .pages.login import LoginPage
from .pages.service import ServiceDashboard, ServiceLanding
from .pages.settings import SettingsLoginPage, SettingsScreen, TermsDialog, UsersPage

scenarios("security/sessions.feature")


@pytest.fixture
def browser_traffic() -> bool:
    """Steps here read the headers of the last page shown."""
    return True


@pytest.fixture
def planted_cookies() -> list[dict[str, str]]:
    """The cookies someone planted in a browser before its owner signed in."""
    return []


@pytest.fixture
def opened_by_a_stranger() -> list[tuple[str, str, int]]:
    """(what it was, where the stranger ended up, how many login headings it showed) for each address."""
    return []


def _session_cookies_of(cast: Cast, target: Target, name: str, which: str = "first") -> list[Cookie]:
    """Worked out once per browser and scenario: each answer costs a browser per cookie."""
    known = cast.person(name).session_cookies
    if which not in known:
        page = cast.browser(name, which)
        cookies = page.context.cookies(target.base_url)
        known[which] = session_cookies(cast, target, page.url, cookies, cast.person(name).person.name)
    return known[which]


@then("every cookie the CRM set is HttpOnly, SameSite Lax or Strict, with Path / and no Domain")
def cookie_attributes(cast: Cast, target: Target) -> None:
    host = urlsplit(target.base_url).hostname
    cookies = cast.browser(next(iter(cast.members))).context.cookies(target.base_url)
    assert cookies
    for cookie in cookies:
        assert cookie["httpOnly"], cookie
        assert cookie["sameSite"] in ("Lax", "Strict"), cookie
        assert cookie["path"] == "/", cookie
        assert cookie["domain"] == host, f"{cookie['name']} is set for {cookie['domain']}, not host-only"


@then("every cookie the CRM sent said so itself, whatever a browser would assume")
def cookie_headers_say_so(cast: Cast, target: Target) -> None:
    """A cookie sent without SameSite is Lax in this browser but not in every browser: the Set-Cookie headers
    of a whole sign-in (in a browser of its own) must say it themselves."""
    name = next(iter(cast.members))
    page = cast.browser(name, "cookie probe")
    answers: list[Response] = []
    page.on("response", lambda response: answers.append(response))
    log_in(cast, target, name, browser="cookie probe")
    expect_main_screen(cast, target, name, browser="cookie probe")
    lines = [
        header["value"]
        for answer in answers
        if answer.url.startswith(target.base_url)
        for header in answer.headers_array()
        if header["name"].lower() == "set-cookie"
    ]
    assert lines, "the CRM sent no cookies"
    for line in lines:
        attributes = {part.strip().split("=", 1)[0].lower(): part.strip() for part in line.split(";")[1:]}
        assert "httponly" in attributes, line
        assert attributes.get("samesite", "").split("=")[-1].strip().lower() in ("lax", "strict"), line
        assert "domain" not in attributes, line
        if target.base_url.startswith("https://"):
            assert "secure" in attributes and line.startswith("__Host-"), line


@then("the cookies are Secure when the CRM is served over HTTPS")
def cookies_secure_under_https(cast: Cast, target: Target) -> None:
    cookies = cast.browser(next(iter(cast.members))).context.cookies(target.base_url)
    if target.base_url.startswith("https://"):
        assert all(cookie["secure"] and cookie["name"].startswith("__Host-") for cookie in cookies), cookies
    else:
        assert not any(cookie["secure"] for cookie in cookies), "Secure cookies would never come back over HTTP"


@then(parsers.parse("the two browsers hold different session ids of at least {bits:d} bits"))
def distinct_long_session_ids(cast: Cast, target: Target, bits: int) -> None:
    name = next(iter(cast.members))
    first = _session_cookies_of(cast, target, name, "first")
    second = _session_cookies_of(cast, target, name, "second")
    assert first and second
    assert {cookie["value"] for cookie in first}.isdisjoint(cookie["value"] for cookie in second)
    for cookie in first + second:
        assert randomness_bits(cookie["value"]) >= bits, cookie


@then(parsers.parse("the session ids reveal nothing about {name:w}"))
def session_ids_reveal_nothing(cast: Cast, target: Target, name: str) -> None:
    person = cast.person(name).person
    for cookie in _session_cookies_of(cast, target, name):
        assert not reveals(
            cookie["value"], [person.email, person.username, person.name, person.first_name, person.last_name]
        )


@then(parsers.parse("the target does not store {name:w}'s session ids themselves"))
def session_ids_not_stored(cast: Cast, target: Target, contract: Contract, name: str) -> None:
    contract.require("storage_audit")
    member = cast.person(name)
    assert member.account is not None
    stored = json.dumps(target.provisioner.stored_credentials(member.account))
    for which in ("first", "second"):
        for cookie in _session_cookies_of(cast, target, name, which):
            assert cookie["value"] not in stored


@given(parsers.parse("someone has planted session cookies in {name:w}'s browser before {name2:w} logs in"))
def plants_cookies(cast: Cast, target: Target, planted_cookies: list[dict[str, str]], name: str, name2: str) -> None:
    """Cookies named like the CRM's session cookies (learnt by signing in elsewhere), with made-up values."""
    probe = log_in_the_usual_way(cast, target, name, browser="probe")
    expect_main_screen(cast, target, name, browser="probe")
    cast.person(name).addresses["signed in"] = probe.url
    real = _session_cookies_of(cast, target, name, "probe")
    planted_cookies += [
        {"name": str(cookie["name"]), "value": secrets.token_urlsafe(16), "url": target.base_url} for cookie in real
    ]
    cast.browser(name).context.add_cookies(
        [{"name": c["name"], "value": c["value"], "url": c["url"]} for c in planted_cookies]
    )


@then(parsers.parse("{name:w}'s browser holds session ids other than the planted ones"))
def not_the_planted_ids(cast: Cast, target: Target, planted_cookies: list[dict[str, str]], name: str) -> None:
    MainScreen(cast.browser(name), target).expect_open_for(cast.person(name).person.name)
    held = {cookie["name"]: cookie["value"] for cookie in cast.browser(name).context.cookies(target.base_url)}
    for cookie in planted_cookies:
        assert held.get(cookie["name"]) != cookie["value"], f"{cookie['name']} kept the planted value"


@then(parsers.parse("the planted session ids open nothing of {name:w}'s"))
def planted_ids_open_nothing(cast: Cast, target: Target, planted_cookies: list[dict[str, str]], name: str) -> None:
    member = cast.person(name)
    assert not opens_in_a_new_browser(cast, target, member.addresses["signed in"], planted_cookies, member.person.name)


@when(parsers.parse("{name:w} keeps using the CRM, never idle for long, until the absolute timeout has passed"))
def keeps_busy(cast: Cast, target: Target, contract: Contract, name: str) -> None:
    """Steps of just under the idle timeout, each followed by a request, until a second past the absolute one."""
    page = cast.browser(name)
    screen = MainScreen(page, target)
    idle, absolute = span(contract, "idle timeout"), span(contract, "absolute timeout")
    step = idle - 1
    elapsed = 0
    while elapsed + step <= absolute:
        target.advance_clock(step)
        elapsed += step
        page.reload()
        screen.expect_open_for(cast.person(name).person.name)
    target.advance_clock(absolute + 1 - elapsed)


@when(parsers.parse("{admin:w} changes {name:w}'s role to {role}"))
def admin_changes_role(cast: Cast, target: Target, contract: Contract, admin: str, name: str, role: str) -> None:
    users = SettingsScreen(cast.browser(admin), target).open_users()
    users.change_role(cast.person(name).person.name, contract.role(role))
    expect(users.row(cast.person(name).person.name)).to_contain_text(contract.role(role))


@when(parsers.parse("{name:w} opens the Users screen again"))
def opens_users_again(cast: Cast, target: Target, name: str) -> None:
    SettingsScreen(cast.browser(name), target).open_users_link()


@when(parsers.parse("{name:w}'s cookies are noted while the amendment is shown"))
def notes_cookies(cast: Cast, target: Target, name: str) -> None:
    page = cast.browser(name)
    expect(TermsDialog(page, target).dialog).to_be_visible()
    cast.person(name).saved_cookies = page.context.cookies(target.base_url)


@then(parsers.parse("the cookies noted before the amendment do not open {name:w}'s Users screen"))
def noted_cookies_useless(cast: Cast, target: Target, name: str) -> None:
    users_url = SettingsScreen(cast.browser(name), target).open_users().page.url
    noted = cast.person(name).saved_cookies
    now = {cookie["name"]: cookie["value"] for cookie in cast.browser(name).context.cookies(target.base_url)}
    assert any(now.get(cookie["name"]) != cookie["value"] for cookie in noted), "no cookie changed at acceptance"
    replay = cast.new_page()
    try:
        replay.context.add_cookies([{"name": c["name"], "value": c["value"], "url": target.base_url} for c in noted])
        replay.goto(users_url)
        table, login = UsersPage(replay, target).table, SettingsLoginPage(replay, target).heading
        terms = TermsDialog(replay, target).dialog
        expect(table.or_(login).or_(terms).first).to_be_visible()
        expect(table).to_have_count(0)
    finally:
        replay.context.close()


@given(parsers.parse("{name:w} has opened the Service dashboard"))
def has_opened_service(cast: Cast, target: Target, name: str) -> None:
    page = cast.browser(name)
    screen = MainScreen(page, target)
    cast.person(name).addresses["CRM main screen"] = page.url
    cast.person(name).addresses["a CRM page"] = screen.other_areas()[0]
    screen.go_to_service()
    landing = ServiceLanding(page, target)
    landing.expect_shown()
    landing.log_in_button.click()
    ServiceDashboard(page, target).expect_open_for(cast.person(name).person.name)
    cast.person(name).addresses["Service dashboard"] = page.url


@when(parsers.parse("the addresses {name:w} visited are opened in a browser that has not signed in"))
def strangers_open_addresses(
    cast: Cast, target: Target, opened_by_a_stranger: list[tuple[str, str, int]], name: str
) -> None:
    stranger = cast.browser(name, "stranger")
    for label, address in cast.person(name).addresses.items():
        stranger.goto(address)
        login = LoginPage(stranger, target)
        signed_in = MainScreen(stranger, target).signed_in_user
        expect(login.heading.or_(signed_in).first).to_be_visible()
        opened_by_a_stranger.append((label, stranger.url, login.heading.count()))


@then("each of them shows a login screen instead")
def each_shows_login(cast: Cast, target: Target, opened_by_a_stranger: list[tuple[str, str, int]]) -> None:
    assert len(opened_by_a_stranger) >= 3, opened_by_a_stranger
    for label, url, login_headings in opened_by_a_stranger:
        assert login_headings == 1, f"{label} opened {url} without a login screen"
    member = next(iter(cast.members.values()))
    expect(MainScreen(member.browsers["stranger"], target).signed_in_user).to_have_count(0)


@then("the page was sent with Cache-Control no-store")
def last_page_no_store(cast: Cast, target: Target) -> None:
    member = next(member for member in cast.members.values() if member.browsers)
    page = cast.last_page(member.handle, target.base_url)
    assert "no-store" in page.headers.get("cache-control", ""), (page.url, page.headers)
