"""Reading request parameters strictly: each at most once, as text, and of bounded length."""

from __future__ import annotations

from collections.abc import Iterable

from fake_services.idp.errors import OAuthError, Problem

MAX_VALUE_LENGTH = 2048
MAX_NAME_LENGTH = 64


def single_valued(items: Iterable[tuple[str, object]]) -> dict[str, str]:
    """RFC 6749 section 3.1: parameters must not be repeated. Empty values count as absent."""
    values: dict[str, str] = {}
    for name, value in items:
        if len(name) > MAX_NAME_LENGTH:
            raise OAuthError(Problem.MALFORMED_REQUEST, reason="A parameter name is too long.")
        if not isinstance(value, str):
            raise OAuthError(Problem.MALFORMED_REQUEST, reason=f"Parameter '{name}' must be text.")
        if name in values:
            raise OAuthError(Problem.MALFORMED_REQUEST, reason=f"Parameter '{name}' is repeated.")
        if len(value) > MAX_VALUE_LENGTH:
            raise OAuthError(Problem.MALFORMED_REQUEST, reason=f"Parameter '{name}' is too long.")
        values[name] = value
    return {name: value for name, value in values.items() if value != ""}
