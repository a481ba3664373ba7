"""Google (Workspace) flavour: one issuer for everyone, hosted domains in the "hd" claim.

The real Google spreads its endpoints over several hosts (accounts.google.com,
oauth2.googleapis.com, openidconnect.googleapis.com, www.googleapis.com); this fake serves
them all from one server, by path, under those names (names="real") or on one test host.
There is no end_session_endpoint, as at Google, but /Logout ends the session by hand.
"""

from __future__ import annotations

import hashlib
import secrets
import string
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from joserfc.jwk import RSAKey
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from fake_services.idp.authorize import AuthorizationRequest
from fake_services.idp.directory import Client, Directory, User
from fake_services.idp.errors import OAuthError, Problem
from fake_services.idp.flavour import Alerts, Flavour, IdTokenContext, IssuedTokens
from fake_services.idp.identifiers import google_subject, random_token
from fake_services.idp.keys import CertificateProfile
from fake_services.idp.misbehaviour import COMMON_KINDS, Misbehaviour
from fake_services.idp.oidc import provider_of, read_urlencoded_form
from fake_services.idp.pages import render_page
from fake_services.idp.params import single_valued
from fake_services.idp.tokens import left_half_hash

GOOGLE_SCOPE_NAMES = {
    "email": "https://www.googleapis.com/auth/userinfo.email",
    "profile": "https://www.googleapis.com/auth/userinfo.profile",
}
REAL_ISSUER = "https://accounts.google.com"
SHORT_SCOPE_NAMES = {long: short for short, long in GOOGLE_SCOPE_NAMES.items()}


@dataclass(frozen=True)
class GoogleError:
    error: str
    description: str
    status: int = 400


GOOGLE_ERRORS: dict[Problem, GoogleError] = {
    Problem.MISSING_CLIENT_ID: GoogleError("invalid_request", "Missing required parameter: client_id"),
    Problem.UNKNOWN_CLIENT: GoogleError("invalid_client", "The OAuth client was not found.", 401),
    Problem.MISSING_REDIRECT_URI: GoogleError("invalid_request", "Missing required parameter: redirect_uri"),
    Problem.REDIRECT_URI_MISMATCH: GoogleError(
        "redirect_uri_mismatch",
        "This app sent a redirect URI that is not registered for its OAuth client. "
        "Request details: redirect_uri={redirect_uri}",
    ),
    Problem.MALFORMED_REQUEST: GoogleError("invalid_request", "{reason}"),
    Problem.UNKNOWN_SIGN_IN: GoogleError(
        "invalid_request", "This sign-in attempt has expired. Go back to the app and try again."
    ),
    Problem.MISSING_PARAMETER: GoogleError("invalid_request", "Missing required parameter: {name}"),
    Problem.INVALID_PARAMETER: GoogleError("invalid_request", "Invalid parameter value for {name}: {value}"),
    Problem.UNSUPPORTED_RESPONSE_TYPE: GoogleError("unsupported_response_type", "Invalid response_type: {value}"),
    Problem.PKCE_REQUIRED: GoogleError("invalid_request", "Missing required parameter: code_challenge"),
    Problem.PKCE_METHOD_UNSUPPORTED: GoogleError(
        "invalid_request", "Invalid code_challenge_method: {value}. Use S256."
    ),
    Problem.INVALID_CODE_CHALLENGE: GoogleError("invalid_request", "Invalid code_challenge."),
    Problem.INVALID_SCOPE: GoogleError(
        "invalid_scope", "Some requested scopes were invalid: the scope must include openid. scope={scope}"
    ),
    Problem.LOGIN_REQUIRED: GoogleError("login_required", "The user is not signed in."),
    Problem.ACCOUNT_SELECTION_REQUIRED: GoogleError(
        "account_selection_required", "The user must choose one of several signed-in accounts."
    ),
    Problem.ACCESS_DENIED: GoogleError("access_denied", "The user denied access."),
    Problem.UNSUPPORTED_GRANT_TYPE: GoogleError("unsupported_grant_type", "Invalid grant_type: {grant_type}"),
    Problem.MISSING_CLIENT_SECRET: GoogleError("invalid_request", "client_secret is missing."),
    Problem.INVALID_CLIENT_SECRET: GoogleError("invalid_client", "Unauthorized", 401),
    Problem.PUBLIC_CLIENT_SECRET: GoogleError("invalid_client", "This client is public and has no secret.", 401),
    Problem.CONFLICTING_CLIENT_AUTH: GoogleError(
        "invalid_request", "Client authentication must use exactly one method."
    ),
    Problem.CODE_INVALID: GoogleError("invalid_grant", "Malformed auth code."),
    Problem.CODE_EXPIRED: GoogleError("invalid_grant", "Bad Request"),
    Problem.CODE_REDEEMED: GoogleError("invalid_grant", "Bad Request"),
    Problem.CODE_CLIENT_MISMATCH: GoogleError("invalid_grant", "Bad Request"),
    Problem.CODE_REDIRECT_MISMATCH: GoogleError("redirect_uri_mismatch", "Bad Request"),
    Problem.CODE_VERIFIER_MISSING: GoogleError("invalid_grant", "Missing code verifier."),
    Problem.CODE_VERIFIER_MISMATCH: GoogleError("invalid_grant", "Invalid code verifier."),
    Problem.CODE_VERIFIER_UNEXPECTED: GoogleError("invalid_grant", "Invalid code verifier."),
    Problem.GRANT_REFUSED: GoogleError("invalid_grant", "Bad Request"),
    Problem.REFRESH_TOKEN_INVALID: GoogleError("invalid_grant", "Token has been expired or revoked."),
    Problem.REFRESH_SCOPE_WIDENED: GoogleError("invalid_scope", "Some requested scopes were not granted: {scope}"),
    Problem.REVOCATION_TOKEN_INVALID: GoogleError("invalid_token", "Token expired or revoked"),
    Problem.INVALID_ACCESS_TOKEN: GoogleError("invalid_request", "Invalid Credentials", 401),
}

