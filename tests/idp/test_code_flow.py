"""The authorization code flow end to end: pages, sessions, prompts, and the tokens."""

from __future__ import annotations

import re
import time

import pytest

from fake_services.idp import MicrosoftProvider
from fake_services.idp.tokens import left_half_hash
from tests.idp.support import (
    Browser,
    Party,
    http_client,
    parse_page,
    redeem,
    redirect_params,
    sign_in,
    start_authorization,
    tokens_for,
    unverified_parts,
    verified_claims,
)

GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def test_microsoft_pages_and_tokens(ms_party: Party, ms_visitor: Browser) -> None:
    page = parse_page(start_authorization(ms_visitor, ms_party))
    assert page.response.status_code == 200
    assert page.heading == "Sign in"
    assert page.textbox_labels == ["Email, phone, or Skype"]
    assert page.button_texts == ["Next", "Cancel"]

    page = parse_page(ms_visitor.press(page, "Next", {"Email, phone, or Skype": ms_party.email}))
    assert page.heading == "Enter password"
    assert ms_party.email in page.response.text
    assert page.textbox_labels == ["Password"]
    assert page.form.textboxes["Password"][1] == "password"
    assert page.button_texts == ["Sign in", "Use another account", "Cancel"]

    page = parse_page(ms_visitor.press(page, "Sign in", {"Password": ms_party.password}))
    assert page.heading == "Stay signed in?"
    assert page.button_texts == ["No", "Yes"]

    response = ms_visitor.press(page, "Yes")
    params = redirect_params(response)
    assert response.headers["location"].startswith(ms_party.redirect_uri + "?")
    assert set(params) == {"code", "state"}
    assert params["state"] == ms_party.state

    token_response = redeem(ms_party, params["code"])
    assert token_response.status_code == 200
    assert token_response.headers["cache-control"] == "no-store"
    body = token_response.json()
    assert set(body) == {"token_type", "scope", "expires_in", "ext_expires_in", "access_token", "id_token"}
    assert body["token_type"] == "Bearer"
    assert body["scope"] == "openid profile email"

    claims = verified_claims(ms_party, body["id_token"])
    header, _, _ = unverified_parts(body["id_token"])
    kid = ms_party.provider.control.keys()["signing_kid"]
    assert header == {"typ": "JWT", "alg": "RS256", "x5t": kid, "kid": kid}
    now = time.time()
    assert claims["iss"] == f"{ms_party.provider.base_url}/{ms_party.realm}/v2.0"
    assert claims["aud"] == ms_party.client_id
    assert claims["tid"] == ms_party.realm
    assert claims["oid"] == ms_party.user["oid"] and GUID.fullmatch(claims["oid"])
    assert claims["sub"] == ms_party.user["subs"][ms_party.client_id]
    assert claims["sub"] != claims["oid"] and len(claims["sub"]) == 43
    assert claims["ver"] == "2.0"
    assert claims["nonce"] == ms_party.nonce
    assert claims["preferred_username"] == claims["email"] == ms_party.email
    assert claims["name"] == ms_party.name
    assert claims["iat"] == claims["nbf"] and abs(claims["iat"] - now) < 5
    assert claims["exp"] == claims["iat"] + 3600
    assert "auth_time" not in claims

    with http_client(ms_party.provider) as http:
        userinfo = http.get("/oidc/userinfo", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert userinfo.json() == {"sub": claims["sub"], "name": ms_party.name, "email": ms_party.email}


def test_google_pages_and_tokens(google_party: Party, google_visitor: Browser) -> None:
    page = parse_page(start_authorization(google_visitor, google_party))
    assert page.heading == "Sign in"
    assert page.textbox_labels == ["Email or phone"]
    assert page.button_texts == ["Next", "Cancel"]

    page = parse_page(google_visitor.press(page, "Next", {"Email or phone": google_party.email}))
    assert page.heading == "Welcome"
    assert google_party.email in page.response.text
    assert page.textbox_labels == ["Enter your password"]
    assert page.button_texts == ["Next", "Use another account", "Cancel"]

    params = redirect_params(google_visitor.press(page, "Next", {"Enter your password": google_party.password}))
    assert params["state"] == google_party.state
    assert params["hd"] == "acme.test"
    assert params["authuser"] == "0"
    assert params["scope"] == (
        "openid https://www.googleapis.com/auth/userinfo.profile https://www.googleapis.com/auth/userinfo.email"
    )

    body = redeem(google_party, params["code"], auth="post").json()
    assert set(body) == {"access_token", "expires_in", "scope", "token_type", "id_token"}
    assert body["access_token"].startswith("ya29.")
    claims = verified_claims(google_party, body["id_token"])
    assert claims["iss"] == google_party.provider.base_url
    assert claims["aud"] == claims["azp"] == google_party.client_id
    assert re.fullmatch(r"\d{21}", claims["sub"]) and claims["sub"] == google_party.user["sub"]
    assert claims["hd"] == "acme.test"
    assert claims["email"] == google_party.email
    assert claims["email_verified"] is True
    assert (claims["name"], claims["given_name"], claims["family_name"]) == ("Gina Acme", "Gina", "Acme")
    assert claims["picture"] == google_party.user["picture"]
    assert claims["picture"].startswith("https://lh3.googleusercontent.com/a/")
    assert claims["locale"] == "en"
    assert claims["nonce"] == google_party.nonce
    assert claims["at_hash"] == left_half_hash(body["access_token"])
    assert claims["exp"] == claims["iat"] + 3600
    assert "nbf" not in claims

    with http_client(google_party.provider) as http:
        userinfo = http.get("/v1/userinfo", headers={"Authorization": f"Bearer {body['access_token']}"}).json()
    assert userinfo == {
        "sub": claims["sub"],
        "name": "Gina Acme",
        "given_name": "Gina",
        "family_name": "Acme",
        "picture": claims["picture"],
        "locale": "en",
        "email": google_party.email,
        "email_verified": True,
        "hd": "acme.test",
    }


def test_google_consumer_account_has_no_hd(google_party: Party, google_visitor: Browser) -> None:
    consumer = google_party.provider.control.add_user("sam@gmail.test", "pw-sam-123", "Sam Consumer")
    assert consumer["hd"] is None
    google_party.email, google_party.password = "sam@gmail.test", "pw-sam-123"
    claims = verified_claims(google_party, tokens_for(google_visitor, google_party)["id_token"])
    assert "hd" not in claims
    assert claims["email"] == "sam@gmail.test"
    assert claims["sub"] == consumer["sub"]


def test_session_cookie_is_httponly_and_lax(party: Party, visitor: Browser) -> None:
    page = parse_page(start_authorization(visitor, party))
    if party.is_microsoft:
        page = parse_page(visitor.press(page, "Next", {"Email, phone, or Skype": party.email}))
        page = parse_page(visitor.press(page, "Sign in", {"Password": party.password}))
        response = visitor.press(page, "Yes")
    else:
        page = parse_page(visitor.press(page, "Next", {"Email or phone": party.email}))
        response = visitor.press(page, "Next", {"Enter your password": party.password})
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    assert "Path=/" in cookie
    assert "Max-Age=" in cookie


def test_microsoft_no_to_stay_signed_in_gives_a_browser_session_cookie(ms_party: Party, ms_visitor: Browser) -> None:
    page = parse_page(start_authorization(ms_visitor, ms_party))
    page = parse_page(ms_visitor.press(page, "Next", {"Email, phone, or Skype": ms_party.email}))
    page = parse_page(ms_visitor.press(page, "Sign in", {"Password": ms_party.password}))
    response = ms_visitor.press(page, "No")
    assert "code" in redirect_params(response)
    assert "Max-Age" not in response.headers["set-cookie"]
    assert "HttpOnly" in response.headers["set-cookie"]


def test_second_sign_in_in_the_same_browser_is_silent(party: Party, visitor: Browser) -> None:
    first = sign_in(visitor, party)
    second = redirect_params(start_authorization(visitor, party, state="second"))
    assert second["state"] == "second"
    assert second["code"] != first["code"]
    assert redeem(party, second["code"]).status_code == 200

    other_browser = Browser(party.provider)
    assert start_authorization(other_browser, party).status_code == 200
    other_browser.close()


def test_prompt_none_without_a_session_answers_login_required(party: Party, visitor: Browser) -> None:
    params = redirect_params(start_authorization(visitor, party, prompt="none"))
    assert params["error"] == "login_required"
    assert params["state"] == party.state
    assert "code" not in params
    if party.is_microsoft:
        assert params["error_description"].startswith("AADSTS50058: A silent sign-in request was sent")
        assert params["error_uri"].endswith("/error?code=50058")


def test_prompt_none_with_a_session_is_silent(party: Party, visitor: Browser) -> None:
    sign_in(visitor, party)
    params = redirect_params(start_authorization(visitor, party, prompt="none"))
    assert "code" in params and "error" not in params


def test_prompt_login_forces_the_password_page(party: Party, visitor: Browser) -> None:
    sign_in(visitor, party)
    page = parse_page(start_authorization(visitor, party, prompt="login"))
    assert page.heading == ("Enter password" if party.is_microsoft else "Welcome")
    assert party.email in page.response.text


def test_max_age_zero_forces_the_password_and_reports_auth_time(party: Party, visitor: Browser) -> None:
    sign_in(visitor, party)
    page = parse_page(start_authorization(visitor, party, max_age="0"))
    assert page.heading == ("Enter password" if party.is_microsoft else "Welcome")
    if party.is_microsoft:
        page = parse_page(visitor.press(page, "Sign in", {"Password": party.password}))
        response = visitor.press(page, "Yes")
    else:
        response = visitor.press(page, "Next", {"Enter your password": party.password})
    claims = verified_claims(party, redeem(party, redirect_params(response)["code"]).json()["id_token"])
    assert abs(claims["auth_time"] - time.time()) < 5


def test_select_account_lists_the_signed_in_account(party: Party, visitor: Browser) -> None:
    sign_in(visitor, party)
    page = parse_page(start_authorization(visitor, party, prompt="select_account"))
    assert page.heading == ("Pick an account" if party.is_microsoft else "Choose an account")
    assert any(party.email in text for text in page.button_texts)
    assert "Use another account" in page.button_texts

    params = redirect_params(visitor.press_containing(page, party.email))
    assert "code" in params

    page = parse_page(start_authorization(visitor, party, prompt="select_account"))
    page = parse_page(visitor.press(page, "Use another account"))
    assert page.heading == "Sign in"


def add_second_user(party: Party) -> tuple[str, str]:
    email, password = "bob@contoso.test" if party.is_microsoft else "bob@acme.test", "bobs password"
    if party.is_microsoft:
        party.provider.control.add_user(email, password, "Bob Builder", tenant=party.realm)
    else:
        party.provider.control.add_user(email, password, "Bob Builder", domain=party.realm)
    return email, password


def test_two_accounts_in_one_browser(party: Party, visitor: Browser) -> None:
    sign_in(visitor, party)
    bob, bobs_password = add_second_user(party)
    party.email, party.password = bob, bobs_password
    page = parse_page(start_authorization(visitor, party, prompt="select_account"))
    page = parse_page(visitor.press(page, "Use another account"))
    label = "Email, phone, or Skype" if party.is_microsoft else "Email or phone"
    page = parse_page(visitor.press(page, "Next", {label: bob}))
    if party.is_microsoft:
        page = parse_page(visitor.press(page, "Sign in", {"Password": bobs_password}))
        params = redirect_params(visitor.press(page, "Yes"))
    else:
        params = redirect_params(visitor.press(page, "Next", {"Enter your password": bobs_password}))
        assert params["authuser"] == "1"
    assert "code" in params

    chooser = parse_page(start_authorization(visitor, party))
    assert chooser.heading == ("Pick an account" if party.is_microsoft else "Choose an account")
    assert len([text for text in chooser.button_texts if "@" in text]) == 2

    silent = redirect_params(start_authorization(visitor, party, prompt="none"))
    if party.is_microsoft:
        assert silent["error"] == "interaction_required"
        assert silent["error_description"].startswith("AADSTS16000:")
    else:
        assert silent["error"] == "account_selection_required"

    hinted = redirect_params(start_authorization(visitor, party, prompt="none", login_hint=bob))
    claims = verified_claims(party, redeem(party, hinted["code"]).json()["id_token"])
    assert claims["email"] == bob


def test_login_hint_of_a_known_user_goes_straight_to_the_password(party: Party, visitor: Browser) -> None:
    page = parse_page(start_authorization(visitor, party, login_hint=party.email))
    assert page.heading == ("Enter password" if party.is_microsoft else "Welcome")
    assert party.email in page.response.text


def test_login_hint_of_an_unknown_user_prefills_the_email(party: Party, visitor: Browser) -> None:
    page = parse_page(start_authorization(visitor, party, login_hint="stranger@contoso.test"))
    assert page.heading == "Sign in"
    assert list(page.form.textboxes.values())[0][2] == "stranger@contoso.test"


def test_google_login_hint_not_matching_the_session_shows_the_chooser(
    google_party: Party, google_visitor: Browser
) -> None:
    sign_in(google_visitor, google_party)
    bob, _ = add_second_user(google_party)
    page = parse_page(start_authorization(google_visitor, google_party, login_hint=bob))
    assert page.heading == "Choose an account"
    matching = redirect_params(start_authorization(google_visitor, google_party, login_hint=google_party.email))
    assert "code" in matching


def test_cancel_returns_access_denied(party: Party, visitor: Browser) -> None:
    page = parse_page(start_authorization(visitor, party))
    params = redirect_params(visitor.press(page, "Cancel"))
    assert params["error"] == "access_denied"
    assert params["state"] == party.state
    assert "code" not in params
    if party.is_microsoft:
        assert params["error_description"].startswith("AADSTS65004: User declined to consent")


def test_wrong_password_shows_an_alert_and_allows_another_try(party: Party, visitor: Browser) -> None:
    page = parse_page(start_authorization(visitor, party, login_hint=party.email))
    if party.is_microsoft:
        page = parse_page(visitor.press(page, "Sign in", {"Password": "wrong"}))
        assert page.alerts == ["Your account or password is incorrect."]
        assert page.heading == "Enter password"
        page = parse_page(visitor.press(page, "Sign in", {"Password": party.password}))
        assert page.heading == "Stay signed in?"
    else:
        page = parse_page(visitor.press(page, "Next", {"Enter your password": "wrong"}))
        assert page.alerts == ["Wrong password. Try again or click Forgot password to reset it."]
        assert "code" in redirect_params(visitor.press(page, "Next", {"Enter your password": party.password}))


def test_unknown_user_shows_an_alert(party: Party, visitor: Browser) -> None:
    page = parse_page(start_authorization(visitor, party))
    label = "Email, phone, or Skype" if party.is_microsoft else "Email or phone"
    page = parse_page(visitor.press(page, "Next", {label: "nobody@contoso.test"}))
    assert page.heading == "Sign in"
    expected = (
        "This username may be incorrect. Make sure you typed it correctly. Otherwise, contact your admin."
        if party.is_microsoft
        else "Couldn't find your Google Account"
    )
    assert page.alerts == [expected]


def test_empty_password_is_asked_again(party: Party, visitor: Browser) -> None:
    page = parse_page(start_authorization(visitor, party, login_hint=party.email))
    button = "Sign in" if party.is_microsoft else "Next"
    label = "Password" if party.is_microsoft else "Enter your password"
    page = parse_page(visitor.press(page, button, {label: ""}))
    assert page.alerts == ["Please enter your password." if party.is_microsoft else "Enter a password"]


def test_microsoft_user_of_another_tenant_is_refused_at_a_tenant_endpoint(
    microsoft: MicrosoftProvider, ms_party: Party, ms_visitor: Browser
) -> None:
    fabrikam = microsoft.control.add_tenant(name="Fabrikam", domain="fabrikam.test")
    microsoft.control.add_user("frank@fabrikam.test", "franks password", "Frank F", tenant=fabrikam)
    page = parse_page(start_authorization(ms_visitor, ms_party))
    page = parse_page(ms_visitor.press(page, "Next", {"Email, phone, or Skype": "frank@fabrikam.test"}))
    response = ms_visitor.press(page, "Sign in", {"Password": "franks password"})
    assert response.status_code == 400
    assert "location" not in response.headers
    assert parse_page(response).alerts[0].startswith("AADSTS50020: User account 'frank@fabrikam.test'")


def test_microsoft_common_endpoint_signs_in_users_of_any_tenant(
    microsoft: MicrosoftProvider, ms_party: Party, ms_visitor: Browser
) -> None:
    fabrikam = microsoft.control.add_tenant(name="Fabrikam")
    microsoft.control.add_user("frank@fabrikam.test", "franks password", "Frank F", tenant=fabrikam)
    ms_party.realm, ms_party.email, ms_party.password = None, "frank@fabrikam.test", "franks password"
    claims = verified_claims(ms_party, tokens_for(ms_visitor, ms_party)["id_token"])
    assert claims["tid"] == fabrikam
    assert claims["iss"] == f"{microsoft.base_url}/{fabrikam}/v2.0"


def test_microsoft_session_of_another_tenant_is_not_used_silently(
    microsoft: MicrosoftProvider, ms_party: Party, ms_visitor: Browser
) -> None:
    sign_in(ms_visitor, ms_party)
    assert "code" in redirect_params(start_authorization(ms_visitor, ms_party, prompt="none"))
    ms_party.realm = microsoft.control.add_tenant(name="Fabrikam")
    params = redirect_params(start_authorization(ms_visitor, ms_party, prompt="none"))
    assert params["error"] == "login_required"


@pytest.mark.parametrize("scope", ["openid", "openid email"])
def test_claims_follow_the_requested_scopes(party: Party, visitor: Browser, scope: str) -> None:
    params = sign_in(visitor, party, scope=scope)
    claims = verified_claims(party, redeem(party, params["code"]).json()["id_token"])
    assert "name" not in claims
    assert ("email" in claims) == ("email" in scope)
