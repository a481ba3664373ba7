"""Deployment settings: everything the app needs to know about where and how it runs.

Settings come from keyword arguments (the runner and tests) or from `CRM_*`
environment variables (`Settings.from_environ`). The app reads them; it never
looks at the environment itself.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from . import presentation

Profile = Literal["online", "onsite"]
PROFILES: tuple[Profile, ...] = ("online", "onsite")


@dataclass(frozen=True)
class IdentityProviderSettings:
    """How the CRM, as an OpenID Connect client, reaches one identity provider.

    For Microsoft the `authority` is the base URL in front of `/{tenant}/v2.0`;
    for Google it is the issuer itself.
    """

    kind: Literal["microsoft", "google"]
    authority: str
    client_id: str
    client_secret: str


@dataclass(frozen=True)
class Settings:
    base_url: str
    profile: Profile = "online"
    database_path: Path = Path("var/crm.sqlite3")
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    product_name: str = "CRM"
    # The language and paths of the pages and emails: "en" (the help page's own), or "nb" (Norwegian).
    presentation: str = "en"

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    smtp_timeout: float = 10.0
    mail_from: str = "CRM <no-reply@crm.test>"
    # A real relay: STARTTLS before anything else (the certificate checked against the system's
    # authorities and ca_file), then AUTH as this user when one is given.
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password: str | None = field(default=None, repr=False)

    # Test mode turns on the control API (provisioning, clock) and the adjustable clock.
    test_mode: bool = False
    control_secret: str | None = None

    session_idle_timeout: int = 30 * 60
    session_absolute_timeout: int = 12 * 3600
    activation_link_lifetime: int = 48 * 3600
    reset_link_lifetime: int = 3600
    login_failure_limit: int = 5
    login_lockout: int = 15 * 60
    mails_per_address_limit: int = 3
    mails_per_address_window: int = 3600

    # OWASP's Argon2id baseline (19 MiB, 2 passes, 1 lane).
    argon2_memory_kib: int = 19456
    argon2_time_cost: int = 2
    argon2_parallelism: int = 1

    identity_providers: tuple[IdentityProviderSettings, ...] = ()
    # Outbound name mapping, like curl's --resolve: ("*.test", "127.0.0.1") sends
    # the app's own HTTP calls for those names to that address ("127.0.0.1:8443": and port).
    host_map: tuple[tuple[str, str], ...] = ()
    # A private certificate authority trusted besides the system's, for the identity providers and the mail relay.
    ca_file: Path | None = None

    def __post_init__(self) -> None:
        if self.profile not in PROFILES:
            raise ValueError(f"profile must be one of {PROFILES}, not {self.profile!r}")
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
            raise ValueError(f"base_url must be an http(s) origin such as http://crm.test:8000, not {self.base_url!r}")
        presentation.load(self.presentation)  # refuses an unknown one
        if (self.smtp_username is None) != (self.smtp_password is None):
            raise ValueError("smtp_username and smtp_password go together (CRM_SMTP_USERNAME, CRM_SMTP_PASSWORD)")
        if self.test_mode and not self.control_secret:
            raise ValueError("test mode needs a control_secret to protect the control API")
        object.__setattr__(self, "base_url", self.base_url.rstrip("/"))

    @property
    def https(self) -> bool:
        return self.base_url.startswith("https://")

    def identity_provider(self, kind: str) -> IdentityProviderSettings | None:
        return next((p for p in self.identity_providers if p.kind == kind), None)

    def url(self, path: str) -> str:
        """An absolute URL on this deployment, always built from the configured base URL (on the
        presentation's public path)."""
        return self.base_url + presentation.load(self.presentation).public_path(path)

    @classmethod
    def from_environ(cls, environ: dict[str, str] | None = None, /, **overrides: object) -> Settings:
        env = dict(os.environ if environ is None else environ)
        # Field names and values from the environment and the overrides; the dataclass constructor
        # refuses an unknown name and __post_init__ checks the values that matter.
        values: dict[str, Any] = {}
        text_settings = {
            "CRM_BASE_URL": "base_url",
            "CRM_PROFILE": "profile",
            "CRM_SECRET_KEY": "secret_key",
            "CRM_SMTP_HOST": "smtp_host",
            "CRM_MAIL_FROM": "mail_from",
            "CRM_CONTROL_SECRET": "control_secret",
            "CRM_PRESENTATION": "presentation",
            "CRM_SMTP_USERNAME": "smtp_username",
            "CRM_SMTP_PASSWORD": "smtp_password",
        }
        for variable, name in text_settings.items():
            if env.get(variable):
                values[name] = env[variable]
        if env.get("CRM_DATABASE"):
            values["database_path"] = Path(env["CRM_DATABASE"])
        if env.get("CRM_SMTP_PORT"):
            values["smtp_port"] = int(env["CRM_SMTP_PORT"])
        if env.get("CRM_TEST_MODE"):
            values["test_mode"] = env["CRM_TEST_MODE"].lower() in ("1", "true", "yes")
        if env.get("CRM_SMTP_STARTTLS"):
            values["smtp_starttls"] = env["CRM_SMTP_STARTTLS"].lower() in ("1", "true", "yes")
        if env.get("CRM_CA_FILE"):
            values["ca_file"] = Path(env["CRM_CA_FILE"])
        if env.get("CRM_HOST_MAP"):
            values["host_map"] = parse_host_map(env["CRM_HOST_MAP"])
        providers = []
        kinds: tuple[Literal["microsoft", "google"], ...] = ("microsoft", "google")
        for kind in kinds:
            prefix = f"CRM_{kind.upper()}_"
            if env.get(prefix + "AUTHORITY"):
                providers.append(
                    IdentityProviderSettings(
                        kind=kind,
                        authority=env[prefix + "AUTHORITY"],
                        client_id=env[prefix + "CLIENT_ID"],
                        client_secret=env[prefix + "CLIENT_SECRET"],
                    )
                )
        if providers:
            values["identity_providers"] = tuple(providers)
        values.update(overrides)
        return cls(**values)


def parse_host_map(text: str) -> tuple[tuple[str, str], ...]:
    """Parse `*.test=127.0.0.1,accounts.google.com=127.0.0.1:8443` into pairs."""
    pairs = []
    for item in filter(None, (part.strip() for part in text.split(","))):
        pattern, _, address = item.partition("=")
        if not pattern or not address:
            raise ValueError(f"host map entries look like '*.test=127.0.0.1', not {item!r}")
        pairs.append((pattern.strip(), address.strip()))
    return tuple(pairs)
