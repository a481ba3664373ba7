"""The control API's single sign-on users created already linked to their provider's account
(`sso_identity`), as activation through the provider would leave them."""

from __future__ import annotations

import json

import httpx
import pytest

from .conftest import CONTROL_SECRET, PASSWORD, RunningApp, http_client
from .http_flows import add_sso_company, one, quick_sso_app, rows  # noqa: F401  (quick_sso_app: the fixture sso_app)

ISSUER = "http://login.microsoftonline.test:1/t-1/v2.0"  # the sso_app's Microsoft, the company's tenant


def _post_user(app: RunningApp, document: dict[str, object]) -> httpx.Response:
    """The document as JSON text with every non-ASCII character escaped, lone surrogates included."""
    with http_client(app.url) as client:
        return client.post(
            "/_control/users",
            content=json.dumps(document).encode(),
            headers={"Authorization": f"Bearer {CONTROL_SECRET}", "Content-Type": "application/json"},
        )


def _linked(company_id: int, email: str, subject: str = "subject-1", **fields: object) -> dict[str, object]:
    return {
        "name": "Sam Single",
        "email": email,
        "company_id": company_id,
        "sso_identity": {"issuer": ISSUER, "subject": subject},
        **fields,
    }


def test_a_linked_user_is_active_without_a_password(sso_app: RunningApp) -> None:
    company_id = add_sso_company(sso_app)
    answer = sso_app.control("POST", "/users", _linked(company_id, "sam@fabrikam.test"))
    assert answer.status_code == 201, answer.text
    assert answer.json()["state"] == "active"
    assert answer.json()["sso_identity"] == {"issuer": ISSUER, "subject": "subject-1"}
    query = "SELECT status, password_hash, sso_issuer, sso_subject FROM users WHERE id = ?"
    stored = one(sso_app, query, answer.json()["id"])
    assert tuple(stored) == ("active", None, ISSUER, "subject-1")
    disabled_user = _linked(company_id, "dan@fabrikam.test", "subject-2", state="disabled")
    disabled = sso_app.control("POST", "/users", disabled_user)
    assert disabled.status_code == 201 and disabled.json()["state"] == "disabled"


def test_an_identity_links_one_user_only(sso_app: RunningApp) -> None:
    company_id = add_sso_company(sso_app)
    assert sso_app.control("POST", "/users", _linked(company_id, "sam@fabrikam.test")).status_code == 201
    again = sso_app.control("POST", "/users", _linked(company_id, "sue@fabrikam.test"))
    assert again.status_code == 409 and "sso_identity" in again.json()["error"]
    assert [tuple(row) for row in rows(sso_app, "SELECT email FROM users WHERE email LIKE ?", "%@fabrikam.test")] == [
        ("sam@fabrikam.test",)
    ]


@pytest.mark.parametrize(
    "change",
    [
        {"state": "invited"},
        {"password": PASSWORD},
        {"company_id": None},  # the deployment's own company, which signs in with CRM passwords
        {"sso_identity": "https://login.microsoftonline.test/t-1/v2.0#subject-1"},
        {"sso_identity": {"issuer": ISSUER}},
        {"sso_identity": {"issuer": ISSUER, "subject": "s", "email": "sam@fabrikam.test"}},
        {"sso_identity": {"issuer": ISSUER, "subject": "x" * 256}},
        {"sso_identity": {"issuer": ISSUER, "subject": "line\nbreak"}},
        {"sso_identity": {"issuer": 7, "subject": "s"}},
        {"sso_identity": {"issuer": ISSUER, "subject": "\ud800"}},
        {"sso_identity": {"issuer": "http://login.microsoftonline.test:1/t-2/v2.0", "subject": "s"}},
        {"sso_identity": {"issuer": "https://accounts.google.com", "subject": "s"}},
        {"name": "Sam \udfff Single"},
    ],
    ids=lambda change: next(iter(change)) + ":" + str(change[next(iter(change))])[:20],
)
def test_a_malformed_or_misplaced_identity_is_refused_and_nothing_is_stored(
    sso_app: RunningApp, change: dict[str, object]
) -> None:
    company_id = add_sso_company(sso_app)
    answer = _post_user(sso_app, _linked(company_id, "sam@fabrikam.test") | change)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]
    assert rows(sso_app, "SELECT 1 FROM users WHERE email = 'sam@fabrikam.test'") == []
