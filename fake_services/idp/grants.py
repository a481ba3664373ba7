"""Authorization codes and access tokens.

A code is single use and short lived, and remembers everything the token request must match:
client, redirect URI, PKCE challenge, nonce and user. Once taken it is remembered as redeemed,
so a replay can be told apart from a code that never existed, and (RFC 6749 section 4.1.2) the
access token issued for it is revoked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fake_services.idp.errors import OAuthError, Problem
from fake_services.idp.identifiers import random_token


@dataclass
class AuthorizationCode:
    value: str
    client_id: str
    redirect_uri: str
    code_challenge: str
    nonce: str | None
    email: str
    scopes: tuple[str, ...]
    auth_time: float
    include_auth_time: bool
    session_sid: str
    expires_at: float
    access_token: str | None = None


@dataclass
class AccessToken:
    value: str
    client_id: str
    email: str
    expires_at: float
    userinfo: dict[str, Any] = field(default_factory=dict)


class Grants:
    def __init__(self) -> None:
        self._codes: dict[str, AuthorizationCode] = {}
        self._redeemed: dict[str, AuthorizationCode] = {}
        self._access_tokens: dict[str, AccessToken] = {}

    def clear(self) -> None:
        self._codes.clear()
        self._redeemed.clear()
        self._access_tokens.clear()

    def add_code(self, code: AuthorizationCode) -> None:
        self._codes[code.value] = code

    def take_code(self, value: str, now: float) -> AuthorizationCode:
        """Remove the code so it can never be used again, whatever the outcome of this request."""
        if value in self._redeemed:
            self._revoke_token_of(self._redeemed[value])
            raise OAuthError(Problem.CODE_REDEEMED)
        code = self._codes.pop(value, None)
        if code is None:
            raise OAuthError(Problem.CODE_INVALID)
        self._redeemed[value] = code
        if now >= code.expires_at:
            raise OAuthError(Problem.CODE_EXPIRED)
        return code

    def issue_access_token(self, code: AuthorizationCode, token: AccessToken) -> None:
        code.access_token = token.value
        self._access_tokens[token.value] = token

    def access_token(self, value: str, now: float) -> AccessToken | None:
        token = self._access_tokens.get(value)
        return token if token and now < token.expires_at else None

    def _revoke_token_of(self, code: AuthorizationCode) -> None:
        if code.access_token:
            self._access_tokens.pop(code.access_token, None)


def new_code_value() -> str:
    return random_token(32)
