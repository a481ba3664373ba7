"""The pure helpers steps use: emailed-link tokens, judging secrets, reading forms."""

from __future__ import annotations

import base64
import json
import math
import secrets
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from loginspec.people import PersonFactory
from steps.cast import Cast
from steps.inspection import decoded_forms, randomness_bits, reveals
from steps.links import tamper, token_of

from .conftest import ReferenceApp
from .html_forms import read_page

TOKEN = "Zq3xN8vLk2PwR7tYb5mC1dHs"  # 24 characters, as the app's links carry them
PATH_LINK = f"http://crm.test:8000/activate/{TOKEN}"
QUERY_LINK = f"http://crm.test:8000/password/reset?lang=en&token={TOKEN}&next=%2Fcrm#top"
WAYS = (
    "with one character changed",
    "with its first character changed",
    "with the token cut short",
    "with characters added to the token",
    "with the token's letters in the other case",
    "with a token nobody was sent",
)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# steps.links


@pytest.mark.parametrize("link", [PATH_LINK, QUERY_LINK, f"{PATH_LINK}/confirm", f"{PATH_LINK}?lang=en"])
def test_token_of_finds_the_token(link: str) -> None:
    assert token_of(link) == TOKEN


def test_token_of_takes_the_longest_candidate() -> None:
    short = "a" * 16
    assert token_of(f"http://crm.test/x/{short}?t={TOKEN}") == TOKEN
    assert token_of(f"http://crm.test/x/{TOKEN}?t={short}") == TOKEN


@pytest.mark.parametrize("link", ["http://crm.test/activate/short", "http://crm.test/reset?token=tooshort"])
def test_token_of_refuses_a_link_without_a_token(link: str) -> None:
    with pytest.raises(AssertionError, match="no token-like part"):
        token_of(link)


def rest_of(link: str, token: str) -> tuple[str, str, str, list[tuple[str, str]], str]:
    """The link with its token blanked: what tampering must leave alone."""
    parts = urlsplit(link)
    path = "/".join("<token>" if segment == token else segment for segment in parts.path.split("/"))
    query = [(key, "<token>" if value == token else value) for key, value in parse_qsl(parts.query)]
    return parts.scheme, parts.netloc, path, query, parts.fragment


