"""What a scenario runs against: a target, and the set of targets of one run.

A target is one deployment in one profile: its URL, its Provisioner, the mail
sink it sends to, and the identity providers it trusts. The bundled reference
(see `bundled.py`) gives one target per profile; a target file describes others.

A target file (TOML), for `--target-file`:

    [browser]
    host_resolver_rules = "MAP *.test 10.1.2.3"     # optional, for names DNS does not know

    [tls]                                           # optional, for certificates from a private authority
    ca_file = "local-ca.pem"                        # trusted besides the system's (relative to this file)

    [mail]
    sink_url = "http://mail.example.test:8025"      # the Loginspec mail sink the target sends to
    smtp = "mail.example.test:2525"                 # optional: how the target reaches the sink's SMTP,
    starttls = true                                 #   with STARTTLS and AUTH as the target is set up;
    username = "crm"                                #   tried before any browser starts
    password_env = "MAIL_RELAY_PASSWORD"

    [identity_providers.microsoft]                  # optional, one table per provider
    base_url = "http://login.microsoftonline.test:8101"
    control_url = "http://10.1.2.3:8101"
    follow_target_clock = true                      # optional: its clock moves with the target's
    client_id = "crm"                               # optional: the target's client there, if not the only one

    [targets.online]                                # one table per profile the deployment offers
    base_url = "https://crm.example.test"
    control_url = "https://crm.example.test/_control"
    control_secret_env = "CRM_CONTROL_SECRET"       # the secret is read from this variable
    login_path = "/login"                           # optional: where the login screens are
    settings_login_path = "/settings/login"

    [waits]                                         # optional, for slow deployments (seconds; defaults shown)
    expect_seconds = 10                             # what a step expects to see on a page
    email_seconds = 10                              # an email to arrive in the sink
    provider_seconds = 10                           # an answer of a provider's or the sink's control API

    [expected_failures]                             # optional: known failures, by ID or scenario name
    "SEC-28" = "HSTS comes from the load balancer"  # (see loginspec/expected.py)

    [accessibility.expected]                        # optional: axe rules the deployment is known to break
    "color-contrast" = "brand colours, next release"

    [contract]                                      # optional: the UI contract (default: en)
    file = "nb"                                     # a bundled language, or a contract file
    numbers.idle_timeout_minutes = 15               # any entry of it, overridden
    capabilities.storage_audit = "no such call"     # a capability the deployment lacks, and why

A deployment without the control API names its own Provisioner instead of
control_url and control_secret_env: `provisioner = "package.module:ClassName"`,
called with the target's table and an HTTP client that knows the host map.
"""

from __future__ import annotations

import os
import pkgutil
import ssl
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx

from fake_services.idp.client import IdentityProviderControl
from fake_services.mailsink.client import MailSinkClient

from . import contract as ui_contract
from .catalogue import PROFILES
from .contract import Contract, ContractError
from .net import HostMap, http_client, mapped_address, parse_resolver_rules, transport_for
from .provisioning import HttpProvisioner, Provisioner, SsoIdentity
from .relay import RelaySettingsError, check_relay, relay_settings
from .tls import UntrustedCertificate, client_context, verified_spki


@dataclass
class IdentityProvider:
    kind: str
    base_url: str
    control: IdentityProviderControl
    follows_target_clock: bool = False
    """Move the provider's clock with the target's, for a target that checks its tokens' times against
    its own (moved) clock; the bundled reference checks them against real time, so its providers do not."""
    client_id: str | None = None
    """The target's client id at this provider, where Microsoft's subject differs per client (pairwise);
    None when the provider has only the target's client registered."""

    def identity_for_target(self, account: dict[str, Any]) -> SsoIdentity | None:
        """The issuer and subject this provider's ID tokens give the target for an account, as the fake's
        control API describes the account; None when the target's client is not known here."""
        if "subs" not in account:  # Google: one subject for every client
            return SsoIdentity(account["iss"], account["sub"])
        subjects: dict[str, str] = account["subs"]
        client_id = self.client_id or (next(iter(subjects)) if len(subjects) == 1 else None)
        return SsoIdentity(account["iss"], subjects[client_id]) if client_id in subjects else None


@dataclass(frozen=True)
class Waits:
    """How long a scenario waits for what it expects of the target, before it calls it missing."""

    expect_seconds: float = 10.0
    email_seconds: float = 10.0
    provider_seconds: float = 10.0


MAX_WAIT_SECONDS = 600.0


