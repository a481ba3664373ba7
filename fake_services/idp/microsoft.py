"""Microsoft identity platform v2.0 (Entra ID, Microsoft 365) flavour.

The tenant is the first path segment: a tenant GUID, one of its domain names, or "common" /
"organizations" (any work account; the discovery document then has the `{tenantid}` issuer
template). Errors carry AADSTS codes the way login.microsoftonline.com words them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import Key, KeySet, RSAKey
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from fake_services.idp.control import ControlInputError, optional_text, read_json_object
from fake_services.idp.directory import AlreadyExists, Client, Directory, Tenant, User
from fake_services.idp.errors import OAuthError, Problem
from fake_services.idp.flavour import Alerts, Flavour, IdTokenContext, InvalidUser, IssuedTokens
from fake_services.idp.identifiers import is_guid, new_guid, random_token
from fake_services.idp.keys import CertificateProfile, SigningKey, certificate_thumbprint
from fake_services.idp.misbehaviour import COMMON_KINDS, Misbehaviour
from fake_services.idp.names import PublicSite
from fake_services.idp.oidc import OpenIDProvider, provider_of, with_query
from fake_services.idp.pages import render_page
from fake_services.idp.params import single_valued
from fake_services.idp.tokens import b64url

ORGANIZATION_AUTHORITIES = ("common", "organizations")
CLOUD_INSTANCE_NAME = "microsoftonline.com"
PUBLIC_CLOUD_ALIASES = ("login.microsoftonline.com", "login.windows.net", "login.microsoft.com", "sts.windows.net")
TENANT_ID_TEMPLATE = "{tenantid}"


@dataclass(frozen=True)
class AadError:
    error: str
    code: int
    message: str
    status: int = 400


def _missing(name: str) -> str:
    return f"The request body must contain the following parameter: '{name}'."


MALFORMED = "Invalid request. Request is malformed or invalid."

AAD_ERRORS: dict[Problem, AadError] = {
    Problem.MISSING_CLIENT_ID: AadError("invalid_request", 900144, _missing("client_id")),
    Problem.UNKNOWN_CLIENT: AadError(
        "unauthorized_client",
        700016,
        "Application with identifier '{client_id}' was not found in the directory. This can happen if the "
        "application has not been installed by the administrator of the tenant or consented to by any user "
        "in the tenant. You may have sent your authentication request to the wrong tenant.",
    ),
    Problem.MISSING_REDIRECT_URI: AadError("invalid_request", 900144, _missing("redirect_uri")),
    Problem.REDIRECT_URI_MISMATCH: AadError(
        "invalid_request",
        50011,
        "The redirect URI '{redirect_uri}' specified in the request does not match the redirect URIs "
        "configured for the application '{client_id}'. Make sure the redirect URI sent in the request "
        "matches one added to your application.",
    ),
    Problem.MALFORMED_REQUEST: AadError("invalid_request", 9002313, MALFORMED + " {reason}"),
    Problem.UNKNOWN_TENANT: AadError(
        "invalid_tenant",
        90002,
        "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing "
        "into the correct cloud.",
    ),
    Problem.USER_NOT_IN_TENANT: AadError(
        "invalid_request",
        50020,
        "User account '{email}' from identity provider 'live.com' does not exist in tenant '{tenant}' and "
        "cannot access the application '{client_id}' in that tenant. The account needs to be added as an "
        "external user in the tenant first. Sign out and sign in again with a different user account.",
    ),
    Problem.UNKNOWN_SIGN_IN: AadError(
        "invalid_request",
        50089,
        "Authentication failed due to flow token expired. Go back to the application and sign in again.",
    ),
    Problem.MISSING_PARAMETER: AadError("invalid_request", 900144, _missing("{name}")),
    Problem.INVALID_PARAMETER: AadError(
        "invalid_request", 9002313, MALFORMED + " The value '{value}' of parameter '{name}' is not valid."
    ),
    Problem.UNSUPPORTED_RESPONSE_TYPE: AadError(
        "unsupported_response_type", 700054, "response_type '{value}' is not enabled for the application."
    ),
    Problem.PKCE_REQUIRED: AadError("invalid_request", 900144, _missing("code_challenge")),
    Problem.PKCE_METHOD_UNSUPPORTED: AadError(
        "invalid_request", 9002313, MALFORMED + " code_challenge_method '{value}' is not supported; use S256."
    ),
    Problem.INVALID_CODE_CHALLENGE: AadError("invalid_request", 501491, "Invalid size of Code_Challenge parameter."),
    Problem.INVALID_SCOPE: AadError(
        "invalid_scope",
        70011,
        "The provided value for the input parameter 'scope' is not valid. The scope '{scope}' does not "
        "include 'openid'.",
    ),
    Problem.LOGIN_REQUIRED: AadError(
        "login_required", 50058, "A silent sign-in request was sent but no user is signed in."
    ),
    Problem.ACCOUNT_SELECTION_REQUIRED: AadError(
        "interaction_required",
        16000,
        "Either multiple user identities are available for the current request or selected account is not "
        "supported for the scenario.",
    ),
    Problem.ACCESS_DENIED: AadError("access_denied", 65004, "User declined to consent to access the app."),
    Problem.UNSUPPORTED_GRANT_TYPE: AadError(
        "unsupported_grant_type", 70003, "The app requested an unsupported grant type '{grant_type}'."
    ),
    Problem.MISSING_CLIENT_SECRET: AadError(
        "invalid_client",
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        401,
    ),
    Problem.INVALID_CLIENT_SECRET: AadError(
        "invalid_client",
        7000215,
        "Invalid client secret provided. Ensure the secret being sent in the request is the client secret "
        "value, not the client secret ID, for a secret added to app '{client_id}'.",
        401,
    ),
    Problem.PUBLIC_CLIENT_SECRET: AadError(
        "invalid_client",
        700025,
        "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
        401,
    ),
    Problem.CONFLICTING_CLIENT_AUTH: AadError(
        "invalid_request", 9002313, MALFORMED + " Use exactly one client authentication method."
    ),
    Problem.CODE_INVALID: AadError("invalid_grant", 9002313, MALFORMED),
    Problem.CODE_EXPIRED: AadError(
        "invalid_grant",
        70008,
        "The provided authorization code or refresh token has expired due to inactivity. Send a new "
        "interactive authorization request for this user and resource.",
    ),
    Problem.CODE_REDEEMED: AadError(
        "invalid_grant",
        54005,
        "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an "
        "existing refresh token.",
    ),
    Problem.CODE_CLIENT_MISMATCH: AadError("invalid_grant", 70000, "Provided grant is invalid or malformed."),
    Problem.CODE_TENANT_MISMATCH: AadError(
        "invalid_grant", 700005, "Provided Authorization Code is intended to use against other tenant, thus rejected."
    ),
    Problem.CODE_REDIRECT_MISMATCH: AadError(
        "invalid_grant",
        500112,
        "The reply address '{redirect_uri}' does not match the reply address '{expected}' provided when "
        "requesting Authorization code.",
    ),
    Problem.CODE_VERIFIER_MISSING: AadError("invalid_request", 900144, _missing("code_verifier")),
    Problem.CODE_VERIFIER_MISMATCH: AadError(
        "invalid_grant",
        501481,
        "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
    ),
    Problem.CODE_VERIFIER_UNEXPECTED: AadError(
        "invalid_grant",
        501481,
        "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
    ),
    Problem.GRANT_REFUSED: AadError("invalid_grant", 70000, "Provided grant is invalid or malformed."),
    Problem.REFRESH_TOKEN_INVALID: AadError(
        "invalid_grant",
        70000,
        "Provided grant is invalid or malformed. The refresh token was already used, revoked, or issued "
        "to another application.",
    ),
    Problem.REFRESH_SCOPE_WIDENED: AadError(
        "invalid_grant",
        70000,
        "Provided grant is invalid or malformed. The scopes '{scope}' were not granted to this refresh token.",
    ),
    Problem.REVOCATION_TOKEN_INVALID: AadError("invalid_request", 9002313, MALFORMED),
}

# Shown as a page even when the redirect URI is known: Microsoft does not send these back.
PAGE_ONLY = frozenset(
    {
        Problem.MISSING_CLIENT_ID,
        Problem.UNKNOWN_CLIENT,
        Problem.MISSING_REDIRECT_URI,
        Problem.REDIRECT_URI_MISMATCH,
        Problem.MALFORMED_REQUEST,
        Problem.UNKNOWN_TENANT,
        Problem.USER_NOT_IN_TENANT,
        Problem.UNKNOWN_SIGN_IN,
    }
)


@dataclass(frozen=True)
class DescribedError:
    aad: AadError
    description: str
    trace_id: str
    correlation_id: str
    timestamp: str


def describe(error: OAuthError) -> DescribedError:
    aad = AAD_ERRORS[error.problem]
    trace_id, correlation_id = new_guid(), new_guid()
    timestamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%SZ")
    message = aad.message.format_map(error.detail)
    description = (
        f"AADSTS{aad.code}: {message}\r\nTrace ID: {trace_id}\r\nCorrelation ID: {correlation_id}"
        f"\r\nTimestamp: {timestamp}"
    )
    return DescribedError(aad, description, trace_id, correlation_id, timestamp)


def instance_metadata(host: str) -> list[dict[str, Any]]:
    """The clouds as Entra lists them; this fake's host is the public cloud's preferred name."""
    public_aliases = [host] + [alias for alias in PUBLIC_CLOUD_ALIASES if alias != host]
    return [
        {"preferred_network": host, "preferred_cache": "login.windows.net", "aliases": public_aliases},
        {
            "preferred_network": "login.partner.microsoftonline.cn",
            "preferred_cache": "login.partner.microsoftonline.cn",
            "aliases": ["login.partner.microsoftonline.cn", "login.chinacloudapi.cn"],
        },
        {
            "preferred_network": "login.microsoftonline.de",
            "preferred_cache": "login.microsoftonline.de",
            "aliases": ["login.microsoftonline.de"],
        },
        {
            "preferred_network": "login.microsoftonline.us",
            "preferred_cache": "login.microsoftonline.us",
            "aliases": ["login.microsoftonline.us", "login.usgovcloudapi.net"],
        },
        {
            "preferred_network": "login-us.microsoftonline.com",
            "preferred_cache": "login-us.microsoftonline.com",
            "aliases": ["login-us.microsoftonline.com"],
        },
    ]


def client_info(user: User) -> str:
    """What MSAL builds its home_account_id from: base64url JSON of the object and tenant ids."""
    info = {"uid": user.object_id, "utid": user.realm}
    return b64url(json.dumps(info, separators=(",", ":")).encode())


def resolve_authority(provider: OpenIDProvider, segment: str) -> str:
    """The tenant GUID for a tenant-specific path, or "common" / "organizations"."""
    if segment.lower() in ORGANIZATION_AUTHORITIES:
        return segment.lower()
    tenant = provider.directory.tenant(segment)
    if tenant is None:
        raise OAuthError(Problem.UNKNOWN_TENANT, tenant=segment[:100])
    return tenant.tenant_id


class MicrosoftFlavour(Flavour):
    name = "microsoft"
    realm_field = "tenant"
    session_cookie = "ESTSAUTH"
    sign_in_path = "/common/login"
    response_modes = ("query", "fragment", "form_post")
    asks_to_stay_signed_in = True
    pkce_methods = ("S256",)
    rotates_refresh_tokens = True
    certificate_profile = CertificateProfile("accounts.accesscontrol.windows.net", timedelta(days=5 * 365))
    misbehaviours = COMMON_KINDS | {Misbehaviour.OTHER_TENANT}
    alerts = Alerts(
        no_email="Enter a valid email address, phone number, or Skype name.",
        unknown_user="This username may be incorrect. Make sure you typed it correctly. Otherwise, contact your admin.",
        no_password="Please enter your password.",
        wrong_password="Your account or password is incorrect.",
    )

    def __init__(self, site: PublicSite) -> None:
        super().__init__(site)
        self._pairwise_salt = secrets.token_bytes(32)

    def issuer(self, tenant_id: str) -> str:
        return f"{self.public_base}/{tenant_id}/v2.0"

    def discovery_url(self, authority: str) -> str:
        return f"{self.public_base}/{authority}/v2.0/.well-known/openid-configuration"

    # Routes

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/{tenant}/v2.0/.well-known/openid-configuration", self.discovery, name="discovery"),
            Route("/{tenant}/oauth2/v2.0/authorize", self.authorize, name="authorize"),
            Route(self.sign_in_path, self.sign_in, methods=["POST"], name="sign_in"),
            Route("/{tenant}/oauth2/v2.0/token", self.token, methods=["POST"], name="token"),
            Route("/{tenant}/discovery/v2.0/keys", self.jwks, name="jwks"),
            Route("/{tenant}/oauth2/v2.0/logout", self.logout, methods=["GET", "POST"], name="logout"),
            Route("/oidc/userinfo", self.userinfo, methods=["GET", "POST"], name="userinfo"),
            Route("/error", self.error_lookup, name="error_lookup"),
            Route("/common/discovery/instance", self.instance_discovery, name="instance_discovery"),
        ]

    def control_routes(self) -> list[BaseRoute]:
        return [Route("/_control/tenants", self.add_tenant, methods=["POST"], name="control_add_tenant")]

    async def add_tenant(self, request: Request) -> Response:
        """Control API: a tenant, with a new GUID unless the caller picks one."""
        try:
            payload = await read_json_object(request)
            tenant_id = (optional_text(payload, "tenant_id") or new_guid()).lower()
            if not is_guid(tenant_id):
                raise ControlInputError("tenant_id must be a GUID")
            domain = optional_text(payload, "domain")
            name = optional_text(payload, "name") or domain or tenant_id
        except ControlInputError as error:
            return error.response()
        tenant = Tenant(tenant_id=tenant_id, name=name, domain=domain.lower() if domain else None)
        try:
            provider_of(request).directory.add_tenant(tenant)
        except AlreadyExists as error:
            return ControlInputError(str(error), status_code=409).response()
        body = {
            "tenant_id": tenant.tenant_id,
            "name": tenant.name,
            "domain": tenant.domain,
            "issuer": self.issuer(tenant.tenant_id),
            "discovery_url": self.discovery_url(tenant.tenant_id),
        }
        return JSONResponse(body, status_code=201)

    async def instance_discovery(self, request: Request) -> Response:
        """MSAL's instance discovery: which host names are one cloud (for its token cache)."""
        authorization_endpoint = request.query_params.get("authorization_endpoint", "")
        version = "/v2.0" if "/oauth2/v2.0/" in authorization_endpoint else ""
        host = urlsplit(self.public_base).netloc
        body = {
            "tenant_discovery_endpoint": f"{self.public_base}/common{version}/.well-known/openid-configuration",
            "api-version": request.query_params.get("api-version", "1.1"),
            "metadata": instance_metadata(host),
        }
        return JSONResponse(body)

    async def discovery(self, request: Request) -> Response:
        try:
            authority = resolve_authority(provider_of(request), request.path_params["tenant"])
        except OAuthError as error:
            return self.token_error(error)
        return JSONResponse(self.discovery_document(authority))

    def discovery_document(self, authority: str) -> dict[str, Any]:
        """Entra's v2.0 document, field for field, in its order."""
        base = f"{self.public_base}/{authority}"
        organizational = authority in ORGANIZATION_AUTHORITIES
        tenant_id = TENANT_ID_TEMPLATE if organizational else authority
        return {
            "token_endpoint": f"{base}/oauth2/v2.0/token",
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
            "jwks_uri": f"{base}/discovery/v2.0/keys",
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "issuer": self.issuer(tenant_id),
            "request_uri_parameter_supported": False,
            "userinfo_endpoint": f"{self.site.base('graph')}/oidc/userinfo",
            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
            "http_logout_supported": True,
            "frontchannel_logout_supported": True,
            "end_session_endpoint": f"{base}/oauth2/v2.0/logout",
            "claims_supported": [
                "sub",
                "iss",
                "cloud_instance_name",
                "cloud_instance_host_name",
                "cloud_graph_host_name",
                "msgraph_host",
                "aud",
                "exp",
                "iat",
                "auth_time",
                "acr",
                "nonce",
                "preferred_username",
                "name",
                "tid",
                "ver",
                "at_hash",
                "c_hash",
                "email",
            ],
            "kerberos_endpoint": f"{base}/kerberos",
            "tenant_region_scope": None if organizational else "EU",
            "cloud_instance_name": CLOUD_INSTANCE_NAME,
            "cloud_graph_host_name": "graph.windows.net",
            "msgraph_host": "graph.microsoft.com",
            "rbac_url": "https://pas.windows.net",
        }

    async def authorize(self, request: Request) -> Response:
        provider = provider_of(request)
        try:
            authority = resolve_authority(provider, request.path_params["tenant"])
        except OAuthError as error:
            return self.error_page(error)
        return await provider.authorize(request, authority)

    async def sign_in(self, request: Request) -> Response:
        return await provider_of(request).sign_in(request)

    async def token(self, request: Request) -> Response:
        provider = provider_of(request)
        try:
            authority = resolve_authority(provider, request.path_params["tenant"])
        except OAuthError as error:
            return self.token_error(error)
        return await provider.token(request, authority)

    async def jwks(self, request: Request) -> Response:
        provider = provider_of(request)
        try:
            authority = resolve_authority(provider, request.path_params["tenant"])
        except OAuthError as error:
            return self.token_error(error)
        return provider.jwks(authority)

    async def userinfo(self, request: Request) -> Response:
        return await provider_of(request).userinfo(request)

    async def logout(self, request: Request) -> Response:
        """Front-channel sign-out: ends the browser's session (or one account, by logout_hint)."""
        provider = provider_of(request)
        try:
            resolve_authority(provider, request.path_params["tenant"])
            source = await request.form() if request.method == "POST" else request.query_params
            params = single_valued(source.multi_items())
        except OAuthError as error:
            return self.error_page(error)
        browser = provider.browser_session(request)
        if browser is not None:
            provider.sessions.sign_out(browser, params.get("logout_hint"))
        destination = self._post_logout_destination(provider, params)
        if destination is None:
            response: Response = render_page("microsoft/signed_out.html")
        else:
            state = {"state": params["state"]} if "state" in params else {}
            response = RedirectResponse(with_query(destination, state), status_code=302)
        if browser is not None and not browser.accounts:
            self.delete_session_cookie(response)
        return response

    def _post_logout_destination(self, provider: OpenIDProvider, params: dict[str, str]) -> str | None:
        """Only a redirect URI registered for the client named by client_id or id_token_hint."""
        destination = params.get("post_logout_redirect_uri")
        client_id = params.get("client_id") or self._audience_of(provider, params.get("id_token_hint"))
        client = provider.directory.client(client_id) if client_id else None
        if destination is None or client is None or destination not in client.redirect_uris:
            return None
        return destination

    def _audience_of(self, provider: OpenIDProvider, id_token: str | None) -> str | None:
        if id_token is None:
            return None
        try:
            published: list[Key] = list(provider.keyring.published())
            token = jwt.decode(id_token, KeySet(published), algorithms=["RS256"])
        except (JoseError, ValueError):
            return None
        audience = token.claims.get("aud")
        return audience if isinstance(audience, str) else None

    async def error_lookup(self, request: Request) -> Response:
        code = request.query_params.get("code", "")
        known = next((aad for aad in AAD_ERRORS.values() if str(aad.code) == code), None)
        return render_page(
            "microsoft/error_lookup.html",
            status_code=200 if known else 404,
            code=code[:20],
            error=known.error if known else None,
        )

    # Users

    def create_user(self, directory: Directory, realm: str | None, email: str, password: str, name: str) -> User:
        tenant = directory.tenant(realm) if realm else None
        if tenant is None:
            raise InvalidUser(f"unknown tenant {realm!r}: add the tenant first")
        given_name, _, family_name = name.partition(" ")
        return User(email, password, name, given_name, family_name, realm=tenant.tenant_id, object_id=new_guid())

    def describe_user(self, user: User, clients: list[Client]) -> dict[str, Any]:
        return {
            "email": user.email,
            "name": user.name,
            "tid": user.realm,
            "oid": user.object_id,
            "iss": self.issuer(str(user.realm)),
            "subs": {client.client_id: self.pairwise_subject(user, client.client_id) for client in clients},
        }

    def may_sign_in(self, authority: str, user: User) -> bool:
        return authority in ORGANIZATION_AUTHORITIES or user.realm == authority

    def may_redeem_at(self, authority: str, user: User) -> bool:
        return self.may_sign_in(authority, user)

    def pairwise_subject(self, user: User, client_id: str) -> str:
        """Microsoft's sub differs per application for the same user."""
        digest = hmac.new(self._pairwise_salt, f"{user.object_id}:{client_id}".encode(), hashlib.sha256).digest()
        return b64url(digest)

    # Tokens

    def make_kid(self, key: RSAKey, certificate: x509.Certificate) -> str:
        # Entra's kid is the certificate's x5t.
        return certificate_thumbprint(certificate)

    def published_jwk(self, key: SigningKey, authority: str) -> dict[str, Any]:
        public = key.jwk.as_dict(private=False)
        tenant_id = TENANT_ID_TEMPLATE if authority in ORGANIZATION_AUTHORITIES else authority
        return {
            "kty": public["kty"],
            "use": "sig",
            "kid": key.kid,
            "x5t": key.x5t,
            "n": public["n"],
            "e": public["e"],
            "x5c": key.x5c,
            "cloud_instance_name": CLOUD_INSTANCE_NAME,
            "issuer": self.issuer(tenant_id),
        }

    def token_header(self, key: SigningKey) -> dict[str, str]:
        return {"x5t": key.x5t, "kid": key.kid}

    def id_token_claims(self, context: IdTokenContext) -> dict[str, Any]:
        user, scopes = context.user, context.scopes
        claims: dict[str, Any] = {
            "aud": context.client_id,
            "iss": self.issuer(str(user.realm)),
            "iat": context.issued_at,
            "nbf": context.issued_at,
            "exp": context.issued_at + context.lifetime,
            "aio": random_token(48),
        }
        if context.auth_time is not None:
            claims["auth_time"] = context.auth_time
        if "email" in scopes:
            claims["email"] = user.email
        if "profile" in scopes:
            claims["name"] = user.name
        if context.nonce is not None:
            claims["nonce"] = context.nonce
        if "profile" in scopes:
            claims["oid"] = user.object_id
            claims["preferred_username"] = user.email
        claims.update(
            {
                "rh": random_token(24),
                "sid": context.session_sid,
                "sub": self.pairwise_subject(user, context.client_id),
                "tid": user.realm,
                "uti": random_token(16),
                "ver": "2.0",
            }
        )
        return claims

    def tamper(self, kind: Misbehaviour, claims: dict[str, Any], context: IdTokenContext) -> dict[str, Any]:
        tampered = super().tamper(kind, claims, context)
        if kind is Misbehaviour.OTHER_TENANT:
            # The same email in another organisation: another directory, so another object.
            other_tenant = new_guid()
            other_user = replace(context.user, realm=other_tenant, object_id=new_guid())
            tampered.update(
                iss=self.issuer(other_tenant),
                tid=other_tenant,
                sub=self.pairwise_subject(other_user, context.client_id),
            )
            if "oid" in tampered:
                tampered["oid"] = other_user.object_id
        return tampered

    def foreign_client_id(self) -> str:
        return new_guid()

    def other_account(self, context: IdTokenContext) -> dict[str, Any]:
        other_user = replace(context.user, object_id=new_guid())
        return {"sub": self.pairwise_subject(other_user, context.client_id), "oid": other_user.object_id}

    def foreign_issuer(self, context: IdTokenContext) -> str:
        # The v1.0 issuer of the same tenant: right tenant, wrong token version and host.
        return f"https://sts.windows.net/{context.user.realm}/"

    def userinfo_claims(self, claims: dict[str, Any]) -> dict[str, Any]:
        return {name: claims[name] for name in ("sub", "name", "email") if name in claims}

    def token_body(self, issued: IssuedTokens) -> dict[str, Any]:
        body: dict[str, Any] = {
            "token_type": "Bearer",
            "scope": " ".join(issued.scopes),
            "expires_in": issued.lifetime - 1,
            "ext_expires_in": issued.lifetime - 1,
            "access_token": issued.access_token,
        }
        if issued.refresh_token is not None:
            body["refresh_token"] = issued.refresh_token
        if issued.id_token is not None:
            body["id_token"] = issued.id_token
        if issued.wants_client_info:
            body["client_info"] = client_info(issued.user)
        return body

    def grants_refresh_token(
        self, scopes: tuple[str, ...], access_type: str | None, prompts: frozenset[str], first_consent: bool
    ) -> bool:
        return "offline_access" in scopes

    # Errors

    def reports_to_client(self, problem: Problem) -> bool:
        return problem not in PAGE_ONLY

    def error_parameters(self, error: OAuthError) -> dict[str, str]:
        described = describe(error)
        return {
            "error": described.aad.error,
            "error_description": described.description,
            "error_uri": self._error_uri(described.aad.code),
        }

    def error_page(self, error: OAuthError) -> Response:
        described = describe(error)
        return render_page(
            "microsoft/error.html",
            status_code=400,
            code=described.aad.code,
            message=described.description.split("\r\n")[0],
            trace_id=described.trace_id,
            correlation_id=described.correlation_id,
            timestamp=described.timestamp,
        )

    def token_error(self, error: OAuthError) -> JSONResponse:
        if error.problem is Problem.INVALID_ACCESS_TOKEN:
            # The userinfo endpoint belongs to Microsoft Graph, which answers in its own shape.
            graph = {"error": {"code": "InvalidAuthenticationToken", "message": "Access token is empty or invalid."}}
            return JSONResponse(graph, status_code=401)
        described = describe(error)
        body = {
            "error": described.aad.error,
            "error_description": described.description,
            "error_codes": [described.aad.code],
            "timestamp": described.timestamp,
            "trace_id": described.trace_id,
            "correlation_id": described.correlation_id,
            "error_uri": self._error_uri(described.aad.code),
        }
        return JSONResponse(body, status_code=described.aad.status, headers={"Cache-Control": "no-store"})

    def _error_uri(self, code: int) -> str:
        return f"{self.public_base}/error?code={code}"
