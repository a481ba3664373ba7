"""Steps of features/security/sessions.feature."""

from __future__ import annotations

import json
import re
import secrets
from urllib.parse import urlsplit

from playwright.sync_api import expect
from pytest_bdd import given, parsers, scenarios, then, when

from loginspec.targets import Target

from .cast import Cast
from .common.settings_and_maintenance import is_logged_in_to_settings
from .inspection import opens_page, randomness_bits, reveals, session_cookies
from .pages.crm import MainScreen
from .pages.login import LoginPage
from .pages.providers import sign_in_page
from .pages.settings import SettingsScreen, TermsDialog

scenarios("security/sessions.feature")


def _signed_in_url(cast: Cast, name: str) -> str:
    return cast.browser(name).url


def _session_cookies_of(cast: Cast, target: Target, name: str, which: str = "first") -> list[dict]:
    page = cast.browser(name, which)
    marker = cast.person(name).person.name
    return session_cookies(target, page.url, page.context.cookies(target.base_url), marker)


@then("every cookie the CRM set is HttpOnly, SameSite Lax or Strict, with Path / and no Domain")
def cookie_attributes(cast: Cast, target: Target) -> None:
    host = urlsplit(target.base_url).hostname
    cookies = cast.browser("Ann").context.cookies(target.base_url)
    assert cookies
    for cookie in cookies:
        assert cookie["httpOnly"], cookie
        assert cookie["sameSite"] in ("Lax", "Strict"), cookie
        assert cookie["path"] == "/", cookie
        assert cookie["domain"] == host, f"{cookie['name']} is set for {cookie['domain']}, not host-only"


@then("the cookies are Secure when the CRM is served over HTTPS")
def cookies_secure_under_https(cast: Cast, target: Target) -> None:
    cookies = cast.browser("Ann").context.cookies(target.base_url)
    if target.base_url.startswith("https://"):
        assert all(cookie["secure"] and cookie["name"].startswith("__Host-") for cookie in cookies), cookies
    else:
        assert not any(cookie["secure"] for cookie in cookies), "Secure cookies would never come back over HTTP"


@then(parsers.parse("the two browsers hold different session ids of at least {bits:d} bits"))
def distinct_long_session_ids(cast: Cast, target: Target, bits: int) -> None:
    first = _session_cookies_of(cast, target, "Ann", "first")
    second = _session_cookies_of(cast, target, "Ann", "second")
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


@then("the target does not store the session ids themselves")
def session_ids_not_stored(cast: Cast, target: Target) -> None:
    member = cast.person("Ann")
    assert member.account is not None
    stored = json.dumps(target.provisioner.stored_credentials(member.account))
    for which in ("first", "second"):
        for cookie in _session_cookies_of(cast, target, "Ann", which):
            assert cookie["value"] not in stored


def _probe_sign_in(cast: Cast, target: Target, name: str) -> None:
    """Sign in in a browser of its own, the way this person signs in, to learn what a session looks like."""
    probe = cast.browser(name, "probe")
    person = cast.person(name).person
    login = LoginPage(probe, target.login_url).open()
    if cast.company and cast.company.sso_provider:
        login.user_id.fill(person.email)
        login.next_button.click()
        sign_in_page(cast.company.sso_provider, probe).sign_in(person.email, person.password)
    else:
        login.sign_in(cast.user_id(name), person.password)
    MainScreen(probe).expect_open_for(person.name)


@given(parsers.parse("someone has planted session cookies in {name:w}'s browser before {name2:w} logs in"))
def planted_cookies(cast: Cast, target: Target, name: str, name2: str) -> None:
    _probe_sign_in(cast, target, name)
    probe = cast.browser(name, "probe")
    cast.person(name).addresses["signed in"] = probe.url
    real = _session_cookies_of(cast, target, name, "probe")
    planted = [{"name": cookie["name"], "value": secrets.token_urlsafe(16), "url": target.base_url} for cookie in real]
    cast.browser(name).context.add_cookies(planted)  # type: ignore[arg-type]
    cast.planted = planted


@then(parsers.parse("{name:w}'s browser holds session ids other than the planted ones"))
def not_the_planted_ids(cast: Cast, target: Target, name: str) -> None:
    MainScreen(cast.browser(name)).expect_open_for(cast.person(name).person.name)
    held = {cookie["name"]: cookie["value"] for cookie in cast.browser(name).context.cookies(target.base_url)}
    for cookie in cast.planted:
        assert held.get(cookie["name"]) != cookie["value"], f"{cookie['name']} kept the planted value"


