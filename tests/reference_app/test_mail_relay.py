"""The CRM's mailer against a real relay: STARTTLS verified against the deployment's authority, then AUTH."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import jinja2
import pytest

from fake_services.mailsink import MailSink, SmtpCredentials
from loginspec.tls import LocalAuthority
from reference_app.mail import MailDeliveryError, Mailer
from reference_app.settings import Settings

from .conftest import RunningApp
from .http_flows import QUICK_HASHING, start_app

USER = "crm-relay"
PASSWORD = "relay password 7731"


@pytest.fixture(scope="module")
def authority(tmp_path_factory: pytest.TempPathFactory) -> LocalAuthority:
    return LocalAuthority(tmp_path_factory.mktemp("authority"))


@pytest.fixture(scope="module")
def relay(authority: LocalAuthority) -> Iterator[MailSink]:
    """STARTTLS required, then AUTH, as the relays of real deployments are configured."""
    certificate = authority.issue("relay", "mail.test")
    with MailSink(tls=certificate.files, require_starttls=True, credentials=SmtpCredentials(USER, PASSWORD)) as sink:
        yield sink


def relay_settings(sink: MailSink, ca_file: Path | None, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "base_url": "http://crm.test",
        "smtp_host": sink.smtp_host,
        "smtp_port": sink.smtp_port,
        "smtp_timeout": 5.0,
        "smtp_starttls": True,
        "smtp_username": USER,
        "smtp_password": PASSWORD,
        "ca_file": ca_file,
    }
    return Settings(**{**values, **overrides})


def send(settings: Settings, to: str, subject: str) -> None:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content("Hello from the CRM.")
    asyncio.run(Mailer(settings, jinja2.Environment()).send(message))


def failure(settings: Settings) -> str:
    with pytest.raises(MailDeliveryError) as failed:
        send(settings, "ann@example.test", "Not delivered")
    reason = str(failed.value)
    assert PASSWORD not in reason
    return reason


def test_the_mailer_sends_through_a_starttls_and_auth_relay(relay: MailSink, authority: LocalAuthority) -> None:
    send(relay_settings(relay, authority.ca_file), "ann-relay@example.test", "Through the relay")
    assert relay.store.wait_for(to="ann-relay@example.test", timeout=5).subject == "Through the relay"


def test_a_wrong_password_is_a_clear_delivery_error(relay: MailSink, authority: LocalAuthority) -> None:
    reason = failure(relay_settings(relay, authority.ca_file, smtp_password="not it"))
    assert reason == "the mail server refused the user name or password (535 5.7.8 Authentication credentials invalid)"


def test_an_untrusted_certificate_is_a_clear_delivery_error(relay: MailSink) -> None:
    reason = failure(relay_settings(relay, None))
    assert reason.startswith("the mail server's certificate is not trusted (")


def test_no_auth_against_a_relay_that_requires_it(relay: MailSink, authority: LocalAuthority) -> None:
    reason = failure(relay_settings(relay, authority.ca_file, smtp_username=None, smtp_password=None))
    assert reason == "the mail server requires authentication (530 5.7.0 Authentication required)"


def test_auth_without_starttls_against_a_relay_that_requires_it(relay: MailSink, authority: LocalAuthority) -> None:
    reason = failure(relay_settings(relay, authority.ca_file, smtp_starttls=False))
    assert reason == "the mail server does not offer authentication (AUTH)"


def test_starttls_against_a_server_without_it(authority: LocalAuthority) -> None:
    with MailSink() as plain:
        reason = failure(relay_settings(plain, authority.ca_file, smtp_username=None, smtp_password=None))
    assert reason == "the mail server does not offer STARTTLS"


def test_a_tls_handshake_that_fails_is_a_clear_delivery_error(relay: MailSink, authority: LocalAuthority) -> None:
    # A certificate for another name: the handshake fails on the host name check.
    settings = relay_settings(relay, authority.ca_file, smtp_host="localhost")
    assert failure(settings).startswith("the mail server's certificate is not trusted (Hostname mismatch")


def test_the_app_reports_a_refused_password_and_sends_once_it_is_right(
    tmp_path: Path, relay: MailSink, authority: LocalAuthority
) -> None:
    with running_app(tmp_path / "wrong", relay, **relay_overrides(authority.ca_file, "wrong")) as app:
        answer = invite(app, "zed-wrong@example.test")
    assert answer.status_code == 502
    assert "the mail server refused the user name or password (535" in answer.text, answer.text

    with running_app(tmp_path / "right", relay, **relay_overrides(authority.ca_file, PASSWORD)) as app:
        assert invite(app, "zed-right@example.test").status_code == 201
    assert relay.store.wait_for(to="zed-right@example.test", timeout=5).subject.startswith("Activate your")


def relay_overrides(ca_file: Path, password: str) -> dict[str, Any]:
    relay = {"smtp_starttls": True, "smtp_username": USER, "smtp_password": password, "ca_file": ca_file}
    return {**relay, **QUICK_HASHING}


@contextmanager
def running_app(tmp_path: Path, sink: MailSink, **overrides: Any) -> Iterator[RunningApp]:
    tmp_path.mkdir()
    yield from start_app("online", tmp_path, sink, **overrides)


def invite(app: RunningApp, email: str) -> Any:
    return app.control(
        "POST",
        "/users",
        {
            "name": "Zed Example",
            "role": "Standard user",
            "state": "invited",
            "email": email,
            "send_activation_email": True,
        },
    )


def test_settings_from_the_environment() -> None:
    settings = Settings.from_environ(
        {
            "CRM_BASE_URL": "http://crm.test",
            "CRM_SMTP_STARTTLS": "yes",
            "CRM_SMTP_USERNAME": USER,
            "CRM_SMTP_PASSWORD": PASSWORD,
        }
    )
    assert (settings.smtp_starttls, settings.smtp_username, settings.smtp_password) == (True, USER, PASSWORD)
    assert PASSWORD not in repr(settings)
    plain = Settings.from_environ({"CRM_BASE_URL": "http://crm.test"})
    assert (plain.smtp_starttls, plain.smtp_username, plain.smtp_password) == (False, None, None)


def test_a_user_name_needs_a_password() -> None:
    with pytest.raises(ValueError, match="smtp_username and smtp_password go together"):
        Settings.from_environ({"CRM_BASE_URL": "http://crm.test", "CRM_SMTP_USERNAME": USER})


def test_the_mailer_uses_the_shared_tls_context(authority: LocalAuthority) -> None:
    from reference_app.outbound import tls_context

    context = tls_context(authority.ca_file)
    assert context.verify_mode is ssl.CERT_REQUIRED and context.check_hostname


def test_the_start_up_line_names_the_user_but_never_the_password(relay: MailSink) -> None:
    from reference_app.__main__ import mail_security

    assert mail_security(relay_settings(relay, None)) == f" (STARTTLS, AUTH as {USER})"
    assert mail_security(relay_settings(relay, None, smtp_username=None, smtp_password=None)) == " (STARTTLS)"
    assert mail_security(Settings(base_url="http://crm.test")) == ""
