"""The app's own HTTP calls (to identity providers), with optional host name mapping.

A mapping such as `*.test -> 127.0.0.1` plays the part of DNS for names the
system resolver does not know, like curl's `--resolve`: the connection goes to
the mapped address while the Host header and TLS server name stay the original.
"""

from __future__ import annotations

import ssl
from fnmatch import fnmatchcase
from functools import cache

import httpx

TIMEOUT = httpx.Timeout(10.0)


@cache
def _tls_context() -> ssl.SSLContext:
    # Loading the CA bundle takes tens of milliseconds; every outbound client shares one context.
    return ssl.create_default_context()


def _default_transport() -> httpx.AsyncHTTPTransport:
    return httpx.AsyncHTTPTransport(verify=_tls_context())


def mapped_address(host: str, host_map: tuple[tuple[str, str], ...]) -> str | None:
    return next((address for pattern, address in host_map if fnmatchcase(host.lower(), pattern.lower())), None)


class HostMappingTransport(httpx.AsyncBaseTransport):
    def __init__(self, host_map: tuple[tuple[str, str], ...], inner: httpx.AsyncBaseTransport | None = None) -> None:
        self._host_map = host_map
        self._inner = inner or _default_transport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        address = mapped_address(request.url.host, self._host_map)
        if address is None:
            return await self._inner.handle_async_request(request)
        # A copy goes out, keeping the Host header of the original; the client keeps seeing the original URL.
        mapped = httpx.Request(
            request.method,
            request.url.copy_with(host=address),
            headers=request.headers,
            stream=request.stream,
            extensions={**request.extensions, "sni_hostname": request.url.host},
        )
        return await self._inner.handle_async_request(mapped)

    async def aclose(self) -> None:
        await self._inner.aclose()


def transport(host_map: tuple[tuple[str, str], ...]) -> httpx.AsyncBaseTransport:
    return HostMappingTransport(host_map) if host_map else _default_transport()