@pytest.mark.parametrize("link", [PATH_LINK, QUERY_LINK])
@pytest.mark.parametrize("how", WAYS)
def test_tamper_changes_only_the_token(link: str, how: str) -> None:
    changed = tamper(link, how)
    # A token cut short is too short for token_of to find; it must be the first half, in the same place.
    new_token = TOKEN[: len(TOKEN) // 2] if how == "with the token cut short" else token_of(changed)
    assert new_token != TOKEN
    assert rest_of(changed, new_token) == rest_of(link, TOKEN)


def test_one_character_changed_means_exactly_the_last_one() -> None:
    changed = token_of(tamper(PATH_LINK, "with one character changed"))
    assert len(changed) == len(TOKEN)
    assert [i for i, (a, b) in enumerate(zip(changed, TOKEN, strict=True)) if a != b] == [len(TOKEN) - 1]
    ending_in_a = PATH_LINK[:-1] + "A"
    assert token_of(tamper(ending_in_a, "with one character changed"))[-1] == "B"


def test_the_other_ways_change_the_start_the_end_or_the_case() -> None:
    assert token_of(tamper(PATH_LINK, "with its first character changed"))[1:] == TOKEN[1:]
    assert token_of(tamper(PATH_LINK, "with characters added to the token")).startswith(TOKEN)
    assert token_of(tamper(PATH_LINK, "with the token's letters in the other case")).lower() == TOKEN.lower()


def test_cut_short_is_the_first_half() -> None:
    assert tamper(PATH_LINK, "with the token cut short") == f"http://crm.test:8000/activate/{TOKEN[:12]}"


def test_a_token_nobody_was_sent_is_new_and_as_long() -> None:
    tokens = {token_of(tamper(PATH_LINK, "with a token nobody was sent")) for _ in range(20)}
    assert len(tokens) == 20
    assert TOKEN not in tokens
    assert {len(token) for token in tokens} == {len(TOKEN)}


def test_tamper_refuses_an_unknown_way() -> None:
    with pytest.raises(ValueError, match="unknown way"):
        tamper(PATH_LINK, "with the token reversed")


# steps.inspection


def test_randomness_bits_by_alphabet() -> None:
    assert randomness_bits("0123456789abcdef" * 2) == 128  # hex: 4 bits a character
    assert randomness_bits(secrets.token_hex(16)) == 128
    assert randomness_bits("A" * 20 + "_-xyz") == 25 * 6  # base64url: 6 bits a character
    assert randomness_bits(secrets.token_urlsafe(32)) == 43 * 6
    assert randomness_bits("ab.ab.ab") == pytest.approx(8 * math.log2(3))  # otherwise: the characters it uses
    assert randomness_bits("%%%%") == 0
    assert randomness_bits("") == 0


def test_decoded_forms() -> None:
    assert decoded_forms(b64url(b"hello world")) == ["hello world"]
    assert decoded_forms("not-base64!.aGVsbG8") == ["hello"]
    assert decoded_forms("68656c6c6f")[-1] == "hello"


def test_reveals_an_email_hidden_in_a_base64url_token() -> None:
    email = "ann.lee.1a2b3c@acme-1f2e3d.test"
    token = b64url(json.dumps({"user": email, "purpose": "activate"}).encode())
    found = reveals(token, [email.upper(), "Ann", "Lee"])
    assert email in found  # case-insensitively
    assert "ann" not in found and "lee" not in found  # too short to tell anything: random tokens hold them too
    assert any(fact.startswith("structured text") for fact in found)


def test_reveals_an_email_in_plain_hex_and_in_clear() -> None:
    email = "bo@example.test"
    assert email in reveals(email.encode().hex(), [email])
    assert email in reveals(f"session-for-{email}", [email])


def test_reveals_nothing_in_random_tokens() -> None:
    # Names of eight letters and more; reveals ignores shorter facts, which random tokens hold by chance.
    facts = ["margaret.hernandez.1a2b3c@acme-1f2e3d.test", "mhernandez1a2b3c", "Margaret", "Hernandez"]
    for _ in range(200):
        assert reveals(secrets.token_urlsafe(32), facts) == []
        assert reveals(secrets.token_hex(32), facts) == []


def test_a_short_name_is_not_found_in_a_random_token() -> None:
    token = "Wq8ZslIv0Rk3TfVbN5HcYp7MdJ2sGa4EuXo6AnnQk1g"  # shaped like secrets.token_urlsafe(32)
    assert reveals(token, ["Li", "Ann"]) == []


def test_empty_facts_are_not_found_everywhere() -> None:
    assert reveals(secrets.token_urlsafe(32), ["", "ann@x.test"]) == []


def test_reveals_an_email_in_a_jwt_shaped_token() -> None:
    email = "ann.lee.1a2b3c@acme-1f2e3d.test"
    header = b64url(b'{"alg":"HS256","typ":"JWT"}')
    jwt = f"{header}.{b64url(json.dumps({'sub': email}).encode())}.{b64url(secrets.token_bytes(32))}"
    assert email in reveals(jwt, [email])


# the HTML form reader of these tests

LOGIN_PAGE = """<!doctype html>
<html><body>
<form method="POST" action="/login">
  <input type="hidden" name="csrf_token" value="abc123">
  <input type="hidden" name="next" value="/crm?x=1&amp;y=2">
  <input type="hidden" name="empty">
  <label for="user_id">User ID</label><input id="user_id" name="user_id">
  <input name="password" type="PASSWORD" required>
  <input type="checkbox" name="remember" value="1">
  <input type="submit" name="go" value="Log in">
  <button type="submit">Log in</button>
  <input type="text" value="no name">
</form>
<form action="https://sso.example.test/start"><input type="email" name="email"/></form>
<form><input type="search" name="q"></form>
<nav>
  <a href="/password/forgot">Forgot your
      password?</a>
  <a href="help/login"><span>Trouble</span> logging in?</a>
  <a href="https://support.example.test/">Support &amp; contact</a>
  <a name="anchor">not a link</a>
</nav>
</body></html>"""


@pytest.fixture
def page_url() -> str:
    return "http://crm.test:8000/login?next=/crm"


def test_read_page_reads_a_form(page_url: str) -> None:
    page = read_page(LOGIN_PAGE, page_url)
    login = page.forms[0]
    assert login.action == "http://crm.test:8000/login"  # absolute
    assert login.method == "post"
    assert login.hidden == {"csrf_token": "abc123", "next": "/crm?x=1&y=2", "empty": ""}
    assert login.fields == [("user_id", "text"), ("password", "password")]
    assert login.field_of_type("password") == "password"
    assert login.field_of_type("email", "text") == "user_id"


def test_read_page_reads_every_form(page_url: str) -> None:
    sso, search = read_page(LOGIN_PAGE, page_url).forms[1:]
    assert (sso.action, sso.method, sso.fields) == ("https://sso.example.test/start", "get", [("email", "email")])
    assert search.action == page_url  # no action: the page itself
    assert search.fields == [("q", "search")]


def test_read_page_reads_links_with_their_text(page_url: str) -> None:
    links = [(link.href, link.text) for link in read_page(LOGIN_PAGE, page_url).links]
    assert links == [
        ("http://crm.test:8000/password/forgot", "Forgot your password?"),
        ("http://crm.test:8000/help/login", "Trouble logging in?"),
        ("https://support.example.test/", "Support & contact"),
    ]


def test_a_page_without_forms_or_links(page_url: str) -> None:
    page = read_page("<p>Nothing <input name='stray'> here</p>", page_url)
    assert page.forms == [] and page.links == []


def test_an_input_after_the_form_is_not_part_of_it(page_url: str) -> None:
    html = '<form action="/login"><input name="user_id"></form><input type="search" name="site_search">'
    assert read_page(html, page_url).forms[0].fields == [("user_id", "text")]


def test_read_page_reads_the_reference_apps_login_page(reference_apps: dict[str, ReferenceApp]) -> None:
    url = reference_apps["onsite"].url + "/login"
    page = read_page(httpx.get(url).text, url)
    (form,) = page.forms
    assert form.action == url and form.method == "post"
    assert set(form.hidden) == {"csrf_token", "next"} and form.hidden["csrf_token"]
    assert form.fields == [("user_id", "text"), ("password", "password")]
    texts = {link.text: link.href for link in page.links}
    assert texts["Forgot your password?"] == reference_apps["onsite"].url + "/password/forgot"
    assert texts["Trouble logging in?"] == reference_apps["onsite"].url + "/help/login"


# steps.interception


def test_a_request_sent_as_another_browser_takes_that_browsers_hidden_values() -> None:
    from steps.interception import Submission, in_another_browser

    theirs = Submission(
        "http://crm.test/activate",
        "POST",
        {"content-type": "application/x-www-form-urlencoded"},
        b"csrf_token=BENS&password=bens+secret&confirm_password=bens+secret&extra=1",
    )
    own = Submission("http://crm.test/activate/sso", "POST", {}, b"csrf_token=ANNS&email=ann%40x.test")
    sent = in_another_browser(theirs, own, {"bens secret": "anns new secret"})
    assert (sent.url, sent.method) == (theirs.url, "POST")
    assert sent.form_fields == [
        ("csrf_token", "ANNS"),
        ("password", "anns new secret"),
        ("confirm_password", "anns new secret"),
        ("extra", "1"),
    ]


# steps.cast


def test_reading_browser_traffic_where_none_is_recorded_fails_instead_of_finding_nothing() -> None:
    def no_browser(**options: object) -> object:
        raise AssertionError("no browser is needed here")

    cast = Cast(SimpleNamespace(), PersonFactory(), no_browser)  # type: ignore[arg-type]
    for read in (cast.requests_made, cast.responses, cast.authorizations, cast.authorizations_since_mark):
        with pytest.raises(AssertionError, match="browser_traffic"):
            read("Ann")
    recording = Cast(SimpleNamespace(), PersonFactory(), no_browser, records_traffic=True)  # type: ignore[arg-type]
    assert recording.requests_made("Ann") == [] and recording.responses("Ann") == []