@then("the planted session ids open nothing")
def planted_ids_open_nothing(cast: Cast, target: Target) -> None:
    planted = [{"name": cookie["name"], "value": cookie["value"]} for cookie in cast.planted]
    url = cast.person("Ann").addresses["signed in"]
    assert not opens_page(target, url, planted, cast.person("Ann").person.name)


@when(parsers.parse("{name:w} keeps using the CRM every {minutes:d} minutes for {hours:d} hours"))
def keeps_busy(cast: Cast, target: Target, name: str, minutes: int, hours: int) -> None:
    page = cast.browser(name)
    screen = MainScreen(page)
    elapsed = 0
    while elapsed + minutes < hours * 60:
        target.provisioner.advance_clock(minutes * 60)
        elapsed += minutes
        page.reload()
        screen.expect_open_for(cast.person(name).person.name)
    target.provisioner.advance_clock(minutes * 60)


@when(parsers.parse("{admin:w} disables {name:w} in the Users screen"))
def admin_disables(cast: Cast, target: Target, admin: str, name: str) -> None:
    is_logged_in_to_settings(cast, target, admin)
    users = SettingsScreen(cast.browser(admin)).open_users()
    users.task(cast.person(name).person.name, "Disable user")
    expect(users.row(cast.person(name).person.name)).to_contain_text("Disabled")


@when(parsers.parse("{admin:w} changes {name:w}'s role to {role}"))
def admin_changes_role(cast: Cast, admin: str, name: str, role: str) -> None:
    users = SettingsScreen(cast.browser(admin)).open_users()
    users.change_role(cast.person(name).person.name, role)
    expect(users.row(cast.person(name).person.name)).to_contain_text(role)


@when(parsers.parse("{name:w} opens the Users screen again"))
def opens_users_again(cast: Cast, name: str) -> None:
    SettingsScreen(cast.browser(name)).navigation.get_by_role("link", name="Users").click()


@when(parsers.parse("{name:w}'s cookies are noted while the amendment is shown"))
def notes_cookies(cast: Cast, target: Target, name: str) -> None:
    page = cast.browser(name)
    expect(TermsDialog(page).dialog).to_be_visible()
    cast.person(name).saved_cookies = page.context.cookies(target.base_url)


@then(parsers.parse("the cookies noted before the amendment do not open {name:w}'s Users screen"))
def noted_cookies_useless(cast: Cast, target: Target, name: str) -> None:
    users = SettingsScreen(cast.browser(name)).open_users()
    noted = [{"name": cookie["name"], "value": cookie["value"]} for cookie in cast.person(name).saved_cookies]
    now = {cookie["name"]: cookie["value"] for cookie in cast.browser(name).context.cookies(target.base_url)}
    assert any(now.get(cookie["name"]) != cookie["value"] for cookie in noted), "no cookie changed at acceptance"
    assert not opens_page(target, users.page.url, noted, "Add user")


@given(parsers.parse("{name:w} has opened the Service dashboard"))
def has_opened_service(cast: Cast, name: str) -> None:
    page = cast.browser(name)
    cast.person(name).addresses["CRM main screen"] = page.url
    MainScreen(page).go_to("Contact")
    cast.person(name).addresses["a CRM page"] = page.url
    MainScreen(page).go_to("Service")
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("dashboard", re.IGNORECASE))).to_be_visible()
    cast.person(name).addresses["Service dashboard"] = page.url


@when(parsers.parse("the addresses {name:w} visited are opened in a browser that has not signed in"))
def strangers_open_addresses(cast: Cast, target: Target, name: str) -> None:
    stranger = cast.browser(name, "stranger")
    cast.opened = []
    for label, address in cast.person(name).addresses.items():
        stranger.goto(address)
        cast.opened.append((label, stranger.url, LoginPage(stranger, target.login_url).heading.count()))


@then("each of them shows a login screen instead")
def each_shows_login(cast: Cast, target: Target) -> None:
    assert len(cast.opened) >= 3, cast.opened
    for label, url, login_headings in cast.opened:
        assert login_headings == 1, f"{label} opened {url} without a login screen"
    member = next(iter(cast.members.values()))
    expect(MainScreen(member.browsers["stranger"]).signed_in_user).to_have_count(0)


@then("the page was sent with Cache-Control no-store")
def last_page_no_store(cast: Cast, target: Target) -> None:
    member = next(member for member in cast.members.values() if member.browsers)
    page = cast.last_page(member.handle, target.base_url)
    assert "no-store" in page.headers.get("cache-control", ""), (page.url, page.headers)
