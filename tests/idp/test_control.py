"""The control API checks what it is given and answers in JSON."""

from __future__ import annotations

import pytest

from fake_services.idp import ControlError, FakeIdentityProvider, GoogleProvider, MicrosoftProvider
from tests.idp.support import Browser, Party, http_client, parse_page, start_authorization

BAD_CONTROL_INPUT = [
    ("/_control/clients", b"{not json"),
    ("/_control/clients", b"[1, 2]"),
    ("/_control/clients", b'{"client_id": "a", "client_secret": "b"}'),
    ("/_control/clients", b'{"client_id": "a", "client_secret": "b", "redirect_uris": ["/relative"]}'),
    ("/_control/clients", b'{"client_id": "a", "client_secret": "b", "redirect_uris": ["http://x.test/#f"]}'),
    ("/_control/clients", b'{"client_id": 5, "client_secret": "b", "redirect_uris": ["http://x.test/"]}'),
    ("/_control/users", b'{"email": "not-an-email", "password": "p", "name": "n"}'),
    ("/_control/users", b'{"email": "a@b.test", "name": "n"}'),
    ("/_control/tenants", b'{"tenant_id": "not-a-guid"}'),
    ("/_control/sessions/end", b"{}"),
    ("/_control/misbehaviours", b'{"kind": 3}'),
    ("/_control/settings", b'{"code_lifetime": -1}'),
    ("/_control/settings", b'{"code_lifetime": true}'),
    ("/_control/clock", b'{"seconds": -5}'),
    ("/_control/clock", b'{"seconds": "1"}'),
]


def test_bad_control_input_is_a_400(microsoft: MicrosoftProvider) -> None:
    with http_client(microsoft) as http:
        for path, body in BAD_CONTROL_INPUT:
            response = http.post(path, content=body, headers={"Content-Type": "application/json"})
            assert response.status_code == 400, (path, body)
            assert response.json()["error"] == "invalid_request", (path, body)


def test_microsoft_users_need_an_existing_tenant(microsoft: MicrosoftProvider) -> None:
    with pytest.raises(ControlError) as refused:
        microsoft.control.add_user("a@b.test", "pw", "A B", tenant="nowhere.test")
    assert refused.value.status_code == 400
    with pytest.raises(ControlError) as misplaced:
        microsoft.control.add_user("a@b.test", "pw", "A B", domain="b.test")
    assert misplaced.value.status_code == 400


def test_microsoft_tenants_are_guids_and_unique(microsoft: MicrosoftProvider) -> None:
    tenant_id = microsoft.control.add_tenant(name="Contoso", domain="Contoso.test")
    with pytest.raises(ControlError) as duplicate:
        microsoft.control.add_tenant(name="Again", domain="contoso.test")
    assert duplicate.value.status_code == 409
    with pytest.raises(ControlError):
        microsoft.control.add_tenant(tenant_id="not-a-guid")
    fixed = "11111111-2222-3333-4444-555555555555"
    assert microsoft.control.add_tenant(tenant_id=fixed) == fixed
    user = microsoft.control.add_user("a@contoso.test", "pw", "A B", tenant="contoso.test")
    assert user["tid"] == tenant_id


def test_google_has_no_tenants(google: GoogleProvider) -> None:
    with pytest.raises(ControlError) as refused:
        google.control.add_tenant(name="Contoso")
    assert refused.value.status_code in (404, 405)


def test_duplicate_users_are_a_conflict(party: Party) -> None:
    realm = {"tenant": party.realm} if party.is_microsoft else {"domain": party.realm}
    with pytest.raises(ControlError) as duplicate:
        party.provider.control.add_user(party.email.upper(), "pw", "Someone", **realm)
    assert duplicate.value.status_code == 409


def test_user_lookup(party: Party) -> None:
    assert party.provider.control.user(party.email) == party.user
    with pytest.raises(ControlError) as missing:
        party.provider.control.user("nobody@nowhere.test")
    assert missing.value.status_code == 404


def test_microsoft_sub_is_per_application(microsoft: MicrosoftProvider, ms_party: Party) -> None:
    microsoft.control.register_client("other-app", "secret", ["http://other.test/cb"])
    subs = microsoft.control.user(ms_party.email)["subs"]
    assert set(subs) == {ms_party.client_id, "other-app"}
    assert subs["other-app"] != subs[ms_party.client_id]


def test_reset_forgets_clients_and_users(party: Party, visitor: Browser) -> None:
    party.provider.control.reset()
    response = start_authorization(visitor, party)
    assert response.status_code in (400, 401)
    assert "location" not in response.headers
    with pytest.raises(ControlError):
        party.provider.control.user(party.email)


def test_registering_a_client_again_replaces_its_redirect_uris(party: Party, visitor: Browser) -> None:
    party.provider.control.register_client(party.client_id, party.client_secret, ["http://crm.test:9999/cb"])
    response = start_authorization(visitor, party)
    assert response.status_code == 400
    assert "location" not in response.headers


def test_unknown_paths_and_methods_answer_json(provider: FakeIdentityProvider) -> None:
    with http_client(provider) as http:
        missing = http.get("/_control/nothing-here")
        wrong_method = http.get("/_control/reset")
    assert missing.status_code == 404 and missing.json()["error"] == "http_404"
    assert wrong_method.status_code == 405 and wrong_method.json()["error"] == "http_405"


def test_sign_in_page_with_an_unknown_flow_is_a_400_page(party: Party, visitor: Browser) -> None:
    path = "/common/login" if party.is_microsoft else "/v3/signin"
    response = visitor.http.post(path, data={"flow": "forged", "step": "password", "password": "x"})
    assert response.status_code == 400
    assert parse_page(response).alerts


OUT_OF_STEP_POSTS = {
    "password-before-email": {"step": "password"},
    "stay-signed-in-before-password": {"step": "stay_signed_in", "action": "yes"},
    "unknown-step": {"step": "teleport"},
    "overlong-email": {"step": "identifier", "email": "x" * 5000},
}


def test_sign_in_pages_refuse_out_of_step_or_malformed_posts(party: Party, visitor: Browser) -> None:
    page = parse_page(start_authorization(visitor, party))
    for case, tamper in OUT_OF_STEP_POSTS.items():
        response = visitor.http.post(page.form.action, data={**page.form.hidden, **tamper})
        assert response.status_code == 400, case
        assert "location" not in response.headers, case
        assert parse_page(response).alerts, case


def test_sign_in_path_refuses_get(party: Party, visitor: Browser) -> None:
    path = "/common/login" if party.is_microsoft else "/v3/signin"
    assert visitor.http.get(path).status_code == 405


def test_microsoft_error_lookup_page(microsoft: MicrosoftProvider) -> None:
    with http_client(microsoft) as http:
        known = http.get("/error", params={"code": "50058"})
        unknown = http.get("/error", params={"code": "<script>"})
    assert known.status_code == 200 and "AADSTS50058: login_required" in known.text
    assert unknown.status_code == 404 and "<script>" not in unknown.text
