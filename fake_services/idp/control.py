"""The control API under /_control/: how tests set up and steer a provider (JSON over HTTP).

It is served on the same port as the provider, is not written to the request log, and has no
authentication: the providers only ever listen on loopback.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from fake_services.idp.directory import AlreadyExists, Client
from fake_services.idp.flavour import InvalidUser
from fake_services.idp.misbehaviour import Misbehaviour
from fake_services.idp.oidc import OpenIDProvider, provider_of

MAX_TEXT_LENGTH = 2048
MAX_EMAIL_LENGTH = 254  # RFC 5321's longest path, less the angle brackets
MAX_REDIRECT_URIS = 20
REALM_FIELDS = frozenset({"tenant", "domain"})


class ControlInputError(Exception):
    def __init__(self, message: str, status_code: int = 400) -> None:
        super().__init__(message)
        self.status_code = status_code

    def response(self) -> JSONResponse:
        error = {400: "invalid_request", 404: "not_found", 409: "conflict"}[self.status_code]
        return JSONResponse({"error": error, "error_description": str(self)}, status_code=self.status_code)


async def read_json_object(request: Request) -> dict[str, Any]:
    try:
        payload = json.loads(await request.body())
    except (ValueError, RecursionError) as error:  # RecursionError: absurdly deep nesting
        raise ControlInputError("the body is not valid JSON") from error
    if not isinstance(payload, dict):
        raise ControlInputError("the body must be a JSON object")
    return payload


def optional_text(payload: dict[str, Any], name: str) -> str | None:
    value = payload.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_TEXT_LENGTH:
        raise ControlInputError(f"{name} must be a string of at most {MAX_TEXT_LENGTH} characters")
    return value or None


def required_text(payload: dict[str, Any], name: str) -> str:
    value = optional_text(payload, name)
    if value is None:
        raise ControlInputError(f"{name} is required")
    return value


def redirect_uris(payload: dict[str, Any]) -> tuple[str, ...]:
    values = payload.get("redirect_uris")
    if not isinstance(values, list) or not values or len(values) > MAX_REDIRECT_URIS:
        raise ControlInputError(f"redirect_uris must be a list of 1 to {MAX_REDIRECT_URIS} URIs")
    for value in values:
        parts = urlsplit(value) if isinstance(value, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc or parts.fragment:
            raise ControlInputError(f"{value!r} is not an absolute http(s) URI without a fragment")
    return tuple(values)


def control_routes() -> list[BaseRoute]:
    return [
        Route("/_control/reset", reset, methods=["POST"], name="control_reset"),
        Route("/_control/clients", register_client, methods=["POST"], name="control_register_client"),
        Route("/_control/users", add_user, methods=["POST"], name="control_add_user"),
        Route("/_control/users/{email}", get_user, methods=["GET"], name="control_get_user"),
        Route("/_control/sessions", sign_in_browser, methods=["POST"], name="control_sign_in_browser"),
        Route("/_control/sessions/end", end_sessions, methods=["POST"], name="control_end_sessions"),
        Route("/_control/sessions/expire", expire_sessions, methods=["POST"], name="control_expire_sessions"),
        Route("/_control/keys", keys, methods=["GET"], name="control_keys"),
        Route("/_control/keys/rotate", rotate_keys, methods=["POST"], name="control_rotate_keys"),
        Route(
            "/_control/misbehaviours",
            misbehaviours,
            methods=["GET", "POST", "DELETE"],
            name="control_misbehaviours",
        ),
        Route("/_control/requests", requests_log, methods=["GET", "DELETE"], name="control_requests"),
        Route("/_control/settings", settings, methods=["POST"], name="control_settings"),
        Route("/_control/clock", clock, methods=["POST"], name="control_clock"),
        Route(
            "/_control/pkce/requirements",
            pkce_requirements,
            methods=["GET", "POST", "DELETE"],
            name="control_pkce_requirements",
        ),
    ]


async def reset(request: Request) -> Response:
    provider_of(request).reset()
    return JSONResponse({"reset": True})


async def register_client(request: Request) -> Response:
    try:
        payload = await read_json_object(request)
        client = Client(
            client_id=required_text(payload, "client_id"),
            client_secret=optional_text(payload, "client_secret"),
            redirect_uris=redirect_uris(payload),
        )
    except ControlInputError as error:
        return error.response()
    provider_of(request).directory.register_client(client)
    body = {"client_id": client.client_id, "redirect_uris": list(client.redirect_uris), "public": client.is_public}
    return JSONResponse(body, status_code=201)


async def add_user(request: Request) -> Response:
    provider = provider_of(request)
    flavour = provider.flavour
    try:
        payload = await read_json_object(request)
        email = required_text(payload, "email")
        if "@" not in email.strip("@"):
            raise ControlInputError("email must be an email address")
        misplaced = next((name for name in REALM_FIELDS - {flavour.realm_field} if payload.get(name)), None)
        if misplaced:
            raise ControlInputError(f"this provider takes '{flavour.realm_field}', not '{misplaced}'")
        user = flavour.create_user(
            provider.directory,
            optional_text(payload, flavour.realm_field),
            email,
            required_text(payload, "password"),
            required_text(payload, "name"),
        )
        user = replace(
            user,
            picture=optional_text(payload, "picture") or user.picture,
            locale=optional_text(payload, "locale") or user.locale,
        )
        provider.directory.add_user(user)
    except ControlInputError as error:
        return error.response()
    except InvalidUser as error:
        return ControlInputError(str(error)).response()
    except AlreadyExists as error:
        return ControlInputError(str(error), status_code=409).response()
    return JSONResponse(flavour.describe_user(user, provider.directory.clients()), status_code=201)


async def get_user(request: Request) -> Response:
    provider = provider_of(request)
    user = provider.directory.user(request.path_params["email"])
    if user is None:
        return ControlInputError("no such user", status_code=404).response()
    return JSONResponse(provider.flavour.describe_user(user, provider.directory.clients()))


async def sign_in_browser(request: Request) -> Response:
    """A new browser session with the user signed in, as after the password and "Stay signed in? Yes";
    the answer is the session cookie for the caller to put into a browser (max_age: seconds it is kept)."""
    provider = provider_of(request)
    try:
        email = required_text(await read_json_object(request), "email")
    except ControlInputError as error:
        return error.response()
    user = provider.directory.user(email)
    if user is None:
        return ControlInputError("no such user", status_code=404).response()
    session = provider.sessions.sign_in(None, user.email, provider.now(), provider.settings.session_lifetime)
    cookie = provider.flavour.session_cookie_for_browser(session.session_id, int(provider.settings.session_lifetime))
    return JSONResponse({"email": user.email, "cookie": cookie}, status_code=201)


async def end_sessions(request: Request) -> Response:
    provider = provider_of(request)
    try:
        email = required_text(await read_json_object(request), "email")
    except ControlInputError as error:
        return error.response()
    return JSONResponse({"ended": provider.sessions.end_everywhere(email)})


async def expire_sessions(request: Request) -> Response:
    provider = provider_of(request)
    try:
        email = required_text(await read_json_object(request), "email")
    except ControlInputError as error:
        return error.response()
    return JSONResponse({"expired": provider.sessions.expire_everywhere(email, provider.now())})


def _keys_body(provider: OpenIDProvider) -> dict[str, Any]:
    return {
        "signing_kid": provider.keyring.signing_kid,
        "published_kids": [str(key.kid) for key in provider.keyring.published()],
    }


async def keys(request: Request) -> Response:
    return JSONResponse(_keys_body(provider_of(request)))


async def rotate_keys(request: Request) -> Response:
    provider = provider_of(request)
    provider.keyring.rotate()
    return JSONResponse(_keys_body(provider))


def misbehaviour_user(value: object) -> str:
    """A user's email, as the control API takes it to aim a misbehaviour at that user's sign-in."""
    if not isinstance(value, str) or not 0 < len(value) <= MAX_EMAIL_LENGTH:
        raise ControlInputError(f"user must be an email address of at most {MAX_EMAIL_LENGTH} characters")
    local, at, domain = value.rpartition("@")
    if not (at and local and domain) or any(char.isspace() or not char.isprintable() for char in value):
        raise ControlInputError(f"user must be an email address, not {value!r}")
    return value.lower()


def misbehaviour_query_user(request: Request) -> str | None:
    """`?user=EMAIL` (at most once, nothing else): a mistyped name must not widen a DELETE to everyone's."""
    items = request.query_params.multi_items()
    unknown = sorted({name for name, _ in items} - {"user"})
    if unknown:
        raise ControlInputError(f"unknown query parameters {unknown}; only 'user' is taken")
    if len(items) > 1:
        raise ControlInputError("give user at most once")
    return misbehaviour_user(items[0][1]) if items else None


