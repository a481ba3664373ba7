"""The bundled stack: the reference CRM in both profiles, the mail sink and both identity providers.

Everything runs in this process, each HTTP service on its own free port and host
name (`crm.test`, `crm-onsite.test`, `login.microsoftonline.test`,
`accounts.google.test`, `mail.test`), all mapped to 127.0.0.1 for the browser by
`host_resolver_rules`, for the app's own calls by its host map, and for the
harness's mail client by the same mapping. The control APIs, which no browser
uses, are called on 127.0.0.1 directly.
"""

from __future__ import annotations

import secrets
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from fake_services.idp import GoogleProvider, MicrosoftProvider
from fake_services.mailsink import MailSink
from fake_services.mailsink.client import MailSinkClient
from fake_services.serving import BackgroundServer
from reference_app.app import create_app
from reference_app.settings import IdentityProviderSettings, Settings

from .net import http_client, parse_resolver_rules, transport_for
from .provisioning import HttpProvisioner
from .targets import IdentityProvider, Target

HOST_RESOLVER_RULES = "MAP *.test 127.0.0.1"
# The same mapping for the reference app's own calls (to the identity providers), in its format.
APP_HOST_MAP = (("*.test", "127.0.0.1"),)
APP_HOST_NAMES = {"online": "crm.test", "onsite": "crm-onsite.test"}
MAIL_HOST_NAME = "mail.test"
CLIENT_ID = "loginspec-reference-crm"


def _expect_healthy(url: str) -> None:
    """A started service must answer before the first scenario relies on it."""
    response = httpx.get(url, timeout=10)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code} at start")


class BundledStack:
    def __init__(self, workdir: Path | None = None) -> None:
        self._temporary = None if workdir else tempfile.TemporaryDirectory(prefix="loginspec-")
        self.workdir = workdir or Path(self._temporary.name)  # type: ignore[union-attr]
        self.host_resolver_rules: str | None = HOST_RESOLVER_RULES
        self.targets: dict[str, Target] = {}
        self._running: list[object] = []

    def start(self) -> BundledStack:
        try:
            self._start()
        except BaseException:
            self.close()
            raise
        return self

    def _start(self) -> None:
        self.mail_sink = MailSink().start()
        self._running.append(self.mail_sink)
        _expect_healthy(self.mail_sink.http_url + "/healthz")
        self.mail_url = f"http://{MAIL_HOST_NAME}:{urlsplit(self.mail_sink.http_url).port}"
        self.microsoft = MicrosoftProvider(public_host="login.microsoftonline.test").start()
        self._running.append(self.microsoft)
        self.google = GoogleProvider(public_host="accounts.google.test").start()
        self._running.append(self.google)
        for provider in (self.microsoft, self.google):
            _expect_healthy(provider.control_url + "/_control/keys")

        servers = {profile: BackgroundServer(name=f"crm-{profile}") for profile in APP_HOST_NAMES}
        base_urls = {profile: f"http://{APP_HOST_NAMES[profile]}:{server.port}" for profile, server in servers.items()}
        client_secret = secrets.token_urlsafe(24)
        redirect_uris = [base_url + "/sso/callback" for base_url in base_urls.values()]
        for provider in (self.microsoft, self.google):
            provider.control.register_client(CLIENT_ID, client_secret, redirect_uris)
        identity_providers = (
            IdentityProviderSettings("microsoft", self.microsoft.base_url, CLIENT_ID, client_secret),
            IdentityProviderSettings("google", self.google.base_url, CLIENT_ID, client_secret),
        )
        for profile, server in servers.items():
            control_secret = secrets.token_urlsafe(24)
            settings = Settings(
                base_url=base_urls[profile],
                profile=profile,  # type: ignore[arg-type]
                database_path=self.workdir / f"crm-{profile}.sqlite3",
                smtp_host=self.mail_sink.smtp_host,
                smtp_port=self.mail_sink.smtp_port,
                mail_from=f"CRM <no-reply@{APP_HOST_NAMES[profile]}>",
                test_mode=True,
                control_secret=control_secret,
                identity_providers=identity_providers,
                host_map=APP_HOST_MAP,
            )
            server.start(create_app(settings))
            self._running.append(server)
            _expect_healthy(server.url + "/healthz")
            http = http_client(parse_resolver_rules(HOST_RESOLVER_RULES))
            self.targets[profile] = Target(
                name=f"bundled-{profile}",
                profile=profile,
                base_url=base_urls[profile],
                provisioner=HttpProvisioner(f"{server.url}/_control", control_secret, http),
                http=http,
                mail=MailSinkClient(self.mail_url, transport=transport_for(parse_resolver_rules(HOST_RESOLVER_RULES))),
                identity_providers={
                    "microsoft": IdentityProvider("microsoft", self.microsoft.base_url, self.microsoft.control),
                    "google": IdentityProvider("google", self.google.base_url, self.google.control),
                },
            )

    def close(self) -> None:
        for target in self.targets.values():
            target.http.close()
            if target.mail:
                target.mail.close()
        for service in reversed(self._running):
            service.stop()  # type: ignore[attr-defined]
        self._running.clear()
        if self._temporary:
            self._temporary.cleanup()

    def __enter__(self) -> BundledStack:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()
