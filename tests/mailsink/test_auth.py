"""SMTP AUTH (PLAIN and LOGIN) with configured credentials, as smtplib and aiosmtplib use it."""

from __future__ import annotations

import base64
import os
import re
import signal
import smtplib
import ssl
import subprocess
import sys
from collections.abc import Iterator

import aiosmtplib
import pytest

from fake_services.mailsink import MailSink, MailSinkClient, SmtpCredentials
from fake_services.mailsink.__main__ import credentials
from loginspec.tls import ServerCertificate
from tests.mailsink.helpers import SENDER, SmtpWire, build_email, unique_address
from tests.mailsink.test_sink import PROJECT_ROOT

USER = "relay-user"
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def relay(certificate: ServerCertificate) -> Iterator[MailSink]:
    """A sink configured as a real relay: STARTTLS, then AUTH, before any mail."""
    with MailSink(tls=certificate.files, require_starttls=True, credentials=SmtpCredentials(USER, PASSWORD)) as sink:
        yield sink


def relay_connection(relay: MailSink, trusting: ssl.SSLContext) -> smtplib.SMTP:
    smtp = smtplib.SMTP(relay.smtp_host, relay.smtp_port, timeout=10)
    smtp.starttls(context=trusting)
    smtp.ehlo()
    return smtp


def plain(*parts: bytes) -> bytes:
    return base64.b64encode(b"\0".join(parts))


@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN"])
def test_smtplib_signs_in_and_sends(relay: MailSink, trusting: ssl.SSLContext, mechanism: str) -> None:
    address = unique_address()
    with relay_connection(relay, trusting) as smtp:
        smtp.user, smtp.password = USER, PASSWORD
        code, _ = smtp.auth(mechanism, getattr(smtp, f"auth_{mechanism.lower()}"))
        assert code == 235
        smtp.send_message(build_email(address, f"Signed in with {mechanism}"))

    assert relay.store.wait_for(to=address, timeout=5).subject == f"Signed in with {mechanism}"


def test_mail_without_auth_is_refused_with_530(relay: MailSink, trusting: ssl.SSLContext) -> None:
    with relay_connection(relay, trusting) as smtp, pytest.raises(smtplib.SMTPSenderRefused) as refused:
        smtp.sendmail(SENDER, [unique_address()], b"Subject: no auth\r\n\r\nno")
    assert (refused.value.smtp_code, refused.value.smtp_error) == (530, b"5.7.0 Authentication required")


@pytest.mark.parametrize(("user", "password"), [(USER, "wrong"), ("someone-else", PASSWORD), (USER, PASSWORD + "x")])
def test_wrong_credentials_are_refused_with_535(
    relay: MailSink, trusting: ssl.SSLContext, user: str, password: str
) -> None:
    with relay_connection(relay, trusting) as smtp, pytest.raises(smtplib.SMTPAuthenticationError) as refused:
        smtp.login(user, password)
    assert (refused.value.smtp_code, refused.value.smtp_error) == (535, b"5.7.8 Authentication credentials invalid")


def test_auth_is_neither_offered_nor_accepted_before_starttls(relay: MailSink, trusting: ssl.SSLContext) -> None:
    with smtplib.SMTP(relay.smtp_host, relay.smtp_port, timeout=10) as smtp:
        smtp.ehlo()
        assert not smtp.has_extn("auth")
        with pytest.raises(smtplib.SMTPNotSupportedError):
            smtp.login(USER, PASSWORD)

    wire = SmtpWire(relay)
    try:
        wire.command(b"EHLO client.test")
        assert wire.command(b"AUTH PLAIN " + plain(b"", USER.encode(), PASSWORD.encode())).startswith(b"530 ")
        assert b"AUTH LOGIN PLAIN" in wire.starttls(trusting)
    finally:
        wire.close()


def test_with_starttls_optional_auth_in_the_clear_gets_538(certificate: ServerCertificate) -> None:
    with MailSink(tls=certificate.files, credentials=(USER, PASSWORD)) as optional_tls:
        wire = SmtpWire(optional_tls)
        try:
            assert b"AUTH" not in wire.command(b"EHLO client.test")
            answer = wire.command(b"AUTH PLAIN " + plain(b"", USER.encode(), PASSWORD.encode()))
            assert answer.startswith(b"538 5.7.11")
            assert wire.command(b"MAIL FROM:<crm@example.test>").startswith(b"530 5.7.0")
        finally:
            wire.close()


