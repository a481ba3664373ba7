"""HTTP from the harness to a target, for the checks a browser cannot make (such as a forged Host header).

The bundled target's host names exist only in Chromium's resolver rules; the
same mapping is applied here, connecting to the mapped address while the Host
header and TLS server name keep the original name.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

import httpx

HostMap = tuple[tuple[str, str], ...]


def parse_resolver_rules(rules: str) -> HostMap:
    """Chromium's `MAP pattern address` rules (comma separated) as (pattern, address) pairs."""
    pairs = []
    for rule in filter(None, (part.strip() for part in rules.split(","))):
        words = rule.split()
        if len(words) == 3 and words[0].upper() == "MAP":
            pairs.append((words[1], words[2]))
    return tuple(pairs)


class HostMappingTransport(httpx.BaseTransport):
    def __init__(self, host_map: HostMap) -> None:
        self._host_map = host_map
        self._inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        address = next((to for pattern, to in self._host_map if fnmatchcase(host.lower(), pattern.lower())), None)
        if address is None:
            return self._inner.handle_request(request)
        # A copy goes out, so the client still sees the original URL (its cookies belong to the name).
        mapped = httpx.Request(
            request.method,
            request.url.copy_with(host=address),
            headers=request.headers,
            stream=request.stream,
            extensions={**request.extensions, "sni_hostname": host},
        )
        return self._inner.handle_request(mapped)

    def close(self) -> None:
        self._inner.close()


def http_client(host_map: HostMap = ()) -> httpx.Client:
    transport = HostMappingTransport(host_map) if host_map else httpx.HTTPTransport()
    return httpx.Client(transport=transport, timeout=15.0, follow_redirects=False)
