"""HTTP from the harness to a target, for the checks a browser cannot make (such as a forged Host header).

The bundled target's host names exist only in Chromium's resolver rules; the
same mapping is applied here, connecting to the mapped address while the Host
header and TLS server name keep the original name.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
from collections.abc import Iterator
from fnmatch import fnmatchcase
from typing import Any

import httpx

HostMap = tuple[tuple[str, str], ...]
"""(pattern, replacement) pairs; a replacement of "" excludes the names the pattern matches."""


def parse_resolver_rules(rules: str) -> HostMap:
    """Chromium's `MAP pattern host[:port]` and `EXCLUDE pattern` rules (comma separated), in order."""
    pairs = []
    for rule in filter(None, (part.strip() for part in rules.split(","))):
        words = rule.split()
        if len(words) == 3 and words[0].upper() == "MAP":
            pairs.append((words[1], words[2]))
        elif len(words) == 2 and words[0].upper() == "EXCLUDE":
            pairs.append((words[1], ""))
    return tuple(pairs)


def mapped_address(host: str, port: int, host_map: HostMap) -> tuple[str, int] | None:
    """Where a connection to `host:port` really goes, or None when no rule maps the host (as Chromium
    decides it: the first matching rule wins, an EXCLUDE among them leaves the name to DNS)."""
    host = host.lower()
    if any(not replacement and fnmatchcase(host, pattern.lower()) for pattern, replacement in host_map):
        return None
    replacement = next(
        (replacement for pattern, replacement in host_map if replacement and fnmatchcase(host, pattern.lower())), None
    )
    if replacement is None:
        return None
    address, _, mapped_port = replacement.partition(":")
    return address, int(mapped_port) if mapped_port else port


def mapped_url(url: httpx.URL, host_map: HostMap) -> httpx.URL | None:
    """Where a request for `url` really goes, or None when no rule maps its host."""
    default_port = 443 if url.scheme == "https" else 80
    mapped = mapped_address(url.host, url.port or default_port, host_map)
    if mapped is None:
        return None
    return url.copy_with(host=mapped[0], port=mapped[1])


# An idle connection is dropped after 2 s, before a server's keep-alive timeout can close it (uvicorn's
# default is 5 s, the harness's own servers keep 30 s): a request sent on a connection the server is closing
# at that moment fails with "Server disconnected without sending a response".
CLIENT_LIMITS = httpx.Limits(keepalive_expiry=2.0)


def _plain_transport(verify: ssl.SSLContext | bool) -> httpx.HTTPTransport:
    return httpx.HTTPTransport(verify=verify, limits=CLIENT_LIMITS)


class HostMappingTransport(httpx.BaseTransport):
    def __init__(self, host_map: HostMap, verify: ssl.SSLContext | bool = True) -> None:
        self._host_map = host_map
        self._inner = _plain_transport(verify)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        target = mapped_url(request.url, self._host_map)
        if target is None:
            return self._inner.handle_request(request)
        # A copy goes out, so the client still sees the original URL (its cookies belong to the name).
        mapped = httpx.Request(
            request.method,
            target,
            headers=request.headers,
            stream=request.stream,
            extensions={**request.extensions, "sni_hostname": request.url.host},
        )
        return self._inner.handle_request(mapped)

    def close(self) -> None:
        self._inner.close()


def transport_for(host_map: HostMap = (), verify: ssl.SSLContext | bool = True) -> httpx.BaseTransport:
    """`verify`: the TLS context the harness trusts (loginspec.tls.client_context), or True for the system's."""
    return HostMappingTransport(host_map, verify) if host_map else _plain_transport(verify)


def http_client(host_map: HostMap = (), verify: ssl.SSLContext | bool = True) -> httpx.Client:
    return httpx.Client(transport=transport_for(host_map, verify), timeout=15.0, follow_redirects=False)


def _port_number(port: int | str | None) -> int:
    if port is None or port == "":
        return 0
    if isinstance(port, int):
        return port
    return int(port) if port.isdigit() else socket.getservbyname(port)


@contextlib.contextmanager
def resolving(host_map: HostMap) -> Iterator[None]:
    """The same mapping for every client library in this process (requests, smtplib, MSAL, google-auth):
    the system resolver's answers are replaced for mapped names, ports included, while the clients keep
    the original name for the Host header and TLS. For tests and tools, not for concurrent use."""
    original = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, bytes):
            host = host.decode("ascii")
        if isinstance(host, str) and isinstance(port, int | str | None):
            mapped = mapped_address(host, _port_number(port), host_map)
            if mapped is not None:
                return original(mapped[0], mapped[1], *args, **kwargs)
        return original(host, port, *args, **kwargs)

    socket.getaddrinfo = getaddrinfo
    try:
        yield
    finally:
        socket.getaddrinfo = original