@dataclass
class Target:
    name: str
    profile: str
    base_url: str
    provisioner: Provisioner
    http: httpx.Client
    mail: MailSinkClient | None = None
    identity_providers: dict[str, IdentityProvider] = field(default_factory=dict)
    login_path: str = "/login"
    settings_login_path: str = "/settings/login"
    contract: Contract = field(default_factory=ui_contract.load)
    waits: Waits = field(default_factory=Waits)
    before_clock_moves: Callable[[], None] | None = None
    """Called before the clock moves: where workers share the deployment, it waits for the others."""

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path

    @property
    def opens_sessions(self) -> bool:
        """Whether a scenario may start signed in through the provisioning interface: the contract offers
        provisioned_sessions and the Provisioner has open_session (a class of a target's own written before
        the call existed has not; those scenarios then sign in through the login screens)."""
        has_call = callable(getattr(self.provisioner, "open_session", None))
        return has_call and self.contract.offers("provisioned_sessions")

    def advance_clock(self, seconds: float) -> None:
        """Move the target's clock forward, and the clocks of the providers that follow it."""
        if self.before_clock_moves is not None:
            self.before_clock_moves()
        self.provisioner.advance_clock(seconds)
        for provider in self.identity_providers.values():
            if provider.follows_target_clock:
                provider.control.advance_clock(seconds)

    @property
    def login_url(self) -> str:
        """Where the CRM's login screen is: the one address a scenario starts from."""
        return self.url(self.login_path)

    @property
    def settings_login_url(self) -> str:
        return self.url(self.settings_login_path)


class TargetSet(Protocol):
    """The targets of one run, by profile, how the browser must resolve their names, and the pins of the
    certificates it must accept besides those of public authorities."""

    targets: dict[str, Target]
    host_resolver_rules: str | None

    @property
    def pinned_keys(self) -> tuple[str, ...]: ...

    def close(self) -> None: ...


class TargetFileError(Exception):
    pass


@dataclass
class ExternalTargets:
    targets: dict[str, Target]
    host_resolver_rules: str | None
    providers: list[IdentityProvider] = field(default_factory=list)
    pinned_keys: tuple[str, ...] = ()

    def close(self) -> None:
        for target in self.targets.values():
            target.http.close()
            if target.mail:
                target.mail.close()
        for provider in self.providers:
            provider.control.close()


