"""Activating an account from the emailed link, and the strength estimate behind the page's indicator."""

from __future__ import annotations

import httpx

from reference_app.passwords import MAX_LENGTH, STRENGTH_LABELS

from .conftest import RunningApp
from .http_flows import (  # noqa: F401  (quick_*: the app fixtures, with quick hashing)
    NEW_PASSWORD,
    Visitor,
    advance_clock,
    can_sign_in,
    invite,
    opens_crm,
    quick_app,
    quick_online_app,
    snapshot,
    user_row,
)

HOUR = 3600


def create_password(visitor: Visitor, password: str, confirmation: str | None = None) -> httpx.Response:
    fields = {"password": password, "confirm_password": password if confirmation is None else confirmation}
    return visitor.post("/activate", fields)


def land(app: RunningApp, link: str) -> tuple[Visitor, httpx.Response]:
    visitor = Visitor(app)
    return visitor, visitor.follow(link)


def strength(visitor: Visitor, body: bytes, **headers: str) -> httpx.Response:
    sent = {"content-type": "application/json", "x-csrf-token": visitor.csrf_token(), **headers}
    return visitor.http.post("/password-strength", content=body, headers=sent)


def test_the_activation_link_works_once(app: RunningApp) -> None:
    user, link = invite(app)
    visitor, landing = land(app, link)
    assert landing.status_code == 303 and landing.headers["location"] == "/activate"
    assert landing.headers["referrer-policy"] == "no-referrer"
    page = visitor.get("/activate")
    assert page.status_code == 200 and page.headers["referrer-policy"] == "no-referrer"
    assert f'value="{user["user_id"]}" readonly' in page.text, "the page names the user's own user ID"
    assert link.rsplit("/", 1)[1] not in page.text

    other_browser, _ = land(app, link)

    created = create_password(visitor, NEW_PASSWORD)
    assert created.headers["location"] == "/crm" and opens_crm(visitor)
    assert user_row(app, user)["status"] == "active"

    for again in (
        land(app, link)[1],
        visitor.follow(link),
        create_password(other_browser, "other calm long phrase 77"),
    ):
        assert again.status_code == 410 and "already been used" in again.text
    assert can_sign_in(app, user["user_id"], NEW_PASSWORD)


def test_the_activation_link_expires_48_hours_after_sending(app: RunningApp) -> None:
    _, link = invite(app)
    advance_clock(app, 48 * HOUR - 60)
    _, in_time = land(app, link)
    assert in_time.headers["location"] == "/activate"

    advance_clock(app, 61)
    _, too_late = land(app, link)
    assert too_late.status_code == 410 and "This link has expired" in too_late.text
    assert "48 hours" in too_late.text and "/help/support" in too_late.text


def test_a_tampered_link_gets_400_and_changes_nothing(online_app: RunningApp) -> None:
    _, link = invite(online_app)
    base, token = link.rsplit("/", 1)
    before = snapshot(online_app, "users", "email_tokens")

    for tampering, changed in (
        ("one character changed", token[:-1] + ("A" if token[-1] != "A" else "B")),
        ("cut short", token[:20]),
        ("overlong", token + "x" * 200),
        ("never sent", "x" * len(token)),
    ):
        visitor, refused = land(online_app, f"{base}/{changed}")
        assert refused.status_code == 400 and "This link is not valid" in refused.text, tampering
        assert refused.headers["referrer-policy"] == "no-referrer", tampering
        assert "crm_activation_link" not in visitor.http.cookies, tampering
    assert snapshot(online_app, "users", "email_tokens") == before
    assert land(online_app, link)[1].headers["location"] == "/activate", "the real link still works"


