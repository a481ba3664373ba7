"""Run a fake identity provider by hand.

    python -m fake_services.idp microsoft --port 8401 --public-host login.microsoftonline.test \\
        --client crm:s3cret:http://crm.test:8000/auth/callback \\
        --user contoso.test:alice@contoso.test:Passw0rd!:Alice Example

    python -m fake_services.idp google --names real --port 8402 --certfile google.pem --keyfile google.key

It prints its URLs, the discovery URL(s), the host mapping and the seeded tenants and users, then
serves until Ctrl-C.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fake_services.idp.client import IdentityProviderControl
from fake_services.idp.identifiers import is_guid
from fake_services.idp.names import NAME_CHOICES
from fake_services.idp.runners import FakeIdentityProvider, GoogleProvider, MicrosoftProvider
from fake_services.serving import TlsFiles, wait_until_stopped


@dataclass(frozen=True)
class ClientSpec:
    client_id: str
    client_secret: str
    redirect_uri: str


@dataclass(frozen=True)
class UserSpec:
    realm: str
    email: str
    password: str
    name: str


def client_spec(value: str) -> ClientSpec:
    parts = value.split(":", 2)
    if len(parts) != 3 or not all(parts):
        raise argparse.ArgumentTypeError("expected id:secret:redirect_uri")
    return ClientSpec(*parts)


def user_spec(value: str) -> UserSpec:
    parts = value.split(":", 3)
    if len(parts) != 4 or not all(parts[1:]):
        raise argparse.ArgumentTypeError("expected tenant-or-domain:email:password:name")
    return UserSpec(*parts)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m fake_services.idp", description=__doc__.split("\n")[1])
    parser.add_argument("flavour", choices=["microsoft", "google"])
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: any free port)")
    parser.add_argument("--bind-host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument(
        "--names",
        choices=NAME_CHOICES,
        default="test",
        help="'real': the real host names over HTTPS with no port (needs --certfile and --keyfile); "
        "'test' (default): one *.test host with the port",
    )
    parser.add_argument("--public-host", help="with --names test: the host name the browser and the issuer use")
    parser.add_argument("--certfile", type=Path, help="serve HTTPS with this certificate (PEM, chain after it)")
    parser.add_argument("--keyfile", type=Path, help="the certificate's private key (PEM)")
    parser.add_argument(
        "--require-pkce", action="store_true", help="every authorization request must carry an S256 code challenge"
    )
    parser.add_argument(
        "--client",
        type=client_spec,
        action="append",
        default=[],
        metavar="ID:SECRET:REDIRECT_URI",
        help="register a client (repeat the same id to add redirect URIs)",
    )
    parser.add_argument(
        "--user",
        type=user_spec,
        action="append",
        default=[],
        metavar="REALM:EMAIL:PASSWORD:NAME",
        help="add a user; REALM is a tenant name, domain or GUID (Microsoft) or a Workspace domain "
        "(Google; leave it empty for a consumer account)",
    )
    args = parser.parse_args(argv)
    if (args.certfile is None) != (args.keyfile is None):
        parser.error("--certfile and --keyfile go together")
    if args.names == "real" and args.certfile is None:
        parser.error("--names real serves HTTPS: give --certfile and --keyfile")
    if args.names == "real" and args.public_host:
        parser.error("--public-host is for --names test")
    return args


def make_provider(args: argparse.Namespace) -> FakeIdentityProvider:
    provider_class = MicrosoftProvider if args.flavour == "microsoft" else GoogleProvider
    tls = TlsFiles(args.certfile, args.keyfile) if args.certfile else None
    return provider_class(
        public_host=args.public_host,
        bind_host=args.bind_host,
        port=args.port,
        tls=tls,
        names=args.names,
        require_pkce=args.require_pkce,
    )


def seed(provider: FakeIdentityProvider, clients: list[ClientSpec], users: list[UserSpec]) -> list[str]:
    """Register the clients and users; returns lines describing what was created."""
    lines: list[str] = []
    redirect_uris: dict[tuple[str, str], list[str]] = {}
    for client in clients:
        redirect_uris.setdefault((client.client_id, client.client_secret), []).append(client.redirect_uri)
    for (client_id, secret), uris in redirect_uris.items():
        provider.control.register_client(client_id, secret, uris)
        lines.append(f"client  {client_id}  redirect URIs: {' '.join(uris)}")
    control = provider.control
    if isinstance(provider, MicrosoftProvider):
        tenants: dict[str, str] = {}
        for user in users:
            if user.realm not in tenants:
                tenants[user.realm] = _add_tenant(control, user.realm)
                tenant_id = tenants[user.realm]
                lines.append(f"tenant  {user.realm}  id {tenant_id}  discovery {provider.discovery_url(tenant_id)}")
            ids = control.add_user(user.email, user.password, user.name, tenant=tenants[user.realm])
            lines.append(f"user    {user.email}  tid {ids['tid']}  oid {ids['oid']}  subs {ids['subs']}")
    else:
        for user in users:
            ids = control.add_user(user.email, user.password, user.name, domain=user.realm or None)
            lines.append(f"user    {user.email}  sub {ids['sub']}  hd {ids['hd']}")
    return lines


def _add_tenant(control: IdentityProviderControl, label: str) -> str:
    if is_guid(label):
        return control.add_tenant(name=label, tenant_id=label)
    return control.add_tenant(name=label, domain=label if "." in label else None)


def describe(provider: FakeIdentityProvider) -> list[str]:
    lines = [f"public base URL  {provider.base_url}", f"control API      {provider.control_url}/_control/"]
    if isinstance(provider, MicrosoftProvider):
        lines.append(f"discovery        {provider.discovery_url('common')}  (or /{{tenant}}/ for one tenant)")
    elif isinstance(provider, GoogleProvider):
        lines.append(f"discovery        {provider.discovery_url}")
    lines.append(f"host names       {' '.join(provider.host_names)}")
    lines.append(f"resolver rules   {provider.resolver_rules}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    provider = make_provider(args)
    provider.start()
    try:
        lines = describe(provider) + seed(provider, args.client, args.user)
        print(f"fake {args.flavour} identity provider", *lines, "Press Ctrl-C to stop.", sep="\n", flush=True)
        wait_until_stopped()
    except KeyboardInterrupt:
        pass
    finally:
        provider.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
