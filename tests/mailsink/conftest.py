from __future__ import annotations

import ssl
from collections.abc import Iterator

import httpx
import pytest

from fake_services.mailsink import MailSink, MailSinkClient
from loginspec.tls import LocalAuthority, ServerCertificate, client_context
from tests.mailsink.helpers import unique_address


@pytest.fixture(scope="session")
def sink() -> Iterator[MailSink]:
    """One sink for the whole run: tests keep apart by using their own recipient addresses."""
    with MailSink() as running:
        yield running


@pytest.fixture
def fresh_sink() -> Iterator[MailSink]:
    """A sink of its own, for tests about global state (an empty store, the first sequence numbers)."""
    with MailSink() as running:
        yield running


@pytest.fixture(autouse=True)
def _faults_cleared_after_each_test(sink: MailSink) -> Iterator[None]:
    yield
    sink.faults.clear()


@pytest.fixture
def address() -> str:
    return unique_address()


# Session-wide because creating an httpx client costs some 50 ms (it loads the CA bundle).
@pytest.fixture(scope="session")
def http(sink: MailSink) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sink.http_url, timeout=10) as client:
        yield client


@pytest.fixture(scope="session")
def client(sink: MailSink) -> Iterator[MailSinkClient]:
    with MailSinkClient(sink.http_url) as sink_client:
        yield sink_client


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def authority(tmp_path_factory: pytest.TempPathFactory) -> LocalAuthority:
    """A certificate authority of the run's own, as the bundled stack makes one."""
    return LocalAuthority(tmp_path_factory.mktemp("authority"))


@pytest.fixture(scope="session")
def certificate(authority: LocalAuthority) -> ServerCertificate:
    """For mail.test and 127.0.0.1."""
    return authority.issue("mailsink", "mail.test")


@pytest.fixture(scope="session")
def trusting(authority: LocalAuthority) -> ssl.SSLContext:
    """A client context trusting the authority besides the system's."""
    return client_context(authority.ca_file)
