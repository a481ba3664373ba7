"""What makes one provider Microsoft and another Google, behind one OpenID Connect core.

The core (oidc.py) runs the protocol; a flavour supplies the URLs, claims, error wording,
page templates and the few rules that differ (Microsoft's tenants, Google's hosted domains).
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from joserfc.jwk import RSAKey
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from fake_services.idp.authorize import AuthorizationRequest
from fake_services.idp.directory import Client, Directory, User
from fake_services.idp.errors import OAuthError, Problem
from fake_services.idp.identifiers import random_token
from fake_services.idp.keys import CertificateProfile, SigningKey
from fake_services.idp.misbehaviour import Misbehaviour, tamper_common_claims
from fake_services.idp.names import PublicSite


@dataclass(frozen=True)
class IdTokenContext:
    user: User
    client_id: str
    nonce: str | None
    scopes: tuple[str, ...]
    auth_time: int | None
    session_sid: str
    access_token: str
    issued_at: int
    lifetime: int


@dataclass(frozen=True)
class IssuedTokens:
    """A successful token answer, for the flavour to put in its own shape."""

    access_token: str
    id_token: str | None
    refresh_token: str | None
    scopes: tuple[str, ...]
    lifetime: int
    user: User
    # Microsoft: the client sent client_info=1 (MSAL does) and gets {uid, utid} back.
    wants_client_info: bool


@dataclass(frozen=True)
class Alerts:
    """What the sign-in pages say when the person gets something wrong."""

    no_email: str
    unknown_user: str
    no_password: str
    wrong_password: str


class InvalidUser(ValueError):
    """A control API request to add a user that the flavour cannot accept."""


class Flavour(abc.ABC):
    name: str
    # The control API field naming a user's realm: "tenant" (Microsoft) or "domain" (Google).
    realm_field: str
    session_cookie: str
    sign_in_path: str
    response_modes: tuple[str, ...]
    asks_to_stay_signed_in: bool
    # code_challenge_method values accepted.
    pkce_methods: tuple[str, ...]
    # Whether redeeming a refresh token uses it up and answers a new one.
    rotates_refresh_tokens: bool
    misbehaviours: frozenset[Misbehaviour]
    alerts: Alerts

    def __init__(self, site: PublicSite) -> None:
        self.site = site
        self.public_base = site.main
        # Under HTTPS the session cookie is Secure.
        self.secure_cookies = site.secure

    # The browser session cookie: its attributes are written here only, for the pages and the control API alike.

    def set_session_cookie(self, response: Response, session_id: str, max_age: int | None) -> None:
        """`max_age` None: a cookie that ends with the browser, as when the user does not stay signed in."""
        response.set_cookie(
            self.session_cookie,
            session_id,
            max_age=max_age,
            path="/",
            secure=self.secure_cookies,
            httponly=True,
            samesite="lax",
        )

    def delete_session_cookie(self, response: Response) -> None:
        response.delete_cookie(self.session_cookie, path="/", secure=self.secure_cookies, httponly=True, samesite="lax")

    def session_cookie_for_browser(self, session_id: str, max_age: int) -> dict[str, object]:
        """The cookie in the shape a browser automation tool takes (Playwright's add_cookies, with a max_age)."""
        return {
            "name": self.session_cookie,
            "value": session_id,
            "path": "/",
            "max_age": max_age,
            "secure": self.secure_cookies,
            "httpOnly": True,
            "sameSite": "Lax",
        }

    # Routes

    @abc.abstractmethod
    def routes(self) -> list[BaseRoute]: ...

    def control_routes(self) -> list[BaseRoute]:
        return []

    # Users

    @abc.abstractmethod
    def create_user(self, directory: Directory, realm: str | None, email: str, password: str, name: str) -> User:
        """Raises InvalidUser when the realm or the values do not fit this provider."""

    @abc.abstractmethod
    def describe_user(self, user: User, clients: list[Client]) -> dict[str, Any]: ...

    def may_sign_in(self, authority: str, user: User) -> bool:
        return True

    def may_redeem_at(self, authority: str, user: User) -> bool:
        return True

    # Tokens

    certificate_profile: CertificateProfile

    @abc.abstractmethod
    def make_kid(self, key: RSAKey, certificate: x509.Certificate) -> str: ...

    def published_jwk(self, key: SigningKey, authority: str) -> dict[str, Any]:
        """A public key as this provider's JWKS shows it."""
        return key.jwk.as_dict(private=False)

    def token_header(self, key: SigningKey) -> dict[str, str]:
        """The header members naming the key that signed a token."""
        return {"kid": key.kid}

    def new_access_token(self) -> str:
        return random_token(48)

    @abc.abstractmethod
    def id_token_claims(self, context: IdTokenContext) -> dict[str, Any]: ...

    @abc.abstractmethod
    def userinfo_claims(self, claims: dict[str, Any]) -> dict[str, Any]: ...

    @abc.abstractmethod
    def token_body(self, issued: IssuedTokens) -> dict[str, Any]: ...

    def normalize_scopes(self, scopes: tuple[str, ...]) -> tuple[str, ...]:
        """The scopes as the core reads them (Google's long names for email and profile made short)."""
        return scopes

    @abc.abstractmethod
    def grants_refresh_token(
        self, scopes: tuple[str, ...], access_type: str | None, prompts: frozenset[str], first_consent: bool
    ) -> bool:
        """Whether redeeming a code with these parameters also answers a refresh token."""

    def code_reply_extras(self, request: AuthorizationRequest, user: User, authuser: int) -> dict[str, str]:
        return {}

    def tamper(self, kind: Misbehaviour, claims: dict[str, Any], context: IdTokenContext) -> dict[str, Any]:
        """Change the claims as the misbehaviour says; flavours add their own kinds."""
        tampered = tamper_common_claims(kind, claims)
        if kind is Misbehaviour.WRONG_AUDIENCE:
            tampered["aud"] = self.foreign_client_id()
        elif kind is Misbehaviour.EXTRA_AUDIENCE:
            tampered["aud"] = [claims["aud"], self.foreign_client_id()]
            tampered.pop("azp", None)
        elif kind is Misbehaviour.WRONG_ISSUER:
            tampered["iss"] = self.foreign_issuer(context)
        elif kind is Misbehaviour.OTHER_SUBJECT:
            tampered.update({name: value for name, value in self.other_account(context).items() if name in tampered})
        return tampered

    @abc.abstractmethod
    def foreign_client_id(self) -> str:
        """A client id of some other application, as this provider would format it."""

    @abc.abstractmethod
    def foreign_issuer(self, context: IdTokenContext) -> str: ...

    @abc.abstractmethod
    def other_account(self, context: IdTokenContext) -> dict[str, Any]:
        """The identifying claims of another account in the user's own tenant or domain."""

    # Errors

    @abc.abstractmethod
    def reports_to_client(self, problem: Problem) -> bool:
        """Whether this problem goes back to the redirect URI (once trusted) rather than a page."""

    @abc.abstractmethod
    def error_parameters(self, error: OAuthError) -> dict[str, str]: ...

    @abc.abstractmethod
    def error_page(self, error: OAuthError) -> Response: ...

    @abc.abstractmethod
    def token_error(self, error: OAuthError) -> JSONResponse: ...
