"""Starting a fake provider in-process: a uvicorn server on a background thread.

The server binds `bind_host` (loopback); the browser and the issuer use `public_host`, which
Chromium maps to 127.0.0.1 for *.test names. The port is known as soon as the object exists
(port 0 picks a free one), so the public base URL, and with it the issuer, is fixed before
the first request.
"""

from __future__ import annotations

import abc

from starlette.applications import Starlette

from fake_services.idp.app import build_app
from fake_services.idp.client import IdentityProviderControl
from fake_services.idp.flavour import Flavour
from fake_services.idp.google import GoogleFlavour
from fake_services.idp.microsoft import MicrosoftFlavour
from fake_services.serving import BackgroundServer


class FakeIdentityProvider(abc.ABC):
    def __init__(self, public_host: str, bind_host: str, port: int, name: str) -> None:
        # The server binds its socket at once, so the port, and with it the public base URL the
        # app needs, is known before the app is built and handed to start().
        self._server = BackgroundServer(host=bind_host, port=port, name=name)
        self.public_host = public_host
        self.base_url = f"http://{public_host}:{self._server.port}"
        self.control_url = self._server.url
        self.flavour = self._make_flavour(self.base_url)
        self.app: Starlette = build_app(self.flavour)
        self.control = IdentityProviderControl(self.control_url)

    @abc.abstractmethod
    def _make_flavour(self, public_base: str) -> Flavour: ...

    @property
    def port(self) -> int:
        return self._server.port

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


class MicrosoftProvider(FakeIdentityProvider):
    """Microsoft identity platform v2.0 look-alike, e.g. at http://login.microsoftonline.test:PORT."""

    flavour: MicrosoftFlavour

    def __init__(
        self, public_host: str = "login.microsoftonline.test", bind_host: str = "127.0.0.1", port: int = 0
    ) -> None:
        super().__init__(public_host, bind_host, port, name="fake-microsoft-idp")

    def _make_flavour(self, public_base: str) -> Flavour:
        return MicrosoftFlavour(public_base)

    def discovery_url(self, tenant: str = "common") -> str:
        return self.flavour.discovery_url(tenant)

    def issuer(self, tenant_id: str) -> str:
        return self.flavour.issuer(tenant_id)

    def authorize_url(self, tenant: str = "common") -> str:
        return f"{self.base_url}/{tenant}/oauth2/v2.0/authorize"

    def token_url(self, tenant: str = "common") -> str:
        return f"{self.base_url}/{tenant}/oauth2/v2.0/token"

    def jwks_url(self, tenant: str = "common") -> str:
        return f"{self.base_url}/{tenant}/discovery/v2.0/keys"


class GoogleProvider(FakeIdentityProvider):
    """Google look-alike, e.g. at http://accounts.google.test:PORT (issuer = base URL)."""

    flavour: GoogleFlavour

    def __init__(self, public_host: str = "accounts.google.test", bind_host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(public_host, bind_host, port, name="fake-google-idp")

    def _make_flavour(self, public_base: str) -> Flavour:
        return GoogleFlavour(public_base)

    @property
    def discovery_url(self) -> str:
        return self.flavour.discovery_url

    @property
    def issuer(self) -> str:
        return self.flavour.issuer

    @property
    def authorize_url(self) -> str:
        return f"{self.base_url}/o/oauth2/v2/auth"

    @property
    def token_url(self) -> str:
        return f"{self.base_url}/token"

    @property
    def jwks_url(self) -> str:
        return f"{self.base_url}/oauth2/v3/certs"
