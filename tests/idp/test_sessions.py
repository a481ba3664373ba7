"""Provider sessions ending: signed out elsewhere, timed out, or signed out in this browser."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from fake_services.idp import ControlError
from tests.idp.support import (
    Browser,
    Party,
    http_client,
    parse_page,
    redeem,
    redirect_params,
    sign_in,
    start_authorization,
    verified_claims,
)


def test_a_session_made_through_the_control_api_signs_the_browser_in_silently(party: Party, visitor: Browser) -> None:
    cookie = party.provider.control.sign_in_browser(party.email)
    assert (cookie["path"], cookie["httpOnly"], cookie["sameSite"]) == ("/", True, "Lax")
    assert cookie["max_age"] == 12 * 3600  # the fakes' session lifetime
    host = urlsplit(party.provider.control_url).hostname or ""
    visitor.http.cookies.set(cookie["name"], cookie["value"], domain=host)
    params = redirect_params(start_authorization(visitor, party, prompt="none"))
    claims = verified_claims(party, redeem(party, params["code"]).json()["id_token"])
    described = party.provider.control.user(party.email)
    assert claims["iss"] == described["iss"]
    assert claims["sub"] == (described["subs"][party.client_id] if party.is_microsoft else described["sub"])
    assert party.provider.control.end_session(party.email) == 1


def test_a_session_is_made_only_for_a_user_the_provider_has(party: Party) -> None:
    with pytest.raises(ControlError) as refused:
        party.provider.control.sign_in_browser("nobody@" + party.email.partition("@")[2])
    assert refused.value.status_code == 404
    with http_client(party.provider) as http:
        for body in ({}, {"email": 42}, {"email": "x" * 5000}, [party.email]):
            answer = http.post("/_control/sessions", json=body)
            assert answer.status_code == 400, (body, answer.text)
            assert answer.json()["error"]
        truncated = http.post("/_control/sessions", content=b"{", headers={"content-type": "application/json"})
        assert truncated.status_code == 400
    assert party.provider.control.end_session(party.email) == 0


def test_ended_session_needs_a_fresh_sign_in(party: Party, visitor: Browser) -> None:
    sign_in(visitor, party)
    assert party.provider.control.end_session(party.email) == 1
    params = redirect_params(start_authorization(visitor, party, prompt="none"))
    assert params["error"] == "login_required"
    page = parse_page(start_authorization(visitor, party))
    assert page.heading == "Sign in"
    assert party.provider.control.end_session(party.email) == 0


def test_expired_session_asks_for_the_password_again(party: Party, visitor: Browser) -> None:
    sign_in(visitor, party)
    assert party.provider.control.expire_session(party.email) == 1
    params = redirect_params(start_authorization(visitor, party, prompt="none"))
    assert params["error"] == "login_required"

    page = parse_page(start_authorization(visitor, party))
    assert page.heading == ("Enter password" if party.is_microsoft else "Welcome")
    assert party.email in page.response.text
    if party.is_microsoft:
        page = parse_page(visitor.press(page, "Sign in", {"Password": party.password}))
        params = redirect_params(visitor.press(page, "Yes"))
    else:
        params = redirect_params(visitor.press(page, "Next", {"Enter your password": party.password}))
    assert redeem(party, params["code"]).status_code == 200
    assert "code" in redirect_params(start_authorization(visitor, party, prompt="none"))


def test_expired_account_is_marked_signed_out_in_the_chooser(party: Party, visitor: Browser) -> None:
    sign_in(visitor, party)
    party.provider.control.expire_session(party.email)
    page = parse_page(start_authorization(visitor, party, prompt="select_account"))
    (account,) = [text for text in page.button_texts if party.email in text]
    assert "Signed out" in account
    page = parse_page(visitor.press_containing(page, party.email))
    assert page.heading == ("Enter password" if party.is_microsoft else "Welcome")


def test_ending_one_users_session_leaves_other_browsers_alone(party: Party, visitor: Browser) -> None:
    sign_in(visitor, party)
    other = Browser(party.provider)
    sign_in(other, party)
    assert party.provider.control.end_session(party.email) == 2
    for browser in (visitor, other):
        assert redirect_params(start_authorization(browser, party, prompt="none"))["error"] == "login_required"
    other.close()


def test_microsoft_logout_ends_the_session_and_shows_a_page(ms_party: Party, ms_visitor: Browser) -> None:
    sign_in(ms_visitor, ms_party)
    response = ms_visitor.get(f"/{ms_party.realm}/oauth2/v2.0/logout")
    assert response.status_code == 200
    assert parse_page(response).heading == "You signed out of your account"
    assert 'ESTSAUTH=""' in response.headers["set-cookie"]
    assert "login_required" in redirect_params(start_authorization(ms_visitor, ms_party, prompt="none"))["error"]


def test_microsoft_logout_redirects_only_to_a_registered_uri(ms_party: Party, ms_visitor: Browser) -> None:
    signed_out = "http://crm.test:8000/signed-out"
    sign_in(ms_visitor, ms_party)
    response = ms_visitor.get(
        f"/{ms_party.realm}/oauth2/v2.0/logout",
        post_logout_redirect_uri=signed_out,
        client_id=ms_party.client_id,
        state="bye",
    )
    assert response.headers["location"] == f"{signed_out}?state=bye"

    response = ms_visitor.get(
        "/common/oauth2/v2.0/logout", post_logout_redirect_uri="http://evil.test/", client_id=ms_party.client_id
    )
    assert response.status_code == 200
    assert "location" not in response.headers


def test_microsoft_logout_finds_the_client_from_the_id_token_hint(ms_party: Party, ms_visitor: Browser) -> None:
    id_token = redeem(ms_party, sign_in(ms_visitor, ms_party)["code"]).json()["id_token"]
    signed_out = "http://crm.test:8000/signed-out"
    response = ms_visitor.get("/common/oauth2/v2.0/logout", post_logout_redirect_uri=signed_out, id_token_hint=id_token)
    assert response.headers["location"] == signed_out
    forged = id_token[:-4] + ("AAAA" if not id_token.endswith("AAAA") else "BBBB")
    response = ms_visitor.get("/common/oauth2/v2.0/logout", post_logout_redirect_uri=signed_out, id_token_hint=forged)
    assert "location" not in response.headers


def test_microsoft_logout_hint_signs_out_one_account(ms_party: Party, ms_visitor: Browser) -> None:
    sign_in(ms_visitor, ms_party)
    ms_visitor.get("/common/oauth2/v2.0/logout", logout_hint="someone-else@contoso.test")
    assert "code" in redirect_params(start_authorization(ms_visitor, ms_party, prompt="none"))
    ms_visitor.get("/common/oauth2/v2.0/logout", logout_hint=ms_party.email)
    assert redirect_params(start_authorization(ms_visitor, ms_party, prompt="none"))["error"] == "login_required"


def test_google_logout_page_ends_the_session(google_party: Party, google_visitor: Browser) -> None:
    sign_in(google_visitor, google_party)
    response = google_visitor.get("/Logout")
    assert response.status_code == 200
    assert parse_page(response).heading == "Signed out"
    params = redirect_params(start_authorization(google_visitor, google_party, prompt="none"))
    assert params["error"] == "login_required"


def test_microsoft_logout_accepts_a_form_post(ms_party: Party, ms_visitor: Browser) -> None:
    sign_in(ms_visitor, ms_party)
    response = ms_visitor.http.post(
        "/common/oauth2/v2.0/logout",
        data={"post_logout_redirect_uri": "http://crm.test:8000/signed-out", "client_id": ms_party.client_id},
    )
    assert response.headers["location"] == "http://crm.test:8000/signed-out"
    assert redirect_params(start_authorization(ms_visitor, ms_party, prompt="none"))["error"] == "login_required"


def test_use_another_account_on_the_password_page_asks_for_an_email_again(party: Party, visitor: Browser) -> None:
    page = parse_page(start_authorization(visitor, party, login_hint=party.email))
    assert page.heading in ("Enter password", "Welcome") and party.email in page.response.text
    page = parse_page(visitor.press(page, "Use another account"))
    assert page.textbox_labels == [("Email, phone, or Skype" if party.is_microsoft else "Email or phone")]