def _table(document: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = document.get(key, {})
    if not isinstance(value, dict):
        raise TargetFileError(f"{where}: '{key}' must be a table, such as [{where + '.' if where else ''}{key}]")
    return value


def _required(table: dict[str, Any], key: str, where: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value:
        raise TargetFileError(f"{where}: '{key}' is required and must be a string")
    return value


def load_target_file(path: Path) -> ExternalTargets:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise TargetFileError(f"cannot read target file {path}: {error}") from error
    rules = _table(document, "browser", "").get("host_resolver_rules")
    if rules is not None and not isinstance(rules, str):
        raise TargetFileError("browser: 'host_resolver_rules' must be a string")
    host_map = parse_resolver_rules(rules or "")
    mail = _table(document, "mail", "")
    sink_url = mail.get("sink_url")
    contract = _contract(_table(document, "contract", ""), path)
    ca_file = _ca_file(_table(document, "tls", ""), path)
    waits = _waits(_table(document, "waits", ""))
    targets = ExternalTargets({}, rules)
    try:
        _fill(targets, document, path, host_map, sink_url, contract, client_context(ca_file), waits)
        if not targets.targets:
            raise TargetFileError(f"{path} describes no [targets.online] or [targets.onsite]")
        if ca_file is not None:
            targets.pinned_keys = _pins(targets, sink_url, host_map, ca_file)
        relay = relay_settings(mail)
        if relay is not None:
            check_relay(relay, host_map, ca_file)
    except RelaySettingsError as error:
        targets.close()
        raise TargetFileError(f"mail: {error}") from None
    except BaseException:
        targets.close()
        raise
    return targets


def _waits(table: dict[str, Any]) -> Waits:
    known = {name for name in Waits.__dataclass_fields__}
    unknown = sorted(set(table) - known)
    if unknown:
        raise TargetFileError(f"waits: unknown {', '.join(unknown)}; known are {', '.join(sorted(known))}")
    for name, value in table.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= MAX_WAIT_SECONDS:
            raise TargetFileError(f"waits: '{name}' must be a number of seconds above 0, at most {MAX_WAIT_SECONDS:g}")
    return Waits(**{name: float(value) for name, value in table.items()})


def _ca_file(table: dict[str, Any], path: Path) -> Path | None:
    value = table.get("ca_file")
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise TargetFileError("tls: 'ca_file' must be the path of a PEM file")
    ca_file = (path.parent / value).resolve()
    try:
        client_context(ca_file)
    except (OSError, ssl.SSLError) as error:
        raise TargetFileError(f"tls: cannot load the authority {ca_file}: {error}") from None
    return ca_file


def _pins(targets: ExternalTargets, sink_url: object, host_map: HostMap, ca_file: Path) -> tuple[str, ...]:
    """The keys of the certificates the browser will meet, each verified here against the authority first:
    the browser is told to accept these keys, never to skip verification."""
    urls = [target.base_url for target in targets.targets.values()]
    urls += [provider.base_url for provider in targets.providers]
    urls += [sink_url] if isinstance(sink_url, str) else []
    pins = []
    for url in dict.fromkeys(urls):
        parts = urlsplit(url)
        if parts.scheme != "https" or parts.hostname is None:
            continue
        port = parts.port or 443
        address = mapped_address(parts.hostname, port, host_map) or (parts.hostname, port)
        try:
            pins.append(verified_spki(parts.hostname, address, ca_file))
        except UntrustedCertificate as error:
            raise TargetFileError(f"tls: {error}") from None
    return tuple(dict.fromkeys(pins))


def _contract(table: dict[str, Any], path: Path) -> Contract:
    """The contract the deployment is judged by: `file` names a language (en, nb) or a contract file, and
    every other key of [contract] overrides an entry of it."""
    source = table.get("file", "en")
    if not isinstance(source, str) or not source:
        raise TargetFileError("contract: 'file' must name a language (en, nb) or a contract file")
    try:
        return ui_contract.load(source, table, relative_to=path.parent)
    except ContractError as error:
        raise TargetFileError(f"contract: {error}") from error


def _fill(
    targets: ExternalTargets,
    document: dict[str, Any],
    path: Path,
    host_map: HostMap,
    sink_url: object,
    contract: Contract,
    verify: ssl.SSLContext,
    waits: Waits,
) -> None:
    providers = {}
    for kind, table in _table(document, "identity_providers", "").items():
        where = f"identity_providers.{kind}"
        if not isinstance(table, dict):
            raise TargetFileError(f"{where} must be a table")
        follows = table.get("follow_target_clock", False)
        if not isinstance(follows, bool):
            raise TargetFileError(f"{where}: 'follow_target_clock' must be true or false")
        client_id = table.get("client_id")
        if client_id is not None and not (isinstance(client_id, str) and client_id):
            raise TargetFileError(f"{where}: 'client_id' must be a non-empty string")
        providers[kind] = IdentityProvider(
            kind,
            _url(table, "base_url", where),
            IdentityProviderControl(
                _url(table, "control_url", where),
                timeout=waits.provider_seconds,
                transport=transport_for(host_map, verify),
            ),
            follows,
            client_id,
        )
    targets.providers = list(providers.values())
    for profile, table in _table(document, "targets", "").items():
        where = f"targets.{profile}"
        if profile not in PROFILES:
            raise TargetFileError(f"{where}: the profile must be one of {', '.join(PROFILES)}")
        if not isinstance(table, dict):
            raise TargetFileError(f"{where} must be a table with base_url, control_url and control_secret_env")
        base_url = _url(table, "base_url", where)
        http = http_client(host_map, verify)
        try:
            provisioner = _provisioner(table, where, http)
        except TargetFileError:
            http.close()
            raise
        targets.targets[profile] = Target(
            name=f"{path.stem}-{profile}",
            profile=profile,
            base_url=base_url,
            provisioner=provisioner,
            http=http,
            mail=_mail_client(sink_url, host_map, verify, waits),
            identity_providers=providers,
            login_path=str(table.get("login_path", "/login")),
            settings_login_path=str(table.get("settings_login_path", "/settings/login")),
            contract=contract,
            waits=waits,
        )


def _mail_client(sink_url: object, host_map: HostMap, verify: ssl.SSLContext, waits: Waits) -> MailSinkClient | None:
    if not isinstance(sink_url, str) or not sink_url:
        return None
    return MailSinkClient(
        sink_url,
        transport=transport_for(host_map, verify),
        request_timeout=waits.provider_seconds,
        wait_timeout=waits.email_seconds,
    )


def _provisioner(table: dict[str, Any], where: str, http: httpx.Client) -> Provisioner:
    """The control API's client, or the class the table names for a deployment without that API."""
    name = table.get("provisioner")
    if name is None:
        secret_variable = _required(table, "control_secret_env", where)
        secret = os.environ.get(secret_variable)
        if not secret:
            raise TargetFileError(f"{where}: set {secret_variable} to the control API secret")
        return HttpProvisioner(_url(table, "control_url", where), secret, http)
    if not isinstance(name, str) or ":" not in name:
        raise TargetFileError(f"{where}: 'provisioner' must be 'package.module:ClassName', not {name!r}")
    try:
        factory = pkgutil.resolve_name(name)
    except (ImportError, AttributeError, ValueError) as error:
        raise TargetFileError(f"{where}: cannot load the provisioner {name!r}: {error}") from None
    provisioner: Provisioner = factory(table, http)
    return provisioner


def _url(table: dict[str, Any], key: str, where: str) -> str:
    value = _required(table, key, where)
    if not value.startswith(("http://", "https://")):
        raise TargetFileError(f"{where}: '{key}' must be an http(s) URL, not {value!r}")
    return value.rstrip("/")
