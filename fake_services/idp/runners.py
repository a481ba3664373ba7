"""Starting a fake provider in-process: a uvicorn server on a background thread.

The server binds `bind_host` (loopback). The browser and the issuer use public names:
with `names="test"` one `*.test` host with the port (Chromium maps `*.test` to 127.0.0.1),
e.g. http://login.microsoftonline.test:PORT; with `names="real"` the real host names over
HTTPS, with no port (login.microsoftonline.com, accounts.google.com, ...), which the caller
maps to the loopback port with `host_map` (Python clients, loginspec.net.resolving) or
`resolver_rules` (Chromium's --host-resolver-rules). The port is known as soon as the object
exists (port 0 picks a free one), so every public URL, and with it the issuer, is fixed
before the first request.
"""

from __future__ import annotations

import abc
import ssl

from starlette.applications import Starlette

from fake_services.idp.app import build_app
from fake_services.idp.client import IdentityProviderControl
from fake_services.idp.flavour import Flavour
from fake_services.idp.google import GoogleFlavour
from fake_services.idp.microsoft import MicrosoftFlavour
from fake_services.idp.names import (
    GOOGLE_REAL_HOSTS,
    GOOGLE_TEST_HOST,
    MICROSOFT_REAL_HOSTS,
    MICROSOFT_TEST_HOST,
    Names,
    PublicSite,
    host_map,
    public_site,
    resolver_rules,
)
from fake_services.serving import BackgroundServer, TlsFiles


class FakeIdentityProvider(abc.ABC):
    real_hosts: dict[str, str]
    default_test_host: str

    def __init__(
        self,
        public_host: str | None,
        bind_host: str,
        port: int,
        name: str,
        tls: TlsFiles | None,
        names: Names,
        require_pkce: bool,
    ) -> None:
        if names not in ("real", "test"):
            raise ValueError(f"names must be 'real' or 'test', not {names!r}")
        if names == "real" and tls is None:
            raise ValueError("real host names are served over HTTPS only: give tls=TlsFiles(...)")
        if names == "real" and public_host is not None:
            raise ValueError("public_host is for names='test'; the real names are fixed")
        # The server binds its socket at once, so the port, and with it the public URLs the
        # app needs, is known before the app is built and handed to start().
        self._server = BackgroundServer(host=bind_host, port=port, name=name, tls=tls)
        self.names: Names = names
        self.public_host = public_host or self.default_test_host
        self.host_names = self.host_names_for(names, self.public_host)
        self.site: PublicSite = public_site(
            self.real_hosts, names, self.public_host, self._server.scheme, self._server.port
        )
        self.base_url = self.site.main
        self.control_url = self._server.url
        self.flavour = self._make_flavour(self.site)
        self.app: Starlette = build_app(self.flavour, require_pkce=require_pkce)
        self.control = IdentityProviderControl(self.control_url, verify=_control_context(tls))

    @classmethod
    def host_names_for(cls, names: Names, public_host: str | None = None) -> tuple[str, ...]:
        """The names a certificate for this provider must cover (issue it before constructing)."""
        if names == "real":
            return tuple(dict.fromkeys(cls.real_hosts.values()))
        return (public_host or cls.default_test_host,)

    @abc.abstractmethod
    def _make_flavour(self, site: PublicSite) -> Flavour: ...

    @property
    def port(self) -> int:
        return self._server.port

    @property
    def scheme(self) -> str:
        return self._server.scheme

    @property
    def host_map(self) -> tuple[tuple[str, str], ...]:
        """(host name, "127.0.0.1:PORT") pairs, in loginspec.net's HostMap format."""
        return host_map(self.host_names, self.port)

    @property
    def resolver_rules(self) -> str:
        """Chromium --host-resolver-rules: "MAP name 127.0.0.1:PORT, MAP ..."."""
        return resolver_rules(self.host_names, self.port)

    def start(self) -> FakeIdentityProvider:
        self._server.start(self.app)
        return self

    def stop(self) -> None:
        self.control.close()
        self._server.stop()

    def __enter__(self) -> FakeIdentityProvider:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def _control_context(tls: TlsFiles | None) -> ssl.SSLContext | bool:
    """The control client trusts exactly the certificate the server shows (whatever names it has)."""
    if tls is None:
        return True
    context = ssl.create_default_context(cafile=str(tls.certfile))
    context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN
    context.check_hostname = False
    return context


