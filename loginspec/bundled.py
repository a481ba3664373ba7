"""The bundled stack: the reference CRM in both profiles, the mail sink and both identity providers.

Everything runs in this process, each service on its own free port and host name,
over HTTPS with certificates from a local authority made for the run: `crm.test`,
`crm-onsite.test`, `mail.test` (web side; SMTP with STARTTLS and AUTH), and the
providers under their real names (`login.microsoftonline.com`, `accounts.google.com`,
`oauth2.googleapis.com`, `www.googleapis.com`...) with the real issuers and paths, so the
CRM is configured as for production. All names are mapped to 127.0.0.1 and the right
port for the browser by `host_resolver_rules`, for the app's own calls by its host map,
and for the harness's clients by the same mapping. The control APIs, which no browser
uses, are called on 127.0.0.1 directly. `https=False` serves plain HTTP, with the
providers under `*.test` names.

The CRM runs in each presentation asked for: English (`en`, the help page's own
labels and paths) and Norwegian (`nb`: a one-page online login, other paths, other
markup), each judged by its own contract. With one presentation the targets are
named after their profiles (`online`, `onsite`); with several, `en-online`, `nb-onsite`...
"""

from __future__ import annotations

import secrets
import ssl
import tempfile
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

import httpx

from fake_services.idp import GoogleProvider, MicrosoftProvider
from fake_services.idp.names import Names
from fake_services.mailsink import MailSink, SmtpCredentials
from fake_services.mailsink.client import MailSinkClient
from fake_services.serving import BackgroundServer, TlsFiles
from reference_app import presentation
from reference_app.app import create_app
from reference_app.routes.sso import CALLBACK_PATH
from reference_app.settings import IdentityProviderSettings, Settings

from . import contract as ui_contract
from .bundled_names import bundled_target_names
from .net import http_client, parse_resolver_rules, transport_for
from .provisioning import HttpProvisioner
from .targets import IdentityProvider, Target
from .tls import LocalAuthority, client_context

TEST_NAMES_RULE = "MAP *.test 127.0.0.1"
APP_HOST_NAMES = {"online": "crm.test", "onsite": "crm-onsite.test"}
MAIL_HOST_NAME = "mail.test"
MAIL_USER_NAME = "crm"
CLIENT_ID = "loginspec-reference-crm"
BUNDLED_ARGON2_MEMORY_KIB = 12 * 1024


def _expect_healthy(url: str, verify: ssl.SSLContext) -> None:
    """A started service must answer before the first scenario relies on it."""
    response = httpx.get(url, timeout=10, verify=verify)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code} at start")


def host_name(presentation: str, profile: str) -> str:
    name = APP_HOST_NAMES[profile]
    return name if presentation == "en" else name.replace("crm", f"crm-{presentation}", 1)


class _Service(Protocol):
    def stop(self) -> None: ...


