"""The authorization request: validating it, and deciding what the browser sees next.

Validation happens in two stages. Until the client and its exact redirect URI are known,
nothing may be sent to the redirect URI (an error page is shown instead); after that,
errors go back to the client as the flavour prefers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass

from fake_services.idp.directory import Client, Directory
from fake_services.idp.errors import OAuthError, Problem
from fake_services.idp.sessions import SignedInAccount

PROMPT_VALUES = frozenset({"none", "login", "consent", "select_account"})
S256_CHALLENGE = re.compile(r"[A-Za-z0-9_-]{43}")
# RFC 7636 section 4.1: a plain challenge is the verifier itself.
PLAIN_CHALLENGE = re.compile(r"[A-Za-z0-9._~-]{43,128}")


@dataclass(frozen=True)
class PkcePolicy:
    """What this authorization request must do about PKCE.

    `methods`: the code_challenge_method values the provider knows. `required`: a challenge
    must be sent (a public client, or the provider requires PKCE). `s256_only`: it must be S256.
    """

    methods: tuple[str, ...]
    required: bool = False
    s256_only: bool = False


@dataclass(frozen=True)
class ReplyTarget:
    """Where and how the answer to an authorization request goes back to the client."""

    redirect_uri: str
    state: str | None
    response_mode: str


@dataclass(frozen=True)
class AuthorizationRequest:
    client: Client
    target: ReplyTarget
    scopes: tuple[str, ...]
    code_challenge: str | None
    code_challenge_method: str | None
    nonce: str | None
    prompts: frozenset[str]
    login_hint: str | None
    max_age: int | None
    access_type: str | None = None


def read_reply_target(
    params: dict[str, str], directory: Directory, response_modes: Collection[str]
) -> tuple[Client, ReplyTarget]:
    client_id = params.get("client_id")
    if client_id is None:
        raise OAuthError(Problem.MISSING_CLIENT_ID)
    client = directory.client(client_id)
    if client is None:
        raise OAuthError(Problem.UNKNOWN_CLIENT, client_id=client_id)
    redirect_uri = params.get("redirect_uri")
    if redirect_uri is None:
        raise OAuthError(Problem.MISSING_REDIRECT_URI, client_id=client_id)
    if redirect_uri not in client.redirect_uris:
        raise OAuthError(Problem.REDIRECT_URI_MISMATCH, client_id=client_id, redirect_uri=redirect_uri)
    response_mode = params.get("response_mode", "query")
    if response_mode not in response_modes:
        # Reported by read_authorization_request; the error itself goes back by query.
        response_mode = "query"
    return client, ReplyTarget(redirect_uri, params.get("state"), response_mode)


def read_authorization_request(
    params: dict[str, str], client: Client, target: ReplyTarget, response_modes: Collection[str], pkce: PkcePolicy
) -> AuthorizationRequest:
    if params.get("response_mode", "query") not in response_modes:
        raise OAuthError(Problem.INVALID_PARAMETER, name="response_mode", value=params["response_mode"])
    response_type = params.get("response_type")
    if response_type is None:
        raise OAuthError(Problem.MISSING_PARAMETER, name="response_type")
    if response_type != "code":
        raise OAuthError(Problem.UNSUPPORTED_RESPONSE_TYPE, value=response_type)
    scope = params.get("scope")
    if scope is None:
        raise OAuthError(Problem.MISSING_PARAMETER, name="scope")
    scopes = tuple(scope.split())
    if "openid" not in scopes:
        raise OAuthError(Problem.INVALID_SCOPE, scope=scope)
    challenge, method = _read_code_challenge(params, pkce)
    access_type = params.get("access_type")
    if access_type not in (None, "online", "offline"):
        raise OAuthError(Problem.INVALID_PARAMETER, name="access_type", value=access_type)
    return AuthorizationRequest(
        client=client,
        target=target,
        scopes=scopes,
        code_challenge=challenge,
        code_challenge_method=method,
        access_type=access_type,
        nonce=params.get("nonce"),
        prompts=_read_prompts(params),
        login_hint=params.get("login_hint"),
        max_age=_read_max_age(params),
    )


def _read_code_challenge(params: dict[str, str], pkce: PkcePolicy) -> tuple[str | None, str | None]:
    """The challenge and its method, or (None, None) when PKCE is optional and not used."""
    challenge = params.get("code_challenge")
    if challenge is None:
        # A method without a challenge is a broken PKCE request, not an absent one.
        if pkce.required or "code_challenge_method" in params:
            raise OAuthError(Problem.PKCE_REQUIRED)
        return None, None
    # RFC 7636 section 4.3: an absent method means "plain".
    method = params.get("code_challenge_method", "plain")
    if method not in pkce.methods or (pkce.s256_only and method != "S256"):
        raise OAuthError(Problem.PKCE_METHOD_UNSUPPORTED, value=method)
    pattern = S256_CHALLENGE if method == "S256" else PLAIN_CHALLENGE
    if not pattern.fullmatch(challenge):
        raise OAuthError(Problem.INVALID_CODE_CHALLENGE)
    return challenge, method


def _read_prompts(params: dict[str, str]) -> frozenset[str]:
    prompts = frozenset(params.get("prompt", "").split())
    if not prompts <= PROMPT_VALUES or ("none" in prompts and len(prompts) > 1):
        raise OAuthError(Problem.INVALID_PARAMETER, name="prompt", value=params["prompt"])
    return prompts


def _read_max_age(params: dict[str, str]) -> int | None:
    value = params.get("max_age")
    if value is None:
        return None
    if not value.isdigit() or len(value) > 9:
        raise OAuthError(Problem.INVALID_PARAMETER, name="max_age", value=value)
    return int(value)


# What the browser sees next.


@dataclass(frozen=True)
class Complete:
    """Sign in silently with an account the browser already holds."""

    email: str


@dataclass(frozen=True)
class Refuse:
    problem: Problem


@dataclass(frozen=True)
class AskIdentifier:
    prefill: str


@dataclass(frozen=True)
class AskPassword:
    email: str


@dataclass(frozen=True)
class ChooseAccount:
    pass


Decision = Complete | Refuse | AskIdentifier | AskPassword | ChooseAccount


def decide(
    request: AuthorizationRequest,
    accounts: list[SignedInAccount],
    user_exists: Callable[[str], bool],
    now: float,
) -> Decision:
    """Pick the next step from the prompt, the login hint and the accounts in this browser.

    `accounts` holds only the accounts that may sign in to this request (for Microsoft, those
    of the requested tenant). An account is usable silently when it is active and, if the
    client sent max_age, recent enough.
    """
    hint = request.login_hint.strip().lower() if request.login_hint else None
    hinted = next((a for a in accounts if a.email.lower() == hint), None) if hint else None

    def usable(account: SignedInAccount) -> bool:
        return is_usable(account, request.max_age, now)

    if "none" in request.prompts:
        return _decide_silently(hint, hinted, [a for a in accounts if usable(a)])
    if "login" in request.prompts:
        target = hint if hint and user_exists(hint) else None
        if target is None and len(accounts) == 1:
            target = accounts[0].email
        return AskPassword(target) if target else AskIdentifier(hint or "")
    if "select_account" in request.prompts:
        return ChooseAccount() if accounts else AskIdentifier(hint or "")
    # A known account that is expired or too old for max_age needs its password again.
    remembered = hinted if hint else (accounts[0] if len(accounts) == 1 else None)
    if remembered is not None:
        return Complete(remembered.email) if usable(remembered) else AskPassword(remembered.email)
    if accounts:
        return ChooseAccount()
    if hint and user_exists(hint):
        return AskPassword(hint)
    return AskIdentifier(hint or "")


def is_usable(account: SignedInAccount, max_age: int | None, now: float) -> bool:
    """Whether the account can sign in without a password: active, and recent enough for max_age."""
    if not account.is_active(now):
        return False
    return max_age is None or now - account.signed_in_at <= max_age


def _decide_silently(
    hint: str | None, hinted: SignedInAccount | None, usable_accounts: list[SignedInAccount]
) -> Decision:
    if hint:
        if hinted is not None and hinted in usable_accounts:
            return Complete(hinted.email)
        return Refuse(Problem.LOGIN_REQUIRED)
    if len(usable_accounts) == 1:
        return Complete(usable_accounts[0].email)
    if usable_accounts:
        return Refuse(Problem.ACCOUNT_SELECTION_REQUIRED)
    return Refuse(Problem.LOGIN_REQUIRED)
