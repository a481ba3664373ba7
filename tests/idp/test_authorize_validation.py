"""The authorization endpoint refuses bad requests, and never redirects to an unregistered URI."""

from __future__ import annotations

import re

from tests.idp.support import Browser, Party, parse_page, redirect_params, start_authorization


def assert_error_page(party: Party, response, status: int, microsoft_code: int, google_error: str) -> None:
    """An error page, never a redirect, worded as the flavour words it."""
    assert response.status_code == status
    assert "location" not in response.headers
    page = parse_page(response)
    if party.is_microsoft:
        assert page.heading == "Sign in"
        assert page.alerts[0].startswith(f"AADSTS{microsoft_code}:")
    else:
        assert f"Error {status}: {google_error}" in response.text
        assert page.heading.startswith("Access blocked")


def test_unknown_client_gets_a_page_not_a_redirect(party: Party, visitor: Browser) -> None:
    response = start_authorization(visitor, party, client_id="nobody")
    google_status = 400 if party.is_microsoft else 401
    assert_error_page(party, response, google_status, 700016, "invalid_client")


def test_missing_client_id_gets_a_page(party: Party, visitor: Browser) -> None:
    response = start_authorization(visitor, party, client_id=None)
    assert_error_page(party, response, 400, 900144, "invalid_request")


MISMATCHED_REDIRECT_URIS = [
    "http://evil.test/sso/callback",
    "http://crm.test:8000/sso/callback/",
    "http://crm.test:8000/sso/callback?next=/",
    "HTTP://crm.test:8000/sso/callback",
]


def test_redirect_uri_must_match_exactly(party: Party, visitor: Browser) -> None:
    for redirect_uri in MISMATCHED_REDIRECT_URIS:
        response = start_authorization(visitor, party, redirect_uri=redirect_uri)
        assert_error_page(party, response, 400, 50011, "redirect_uri_mismatch")
        assert redirect_uri.replace("&", "&amp;") in response.text


def test_missing_redirect_uri_gets_a_page(party: Party, visitor: Browser) -> None:
    response = start_authorization(visitor, party, redirect_uri=None)
    assert_error_page(party, response, 400, 900144, "invalid_request")


INVALID_REQUESTS = {
    "pkce-method-without-challenge": ({"code_challenge": None}, "invalid_request", 900144),
    "pkce-unknown-method": ({"code_challenge_method": "S512"}, "invalid_request", 9002313),
    "pkce-bad-challenge": ({"code_challenge": "too-short"}, "invalid_request", 501491),
    "implicit": ({"response_type": "token"}, "unsupported_response_type", 700054),
    "hybrid": ({"response_type": "code id_token"}, "unsupported_response_type", 700054),
    "no-response-type": ({"response_type": None}, "invalid_request", 900144),
    "no-openid-scope": ({"scope": "profile email"}, "invalid_scope", 70011),
    "no-scope": ({"scope": None}, "invalid_request", 900144),
    "unknown-prompt": ({"prompt": "sometimes"}, "invalid_request", 9002313),
    "prompt-none-with-another": ({"prompt": "none login"}, "invalid_request", 9002313),
    "bad-max-age": ({"max_age": "soon"}, "invalid_request", 9002313),
    "unknown-response-mode": ({"response_mode": "web_message"}, "invalid_request", 9002313),
}


def test_invalid_requests_are_refused(party: Party, visitor: Browser) -> None:
    for case, (overrides, microsoft_error, microsoft_code) in INVALID_REQUESTS.items():
        response = start_authorization(visitor, party, **overrides)
        if party.is_microsoft:
            # Once the redirect URI is trusted, Microsoft sends the error back to the client.
            params = redirect_params(response)
            assert response.headers["location"].startswith(party.redirect_uri + "?"), case
            assert "code" not in params, case
            assert params["error"] == microsoft_error, case
            assert params["error_description"].startswith(f"AADSTS{microsoft_code}:"), case
            assert params["state"] == party.state, case
        else:
            # Google shows its own error page for malformed requests.
            assert response.status_code == 400, case
            assert "location" not in response.headers, case
            assert re.search(r"Error 400: (invalid_request|unsupported_response_type|invalid_scope)", response.text)


MALFORMED_QUERIES = {
    "repeated-parameter": "client_id=a&client_id=b",
    "overlong-state": "state=" + "s" * 3000,
    "overlong-nonce": "nonce=" + "n" * 3000,
    "overlong-name": "x" * 100 + "=1",
}


def test_malformed_queries_get_a_page(party: Party, visitor: Browser) -> None:
    params = "&".join(f"{k}={v}" for k, v in party.authorize_params().items())
    for case, query in MALFORMED_QUERIES.items():
        response = visitor.http.get(f"{party.authorize_path}?{params}&{query}")
        assert response.status_code == 400, case
        assert_error_page(party, response, 400, 9002313, "invalid_request")


def test_authorize_refuses_post(party: Party, visitor: Browser) -> None:
    response = visitor.http.post(party.authorize_path, data=party.authorize_params())
    assert response.status_code == 405
    assert response.json()["error"] == "http_405"


def test_microsoft_unknown_tenant_gets_a_page(ms_party: Party, ms_visitor: Browser) -> None:
    response = ms_visitor.get("/not-a-tenant/oauth2/v2.0/authorize", **ms_party.authorize_params())
    assert response.status_code == 400
    assert "location" not in response.headers
    assert parse_page(response).alerts[0].startswith("AADSTS90002: Tenant 'not-a-tenant' not found.")


def test_microsoft_form_post_response_mode_posts_code_and_state(ms_party: Party, ms_visitor: Browser) -> None:
    page = parse_page(start_authorization(ms_visitor, ms_party, response_mode="form_post"))
    page = parse_page(ms_visitor.press(page, "Next", {"Email, phone, or Skype": ms_party.email}))
    page = parse_page(ms_visitor.press(page, "Sign in", {"Password": ms_party.password}))
    response = ms_visitor.press(page, "Yes")
    assert response.status_code == 200
    answer = parse_page(response)
    assert answer.form.action == ms_party.redirect_uri
    assert set(answer.form.hidden) == {"code", "state"}
    assert answer.form.hidden["state"] == ms_party.state


def test_microsoft_refuses_plain_pkce(ms_party: Party, ms_visitor: Browser) -> None:
    for overrides in ({"code_challenge_method": "plain"}, {"code_challenge_method": None}):
        params = redirect_params(start_authorization(ms_visitor, ms_party, **overrides))
        assert params["error"] == "invalid_request"
        assert params["error_description"].startswith("AADSTS9002313:")


def test_microsoft_fragment_response_mode(ms_party: Party, ms_visitor: Browser) -> None:
    page = parse_page(start_authorization(ms_visitor, ms_party, response_mode="fragment", login_hint=ms_party.email))
    page = parse_page(ms_visitor.press(page, "Sign in", {"Password": ms_party.password}))
    location = ms_visitor.press(page, "Yes").headers["location"]
    assert location.startswith(ms_party.redirect_uri + "#code=")
    assert f"state={ms_party.state}" in location


def test_no_redirect_happens_before_the_client_is_known(party: Party, visitor: Browser) -> None:
    response = visitor.get(party.authorize_path, redirect_uri="http://evil.test/", response_type="code", scope="openid")
    assert response.status_code == 400
    assert "location" not in response.headers
    assert "evil.test" not in response.text