async def misbehaviours(request: Request) -> Response:
    """POST {kind, user?} queues one (for that user's sign-in only, or provider-wide); GET and DELETE
    list and forget them: those queued for `?user=`, or without it all of them."""
    provider = provider_of(request)
    queue = provider.misbehaviours
    try:
        if request.method == "POST":
            payload = await read_json_object(request)
            unknown = sorted(set(payload) - {"kind", "user"})
            if unknown:
                raise ControlInputError(f"unknown fields {unknown}; give kind and optionally user")
            supported = provider.flavour.misbehaviours
            kind = required_text(payload, "kind")
            if kind not in supported:
                raise ControlInputError(f"unknown kind {kind!r}; this provider supports {sorted(supported)}")
            user = None if payload.get("user") is None else misbehaviour_user(payload["user"])
            if user is not None and provider.directory.user(user) is None:
                raise ControlInputError(f"no user {user!r}", status_code=404)
            queue.add(Misbehaviour(kind), user)
        else:
            user = misbehaviour_query_user(request)
            if request.method == "DELETE":
                queue.clear(user)
    except ControlInputError as error:
        return error.response()
    pending = queue.pending(user)
    return JSONResponse(
        {"pending": [str(queued.kind) for queued in pending], "queued": [queued.as_json() for queued in pending]}
    )


