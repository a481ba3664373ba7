"""Authorization codes, refresh tokens and access tokens.

A code is single use and short lived, and remembers everything the token request must match:
client, redirect URI, PKCE challenge, nonce and user. Once taken it is remembered as redeemed,
so a replay can be told apart from a code that never existed, and (RFC 6749 section 4.1.2) the
access token issued for it is revoked.

Everything issued from one code shares a grant id: revoking the grant (Google's revocation
endpoint) ends its refresh token and every access token issued under it.
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
    code_challenge: str | None
    code_challenge_method: str | None
    nonce: str | None
    email: str
    scopes: tuple[str, ...]
    auth_time: float
    include_auth_time: bool
    session_sid: str
    expires_at: float
    # Google: access_type=offline asks for a refresh token; prompt=consent asks again.
    access_type: str | None = None
    prompts: frozenset[str] = frozenset()
    grant_id: str = field(default_factory=lambda: random_token(16))
    access_token: str | None = None


@dataclass
class RefreshToken:
    value: str
    grant_id: str
    client_id: str
    email: str
    scopes: tuple[str, ...]
    auth_time: int | None
    session_sid: str


@dataclass
class AccessToken:
    value: str
    client_id: str
    email: str
    expires_at: float
    grant_id: str = ""
    userinfo: dict[str, Any] = field(default_factory=dict)


class Grants:
    def __init__(self) -> None:
        self._codes: dict[str, AuthorizationCode] = {}
        self._redeemed: dict[str, AuthorizationCode] = {}
        self._access_tokens: dict[str, AccessToken] = {}
        self._refresh_tokens: dict[str, RefreshToken] = {}
        # (client_id, email) pairs that were once given a refresh token (Google's "first consent").
        self._offline_consents: set[tuple[str, str]] = set()

    def clear(self) -> None:
        self._codes.clear()
        self._redeemed.clear()
        self._access_tokens.clear()
        self._refresh_tokens.clear()
        self._offline_consents.clear()

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

    def issue_access_token(self, token: AccessToken, code: AuthorizationCode | None = None) -> None:
        if code is not None:
            code.access_token = token.value
        self._access_tokens[token.value] = token

    def access_token(self, value: str, now: float) -> AccessToken | None:
        token = self._access_tokens.get(value)
        return token if token and now < token.expires_at else None

    def _revoke_token_of(self, code: AuthorizationCode) -> None:
        if code.access_token:
            self._access_tokens.pop(code.access_token, None)

    # Refresh tokens

    def has_offline_consent(self, client_id: str, email: str) -> bool:
        return (client_id, email.lower()) in self._offline_consents

    def add_refresh_token(self, token: RefreshToken) -> None:
        self._offline_consents.add((token.client_id, token.email.lower()))
        self._refresh_tokens[token.value] = token

    def take_refresh_token(self, value: str, client_id: str, rotate: bool) -> RefreshToken:
        """The refresh token for this client; with `rotate`, it can never be used again."""
        token = self._refresh_tokens.get(value)
        if token is None or token.client_id != client_id:
            raise OAuthError(Problem.REFRESH_TOKEN_INVALID)
        if rotate:
            del self._refresh_tokens[value]
        return token

    # Revocation

    def revoke(self, value: str) -> bool:
        """Revoke an access or refresh token and everything issued under the same grant."""
        token = self._refresh_tokens.get(value) or self._access_tokens.get(value)
        if token is None:
            return False
        grant_id = token.grant_id
        if not grant_id:
            self._access_tokens.pop(value, None)
            return True
        for refresh in [t for t in self._refresh_tokens.values() if t.grant_id == grant_id]:
            del self._refresh_tokens[refresh.value]
        for access in [t for t in self._access_tokens.values() if t.grant_id == grant_id]:
            del self._access_tokens[access.value]
        return True


def new_code_value() -> str:
    return random_token(32)


def new_refresh_token_value() -> str:
    return random_token(64)
