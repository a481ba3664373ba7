"""Changing the token in an emailed link, the way an attacker or a mangling mail client would."""

from __future__ import annotations

import secrets
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MIN_TOKEN_LENGTH = 16


def _flip(character: str) -> str:
    return "A" if character != "A" else "B"


def token_of(url: str) -> str:
    """The token in an emailed link: its longest path segment or query value."""
    parts = urlsplit(url)
    values = parts.path.split("/") + [value for _, value in parse_qsl(parts.query, keep_blank_values=True)]
    candidates = [value for value in values if len(value) >= MIN_TOKEN_LENGTH]
    if not candidates:
        raise AssertionError(f"no token-like part in {url}")
    return max(candidates, key=len)


def tamper(url: str, how: str) -> str:
    """The link with its token changed as `how` says."""
    parts = urlsplit(url)
    segments = parts.path.split("/")
    query = parse_qsl(parts.query, keep_blank_values=True)
    token = token_of(url)
    if how == "with one character changed":
        changed = token[:-1] + _flip(token[-1])
    elif how == "with its first character changed":
        changed = _flip(token[0]) + token[1:]
    elif how == "with the token cut short":
        changed = token[: len(token) // 2]
    elif how == "with characters added to the token":
        changed = token + "AAAA"
    elif how == "with the token's letters in the other case":
        changed = token.swapcase()
    elif how == "with a token nobody was sent":
        changed = secrets.token_urlsafe(len(token))[: len(token)]
    else:
        raise ValueError(f"unknown way to change a link: {how}")
    path = "/".join(changed if segment == token else segment for segment in segments)
    new_query = urlencode([(key, changed if value == token else value) for key, value in query])
    return urlunsplit((parts.scheme, parts.netloc, path, new_query, parts.fragment))
