"""The host names a provider answers to, and the public base URL of each of its services.

With `names="real"` a provider is reached by the real host names, with no port (a resolver
rule maps them to the loopback port it listens on) and over HTTPS. With `names="test"` all
of its services share one `*.test` host, with the port, as before.

One server serves every host of a provider: the paths of the services do not collide, so
routes go by path alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Names = Literal["real", "test"]
NAME_CHOICES: tuple[Names, ...] = ("real", "test")

# Service -> real host name. The first service is the one the issuer and the pages live on.
MICROSOFT_REAL_HOSTS = {
    "login": "login.microsoftonline.com",
    "graph": "graph.microsoft.com",
}
GOOGLE_REAL_HOSTS = {
    "accounts": "accounts.google.com",
    "oauth2": "oauth2.googleapis.com",
    "openidconnect": "openidconnect.googleapis.com",
    "www": "www.googleapis.com",
}
MICROSOFT_TEST_HOST = "login.microsoftonline.test"
GOOGLE_TEST_HOST = "accounts.google.test"


@dataclass(frozen=True)
class PublicSite:
    """Where each service of a provider is published: service name -> base URL (no trailing slash)."""

    bases: dict[str, str]

    @property
    def main(self) -> str:
        return next(iter(self.bases.values()))

    @property
    def secure(self) -> bool:
        return self.main.startswith("https://")

    def base(self, service: str) -> str:
        return self.bases[service]


def public_site(real_hosts: dict[str, str], names: Names, test_host: str, scheme: str, port: int) -> PublicSite:
    if names == "real":
        return PublicSite({service: f"https://{host}" for service, host in real_hosts.items()})
    base = f"{scheme}://{test_host}:{port}"
    return PublicSite({service: base for service in real_hosts})


def host_map(hosts: tuple[str, ...], port: int) -> tuple[tuple[str, str], ...]:
    """loginspec.net's HostMap: each public name to the loopback port."""
    return tuple((host, f"127.0.0.1:{port}") for host in hosts)


def resolver_rules(hosts: tuple[str, ...], port: int) -> str:
    """Chromium's --host-resolver-rules for the same mapping."""
    return ", ".join(f"MAP {host} 127.0.0.1:{port}" for host in hosts)
