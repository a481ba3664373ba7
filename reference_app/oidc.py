"""The CRM as a strict OpenID Connect client of Microsoft Entra ID and Google.

Authorization code flow with PKCE (S256), a fresh `state` and `nonce` per attempt,
and an ID token that must pass every check before anyone is signed in: an RS256
signature by a key the provider publishes, the exact issuer of the company's own
tenant or Workspace domain (never "any Microsoft tenant"), our client id as
audience, the nonce we sent, expiry with a small leeway, and, for Google, a
verified email of the company's domain.

Authlib builds the authorization request and exchanges the code; joserfc checks
the token. Discovery documents and keys are cached per tenant; an unknown key id
triggers one refetch, so key rotation is followed.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from authlib.common.security import generate_token
from authlib.deprecate import AuthlibDeprecationWarning

with warnings.catch_warnings():
    # Authlib nudges towards the httpx2 fork at import; httpx is what we build on, and still supported.
    warnings.filterwarnings("ignore", category=AuthlibDeprecationWarning, message="The httpx module is deprecated")
    from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuthError
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

from .outbound import TIMEOUT, transport
from .settings import IdentityProviderSettings

ALLOWED_ALGORITHMS = ["RS256"]
LEEWAY_SECONDS = 60
CACHE_SECONDS = 3600
SCOPE = "openid email profile"
# Header parameters that would let a token name its own verification key.
REFUSED_HEADERS = ("jwk", "jku", "x5u", "x5c")


class SignInRefused(Exception):
    """The provider's answer cannot be trusted or does not fit; the reason is for the log only."""


@dataclass(frozen=True)
class Identity:
    issuer: str
    subject: str
    email: str
    name: str


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str


@dataclass(frozen=True)
class AuthorizationRequest:
    url: str
    state: str
    nonce: str
    code_verifier: str


