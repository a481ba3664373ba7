"""Steps of features/security/requests.feature."""

from __future__ import annotations

import html
import re
import secrets
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from playwright.sync_api import Page, Route, expect
from pytest_bdd import parsers, scenarios, then, when

from loginspec.targets import Target

from .cast import Answer, Cast
from .forms import read_page
from .pages.crm import MainScreen
from .pages.login import LoginPage

scenarios("security/requests.feature")

ATTACKER_ORIGIN = "http://evil.test"
INTERNALS = re.compile(
    r"Traceback|File \"|\.py\", line|sqlite3?\b|SELECT |INSERT INTO|starlette\.|uvicorn|Exception:", re.IGNORECASE
)


def _serve_attacker_page(page: Page, body: str) -> None:
    """An attacker's page at another site (served by the test, never by a real evil.test)."""

    def fulfil(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html", body=body)

    page.route(ATTACKER_ORIGIN + "/**", fulfil)


def _log_out_form(cast: Cast, name: str) -> tuple[str, str]:
    menu = MainScreen(cast.browser(name)).open_personal_settings()
    action, method = menu.get_by_role("menuitem", name="Log out").evaluate(
        "item => [item.form.action, item.form.method]"
    )
    cast.browser(name).keyboard.press("Escape")
    return action, method


@when(parsers.parse("a page on another site makes {name:w}'s browser post to the CRM's Log out address"))
def cross_site_post(cast: Cast, name: str) -> None:
    action, _ = _log_out_form(cast, name)
    attacker = cast.browser(name).context.new_page()
    _serve_attacker_page(
        attacker,
        f'<form method="post" action="{html.escape(action)}"><input name="x" value="1"></form>'
        "<script>document.forms[0].submit()</script>",
    )
    with attacker.expect_navigation(url=re.compile("^" + re.escape(action.split("?")[0]))) as navigation:
        attacker.goto(ATTACKER_ORIGIN + "/win-a-prize")
    assert navigation.value is not None


@then(parsers.parse("{name:w} is still signed in"))
def still_signed_in(cast: Cast, name: str) -> None:
    page = cast.browser(name)
    page.goto(cast.person(name).addresses.setdefault("signed in", page.url))
    MainScreen(page).expect_open_for(cast.person(name).person.name)


@when(parsers.parse("{name:w}'s browser posts to the Log out address without the form's token"))
def same_site_post_without_token(cast: Cast, name: str) -> None:
    page = cast.browser(name)
    cast.person(name).addresses["signed in"] = page.url
    action, _ = _log_out_form(cast, name)
    cast.last_http_status = page.evaluate(
        """async (action) => (await fetch(action, {method: "POST", credentials: "same-origin",
               headers: {"Content-Type": "application/x-www-form-urlencoded"}, body: "x=1"})).status""",
        action,
    )


@then("the CRM refuses it with a 4xx status")
def refused_4xx(cast: Cast) -> None:
    assert 400 <= cast.last_http_status < 500, cast.last_http_status


@when(parsers.parse("{name:w}'s browser opens the Log out address with GET"))
def get_log_out(cast: Cast, name: str) -> None:
    action, _ = _log_out_form(cast, name)
    cast.browser(name).goto(action)


def _return_parameter(cast: Cast, target: Target, name: str) -> str:
    """The query parameter the CRM uses for "come back here after sign-in", found as a user would meet it."""
    probe = cast.browser(name, "probe")
    LoginPage(probe, target.login_url).open().sign_in(cast.user_id(name), cast.person(name).person.password)
    screen = MainScreen(probe)
    screen.expect_open_for(cast.person(name).person.name)
    current = probe.url
    deep_link = next(
        href
        for href in screen.navigator.get_by_role("link").evaluate_all("links => links.map(link => link.href)")
        if href != current and href.startswith(target.base_url)
    )
    answer = target.http.get(deep_link)  # not followed: the redirect itself names the parameter
    location = answer.headers.get("location", "")
    path = urlsplit(deep_link).path
    return next(key for key, value in parse_qsl(urlsplit(location).query) if value == path)


@when(parsers.parse('{name:w} is sent to the login screen with the return address "{address}"'))
def sent_to_login_with_return(cast: Cast, target: Target, name: str, address: str) -> None:
    parameter = _return_parameter(cast, target, name)
    page = cast.browser(name)
    page.goto(target.login_url + "?" + urlencode({parameter: address}))
    LoginPage(page, target.login_url).expect_shown()


@when(parsers.parse("{name:w} logs in on that screen"))
def logs_in_on_screen(cast: Cast, target: Target, name: str) -> None:
    LoginPage(cast.browser(name), target.login_url).sign_in(cast.user_id(name), cast.person(name).person.password)


@then(parsers.parse("{name:w} ends up on the CRM's own site"))
def ends_up_home(cast: Cast, target: Target, name: str) -> None:
    page = cast.browser(name)
    MainScreen(page).expect_open_for(cast.person(name).person.name)
    assert page.url.startswith(target.base_url + "/"), page.url


def _last_page_headers(cast: Cast, target: Target) -> dict[str, str]:
    member = next(member for member in cast.members.values() if member.browsers)
    return cast.last_page(member.handle, target.base_url).headers


@then("the page was sent with a Content-Security-Policy without inline script and with frame-ancestors")
def csp_header(cast: Cast, target: Target) -> None:
    policy = _last_page_headers(cast, target).get("content-security-policy", "")
    directives = {part.split()[0]: part for part in (p.strip() for p in policy.split(";")) if part}
    assert "frame-ancestors" in directives, policy
    script = directives.get("script-src") or directives.get("default-src", "")
    assert script and "'unsafe-inline'" not in script, policy


@then("the page was sent with X-Content-Type-Options nosniff and a Referrer-Policy")
def nosniff_and_referrer(cast: Cast, target: Target) -> None:
    headers = _last_page_headers(cast, target)
    assert headers.get("x-content-type-options") == "nosniff", headers
    assert headers.get("referrer-policy"), headers


@then("the page was sent with Strict-Transport-Security when served over HTTPS")
def hsts_under_https(cast: Cast, target: Target) -> None:
    headers = _last_page_headers(cast, target)
    if target.base_url.startswith("https://"):
        assert "max-age" in headers.get("strict-transport-security", ""), headers
    else:
        assert "strict-transport-security" not in headers, "HSTS over plain HTTP is ignored and misleading"


@then("a page on another site cannot show the login screen in a frame")
def cannot_be_framed(cast: Cast, target: Target) -> None:
    attacker = cast.browser("Ann", "attacker")
    _serve_attacker_page(attacker, f'<h1>Prize</h1><iframe src="{html.escape(target.login_url)}"></iframe>')
    attacker.goto(ATTACKER_ORIGIN + "/framed", wait_until="load")
    expect(attacker.frame_locator("iframe").get_by_role("heading", name="Log in")).to_have_count(0)


def _login_form(target: Target) -> tuple[str, dict[str, str], str]:
    page = read_page(target.http.get(target.login_url).text, target.login_url)
    form = next(form for form in page.forms if form.method == "post" and form.fields)
    return form.action, form.hidden, form.field_of_type("email", "text")


MALFORMED: dict[str, tuple[str, bool]] = {
    # input: (what the form's user ID field carries, whether it is malformed and must get a 4xx)
    "a login form that is not UTF-8": ("%FF%FEann", True),
    "a user ID made of SQL": (quote("' OR '1'='1' --"), False),
    "a user ID with control characters": ("ann%00%07", True),
}


@when(parsers.parse("the CRM receives {input_kind}"))
def crm_receives(cast: Cast, target: Target, input_kind: str) -> None:
    if input_kind == "a request to an address that is not there":
        response = target.http.get(target.url(f"/no-such-page-{secrets.token_hex(4)}"))
        cast.last_answer = Answer(response.status_code, response.text)
        cast.expect_client_error = True
        return
    action, hidden, user_field = _login_form(target)
    encoded_hidden = urlencode(hidden)
    if input_kind == "a form field sent twice":
        body, malformed = f"{encoded_hidden}&{user_field}=ann&{user_field}=ben", True
    else:
        value, malformed = MALFORMED[input_kind]
        body = f"{encoded_hidden}&{user_field}={value}&password=x"
    response = target.http.post(
        action, content=body.encode("ascii"), headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    cast.last_answer = Answer(response.status_code, response.text)
    cast.expect_client_error = malformed


@then("the answer is a 4xx with no stack trace, SQL or internal detail")
def generic_error(cast: Cast) -> None:
    answer = cast.last_answer
    assert answer is not None
    assert answer.status < 500, answer.status
    if cast.expect_client_error:
        assert 400 <= answer.status < 500, answer.status
    assert not INTERNALS.search(answer.text), INTERNALS.search(answer.text)
