"""One provider of each flavour for the whole session (key generation is the slow part);
each test starts from a reset provider and its own browser."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fake_services.idp import FakeIdentityProvider, GoogleProvider, MicrosoftProvider
from loginspec.tls import LocalAuthority
from tests.idp.support import Browser, Party, make_party


@pytest.fixture(scope="session")
def microsoft_server() -> Iterator[MicrosoftProvider]:
    with MicrosoftProvider() as provider:
        yield provider


@pytest.fixture(scope="session")
def google_server() -> Iterator[GoogleProvider]:
    with GoogleProvider() as provider:
        yield provider


@pytest.fixture
def microsoft(microsoft_server: MicrosoftProvider) -> MicrosoftProvider:
    microsoft_server.control.reset()
    return microsoft_server


@pytest.fixture
def google(google_server: GoogleProvider) -> GoogleProvider:
    google_server.control.reset()
    return google_server


@pytest.fixture(params=["microsoft", "google"])
def provider(request: pytest.FixtureRequest) -> FakeIdentityProvider:
    """Each test using this runs once per flavour."""
    return request.getfixturevalue(request.param)


@pytest.fixture
def party(provider: FakeIdentityProvider) -> Party:
    return make_party(provider)


@pytest.fixture
def ms_party(microsoft: MicrosoftProvider) -> Party:
    return make_party(microsoft)


@pytest.fixture
def google_party(google: GoogleProvider) -> Party:
    return make_party(google, email="gina@acme.test", name="Gina Acme")


@pytest.fixture
def visitor(provider: FakeIdentityProvider) -> Iterator[Browser]:
    yield from _browser(provider)


@pytest.fixture
def ms_visitor(microsoft: MicrosoftProvider) -> Iterator[Browser]:
    yield from _browser(microsoft)


@pytest.fixture
def google_visitor(google: GoogleProvider) -> Iterator[Browser]:
    yield from _browser(google)


def _browser(provider: FakeIdentityProvider) -> Iterator[Browser]:
    browser = Browser(provider)
    yield browser
    browser.close()


# HTTPS under the real host names, with certificates from a local authority.


@pytest.fixture(scope="session")
def authority(tmp_path_factory: pytest.TempPathFactory) -> LocalAuthority:
    return LocalAuthority(tmp_path_factory.mktemp("authority"))


@pytest.fixture(scope="session")
def real_microsoft_server(authority: LocalAuthority) -> Iterator[MicrosoftProvider]:
    certificate = authority.issue("microsoft", *MicrosoftProvider.host_names_for("real"))
    with MicrosoftProvider(tls=certificate.files, names="real") as provider:
        yield provider


@pytest.fixture(scope="session")
def real_google_server(authority: LocalAuthority) -> Iterator[GoogleProvider]:
    certificate = authority.issue("google", *GoogleProvider.host_names_for("real"))
    with GoogleProvider(tls=certificate.files, names="real") as provider:
        yield provider


@pytest.fixture
def real_microsoft(real_microsoft_server: MicrosoftProvider) -> MicrosoftProvider:
    real_microsoft_server.control.reset()
    return real_microsoft_server


@pytest.fixture
def real_google(real_google_server: GoogleProvider) -> GoogleProvider:
    real_google_server.control.reset()
    return real_google_server
