"""Discovery documents and published keys, in the shapes the real providers use."""

from __future__ import annotations

import base64
import re

import httpx
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from joserfc.jwk import KeySet

from fake_services.idp import GoogleProvider, MicrosoftProvider
from tests.idp.support import http_client

GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def get(provider: MicrosoftProvider | GoogleProvider, path: str) -> httpx.Response:
    with http_client(provider) as http:
        return http.get(path)


def microsoft_document(base: str, segment: str, issuer_tenant: str) -> dict:
    """Entra's document for a tenant, "common" or "organizations", as login.microsoftonline.com answers."""
    return {
        "token_endpoint": f"{base}/{segment}/oauth2/v2.0/token",
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "jwks_uri": f"{base}/{segment}/discovery/v2.0/keys",
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "issuer": f"{base}/{issuer_tenant}/v2.0",
        "request_uri_parameter_supported": False,
        "userinfo_endpoint": f"{base}/oidc/userinfo",
        "authorization_endpoint": f"{base}/{segment}/oauth2/v2.0/authorize",
        "device_authorization_endpoint": f"{base}/{segment}/oauth2/v2.0/devicecode",
        "http_logout_supported": True,
        "frontchannel_logout_supported": True,
        "end_session_endpoint": f"{base}/{segment}/oauth2/v2.0/logout",
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
        "kerberos_endpoint": f"{base}/{segment}/kerberos",
        "tenant_region_scope": None if issuer_tenant == "{tenantid}" else "EU",
        "cloud_instance_name": "microsoftonline.com",
        "cloud_graph_host_name": "graph.windows.net",
        "msgraph_host": "graph.microsoft.com",
        "rbac_url": "https://pas.windows.net",
    }


def test_microsoft_tenant_discovery_names_the_tenant_issuer(microsoft: MicrosoftProvider) -> None:
    tenant_id = microsoft.control.add_tenant(name="Contoso", domain="contoso.test")
    response = get(microsoft, f"/{tenant_id}/v2.0/.well-known/openid-configuration")
    assert response.status_code == 200
    assert response.json() == microsoft_document(microsoft.base_url, tenant_id, tenant_id)
    assert microsoft.base_url.startswith("http://login.microsoftonline.test:")


def test_microsoft_discovery_by_domain_uses_the_tenant_guid(microsoft: MicrosoftProvider) -> None:
    tenant_id = microsoft.control.add_tenant(name="Contoso", domain="contoso.test")
    document = get(microsoft, "/contoso.test/v2.0/.well-known/openid-configuration").json()
    assert document == microsoft_document(microsoft.base_url, tenant_id, tenant_id)


def test_microsoft_common_and_organizations_discovery_use_the_issuer_template(microsoft: MicrosoftProvider) -> None:
    for segment in ("common", "organizations"):
        document = get(microsoft, f"/{segment}/v2.0/.well-known/openid-configuration").json()
        assert document == microsoft_document(microsoft.base_url, segment, "{tenantid}")


def test_microsoft_unknown_tenant_is_an_aadsts90002_error(microsoft: MicrosoftProvider) -> None:
    response = get(microsoft, "/no-such-tenant.test/v2.0/.well-known/openid-configuration")
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_tenant"
    assert body["error_codes"] == [90002]
    assert body["error_description"].startswith("AADSTS90002: Tenant 'no-such-tenant.test' not found.")


def test_microsoft_keys_carry_kid_and_the_tenant_issuer(microsoft: MicrosoftProvider) -> None:
    tenant_id = microsoft.control.add_tenant(name="Contoso")
    keys = get(microsoft, f"/{tenant_id}/discovery/v2.0/keys").json()["keys"]
    assert len(keys) == 1
    key = keys[0]
    assert list(key) == ["kty", "use", "kid", "x5t", "n", "e", "x5c", "cloud_instance_name", "issuer"]
    assert (key["kty"], key["use"], key["e"]) == ("RSA", "sig", "AQAB")
    assert key["issuer"] == f"{microsoft.base_url}/{tenant_id}/v2.0"
    assert key["kid"] == key["x5t"] == microsoft.control.keys()["signing_kid"]
    # x5c holds the self-signed certificate of the key, and x5t is its SHA-1 thumbprint.
    certificate = x509.load_der_x509_certificate(base64.b64decode(key["x5c"][0]))
    digest = certificate.fingerprint(hashes.SHA1())  # noqa: S303 - x5t is SHA-1 by definition
    assert key["x5t"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    numbers = certificate.public_key().public_numbers()
    assert numbers.n == int.from_bytes(base64.urlsafe_b64decode(key["n"] + "=="), "big")
    common_keys = get(microsoft, "/common/discovery/v2.0/keys").json()["keys"]
    assert common_keys[0]["issuer"] == f"{microsoft.base_url}/{{tenantid}}/v2.0"
    assert "d" not in key and "p" not in key, "the private key must never be published"


def test_google_discovery_document(google: GoogleProvider) -> None:
    base = google.base_url
    response = get(google, "/.well-known/openid-configuration")
    assert response.status_code == 200
    assert response.json() == {
        "issuer": base,
        "authorization_endpoint": f"{base}/o/oauth2/v2/auth",
        "device_authorization_endpoint": f"{base}/device/code",
        "token_endpoint": f"{base}/token",
        "userinfo_endpoint": f"{base}/v1/userinfo",
        "revocation_endpoint": f"{base}/revoke",
        "jwks_uri": f"{base}/oauth2/v3/certs",
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
    assert base.startswith("http://accounts.google.test:")
    assert google.discovery_url == f"{base}/.well-known/openid-configuration"


def test_google_keys_are_rs256_with_hex_kids_and_import_into_joserfc(google: GoogleProvider) -> None:
    jwks = get(google, "/oauth2/v3/certs").json()
    (key,) = jwks["keys"]
    assert set(key) == {"kty", "use", "kid", "n", "e", "alg"}
    assert re.fullmatch(r"[0-9a-f]{40}", key["kid"])
    imported = KeySet.import_key_set(jwks)
    assert imported.keys[0].kid == key["kid"]
    assert not imported.keys[0].is_private