# Google shows its own error page for everything else, even once the redirect URI is known.
REPORTED_TO_CLIENT = frozenset({Problem.LOGIN_REQUIRED, Problem.ACCOUNT_SELECTION_REQUIRED, Problem.ACCESS_DENIED})


def google_scope(scopes: tuple[str, ...]) -> str:
    return " ".join(GOOGLE_SCOPE_NAMES.get(scope, scope) for scope in scopes)


class GoogleFlavour(Flavour):
    name = "google"
    realm_field = "domain"
    session_cookie = "SID"
    sign_in_path = "/v3/signin"
    response_modes = ("query", "fragment", "form_post")
    asks_to_stay_signed_in = False
    pkce_methods = ("S256", "plain")
    rotates_refresh_tokens = False
    certificate_profile = CertificateProfile("federated-signon.system.gserviceaccount.com", timedelta(days=14))
    misbehaviours = COMMON_KINDS | {
        Misbehaviour.EMAIL_UNVERIFIED,
        Misbehaviour.OTHER_DOMAIN,
        Misbehaviour.NO_HOSTED_DOMAIN,
    }
    alerts = Alerts(
        no_email="Enter an email or phone number",
        unknown_user="Couldn't find your Google Account",
        no_password="Enter a password",
        wrong_password="Wrong password. Try again or click Forgot password to reset it.",
    )

    @property
    def issuer(self) -> str:
        return self.public_base

    @property
    def discovery_url(self) -> str:
        return f"{self.public_base}/.well-known/openid-configuration"

    @property
    def authorize_url(self) -> str:
        return f"{self.site.base('accounts')}/o/oauth2/v2/auth"

    @property
    def token_url(self) -> str:
        return f"{self.site.base('oauth2')}/token"

    @property
    def revocation_url(self) -> str:
        return f"{self.site.base('oauth2')}/revoke"

    @property
    def userinfo_url(self) -> str:
        return f"{self.site.base('openidconnect')}/v1/userinfo"

    @property
    def jwks_url(self) -> str:
        return f"{self.site.base('www')}/oauth2/v3/certs"

    @property
    def pem_certs_url(self) -> str:
        return f"{self.site.base('www')}/oauth2/v1/certs"

    # Routes

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/.well-known/openid-configuration", self.discovery, name="discovery"),
            Route("/o/oauth2/v2/auth", self.authorize, name="authorize"),
            Route(self.sign_in_path, self.sign_in, methods=["POST"], name="sign_in"),
            Route("/token", self.token, methods=["POST"], name="token"),
            Route("/v1/userinfo", self.userinfo, methods=["GET", "POST"], name="userinfo"),
            Route("/oauth2/v3/certs", self.jwks, name="jwks"),
            Route("/oauth2/v1/certs", self.pem_certs, name="pem_certs"),
            Route("/revoke", self.revoke, methods=["POST"], name="revoke"),
            Route("/Logout", self.logout, name="logout"),
        ]

    async def discovery(self, request: Request) -> Response:
        return JSONResponse(self.discovery_document())

    def discovery_document(self) -> dict[str, Any]:
        """Google's document, field for field."""
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.authorize_url,
            "device_authorization_endpoint": f"{self.site.base('oauth2')}/device/code",
            "token_endpoint": self.token_url,
            "userinfo_endpoint": self.userinfo_url,
            "revocation_endpoint": self.revocation_url,
            "jwks_uri": self.jwks_url,
            "response_types_supported": [
                "code",
                "token",
                "id_token",
                "code token",
                "code id_token",
                "token id_token",
                "code token id_token",
                "none",
            ],
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "claims_supported": [
                "aud",
                "email",
                "email_verified",
                "exp",
                "family_name",
                "given_name",
                "iat",
                "iss",
                "name",
                "picture",
                "sub",
            ],
            "code_challenge_methods_supported": ["plain", "S256"],
            "grant_types_supported": [
                "authorization_code",
                "refresh_token",
                "urn:ietf:params:oauth:grant-type:device_code",
                "urn:ietf:params:oauth:grant-type:jwt-bearer",
            ],
        }

    async def authorize(self, request: Request) -> Response:
        return await provider_of(request).authorize(request, authority="")

    async def sign_in(self, request: Request) -> Response:
        return await provider_of(request).sign_in(request)

    async def token(self, request: Request) -> Response:
        return await provider_of(request).token(request, authority="")

    async def userinfo(self, request: Request) -> Response:
        return await provider_of(request).userinfo(request)

    async def jwks(self, request: Request) -> Response:
        return provider_of(request).jwks(authority="")

    async def pem_certs(self, request: Request) -> Response:
        """The signing keys' certificates as PEM by kid (what google-auth's verify_oauth2_token fetches)."""
        keys = provider_of(request).keyring.published_keys()
        return JSONResponse({key.kid: key.certificate_pem for key in keys})

    async def revoke(self, request: Request) -> Response:
        """RFC 7009 as Google does it: `token` (access or refresh) in the form or the query; the whole
        grant ends. An unknown token is an error (Google's way, not RFC 7009's)."""
        provider = provider_of(request)
        try:
            form = await read_urlencoded_form(request) if await request.body() else {}
            token = form.get("token") or single_valued(request.query_params.multi_items()).get("token")
            if token is None:
                raise OAuthError(Problem.MISSING_PARAMETER, name="token")
            if not provider.grants.revoke(token):
                raise OAuthError(Problem.REVOCATION_TOKEN_INVALID)
        except OAuthError as error:
            return self.token_error(error)
        return JSONResponse({}, headers={"Cache-Control": "no-store"})

    async def logout(self, request: Request) -> Response:
        """Signs every account out of this browser, as accounts.google.com/Logout does."""
        provider = provider_of(request)
        browser = provider.browser_session(request)
        if browser is not None:
            provider.sessions.sign_out(browser)
        response = render_page("google/signed_out.html")
        self.delete_session_cookie(response)
        return response

    # Users

    def create_user(self, directory: Directory, realm: str | None, email: str, password: str, name: str) -> User:
        given_name, _, family_name = name.partition(" ")
        domain = realm.lower() if realm else None
        subject = google_subject()
        picture = f"https://lh3.googleusercontent.com/a/{random_token(30)}=s96-c"
        return User(email, password, name, given_name, family_name, realm=domain, object_id=subject, picture=picture)

    def describe_user(self, user: User, clients: list[Client]) -> dict[str, Any]:
        return {
            "email": user.email,
            "name": user.name,
            "sub": user.object_id,
            "iss": self.issuer,
            "hd": user.realm,
            "picture": user.picture,
            "locale": user.locale,
        }

    # Tokens

    def make_kid(self, key: RSAKey, certificate: x509.Certificate) -> str:
        # Google's kids are 40 hex digits (a SHA-1).
        der = certificate.public_bytes(serialization.Encoding.DER)
        return hashlib.sha1(der, usedforsecurity=False).hexdigest()

    def new_access_token(self) -> str:
        return "ya29." + random_token(64)

    def id_token_claims(self, context: IdTokenContext) -> dict[str, Any]:
        user, scopes = context.user, context.scopes
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "azp": context.client_id,
            "aud": context.client_id,
            "sub": user.object_id,
        }
        if user.realm:
            claims["hd"] = user.realm
        if "email" in scopes:
            claims["email"] = user.email
            claims["email_verified"] = True
        claims["at_hash"] = left_half_hash(context.access_token)
        if context.nonce is not None:
            claims["nonce"] = context.nonce
        if "profile" in scopes:
            claims.update(name=user.name, picture=user.picture, given_name=user.given_name)
            claims.update(family_name=user.family_name, locale=user.locale)
        if context.auth_time is not None:
            claims["auth_time"] = context.auth_time
        claims.update(iat=context.issued_at, exp=context.issued_at + context.lifetime)
        return claims

    def tamper(self, kind: Misbehaviour, claims: dict[str, Any], context: IdTokenContext) -> dict[str, Any]:
        tampered = super().tamper(kind, claims, context)
        if kind is Misbehaviour.WRONG_AUDIENCE:
            tampered["azp"] = tampered["aud"]
        elif kind is Misbehaviour.EMAIL_UNVERIFIED:
            tampered["email_verified"] = False
        elif kind is Misbehaviour.NO_HOSTED_DOMAIN:
            # A personal Google account registered with the same (work) email address.
            tampered.pop("hd", None)
            tampered["sub"] = google_subject()
        elif kind is Misbehaviour.OTHER_DOMAIN:
            # Another Workspace account that happens to have the same email address.
            tampered.update(hd=f"elsewhere-{secrets.token_hex(4)}.test", sub=google_subject())
        return tampered

    def other_account(self, context: IdTokenContext) -> dict[str, Any]:
        return {"sub": google_subject()}

    def foreign_client_id(self) -> str:
        project = "".join(secrets.choice(string.digits) for _ in range(12))
        suffix = "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(32))
        return f"{project}-{suffix}.apps.googleusercontent.com"

    def foreign_issuer(self, context: IdTokenContext) -> str:
        # Under test names, the real Google's issuer: right-looking, but not this provider. Under
        # the real names, another of Google's issuers (Firebase's), signed alike but not for OIDC.
        if self.issuer != REAL_ISSUER:
            return REAL_ISSUER
        return f"https://securetoken.google.com/fake-project-{secrets.token_hex(4)}"

    def userinfo_claims(self, claims: dict[str, Any]) -> dict[str, Any]:
        names = ("sub", "name", "given_name", "family_name", "picture", "locale", "email", "email_verified", "hd")
        return {name: claims[name] for name in names if name in claims}

    def token_body(self, issued: IssuedTokens) -> dict[str, Any]:
        body: dict[str, Any] = {"access_token": issued.access_token, "expires_in": issued.lifetime - 1}
        if issued.refresh_token is not None:
            body["refresh_token"] = issued.refresh_token
        body.update(scope=google_scope(issued.scopes), token_type="Bearer")
        if issued.id_token is not None:
            body["id_token"] = issued.id_token
        return body

    def normalize_scopes(self, scopes: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(SHORT_SCOPE_NAMES.get(scope, scope) for scope in scopes))

    def grants_refresh_token(
        self, scopes: tuple[str, ...], access_type: str | None, prompts: frozenset[str], first_consent: bool
    ) -> bool:
        # Google answers a refresh token on the first consent to offline access, or when asked again.
        return access_type == "offline" and (first_consent or "consent" in prompts)

    def code_reply_extras(self, request: AuthorizationRequest, user: User, authuser: int) -> dict[str, str]:
        extras = {"scope": google_scope(request.scopes), "authuser": str(authuser)}
        if user.realm:
            extras["hd"] = user.realm
        extras["prompt"] = "none"
        return extras

    # Errors

    def reports_to_client(self, problem: Problem) -> bool:
        return problem in REPORTED_TO_CLIENT

    def error_parameters(self, error: OAuthError) -> dict[str, str]:
        return {"error": GOOGLE_ERRORS[error.problem].error}

    def error_page(self, error: OAuthError) -> Response:
        google_error = GOOGLE_ERRORS[error.problem]
        return render_page(
            "google/error.html",
            status_code=google_error.status,
            status=google_error.status,
            error=google_error.error,
            description=google_error.description.format_map(error.detail),
        )

    def token_error(self, error: OAuthError) -> JSONResponse:
        google_error = GOOGLE_ERRORS[error.problem]
        body = {"error": google_error.error, "error_description": google_error.description.format_map(error.detail)}
        return JSONResponse(body, status_code=google_error.status, headers={"Cache-Control": "no-store"})