@pytest.mark.anyio
@pytest.mark.parametrize("mechanism", ["plain", "login"])
async def test_aiosmtplib_signs_in_and_sends(relay: MailSink, trusting: ssl.SSLContext, mechanism: str) -> None:
    address = unique_address()
    client = aiosmtplib.SMTP(hostname=relay.smtp_host, port=relay.smtp_port, start_tls=True, tls_context=trusting)
    async with client:
        await client.ehlo()
        response = await getattr(client, f"auth_{mechanism}")(USER, PASSWORD)
        assert response.code == 235
        await client.send_message(build_email(address, f"Async {mechanism}"))

    assert (await relay.store.wait_for_async(to=address, timeout=5)).subject == f"Async {mechanism}"


@pytest.mark.anyio
async def test_aiosmtplib_send_with_credentials(relay: MailSink, trusting: ssl.SSLContext) -> None:
    address = unique_address()
    await aiosmtplib.send(
        build_email(address, "One call"),
        hostname=relay.smtp_host,
        port=relay.smtp_port,
        start_tls=True,
        tls_context=trusting,
        username=USER,
        password=PASSWORD,
        timeout=10,
    )
    assert (await relay.store.wait_for_async(to=address, timeout=5)).subject == "One call"


@pytest.mark.anyio
async def test_aiosmtplib_sees_530_and_535(relay: MailSink, trusting: ssl.SSLContext) -> None:
    message = build_email(unique_address(), "Refused")
    with pytest.raises(aiosmtplib.SMTPSenderRefused) as unauthenticated:
        await aiosmtplib.send(
            message, hostname=relay.smtp_host, port=relay.smtp_port, start_tls=True, tls_context=trusting, timeout=10
        )
    assert unauthenticated.value.code == 530

    with pytest.raises(aiosmtplib.SMTPAuthenticationError) as wrong:
        await aiosmtplib.send(
            message,
            hostname=relay.smtp_host,
            port=relay.smtp_port,
            start_tls=True,
            tls_context=trusting,
            username=USER,
            password="wrong",
            timeout=10,
        )
    assert wrong.value.code == 535


@pytest.mark.parametrize(
    ("commands", "reply"),
    [
        ([b"AUTH PLAIN !!!"], b"501 5.5.2"),
        ([b"AUTH PLAIN " + base64.b64encode(b"no separators")], b"501 5.5.2"),
        ([b"AUTH PLAIN " + plain(b"", b"\xff\xfe", b"\x00")], b"501 5.5.2"),
        ([b"AUTH PLAIN " + plain(b"", b"\xff\xfe", b"\xc3")], b"535 5.7.8"),
        ([b"AUTH PLAIN " + b"QUFB" * 400], b"500 "),
        ([b"AUTH LOGIN", b"QUFB" * 1500], b"500 5.5.6"),
        ([b"AUTH PLAIN", b"*"], b"501 5.7.0"),
        ([b"AUTH XOAUTH2 abc"], b"504 5.5.4"),
        ([b"AUTH"], b"501 "),
        ([b"AUTH PLAIN a b c"], b"501 "),
        ([b"AUTH PLAIN \xc3\xa9"], b"501 5.5.2"),
    ],
)
def test_malformed_auth_gets_an_smtp_error_and_the_session_goes_on(
    relay: MailSink, trusting: ssl.SSLContext, commands: list[bytes], reply: bytes
) -> None:
    wire = SmtpWire(relay)
    try:
        wire.starttls(trusting)
        answers = [wire.command(command) for command in commands]
        assert answers[-1].startswith(reply), answers
        assert wire.command(b"NOOP").startswith(b"250")
        assert wire.command(b"AUTH PLAIN " + plain(b"", USER.encode(), PASSWORD.encode())).startswith(b"235")
    finally:
        wire.close()


def test_an_overlong_login_answer_sent_in_pieces_is_skipped_to_its_end(
    relay: MailSink, trusting: ssl.SSLContext
) -> None:
    wire = SmtpWire(relay)
    try:
        wire.starttls(trusting)
        assert wire.command(b"AUTH LOGIN").startswith(b"334")
        for _ in range(5):
            wire.send(b"QUFB" * 1000)
        assert wire.command(b"").startswith(b"500 5.5.6")
        assert wire.command(b"NOOP").startswith(b"250")
    finally:
        wire.close()


def test_without_a_certificate_auth_is_offered_in_the_clear() -> None:
    address = unique_address()
    with MailSink(credentials=(USER, PASSWORD)) as plain_relay:
        with smtplib.SMTP(plain_relay.smtp_host, plain_relay.smtp_port, timeout=10) as smtp:
            smtp.login(USER, PASSWORD)
            smtp.send_message(build_email(address, "In the clear"))
        assert plain_relay.store.wait_for(to=address, timeout=5).subject == "In the clear"