async def requests_log(request: Request) -> Response:
    log = provider_of(request).request_log
    if request.method == "DELETE":
        log.clear()
    return JSONResponse({"requests": [entry.as_json() for entry in log.entries()]})


async def settings(request: Request) -> Response:
    """Either or both of `code_lifetime` (seconds, 0 to 3600) and `require_pkce` (bool)."""
    provider = provider_of(request)
    try:
        payload = await read_json_object(request)
        code_lifetime = payload.get("code_lifetime")
        require_pkce = payload.get("require_pkce")
        if code_lifetime is None and require_pkce is None:
            raise ControlInputError("give code_lifetime or require_pkce")
        if code_lifetime is not None and (
            isinstance(code_lifetime, bool)
            or not isinstance(code_lifetime, int | float)
            or not 0 <= code_lifetime <= 3600
        ):
            raise ControlInputError("code_lifetime must be a number of seconds from 0 to 3600")
        if require_pkce is not None and not isinstance(require_pkce, bool):
            raise ControlInputError("require_pkce must be true or false")
    except ControlInputError as error:
        return error.response()
    if code_lifetime is not None:
        provider.settings.code_lifetime = float(code_lifetime)
    if require_pkce is not None:
        provider.settings.require_pkce = require_pkce
    return JSONResponse(
        {"code_lifetime": provider.settings.code_lifetime, "require_pkce": provider.settings.require_pkce}
    )


async def pkce_requirements(request: Request) -> Response:
    """One-shot: POST {client_id} or {email} makes that client's or user's next authorization need
    S256 PKCE; GET lists them all with their state ("pending" or "used") and whether they were met."""
    provider = provider_of(request)
    requirements = provider.pkce_requirements
    if request.method == "DELETE":
        requirements.clear()
    elif request.method == "POST":
        try:
            payload = await read_json_object(request)
            client_id, email = optional_text(payload, "client_id"), optional_text(payload, "email")
            if (client_id is None) == (email is None):
                raise ControlInputError("give exactly one of client_id and email")
            if client_id is not None and provider.directory.client(client_id) is None:
                raise ControlInputError(f"no client {client_id!r}", status_code=404)
            if email is not None and provider.directory.user(email) is None:
                raise ControlInputError(f"no user {email!r}", status_code=404)
        except ControlInputError as error:
            return error.response()
        return JSONResponse(requirements.add(client_id, email).as_json(), status_code=201)
    return JSONResponse({"requirements": [requirement.as_json() for requirement in requirements.all()]})


TEN_YEARS = 10 * 365 * 86400


async def clock(request: Request) -> Response:
    """Move the provider's clock forward, as a test moves the relying party's: its tokens keep up."""
    provider = provider_of(request)
    try:
        seconds = (await read_json_object(request)).get("seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 <= seconds <= TEN_YEARS:
            raise ControlInputError("seconds must be a number from 0 to ten years")
    except ControlInputError as error:
        return error.response()
    provider.clock_offset += float(seconds)
    return JSONResponse({"now": provider.now()})
