"""PKCE: optional for confidential clients, required for public ones, and strict modes a test
sets: provider-wide (constructor, CLI, control API) or one-shot for a client or a user."""

from __future__ import annotations

import httpx
import pytest

from fake_services.idp import ControlError, FakeIdentityProvider, GoogleProvider
from tests.idp.support import Browser, Party, http_client, redeem, redirect_params, sign_in, start_authorization

NO_PKCE = {"code_challenge": None, "code_challenge_method": None}


def assert_pkce_refused(party: Party, response: httpx.Response) -> None:
    if party.is_microsoft:
        params = redirect_params(response)
        assert params["error"] == "invalid_request"
        assert params["error_description"].startswith(("AADSTS900144:", "AADSTS9002313:"))
    else:
        assert response.status_code == 400
        assert "Error 400: invalid_request" in response.text


def test_provider_wide_requirement(party: Party, visitor: Browser) -> None:
    party.provider.control.set_require_pkce(True)
    assert_pkce_refused(party, start_authorization(visitor, party, **NO_PKCE))
    if not party.is_microsoft:
        assert_pkce_refused(party, start_authorization(visitor, party, code_challenge_method="plain"))
    assert redeem(party, sign_in(visitor, party)["code"]).status_code == 200
    party.provider.control.set_require_pkce(False)
    assert "code" in sign_in(visitor, party, **NO_PKCE)


def test_reset_restores_the_constructor_setting(party: Party) -> None:
    party.provider.control.set_require_pkce(True)
    party.provider.control.reset()
    with http_client(party.provider) as http:
        assert http.post("/_control/settings", json={"code_lifetime": 60}).json()["require_pkce"] is False


def test_constructor_setting() -> None:
    with GoogleProvider(require_pkce=True) as google:
        google.control.register_client("crm", "s3cret", ["http://crm.test/cb"])
        with http_client(google) as http:
            query = {"client_id": "crm", "redirect_uri": "http://crm.test/cb", "response_type": "code"}
            response = http.get("/o/oauth2/v2/auth", params={**query, "scope": "openid"})
        assert response.status_code == 400 and "code_challenge" in response.text


def test_one_shot_for_a_client_is_used_by_its_next_authorization(party: Party, visitor: Browser) -> None:
    control = party.provider.control
    requirement = control.require_pkce_once(client_id=party.client_id)
    assert (requirement["state"], requirement["satisfied"]) == ("pending", None)
    assert "code" in sign_in(visitor, party)
    assert control.pkce_requirement(requirement["id"]) == {**requirement, "state": "used", "satisfied": True}
    # Used up: the next authorization may go without PKCE again.
    assert "code" in sign_in(visitor, party, **NO_PKCE)


def test_one_shot_for_a_client_refuses_an_authorization_without_pkce(party: Party, visitor: Browser) -> None:
    control = party.provider.control
    requirement = control.require_pkce_once(client_id=party.client_id)
    assert_pkce_refused(party, start_authorization(visitor, party, **NO_PKCE))
    assert control.pkce_requirement(requirement["id"])["state"] == "used"
    assert control.pkce_requirement(requirement["id"])["satisfied"] is False


def test_one_shot_for_a_user_applies_when_that_user_signs_in(party: Party, visitor: Browser) -> None:
    control = party.provider.control
    requirement = control.require_pkce_once(email=party.email)
    response = start_authorization(visitor, party, **NO_PKCE)
    assert response.status_code == 200, "the sign-in pages come first: the user is not known yet"
    assert control.pkce_requirement(requirement["id"])["state"] == "pending"
    params = sign_in(visitor, party)
    assert "code" in params
    assert control.pkce_requirement(requirement["id"])["satisfied"] is True

    second = control.require_pkce_once(email=party.email)
    if party.is_microsoft:
        params = sign_in(visitor, party, **NO_PKCE)  # silent: the session is there
        assert params["error"] == "invalid_request"
    else:
        assert_pkce_refused(party, start_authorization(visitor, party, **NO_PKCE))
    assert control.pkce_requirement(second["id"])["satisfied"] is False


@pytest.mark.parametrize(
    "payload", [{}, {"client_id": "a", "email": "b@c.test"}, {"client_id": "nobody"}, {"email": "nobody@x.test"}]
)
def test_bad_one_shot_requests(provider: FakeIdentityProvider, payload: dict) -> None:
    with pytest.raises(ControlError) as error:
        provider.control.require_pkce_once(**payload)
    assert error.value.status_code in (400, 404)
