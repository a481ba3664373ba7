"""The app's own HTTP calls (to identity providers), with optional host name mapping.

A mapping such as `*.test -> 127.0.0.1` plays the part of DNS for names the
system resolver does not know, like curl's `--resolve`: the connection goes to
the mapped address (and port, when the entry names one) while the Host header and
TLS server name stay the original. Certificates are checked against the system's
authorities and, when the deployment names one, a private authority besides.
"""

from __future__ import annotations

import ssl
from fnmatch import fnmatchcase
from functools import cache
from pathlib import Path

import httpx

TIMEOUT = httpx.Timeout(10.0)


@cache
def tls_context(ca_file: Path | None = None) -> ssl.SSLContext:
    # Loading the CA bundle takes tens of milliseconds; every outbound client shares one context.
    context = ssl.create_default_context()
    if ca_file is not None:
        context.load_verify_locations(cafile=str(ca_file))
    return context


def _default_transport(ca_file: Path | None) -> httpx.AsyncHTTPTransport:
    return httpx.AsyncHTTPTransport(verify=tls_context(ca_file))


def mapped_address(host: str, port: int, host_map: tuple[tuple[str, str], ...]) -> tuple[str, int] | None:
    """Where a connection to host:port goes instead, by the first entry whose pattern matches the host."""
    replacement = next((value for pattern, value in host_map if fnmatchcase(host.lower(), pattern.lower())), None)
    if replacement is None:
        return None
    address, _, mapped_port = replacement.partition(":")
    return address, int(mapped_port) if mapped_port else port


class HostMappingTransport(httpx.AsyncBaseTransport):
    def __init__(
        self,
        host_map: tuple[tuple[str, str], ...],
        inner: httpx.AsyncBaseTransport | None = None,
        ca_file: Path | None = None,
    ) -> None:
        self._host_map = host_map
        self._inner = inner or _default_transport(ca_file)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        mapped_to = mapped_address(url.host, url.port or (443 if url.scheme == "https" else 80), self._host_map)
        if mapped_to is None:
            return await self._inner.handle_async_request(request)
        # A copy goes out, keeping the Host header of the original; the client keeps seeing the original URL.
        mapped = httpx.Request(
            request.method,
            url.copy_with(host=mapped_to[0], port=mapped_to[1]),
            headers=request.headers,
            stream=request.stream,
            extensions={**request.extensions, "sni_hostname": request.url.host},
        )
        return await self._inner.handle_async_request(mapped)

    async def aclose(self) -> None:
        await self._inner.aclose()


def transport(host_map: tuple[tuple[str, str], ...], ca_file: Path | None = None) -> httpx.AsyncBaseTransport:
    return HostMappingTransport(host_map, ca_file=ca_file) if host_map else _default_transport(ca_file)
