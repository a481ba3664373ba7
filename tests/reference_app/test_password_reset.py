"""Forgot your password?: reset emails, the emailed link, the new password, and onsite's answer."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from fake_services.mailsink import MailSink
from fake_services.mailsink.message import Message
from reference_app import tokens
from reference_app.database import Database

from .conftest import PASSWORD, RunningApp
from .http_flows import (  # noqa: F401  (quick_*: the app fixtures, with quick hashing)
    NEW_PASSWORD,
    QUICK_HASHING,
    Visitor,
    add_person,
    add_sso_company,
    advance_clock,
    app_now,
    can_sign_in,
    invite,
    mail_mark,
    mail_since,
    one,
    opens_crm,
    quick_online_app,
    quick_onsite_app,
    quick_sso_app,
    rows,
    signed_in_user,
    snapshot,
    start_app,
    user_row,
    wait_for_mail,
)

RESET_SUBJECT = "Reset your"
STALL = 0.5  # seconds the app waits for a mail server that does not answer


@pytest.fixture
def stalled_mail_app(tmp_path: Path, sink: MailSink) -> Iterator[RunningApp]:
    """Online, its SMTP server a socket that accepts connections and never says hello."""
    with socket.create_server(("127.0.0.1", 0)) as stalled:
        yield from start_app(
            "online", tmp_path, sink, smtp_port=stalled.getsockname()[1], smtp_timeout=STALL, **QUICK_HASHING
        )


def ask_for_reset(app: RunningApp, email: str, visitor: Visitor | None = None, **headers: str) -> httpx.Response:
    visitor = visitor or Visitor(app)
    token = visitor.csrf_token("/password/forgot")
    return visitor.http.post("/password/forgot", data={"email": email, "csrf_token": token}, headers=headers)


def reset_email(app: RunningApp, user: dict) -> Message:
    since = mail_mark(app)
    assert ask_for_reset(app, user["email"]).status_code == 200
    return wait_for_mail(app, user["email"], RESET_SUBJECT, since)


def reset_link(app: RunningApp, user: dict) -> str:
    return reset_email(app, user).link("Reset password")


def choose_password(visitor: Visitor, password: str, confirmation: str | None = None) -> httpx.Response:
    fields = {"password": password, "confirm_password": password if confirmation is None else confirmation}
    return visitor.post("/password/reset", fields)


def open_reset_page(app: RunningApp, link: str) -> Visitor:
    visitor = Visitor(app)
    landing = visitor.follow(link)
    assert landing.status_code == 303, landing.text
    return visitor


def live_reset_tokens(app: RunningApp, user: dict) -> int:
    return len(
        rows(
            app,
            """SELECT 1 FROM email_tokens WHERE user_id = ? AND purpose = 'reset'
               AND used_at IS NULL AND revoked_at IS NULL""",
            user["id"],
        )
    )


def test_the_answer_is_the_same_whoever_asks_and_only_the_active_password_user_gets_a_link(
    online_app: RunningApp,
) -> None:
    active = add_person(online_app, "Ann Example")
    disabled = add_person(online_app, "Dan Disabled", state="disabled")
    invited = add_person(online_app, "Ivy Invited", state="invited")
    addresses = [active["email"], "nobody@example.test", disabled["email"], invited["email"]]
    visitor = Visitor(online_app)
    since = mail_mark(online_app)

    answers = []
    for address in addresses:
        response = ask_for_reset(online_app, address, visitor)
        answers.append(
            (response.status_code, response.text.replace(address, "ADDRESS"), response.headers.get("set-cookie"))
        )
    assert answers[0][0] == 200 and "Check your email" in answers[0][1]
    assert all(answer == answers[0] for answer in answers), "the page tells the accounts apart"

    message = wait_for_mail(online_app, active["email"], RESET_SUBJECT, since)
    assert message.link("Reset password").startswith(online_app.url + "/password/reset/")
    assert "60 minutes" in message.text
    for address in addresses[1:]:
        assert mail_since(online_app, address, since) == [], address
    assert len(rows(online_app, "SELECT 1 FROM email_tokens WHERE purpose = 'reset'")) == 1


def test_a_failed_delivery_does_not_show_on_screen(online_app: RunningApp) -> None:
    user = add_person(online_app, "Ann Example")
    visitor = Visitor(online_app)
    online_app.sink.faults.fail_next("rcpt", 550, "5.1.1 no", recipient=user["email"])
    refused = ask_for_reset(online_app, user["email"], visitor)
    unknown = ask_for_reset(online_app, "nobody@example.test", visitor)
    assert refused.status_code == unknown.status_code == 200
    assert refused.text.replace(user["email"], "A") == unknown.text.replace("nobody@example.test", "A")
    assert online_app.sink.faults.wait_until_all_used(), "the app did not try to send"


def test_a_single_sign_on_user_gets_an_email_without_a_reset_link(sso_app: RunningApp) -> None:
    user = sso_app.add_user(name="Sam Single", email="sam@fabrikam.test", company_id=add_sso_company(sso_app))
    since = mail_mark(sso_app)

    answer = ask_for_reset(sso_app, user["email"])
    unknown = ask_for_reset(sso_app, "zed@fabrikam.test")
    assert answer.status_code == unknown.status_code == 200
    assert answer.text.replace(user["email"], "A") == unknown.text.replace("zed@fabrikam.test", "A")

    message = wait_for_mail(sso_app, user["email"], "About your", since)
    assert "Microsoft 365" in message.text and "Microsoft 365" in message.html
    assert "/password/reset" not in message.text + message.html
    with pytest.raises(AssertionError):
        message.link("Reset password")
    assert rows(sso_app, "SELECT 1 FROM email_tokens WHERE user_id = ?", user["id"]) == []


def test_a_reset_link_leaves_the_address_bar_and_its_pages_send_no_referrer(online_app: RunningApp) -> None:
    user = add_person(online_app, "Ann Example")
    link = reset_link(online_app, user)
    token = link.rsplit("/", 1)[1]
    visitor = Visitor(online_app)

    landing = visitor.follow(link)
    assert landing.status_code == 303 and landing.headers["location"] == "/password/reset"
    assert landing.headers["referrer-policy"] == "no-referrer"
    page = visitor.get("/password/reset")
    assert page.status_code == 200 and page.headers["referrer-policy"] == "no-referrer"
    assert f'value="{user["email"]}" readonly' in page.text and token not in page.text
    assert 'action="/password/reset"' in page.text
    done = choose_password(visitor, NEW_PASSWORD)
    assert done.headers["referrer-policy"] == "no-referrer"
    assert all(token not in value for value in done.headers.get_list("set-cookie"))


def test_a_reset_ends_every_session_and_swaps_the_password_and_says_so_by_email(online_app: RunningApp) -> None:
    user = add_person(online_app, "Ann Example")
    first_browser = signed_in_user(online_app, user)
    assert first_browser.post("/service/login").headers["location"] == "/service/dashboard"
    link = reset_link(online_app, user)
    since = mail_mark(online_app)

    second_browser = open_reset_page(online_app, link)
    done = choose_password(second_browser, NEW_PASSWORD)
    assert done.status_code == 303 and done.headers["location"] == "/login?password_changed=1"

    assert not opens_crm(first_browser)
    assert first_browser.get("/service/dashboard").status_code == 303
    assert rows(online_app, "SELECT 1 FROM sessions WHERE user_id = ?", user["id"]) == []
    assert not can_sign_in(online_app, user["user_id"], PASSWORD)
    assert can_sign_in(online_app, user["user_id"], NEW_PASSWORD)
    notice = wait_for_mail(online_app, user["email"], "password was changed", since)
    assert online_app.url + "/password/forgot" in notice.text
    assert "has been changed" in second_browser.get("/login?password_changed=1").text


def test_a_reset_link_works_once_even_from_two_browsers(online_app: RunningApp) -> None:
    user = add_person(online_app, "Ann Example")
    link = reset_link(online_app, user)
    first, second = open_reset_page(online_app, link), open_reset_page(online_app, link)

    assert choose_password(first, NEW_PASSWORD).status_code == 303
    late = choose_password(second, "another calm passphrase for tuesday")
    assert late.status_code == 410 and "already been used" in late.text
    again = Visitor(online_app).follow(link)
    assert again.status_code == 410 and "already been used" in again.text
    assert again.headers["referrer-policy"] == "no-referrer"
    assert can_sign_in(online_app, user["user_id"], NEW_PASSWORD)
    assert live_reset_tokens(online_app, user) == 0


def test_a_reset_link_expires_after_its_lifetime(online_app: RunningApp) -> None:
    user = add_person(online_app, "Ann Example")
    lifetime = online_app.settings.reset_link_lifetime
    link = reset_link(online_app, user)

    advance_clock(online_app, lifetime - 60)
    landed = open_reset_page(online_app, link)
    assert landed.get("/password/reset").status_code == 200

    advance_clock(online_app, 61)
    expired = Visitor(online_app).follow(link)
    assert expired.status_code == 410 and "expired" in expired.text
    too_late = choose_password(landed, NEW_PASSWORD)
    assert too_late.status_code == 410 and "expired" in too_late.text
    assert can_sign_in(online_app, user["user_id"], PASSWORD)


def test_a_newer_reset_email_revokes_the_older_link(online_app: RunningApp) -> None:
    user = add_person(online_app, "Ann Example")
    older, newer = reset_link(online_app, user), reset_link(online_app, user)
    assert older != newer

    refused = Visitor(online_app).follow(older)
    assert refused.status_code == 410 and "already been used" in refused.text
    assert Visitor(online_app).follow(newer).headers["location"] == "/password/reset"


def test_activating_the_account_revokes_reset_links(online_app: RunningApp) -> None:
    # No reset email goes to an invited user, so a live reset link is planted with the app's own token
    # module: activation must revoke whatever reset links the user holds, whatever their origin.
    user, activation_link = invite(online_app)
    with Database(online_app.database_path).transaction() as db:
        planted = tokens.issue(db, user["id"], "reset", app_now(online_app), 3600).value
    assert live_reset_tokens(online_app, user) == 1

    visitor = Visitor(online_app)
    visitor.follow(activation_link)
    activated = visitor.post("/activate", {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert activated.headers["location"] == "/crm"

    assert live_reset_tokens(online_app, user) == 0
    refused = Visitor(online_app).follow(online_app.url + f"/password/reset/{planted}")
    assert refused.status_code == 410 and "already been used" in refused.text


def test_a_refused_new_password_changes_nothing(online_app: RunningApp) -> None:
    user = add_person(online_app, "Ann Example")
    session = signed_in_user(online_app, user)
    visitor = open_reset_page(online_app, reset_link(online_app, user))
    before = snapshot(online_app, "users", "email_tokens", "sessions")

    for password, confirmation, reason in (
        ("short1", "short1", "at least 8 characters"),
        ("password1", "password1", "too weak"),
        ("ann@example.test", "ann@example.test", "your email address"),
        (NEW_PASSWORD, NEW_PASSWORD + "!", "do not match"),
    ):
        refused = choose_password(visitor, password, confirmation)
        assert refused.status_code == 400 and reason in refused.text, reason
        assert refused.headers["referrer-policy"] == "no-referrer"
        assert snapshot(online_app, "users", "email_tokens", "sessions") == before, reason
    assert opens_crm(session) and can_sign_in(online_app, user["user_id"], PASSWORD)
    assert choose_password(visitor, NEW_PASSWORD).status_code == 303, "the link still works after refusals"


def test_asking_for_a_reset_changes_nothing_until_the_link_is_used(online_app: RunningApp) -> None:
    user = add_person(online_app, "Ann Example")
    session = signed_in_user(online_app, user)
    before = user_row(online_app, user)

    reset_link(online_app, user)
    assert user_row(online_app, user) == before
    assert opens_crm(session)
    assert can_sign_in(online_app, user["user_id"], PASSWORD)


def test_the_link_comes_from_the_configured_address_whatever_the_request_says(online_app: RunningApp) -> None:
    user = add_person(online_app, "Ann Example")
    for header in ("Host", "X-Forwarded-Host"):
        since = mail_mark(online_app)
        assert ask_for_reset(online_app, user["email"], **{header: "evil.test"}).status_code == 200
        message = wait_for_mail(online_app, user["email"], RESET_SUBJECT, since)
        assert message.link("Reset password").startswith(online_app.settings.base_url + "/password/reset/"), header
        assert "evil.test" not in message.text + message.html, header


def test_reset_emails_to_one_address_are_rate_limited(online_app: RunningApp) -> None:
    user = add_person(online_app, "Ann Example")
    limit = online_app.settings.mails_per_address_limit
    since = mail_mark(online_app)
    for _ in range(limit):
        reset_email(online_app, user)
    sent = mail_since(online_app, user["email"], since)
    assert len(sent) == limit

    limited = ask_for_reset(online_app, user["email"])
    unknown = ask_for_reset(online_app, "nobody@example.test")
    assert limited.status_code == unknown.status_code == 200
    assert limited.text.replace(user["email"], "A") == unknown.text.replace("nobody@example.test", "A")
    assert len(mail_since(online_app, user["email"], since)) == limit
    assert one(online_app, "SELECT COUNT(*) AS n FROM sent_mail WHERE address = ?", user["email"])["n"] == limit
    # The newest link that did go out still works; the limit sent nothing newer to replace it.
    assert Visitor(online_app).follow(sent[-1].link("Reset password")).status_code == 303

    advance_clock(online_app, online_app.settings.mails_per_address_window + 1)
    reset_email(online_app, user)


def test_onsite_the_user_is_sent_to_the_administrator(onsite_app: RunningApp) -> None:
    user = add_person(onsite_app, "Ann Example")
    visitor = Visitor(onsite_app)
    page = visitor.get("/password/forgot")
    assert page.status_code == 200 and "Contact your CRM administrator" in page.text
    assert 'name="email"' not in page.text
    since = mail_mark(onsite_app)

    refused = visitor.post("/password/forgot", {"email": user["email"]})
    assert 400 <= refused.status_code < 500
    assert mail_since(onsite_app, user["email"], since) == []
    assert rows(onsite_app, "SELECT 1 FROM email_tokens") == []


def test_the_new_password_works_at_once_even_after_the_failures_that_led_to_the_reset(online_app: RunningApp) -> None:
    user = add_person(online_app, "Ann Example")
    for attempt in range(online_app.settings.login_failure_limit):
        assert not can_sign_in(online_app, user["user_id"], f"forgotten guess {attempt}")
    visitor = open_reset_page(online_app, reset_link(online_app, user))
    assert choose_password(visitor, NEW_PASSWORD).headers["location"] == "/login?password_changed=1"
    assert can_sign_in(online_app, user["user_id"], NEW_PASSWORD)


def test_the_time_of_the_answer_does_not_tell_whether_the_address_has_an_account(
    stalled_mail_app: RunningApp,
) -> None:
    user = add_person(stalled_mail_app, "Ann Example")
    visitor = Visitor(stalled_mail_app)
    visitor.csrf_token("/password/forgot")
    took = {}
    for address in ("nobody@example.test", user["email"]):
        started = time.monotonic()
        assert ask_for_reset(stalled_mail_app, address, visitor).status_code == 200
        took[address] = time.monotonic() - started
    assert took["nobody@example.test"] < STALL / 2, "the unknown address is answered at once"
    assert took[user["email"]] < STALL / 2, took