def test_without_credentials_auth_is_not_offered(
    sink: MailSink, certificate: ServerCertificate, trusting: ssl.SSLContext
) -> None:
    wire = SmtpWire(sink)
    try:
        assert b"AUTH" not in wire.command(b"EHLO client.test")
        assert wire.command(b"AUTH PLAIN " + plain(b"", b"a", b"b")).startswith(b"504")
    finally:
        wire.close()
    with MailSink(tls=certificate.files) as tls_only:
        wire = SmtpWire(tls_only)
        try:
            assert b"AUTH" not in wire.starttls(trusting)
            assert wire.command(b"MAIL FROM:<crm@example.test>").startswith(b"250")
        finally:
            wire.close()


def test_credentials_are_not_shown_in_their_repr() -> None:
    assert PASSWORD not in repr(SmtpCredentials(USER, PASSWORD))
    with pytest.raises(ValueError):
        SmtpCredentials(USER, "")


def test_runner_serves_as_a_relay(certificate: ServerCertificate, trusting: ssl.SSLContext) -> None:
    files = certificate.files
    command = [sys.executable, "-m", "fake_services.mailsink", "--smtp-port", "0", "--http-port", "0"]
    command += ["--certfile", str(files.certfile), "--keyfile", str(files.keyfile), "--require-starttls"]
    command += ["--auth", USER]
    environment = {**os.environ, "PYTHONUNBUFFERED": "1", "MAILSINK_AUTH_PASSWORD": PASSWORD}
    runner = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, text=True, env=environment)
    try:
        assert runner.stdout is not None
        lines = [runner.stdout.readline() for _ in range(5)]
        smtp = re.fullmatch(r"SMTP listening on (127\.0\.0\.1):(\d+)\n", lines[0])
        inbox = re.fullmatch(r"Web inbox: (https://127\.0\.0\.1:\d+)/\n", lines[1])
        assert smtp and inbox, lines
        assert lines[2:] == [
            "SMTP offers STARTTLS (required before MAIL)\n",
            f"SMTP requires AUTH (PLAIN or LOGIN after STARTTLS) as {USER}\n",
            "Press Ctrl-C to stop.\n",
        ]
        address = unique_address()
        with smtplib.SMTP(smtp[1], int(smtp[2]), timeout=10) as connection:
            connection.starttls(context=trusting)
            connection.login(USER, PASSWORD)
            connection.send_message(build_email(address, "Through the relay runner"))
        with MailSinkClient(inbox[1], verify=trusting) as client:
            assert client.wait_for(to=address, timeout=5).subject == "Through the relay runner"

        runner.send_signal(signal.SIGINT)
        assert runner.wait(timeout=10) == 0
        assert PASSWORD not in "".join(lines) + runner.stdout.read()
    finally:
        if runner.poll() is None:
            runner.kill()
            runner.wait()
        if runner.stdout is not None:
            runner.stdout.close()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--auth", USER], "--auth needs a user name, and a password in MAILSINK_AUTH_PASSWORD"),
        (["--auth", ":secret"], "--auth needs a user name"),
        (["--require-starttls"], "--require-starttls needs --certfile and --keyfile"),
        (["--certfile", "cert.pem"], "--certfile and --keyfile go together"),
    ],
)
def test_runner_explains_an_incomplete_configuration(arguments: list[str], message: str) -> None:
    environment = {name: value for name, value in os.environ.items() if name != "MAILSINK_AUTH_PASSWORD"}
    runner = subprocess.run(
        [sys.executable, "-m", "fake_services.mailsink", "--smtp-port", "0", "--http-port", "0", *arguments],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        env=environment,
    )
    assert runner.returncode == (1 if arguments[0] == "--auth" else 2)
    assert message in runner.stderr


def test_runner_credentials_come_from_the_environment_or_after_a_colon() -> None:
    assert credentials(USER, {"MAILSINK_AUTH_PASSWORD": PASSWORD}) == SmtpCredentials(USER, PASSWORD)
    assert credentials(f"{USER}:{PASSWORD}", {}) == SmtpCredentials(USER, PASSWORD)
    assert credentials(f"{USER}:a:b", {}) == SmtpCredentials(USER, "a:b")
    assert credentials(None, {"MAILSINK_AUTH_PASSWORD": PASSWORD}) is None
