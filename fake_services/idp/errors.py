"""What can go wrong in a protocol exchange, independent of how a flavour words it.

The core raises `OAuthError(Problem.X, **detail)`; each flavour turns a problem into its own
error page, redirect parameters or JSON body (AADSTS codes for Microsoft, Google's terse errors).
"""

from __future__ import annotations

import enum


class Problem(enum.Enum):
    # Before the redirect URI is trusted, or when the browser cannot be sent back: an error page.
    MISSING_CLIENT_ID = enum.auto()
    UNKNOWN_CLIENT = enum.auto()
    MISSING_REDIRECT_URI = enum.auto()
    REDIRECT_URI_MISMATCH = enum.auto()
    MALFORMED_REQUEST = enum.auto()
    UNKNOWN_TENANT = enum.auto()
    USER_NOT_IN_TENANT = enum.auto()
    UNKNOWN_SIGN_IN = enum.auto()
    # Authorization request problems that a flavour may report to the redirect URI.
    MISSING_PARAMETER = enum.auto()
    INVALID_PARAMETER = enum.auto()
    UNSUPPORTED_RESPONSE_TYPE = enum.auto()
    PKCE_REQUIRED = enum.auto()
    PKCE_METHOD_UNSUPPORTED = enum.auto()
    INVALID_CODE_CHALLENGE = enum.auto()
    INVALID_SCOPE = enum.auto()
    LOGIN_REQUIRED = enum.auto()
    ACCOUNT_SELECTION_REQUIRED = enum.auto()
    ACCESS_DENIED = enum.auto()
    # Token endpoint.
    UNSUPPORTED_GRANT_TYPE = enum.auto()
    MISSING_CLIENT_SECRET = enum.auto()
    INVALID_CLIENT_SECRET = enum.auto()
    CONFLICTING_CLIENT_AUTH = enum.auto()
    PUBLIC_CLIENT_SECRET = enum.auto()
    CODE_INVALID = enum.auto()
    CODE_EXPIRED = enum.auto()
    CODE_REDEEMED = enum.auto()
    CODE_CLIENT_MISMATCH = enum.auto()
    CODE_TENANT_MISMATCH = enum.auto()
    CODE_REDIRECT_MISMATCH = enum.auto()
    CODE_VERIFIER_MISSING = enum.auto()
    CODE_VERIFIER_MISMATCH = enum.auto()
    CODE_VERIFIER_UNEXPECTED = enum.auto()
    REFRESH_TOKEN_INVALID = enum.auto()
    REFRESH_SCOPE_WIDENED = enum.auto()
    GRANT_REFUSED = enum.auto()
    # Userinfo endpoint.
    INVALID_ACCESS_TOKEN = enum.auto()
    # Revocation endpoint (Google).
    REVOCATION_TOKEN_INVALID = enum.auto()


class OAuthError(Exception):
    def __init__(self, problem: Problem, **detail: str) -> None:
        super().__init__(problem.name)
        self.problem = problem
        self.detail = detail
