"""STARTTLS on the SMTP side and HTTPS on the web side, with certificates from a local authority."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator
from pathlib import Path

import aiosmtplib
import httpx
import pytest

from fake_services.mailsink import AsyncMailSinkClient, MailSink, MailSinkClient
from fake_services.serving import TlsFiles
from loginspec.tls import LocalAuthority, ServerCertificate
from tests.mailsink.helpers import SENDER, SmtpWire, build_email, unique_address


@pytest.fixture(scope="module")
def tls_sink(certificate: ServerCertificate) -> Iterator[MailSink]:
    with MailSink(tls=certificate.files, require_starttls=True) as running:
        yield running


def test_mail_is_sent_over_starttls(tls_sink: MailSink, trusting: ssl.SSLContext) -> None:
    address = unique_address()
    with smtplib.SMTP(tls_sink.smtp_host, tls_sink.smtp_port, timeout=10) as smtp:
        smtp.ehlo()
        assert smtp.has_extn("starttls")
        smtp.starttls(context=trusting)
        assert isinstance(smtp.sock, ssl.SSLSocket)
        smtp.send_message(build_email(address, "Over TLS"))

    assert tls_sink.store.wait_for(to=address, timeout=5).subject == "Over TLS"


def test_mail_before_starttls_is_refused_when_it_is_required(tls_sink: MailSink) -> None:
    with (
        smtplib.SMTP(tls_sink.smtp_host, tls_sink.smtp_port, timeout=10) as smtp,
        pytest.raises(smtplib.SMTPSenderRefused) as refused,
    ):
        smtp.sendmail(SENDER, [unique_address()], b"Subject: plain\r\n\r\nno")
    assert refused.value.smtp_code == 530


def test_a_client_that_does_not_trust_the_authority_refuses_the_certificate(tls_sink: MailSink) -> None:
    with (
        smtplib.SMTP(tls_sink.smtp_host, tls_sink.smtp_port, timeout=10) as smtp,
        pytest.raises(ssl.SSLCertVerificationError),
    ):
        smtp.starttls(context=ssl.create_default_context())


def test_starttls_is_not_offered_without_a_certificate(sink: MailSink) -> None:
    wire = SmtpWire(sink)
    try:
        assert b"STARTTLS" not in wire.command(b"EHLO client.test")
        assert wire.command(b"STARTTLS").startswith(b"454")
    finally:
        wire.close()


@pytest.mark.anyio
async def test_aiosmtplib_sends_over_starttls(tls_sink: MailSink, trusting: ssl.SSLContext) -> None:
    address = unique_address()
    await aiosmtplib.send(
        build_email(address, "Async over TLS"),
        hostname=tls_sink.smtp_host,
        port=tls_sink.smtp_port,
        start_tls=True,
        tls_context=trusting,
        timeout=10,
    )
    message = await tls_sink.store.wait_for_async(to=address, timeout=5)
    assert message.subject == "Async over TLS"


def test_the_web_side_serves_https_with_the_certificate(tls_sink: MailSink, trusting: ssl.SSLContext) -> None:
    assert tls_sink.http_url.startswith("https://127.0.0.1:")
    with httpx.Client(base_url=tls_sink.http_url, verify=trusting, timeout=10) as http:
        assert http.get("/healthz").json()["status"] == "ok"
        assert http.get("/").status_code == 200
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        httpx.get(f"{tls_sink.http_url}/healthz", verify=ssl.create_default_context())


def test_the_clients_read_an_https_sink(tls_sink: MailSink, trusting: ssl.SSLContext) -> None:
    address = unique_address()
    tls_sink.store.deliver(SENDER, [address], bytes(build_email(address, "Read over HTTPS")))
    with MailSinkClient(tls_sink.http_url, verify=trusting) as client:
        assert client.wait_for(to=address, timeout=5).subject == "Read over HTTPS"


@pytest.mark.anyio
async def test_the_async_client_reads_an_https_sink(tls_sink: MailSink, trusting: ssl.SSLContext) -> None:
    address = unique_address()
    tls_sink.store.deliver(SENDER, [address], bytes(build_email(address, "Async over HTTPS")))
    client = AsyncMailSinkClient(tls_sink.http_url, verify=trusting)
    try:
        assert (await client.wait_for(to=address, timeout=5)).subject == "Async over HTTPS"
    finally:
        await client.aclose()


def test_the_web_side_may_have_a_certificate_of_its_own(authority: LocalAuthority, trusting: ssl.SSLContext) -> None:
    smtp_certificate = authority.issue("smtp-only", "smtp.test")
    web_certificate = authority.issue("web-only", "inbox.test")
    with MailSink(tls=smtp_certificate.files, http_tls=web_certificate.files) as sink:
        with httpx.Client(verify=trusting) as http:
            assert http.get(f"{sink.http_url}/healthz").status_code == 200
        served = ssl.get_server_certificate(("127.0.0.1", int(sink.http_url.rsplit(":", 1)[1])))

    assert ssl.PEM_cert_to_DER_cert(served) == first_certificate_der(web_certificate.files.certfile)


def first_certificate_der(certfile: Path) -> bytes:
    end = "-----END CERTIFICATE-----"
    return ssl.PEM_cert_to_DER_cert(certfile.read_text().split(end)[0] + end + "\n")


def test_require_starttls_needs_a_certificate() -> None:
    with pytest.raises(ValueError, match="require_starttls needs a certificate"):
        MailSink(require_starttls=True)


def test_a_missing_certificate_file_fails_at_construction(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        MailSink(tls=TlsFiles(tmp_path / "none.pem", tmp_path / "none.key"))


def test_faults_set_over_https_apply_to_mail_sent_over_starttls(tls_sink: MailSink, trusting: ssl.SSLContext) -> None:
    address = unique_address()
    with MailSinkClient(tls_sink.http_url, verify=trusting) as client:
        client.fail_next("rcpt", 550, "5.1.1 No such user", recipient=address)
        try:
            with smtplib.SMTP(tls_sink.smtp_host, tls_sink.smtp_port, timeout=10) as smtp:
                smtp.starttls(context=trusting)
                with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
                    smtp.send_message(build_email(address, "Refused over TLS"))
        finally:
            client.clear_faults()
    assert refused.value.recipients[address] == (550, b"5.1.1 No such user")