class OidcClient:
    """One identity provider (Microsoft or Google), for all the companies that use it."""

    def __init__(
        self,
        provider: IdentityProviderSettings,
        host_map: tuple[tuple[str, str], ...] = (),
        ca_file: Path | None = None,
    ) -> None:
        self.provider = provider
        self._host_map = host_map
        self._ca_file = ca_file
        self._metadata: dict[str, tuple[float, ProviderMetadata]] = {}
        self._keys: dict[str, KeySet] = {}

    # Where things are

    def expected_issuer(self, tenant: str) -> str:
        authority = self.provider.authority.rstrip("/")
        if self.provider.kind == "microsoft":
            return f"{authority}/{tenant}/v2.0"
        return authority

    def _discovery_url(self, tenant: str) -> str:
        authority = self.provider.authority.rstrip("/")
        if self.provider.kind == "microsoft":
            return f"{authority}/{tenant}/v2.0/.well-known/openid-configuration"
        return f"{authority}/.well-known/openid-configuration"

    def _http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=transport(self._host_map, self._ca_file), timeout=TIMEOUT)

    def _oauth(self, redirect_uri: str) -> AsyncOAuth2Client:
        return AsyncOAuth2Client(
            client_id=self.provider.client_id,
            client_secret=self.provider.client_secret,
            token_endpoint_auth_method="client_secret_post",
            code_challenge_method="S256",
            scope=SCOPE,
            redirect_uri=redirect_uri,
            transport=transport(self._host_map, self._ca_file),
            timeout=TIMEOUT,
        )

    async def metadata(self, tenant: str) -> ProviderMetadata:
        cached = self._metadata.get(tenant)
        if cached and time.monotonic() - cached[0] < CACHE_SECONDS:
            return cached[1]
        document = await self._get_json(self._discovery_url(tenant))
        try:
            metadata = ProviderMetadata(
                issuer=str(document["issuer"]),
                authorization_endpoint=str(document["authorization_endpoint"]),
                token_endpoint=str(document["token_endpoint"]),
                jwks_uri=str(document["jwks_uri"]),
            )
        except KeyError as missing:
            raise SignInRefused(f"discovery document lacks {missing}") from None
        if metadata.issuer != self.expected_issuer(tenant):
            raise SignInRefused(
                f"discovery names issuer {metadata.issuer!r}, expected {self.expected_issuer(tenant)!r}"
            )
        self._metadata[tenant] = (time.monotonic(), metadata)
        return metadata

    async def _get_json(self, url: str) -> dict[str, Any]:
        try:
            async with self._http() as http:
                response = await http.get(url)
                response.raise_for_status()
                document = response.json()
        except (httpx.HTTPError, httpx.InvalidURL, ValueError) as error:
            raise SignInRefused(f"could not fetch {url}: {error}") from error
        if not isinstance(document, dict):
            raise SignInRefused(f"{url} did not return a JSON object")
        return document

    async def _key_set(self, tenant: str, refresh: bool = False) -> KeySet:
        if refresh or tenant not in self._keys:
            metadata = await self.metadata(tenant)
            try:
                document = await self._get_json(metadata.jwks_uri)
                # import_key_set reads only "keys"; a missing or malformed member fails in the except below.
                self._keys[tenant] = KeySet.import_key_set({"keys": document["keys"]})
            except (JoseError, KeyError, TypeError, ValueError) as error:
                raise SignInRefused(f"unusable key set: {error}") from error
        return self._keys[tenant]

    # The flow

    async def authorization_request(
        self, tenant: str, redirect_uri: str, login_hint: str, prompt: str | None = None
    ) -> AuthorizationRequest:
        metadata = await self.metadata(tenant)
        nonce = generate_token(43)
        code_verifier = generate_token(64)
        extra = {"nonce": nonce, "login_hint": login_hint, "response_mode": "query"}
        if self.provider.kind == "google":
            extra["hd"] = tenant
        if prompt:
            extra["prompt"] = prompt
        async with self._oauth(redirect_uri) as client:
            url, state = client.create_authorization_url(
                metadata.authorization_endpoint, code_verifier=code_verifier, state=generate_token(43), **extra
            )
        return AuthorizationRequest(url=url, state=state, nonce=nonce, code_verifier=code_verifier)

    async def redeem(self, tenant: str, code: str, redirect_uri: str, code_verifier: str, nonce: str) -> Identity:
        """Exchange the code for tokens and return who the verified ID token says signed in."""
        metadata = await self.metadata(tenant)
        try:
            async with self._oauth(redirect_uri) as client:
                token = await client.fetch_token(
                    metadata.token_endpoint,
                    grant_type="authorization_code",
                    code=code,
                    code_verifier=code_verifier,
                    redirect_uri=redirect_uri,
                )
        except (OAuthError, httpx.HTTPError, httpx.InvalidURL, ValueError) as error:
            raise SignInRefused(f"token request failed: {error}") from error
        id_token = token.get("id_token")
        if not isinstance(id_token, str) or len(id_token) > 16384:
            raise SignInRefused("no usable id_token in the token response")
        return await self.verify_id_token(tenant, id_token, nonce)

    async def verify_id_token(self, tenant: str, id_token: str, nonce: str) -> Identity:
        claims = await self._verified_claims(tenant, id_token)
        registry = jwt.JWTClaimsRegistry(
            leeway=LEEWAY_SECONDS,
            iss={"essential": True, "value": self.expected_issuer(tenant)},
            aud={"essential": True, "value": self.provider.client_id},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        try:
            registry.validate(claims)
        except JoseError as error:
            raise SignInRefused(f"claims refused: {error}") from error
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.provider.client_id:
            raise SignInRefused("several audiences and azp is not our client id")
        if self.provider.kind == "microsoft":
            return self._microsoft_identity(tenant, claims)
        return self._google_identity(tenant, claims)

    async def _verified_claims(self, tenant: str, id_token: str) -> dict[str, Any]:
        for refresh in (False, True):
            try:
                token = jwt.decode(id_token, await self._key_set(tenant, refresh), algorithms=ALLOWED_ALGORITHMS)
            except InvalidKeyIdError:
                continue
            except (JoseError, ValueError, TypeError) as error:
                raise SignInRefused(f"id_token refused: {error!r}") from error
            refused = [name for name in REFUSED_HEADERS if name in token.header]
            if refused or token.header.get("alg") not in ALLOWED_ALGORITHMS:
                raise SignInRefused(f"id_token header not acceptable: {token.header}")
            return token.claims
        raise SignInRefused("id_token signed with a key the provider does not publish")

    def _microsoft_identity(self, tenant: str, claims: dict[str, Any]) -> Identity:
        if claims.get("tid") != tenant:
            raise SignInRefused(f"token of tenant {claims.get('tid')!r}, expected {tenant!r}")
        email = claims.get("email") or claims.get("preferred_username")
        if not isinstance(email, str) or "@" not in email:
            raise SignInRefused("no email in the token")
        return Identity(str(claims["iss"]), str(claims["sub"]), email, str(claims.get("name", "")))

    def _google_identity(self, domain: str, claims: dict[str, Any]) -> Identity:
        if claims.get("hd") != domain:
            raise SignInRefused(f"token of Workspace domain {claims.get('hd')!r}, expected {domain!r}")
        if claims.get("email_verified") is not True:
            raise SignInRefused("the provider has not verified this email address")
        email = claims.get("email")
        if not isinstance(email, str) or "@" not in email:
            raise SignInRefused("no email in the token")
        return Identity(str(claims["iss"]), str(claims["sub"]), email, str(claims.get("name", "")))
