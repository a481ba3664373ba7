"""HTTP from the harness to a target, for the checks a browser cannot make (such as a forged Host header).

The bundled target's host names exist only in Chromium's resolver rules; the
same mapping is applied here, connecting to the mapped address while the Host
header and TLS server name keep the original name.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

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


def mapped_url(url: httpx.URL, host_map: HostMap) -> httpx.URL | None:
    """Where a request for `url` really goes, or None when no rule maps its host (as Chromium decides it)."""
    host = url.host.lower()
    if any(not replacement and fnmatchcase(host, pattern.lower()) for pattern, replacement in host_map):
        return None
    replacement = next(
        (replacement for pattern, replacement in host_map if replacement and fnmatchcase(host, pattern.lower())), None
    )
    if replacement is None:
        return None
    address, _, port = replacement.partition(":")
    return url.copy_with(host=address, port=int(port)) if port else url.copy_with(host=address)


class HostMappingTransport(httpx.BaseTransport):
    def __init__(self, host_map: HostMap) -> None:
        self._host_map = host_map
        self._inner = httpx.HTTPTransport()

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


def transport_for(host_map: HostMap = ()) -> httpx.BaseTransport:
    return HostMappingTransport(host_map) if host_map else httpx.HTTPTransport()


def http_client(host_map: HostMap = ()) -> httpx.Client:
    return httpx.Client(transport=transport_for(host_map), timeout=15.0, follow_redirects=False)