class BundledStack:
    def __init__(
        self,
        workdir: Path | None = None,
        presentations: tuple[str, ...] = ("en",),
        https: bool = True,
        provider_names: Names = "real",
    ) -> None:
        self._temporary: tempfile.TemporaryDirectory[str] | None = None
        if workdir is None:
            self._temporary = tempfile.TemporaryDirectory(prefix="loginspec-")
            workdir = Path(self._temporary.name)
        self.workdir = workdir
        self.host_resolver_rules: str | None = TEST_NAMES_RULE
        self.presentations = presentations
        # Microsoft's and Google's own names need certificates for them, so HTTPS; plain HTTP keeps *.test.
        self.provider_names: Names = provider_names if https else "test"
        # A new authority every start: its key never outlives the run, even with a kept workdir.
        self.authority = LocalAuthority(self.workdir / "tls") if https else None
        self.ca_file = self.authority.ca_file if self.authority else None
        self.verify = client_context(self.ca_file)
        self.targets: dict[str, Target] = {}
        self._running: list[_Service] = []

    def start(self) -> BundledStack:
        try:
            self._start()
        except BaseException:
            self.close()
            raise
        return self

    def _start(self) -> None:
        # The CRM sends as to a real relay: STARTTLS (over HTTPS runs) and AUTH with credentials of this run.
        mail_credentials = SmtpCredentials(MAIL_USER_NAME, secrets.token_urlsafe(18))
        self.mail_sink = MailSink(
            tls=self._certificate("mail", MAIL_HOST_NAME),
            require_starttls=self.authority is not None,
            credentials=mail_credentials,
        ).start()
        self._running.append(self.mail_sink)
        _expect_healthy(self.mail_sink.http_url + "/healthz", self.verify)
        sink_address = urlsplit(self.mail_sink.http_url)
        self.mail_url = f"{sink_address.scheme}://{MAIL_HOST_NAME}:{sink_address.port}"
        self.microsoft = MicrosoftProvider(
            names=self.provider_names,
            tls=self._certificate("microsoft", *MicrosoftProvider.host_names_for(self.provider_names)),
        ).start()
        self._running.append(self.microsoft)
        self.google = GoogleProvider(
            names=self.provider_names,
            tls=self._certificate("google", *GoogleProvider.host_names_for(self.provider_names)),
        ).start()
        self._running.append(self.google)
        for provider in (self.microsoft, self.google):
            provider.control.keys()  # answers once the provider serves
        # Each provider's names to its port (Microsoft's and Google's real names among them), the CRMs' *.test.
        self.host_resolver_rules = ", ".join(
            (self.microsoft.resolver_rules, self.google.resolver_rules, TEST_NAMES_RULE)
        )
        host_map = parse_resolver_rules(self.host_resolver_rules)

        names = bundled_target_names(self.presentations)
        servers = {
            name: BackgroundServer(name=f"crm-{name}", tls=self._certificate(f"crm-{name}", host_name(*shown)))
            for name, shown in names.items()
        }
        settings_by_name = {}
        client_secret = secrets.token_urlsafe(24)
        identity_providers = (
            IdentityProviderSettings("microsoft", self.microsoft.base_url, CLIENT_ID, client_secret),
            IdentityProviderSettings("google", self.google.base_url, CLIENT_ID, client_secret),
        )
        for name, (shown, profile) in names.items():
            settings_by_name[name] = Settings(
                base_url=f"{servers[name].scheme}://{host_name(shown, profile)}:{servers[name].port}",
                profile=profile,
                presentation=shown,
                database_path=self.workdir / f"crm-{name}.sqlite3",
                smtp_host=self.mail_sink.smtp_host,
                smtp_port=self.mail_sink.smtp_port,
                smtp_starttls=self.mail_sink.starttls,
                smtp_username=mail_credentials.username,
                smtp_password=mail_credentials.password,
                mail_from=f"CRM <no-reply@{host_name(shown, profile)}>",
                test_mode=True,
                control_secret=secrets.token_urlsafe(24),
                identity_providers=identity_providers,
                host_map=host_map,
                ca_file=self.ca_file,
                # Still Argon2id, at a fifth of OWASP's baseline cost: a run hashes a thousand passwords, and
                # a hash still costs enough for the timing scenario to tell a skipped one.
                argon2_memory_kib=BUNDLED_ARGON2_MEMORY_KIB,
                argon2_time_cost=1,
            )
        redirect_uris = [settings.url(CALLBACK_PATH) for settings in settings_by_name.values()]
        for provider in (self.microsoft, self.google):
            provider.control.register_client(CLIENT_ID, client_secret, redirect_uris)
        for name, server in servers.items():
            settings = settings_by_name[name]
            server.start(create_app(settings))
            self._running.append(server)
            _expect_healthy(server.url + "/healthz", self.verify)
            http = http_client(host_map, verify=self.verify)
            self.targets[name] = Target(
                name=f"bundled-{name}",
                profile=settings.profile,
                base_url=settings.base_url,
                provisioner=HttpProvisioner(f"{server.url}/_control", settings.control_secret or "", http),
                http=http,
                mail=MailSinkClient(self.mail_url, transport=transport_for(host_map, self.verify)),
                identity_providers={
                    "microsoft": IdentityProvider(
                        "microsoft", self.microsoft.base_url, self.microsoft.control, client_id=CLIENT_ID
                    ),
                    "google": IdentityProvider(
                        "google", self.google.base_url, self.google.control, client_id=CLIENT_ID
                    ),
                },
                login_path=presentation.load(settings.presentation).public_path("/login"),
                settings_login_path=presentation.load(settings.presentation).public_path("/settings/login"),
                contract=ui_contract.load(settings.presentation),
            )

    def _certificate(self, name: str, *host_names: str) -> TlsFiles | None:
        return self.authority.issue(name, *host_names).files if self.authority else None

    @property
    def pinned_keys(self) -> tuple[str, ...]:
        return self.authority.pinned_keys() if self.authority else ()

    def close(self) -> None:
        for target in self.targets.values():
            target.http.close()
            if target.mail:
                target.mail.close()
        for service in reversed(self._running):
            service.stop()
        self._running.clear()
        if self._temporary:
            self._temporary.cleanup()

    def __enter__(self) -> BundledStack:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()