class MicrosoftProvider(FakeIdentityProvider):
    """Microsoft identity platform v2.0 look-alike: https://login.microsoftonline.com (names="real")
    or http(s)://login.microsoftonline.test:PORT (names="test")."""

    flavour: MicrosoftFlavour
    real_hosts = MICROSOFT_REAL_HOSTS
    default_test_host = MICROSOFT_TEST_HOST

    def __init__(
        self,
        public_host: str | None = None,
        bind_host: str = "127.0.0.1",
        port: int = 0,
        tls: TlsFiles | None = None,
        names: Names = "test",
        require_pkce: bool = False,
    ) -> None:
        super().__init__(public_host, bind_host, port, "fake-microsoft-idp", tls, names, require_pkce)

    def _make_flavour(self, site: PublicSite) -> Flavour:
        return MicrosoftFlavour(site)

    def discovery_url(self, tenant: str = "common") -> str:
        return self.flavour.discovery_url(tenant)

    def issuer(self, tenant_id: str) -> str:
        return self.flavour.issuer(tenant_id)

    def authority(self, tenant: str = "common") -> str:
        """What MSAL takes as `authority`."""
        return f"{self.base_url}/{tenant}"

    def authorize_url(self, tenant: str = "common") -> str:
        return f"{self.base_url}/{tenant}/oauth2/v2.0/authorize"

    def token_url(self, tenant: str = "common") -> str:
        return f"{self.base_url}/{tenant}/oauth2/v2.0/token"

    def jwks_url(self, tenant: str = "common") -> str:
        return f"{self.base_url}/{tenant}/discovery/v2.0/keys"

    def logout_url(self, tenant: str = "common") -> str:
        return f"{self.base_url}/{tenant}/oauth2/v2.0/logout"

    @property
    def userinfo_url(self) -> str:
        return f"{self.site.base('graph')}/oidc/userinfo"


class GoogleProvider(FakeIdentityProvider):
    """Google look-alike: https://accounts.google.com and Google's API hosts (names="real"), or
    everything on http(s)://accounts.google.test:PORT (names="test"); the issuer is the base URL."""

    flavour: GoogleFlavour
    real_hosts = GOOGLE_REAL_HOSTS
    default_test_host = GOOGLE_TEST_HOST

    def __init__(
        self,
        public_host: str | None = None,
        bind_host: str = "127.0.0.1",
        port: int = 0,
        tls: TlsFiles | None = None,
        names: Names = "test",
        require_pkce: bool = False,
    ) -> None:
        super().__init__(public_host, bind_host, port, "fake-google-idp", tls, names, require_pkce)

    def _make_flavour(self, site: PublicSite) -> Flavour:
        return GoogleFlavour(site)

    @property
    def discovery_url(self) -> str:
        return self.flavour.discovery_url

    @property
    def issuer(self) -> str:
        return self.flavour.issuer

    @property
    def authorize_url(self) -> str:
        return self.flavour.authorize_url

    @property
    def token_url(self) -> str:
        return self.flavour.token_url

    @property
    def userinfo_url(self) -> str:
        return self.flavour.userinfo_url

    @property
    def revocation_url(self) -> str:
        return self.flavour.revocation_url

    @property
    def jwks_url(self) -> str:
        return self.flavour.jwks_url

    @property
    def pem_certs_url(self) -> str:
        return self.flavour.pem_certs_url