def test_the_policy_is_enforced_on_post_without_the_pages_script(app: RunningApp) -> None:
    user, link = invite(app)
    visitor, _ = land(app, link)
    before = snapshot(app, "users", "email_tokens", "sessions")

    for password, confirmation, reason in (
        ("short1", "short1", "at least 8 characters"),
        ("password1", "password1", "too weak"),
        ("qwertyuiop", "qwertyuiop", "too weak"),
        ("ann@example.test", "ann@example.test", "your email address"),
        (NEW_PASSWORD, NEW_PASSWORD.upper(), "do not match"),
    ):
        refused = create_password(visitor, password, confirmation)
        assert refused.status_code == 400 and reason in refused.text, password
        assert snapshot(app, "users", "email_tokens", "sessions") == before, password
        assert "crm_session" not in visitor.http.cookies, password
    assert not can_sign_in(app, user["user_id"], "password1")
    assert create_password(visitor, NEW_PASSWORD).headers["location"] == "/crm", "the link still works"


def test_password_strength_needs_the_csrf_header(online_app: RunningApp) -> None:
    visitor, other = Visitor(online_app), Visitor(online_app)
    body = b'{"password": "marble quietly orbits"}'
    assert strength(visitor, body).status_code == 200
    no_header = visitor.http.post("/password-strength", content=body, headers={"content-type": "application/json"})
    assert no_header.status_code == 403
    assert strength(visitor, body, **{"x-csrf-token": other.csrf_token()}).status_code == 403
    as_form_field = visitor.http.post(
        "/password-strength",
        content=b'{"password": "x", "csrf_token": "' + visitor.csrf_token().encode() + b'"}',
        headers={"content-type": "application/json"},
    )
    assert as_form_field.status_code == 403


def test_password_strength_gives_score_and_label(online_app: RunningApp) -> None:
    visitor = Visitor(online_app)
    weak = strength(visitor, b'{"password": "password1"}')
    assert weak.status_code == 200 and weak.headers["cache-control"] == "no-store"
    assert weak.json()["score"] < 2 and weak.json()["label"] in STRENGTH_LABELS[:2]
    assert weak.json()["acceptable"] is False and weak.json()["problems"]

    strong = strength(visitor, b'{"password": "marble quietly orbits seventeen lanterns"}').json()
    assert strong == {"score": 4, "label": "Very strong", "acceptable": True, "problems": []}


def test_password_strength_knows_whose_link_the_browser_follows(online_app: RunningApp) -> None:
    _, link = invite(online_app)
    built_on_the_name = b'{"password": "examplelighthouse 77"}'
    assert strength(Visitor(online_app), built_on_the_name).json()["acceptable"] is True
    visitor, _ = land(online_app, link)
    answer = strength(visitor, built_on_the_name).json()
    assert answer["acceptable"] is False and "your name" in " ".join(answer["problems"])


def test_password_strength_refuses_bad_input_with_4xx(online_app: RunningApp) -> None:
    visitor = Visitor(online_app)
    for case, body, content_type, status in (
        ("form", b"password=password1", "application/x-www-form-urlencoded", 415),
        ("text", b'{"password": "password1"}', "text/plain", 415),
        ("not JSON", b"not json at all", "application/json", 400),
        ("not UTF-8", b"\xff\xfe{}", "application/json", 400),
        ("array", b'["password1"]', "application/json", 400),
        ("string", b'"password1"', "application/json", 400),
        ("number", b'{"password": 12345678}', "application/json", 400),
        ("overlong", b'{"password": "' + b"a" * (MAX_LENGTH + 1) + b'"}', "application/json", 400),
        ("too large", b'{"password": "' + b"a" * (70 * 1024) + b'"}', "application/json", 413),
    ):
        response = strength(visitor, body, **{"content-type": content_type})
        assert response.status_code == status, case
        assert "Traceback" not in response.text, case


def test_password_strength_refuses_deeply_nested_json_with_4xx(online_app: RunningApp) -> None:
    # Found as a 500: json.loads raises RecursionError, which is no ValueError.
    response = strength(Visitor(online_app), b"[" * 5_000 + b"]" * 5_000)
    assert 400 <= response.status_code < 500, response.status_code
