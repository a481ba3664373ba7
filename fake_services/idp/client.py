"""A synchronous Python client for a fake provider's control API (/_control/...).

One class serves both flavours; the few flavour-specific operations say so, and the
provider answers an operation it does not have with a 4xx (raised as ControlError).
"""

from __future__ import annotations

import ssl
from collections.abc import Sequence
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

import httpx

T = TypeVar("T")


class ControlError(RuntimeError):
    def __init__(self, response: httpx.Response) -> None:
        request = response.request
        super().__init__(f"{request.method} {request.url.path}: {response.status_code} {response.text}")
        self.status_code = response.status_code
        self.body = response.text


class IdentityProviderControl:
    def __init__(
        self,
        control_url: str,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
        verify: ssl.SSLContext | bool = True,
    ) -> None:
        """`transport` reaches host names the resolver does not know (e.g. a mapping to loopback);
        `verify` is the TLS context that trusts an HTTPS control URL's certificate."""
        self._http = httpx.Client(base_url=control_url, timeout=timeout, transport=transport, verify=verify)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> IdentityProviderControl:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _call(self, method: str, path: str, payload: dict[str, Any] | None = None) -> object:
        response = self._http.request(method, f"/_control{path}", json=payload)
        if response.is_error:
            raise ControlError(response)
        return response.json()

    def _object(self, method: str, path: str, payload: dict[str, Any] | None = None) -> dict[str, Any]:
        """A call whose answer is a JSON object."""
        body = self._call(method, path, payload)
        if not isinstance(body, dict):
            raise TypeError(f"{method} /_control{path}: expected a JSON object, got {type(body).__name__}")
        return body

    def reset(self) -> None:
        """Forget clients, tenants, users, sessions, codes, misbehaviours, the log and retired keys."""
        self._call("POST", "/reset")

    def register_client(
        self, client_id: str, client_secret: str | None, redirect_uris: Sequence[str]
    ) -> dict[str, Any]:
        """Register (or replace) a client with its exact redirect URIs: confidential with a secret,
        public (no secret, PKCE required) with `client_secret=None`."""
        payload = {"client_id": client_id, "client_secret": client_secret, "redirect_uris": list(redirect_uris)}
        return self._object("POST", "/clients", payload)

    def add_tenant(self, name: str | None = None, domain: str | None = None, tenant_id: str | None = None) -> str:
        """Microsoft only: add a tenant (a new GUID unless one is given). Returns the tenant id."""
        payload = {"name": name, "domain": domain, "tenant_id": tenant_id}
        return _field(self._object("POST", "/tenants", payload), "tenant_id", str)

    def add_user(
        self,
        email: str,
        password: str,
        name: str,
        *,
        tenant: str | None = None,
        domain: str | None = None,
        picture: str | None = None,
        locale: str | None = None,
    ) -> dict[str, Any]:
        """Add a user: Microsoft needs `tenant` (id or domain); Google takes the Workspace `domain`
        (the hd claim), or none for a consumer account, and optionally `picture` (URL) and `locale`
        (default "en"; a picture URL is made up when none is given).

        Returns, for Microsoft, {"email", "name", "tid", "oid", "iss", "subs": {client_id: sub}} (the sub
        differs per application), and for Google {"email", "name", "sub", "iss", "hd"}; "iss" is the
        issuer of the user's ID tokens.
        """
        payload = {"email": email, "password": password, "name": name, "tenant": tenant, "domain": domain}
        payload.update({"picture": picture, "locale": locale})
        return self._object("POST", "/users", payload)

    def user(self, email: str) -> dict[str, Any]:
        """The same ids add_user returned, with subs for clients registered since."""
        return self._object("GET", f"/users/{quote(email, safe='@')}")

    def sign_in_browser(self, email: str) -> dict[str, Any]:
        """A new provider session with the user signed in, kept as after "Stay signed in? Yes"; returns the
        session cookie ({name, value, path, max_age, secure, httpOnly, sameSite}) to add to a browser for the
        provider's site."""
        return _field(self._object("POST", "/sessions", {"email": email}), "cookie", dict)

    def end_session(self, email: str) -> int:
        """Sign the user out of every browser, as if they signed out elsewhere. Returns how many."""
        return _field(self._object("POST", "/sessions/end", {"email": email}), "ended", int)

    def expire_session(self, email: str) -> int:
        """Let the user's sessions time out: still listed, but the password is needed again."""
        return _field(self._object("POST", "/sessions/expire", {"email": email}), "expired", int)

    def keys(self) -> dict[str, Any]:
        """{"signing_kid": ..., "published_kids": [...]}"""
        return self._object("GET", "/keys")

    def rotate_keys(self) -> str:
        """Sign with a new key from now on; the previous one stays published. Returns the new kid."""
        return _field(self._object("POST", "/keys/rotate"), "signing_kid", str)

    def misbehave(self, *kinds: str, user: str | None = None) -> list[str]:
        """Queue one-shot misbehaviours for the next answers: provider-wide, or given `user` (an email)
        for that user's sign-ins only. Returns what is pending: everything, or given `user` that user's."""
        for kind in kinds:
            payload = {"kind": str(kind)} | ({"user": user} if user is not None else {})
            self._call("POST", "/misbehaviours", payload)
        return self.pending_misbehaviours(user)

    def pending_misbehaviours(self, user: str | None = None) -> list[str]:
        """The kinds still queued, oldest first: all of them, or given `user` only those for that user."""
        return _list_of(self._object("GET", f"/misbehaviours{_user_query(user)}"), "pending", str)

    def clear_misbehaviours(self, user: str | None = None) -> None:
        """Forget every queued misbehaviour, or given `user` only those queued for that user."""
        self._call("DELETE", f"/misbehaviours{_user_query(user)}")

    def requests(self, endpoint: str | None = None) -> list[dict[str, Any]]:
        """Logged protocol requests, oldest first; `endpoint` filters by name ("authorize", "token", ...)."""
        entries = _list_of(self._object("GET", "/requests"), "requests", dict)
        return [entry for entry in entries if endpoint is None or entry["endpoint"] == endpoint]

    def clear_requests(self) -> None:
        self._call("DELETE", "/requests")

    def advance_clock(self, seconds: float) -> float:
        """Move the provider's clock forward (its tokens' times follow); returns its new time."""
        return float(self._object("POST", "/clock", {"seconds": seconds})["now"])

    def set_code_lifetime(self, seconds: float) -> None:
        """How long new authorization codes stay valid (0 makes them expire at once)."""
        self._call("POST", "/settings", {"code_lifetime": seconds})

    def set_require_pkce(self, required: bool) -> None:
        """Provider-wide: every authorization request must carry an S256 code challenge (until reset,
        which goes back to the constructor's `require_pkce`)."""
        self._call("POST", "/settings", {"require_pkce": required})

    def require_pkce_once(self, *, client_id: str | None = None, email: str | None = None) -> dict[str, Any]:
        """The next authorization of this client, or of this user, must use S256 PKCE (else it is
        refused). Returns {"id", "client_id", "email", "state": "pending", "satisfied": None}."""
        return self._object("POST", "/pkce/requirements", {"client_id": client_id, "email": email})

    def pkce_requirements(self) -> list[dict[str, Any]]:
        """Every one-shot requirement, oldest first: "state" is "pending" or "used", and "satisfied"
        (once used) says whether that authorization sent an S256 code challenge."""
        return _list_of(self._object("GET", "/pkce/requirements"), "requirements", dict)

    def pkce_requirement(self, requirement_id: str) -> dict[str, Any]:
        return next(r for r in self.pkce_requirements() if r["id"] == requirement_id)


def _user_query(user: str | None) -> str:
    return "" if user is None else f"?{urlencode({'user': user})}"


def _field(body: dict[str, Any], key: str, kind: type[T]) -> T:
    """body[key], checked to be a `kind` (the control API's answers are JSON)."""
    value = body[key]
    if not isinstance(value, kind):
        raise TypeError(f"control API field {key!r}: expected {kind.__name__}, got {type(value).__name__}")
    return value


def _list_of(body: dict[str, Any], key: str, kind: type[T]) -> list[T]:
    """body[key], checked to be a list of `kind`."""
    items = _field(body, key, list)
    for item in items:
        if not isinstance(item, kind):
            raise TypeError(f"control API field {key!r}: expected a list of {kind.__name__}, got {type(item).__name__}")
    return items
