"""The OpenID Connect core both flavours share: the authorization code flow (PKCE optional for
confidential clients, required for public ones and in strict mode), refresh tokens, userinfo, keys.

Flavour routes resolve their URL shapes (a Microsoft tenant, say) to an `authority` string
and call into this object, which holds all of one provider's state.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from dataclasses import dataclass, replace
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit, urlunsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from fake_services.idp.authorize import (
    AskIdentifier,
    AskPassword,
    AuthorizationRequest,
    ChooseAccount,
    Complete,
    Decision,
    PkcePolicy,
    Refuse,
    ReplyTarget,
    decide,
    is_usable,
    read_authorization_request,
    read_reply_target,
)
from fake_services.idp.directory import Client, Directory
from fake_services.idp.errors import OAuthError, Problem
from fake_services.idp.flavour import Flavour, IdTokenContext, IssuedTokens
from fake_services.idp.flows import SignInFlow, SignInFlows
from fake_services.idp.grants import (
    AccessToken,
    AuthorizationCode,
    Grants,
    RefreshToken,
    new_code_value,
    new_refresh_token_value,
)
from fake_services.idp.identifiers import random_token
from fake_services.idp.keys import KeyRing
from fake_services.idp.misbehaviour import (
    AUTHORIZE_ANSWERS,
    AUTHORIZE_REFUSALS,
    SIGNATURE_FORGERIES,
    TOKEN_ANSWERS,
    Misbehaviour,
    MisbehaviourQueue,
)
from fake_services.idp.pages import render_page
from fake_services.idp.params import single_valued
from fake_services.idp.pkce import PkceRequirements
from fake_services.idp.requestlog import RequestLog
from fake_services.idp.sessions import BrowserSession, BrowserSessions, SignedInAccount
from fake_services.idp.tokens import TokenSigner, b64url

CODE_VERIFIER = re.compile(r"[A-Za-z0-9._~-]{43,128}")
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


@dataclass(frozen=True)
class TokenGrant:
    """What a token request redeems (a code or a refresh token), ready to issue tokens from."""

    email: str
    scopes: tuple[str, ...]
    nonce: str | None
    auth_time: int | None
    session_sid: str
    grant_id: str
    new_refresh_token: bool
    code: AuthorizationCode | None = None
    # The scopes a new refresh token keeps (all originally granted), when narrower ones were asked.
    kept_scopes: tuple[str, ...] | None = None


@dataclass
class Settings:
    code_lifetime: float = 60.0
    session_lifetime: float = 12 * 3600.0
    token_lifetime: int = 3600
    # Every authorization request must carry an S256 code challenge, confidential client or not.
    require_pkce: bool = False


def provider_of(request: Request) -> OpenIDProvider:
    """Every route of a provider's app finds the provider it serves in the app's state."""
    provider = request.app.state.provider
    if not isinstance(provider, OpenIDProvider):
        raise TypeError(f"app.state.provider is {type(provider).__name__}, not an OpenIDProvider")
    return provider


class OpenIDProvider:
    def __init__(self, flavour: Flavour, require_pkce: bool = False) -> None:
        self.flavour = flavour
        self._default_require_pkce = require_pkce
        self.settings = Settings(require_pkce=require_pkce)
        self.directory = Directory()
        self.sessions = BrowserSessions()
        self.flows = SignInFlows()
        self.grants = Grants()
        self.misbehaviours = MisbehaviourQueue()
        self.pkce_requirements = PkceRequirements()
        self.request_log = RequestLog()
        self.keyring = KeyRing(flavour.make_kid, flavour.certificate_profile)
        self.signer = TokenSigner(self.keyring, flavour.token_header)
        self.clock_offset = 0.0

    def now(self) -> float:
        """The provider's time: the system's, moved forward by the control API when a test moves the
        relying party's clock and wants the provider's tokens to keep up."""
        return time.time() + self.clock_offset

    def reset(self) -> None:
        """Forget everything but the current signing key (generating one is the slow part)."""
        self.settings = Settings(require_pkce=self._default_require_pkce)
        self.directory.clear()
        self.sessions.clear()
        self.flows.clear()
        self.grants.clear()
        self.misbehaviours.clear()
        self.pkce_requirements.clear()
        self.request_log.clear()
        self.keyring.forget_retired()
        self.clock_offset = 0.0

    # Authorization endpoint

    async def authorize(self, request: Request, authority: str) -> Response:
        now = self.now()
        try:
            params = single_valued(request.query_params.multi_items())
            client, target = read_reply_target(params, self.directory, self.flavour.response_modes)
        except OAuthError as error:
            return self.flavour.error_page(error)
        try:
            auth_request = self._read_request(params, client, target)
            # Nobody has signed in yet: a provider-wide refusal, or one for the user the hint names.
            hinted = auth_request.login_hint.strip() if auth_request.login_hint else None
            if self.misbehaviours.take(AUTHORIZE_REFUSALS, user=hinted):
                raise OAuthError(Problem.ACCESS_DENIED)
        except OAuthError as error:
            return self.refuse(target, error)
        browser = self.browser_session(request)
        accounts = self._eligible_accounts(browser, authority)
        decision = decide(auth_request, accounts, self._user_exists, now)
        match decision:
            case Complete(email) if browser is not None:
                return self._issue_code(auth_request, browser, email, now)
            case Refuse(problem):
                return self.refuse(target, OAuthError(problem))
        flow = self.flows.start(auth_request, authority, now)
        return self._show(flow, decision, browser)

    def _read_request(self, params: dict[str, str], client: Client, target: ReplyTarget) -> AuthorizationRequest:
        """Validate the request; a pending one-shot PKCE requirement of the client is used up by it."""
        requirement = self.pkce_requirements.take_for_client(client.client_id)
        policy = self._pkce_policy(client, strict=requirement is not None)
        try:
            auth_request = read_authorization_request(params, client, target, self.flavour.response_modes, policy)
        except OAuthError:
            if requirement is not None:
                requirement.use(satisfied=False)
            raise
        if requirement is not None:
            requirement.use(satisfied=auth_request.code_challenge_method == "S256")
        return replace(auth_request, scopes=self.flavour.normalize_scopes(auth_request.scopes))

    def _pkce_policy(self, client: Client, strict: bool = False) -> PkcePolicy:
        """Public clients must use PKCE; a provider-wide or one-shot requirement wants S256."""
        strict = strict or self.settings.require_pkce
        return PkcePolicy(self.flavour.pkce_methods, required=strict or client.is_public, s256_only=strict)

    def refuse(self, target: ReplyTarget, error: OAuthError) -> Response:
        if self.flavour.reports_to_client(error.problem):
            return self._reply(target, self.flavour.error_parameters(error))
        return self.flavour.error_page(error)

    # The sign-in pages

    async def sign_in(self, request: Request) -> Response:
        now = self.now()
        try:
            form = single_valued((await request.form()).multi_items())
        except OAuthError as error:
            return self.flavour.error_page(error)
        flow = self.flows.get(form.get("flow"), now)
        if flow is None:
            return self.flavour.error_page(OAuthError(Problem.UNKNOWN_SIGN_IN))
        if form.get("action") == "cancel":
            self.flows.finish(flow)
            return self.refuse(flow.request.target, OAuthError(Problem.ACCESS_DENIED))
        browser = self.browser_session(request)
        if form.get("step") == "password" and form.get("action") == "another":
            return self._show(flow, AskIdentifier(""), browser)
        match form.get("step"):
            case "identifier":
                return self._identifier_step(flow, form, browser)
            case "password":
                return self._password_step(flow, form, browser, now)
            case "stay_signed_in":
                return self._stay_signed_in_step(flow, form, browser, now)
            case "choose_account":
                return self._choose_account_step(flow, form, browser, now)
        return self._out_of_step()

    def _identifier_step(self, flow: SignInFlow, form: dict[str, str], browser: BrowserSession | None) -> Response:
        email = form.get("email", "").strip()
        user = self.directory.user(email) if email else None
        if user is None:
            alert = self.flavour.alerts.unknown_user if email else self.flavour.alerts.no_email
            return self._show(flow, AskIdentifier(email), browser, alert=alert)
        return self._show(flow, AskPassword(user.email), browser)

    def _password_step(
        self, flow: SignInFlow, form: dict[str, str], browser: BrowserSession | None, now: float
    ) -> Response:
        user = self.directory.user(flow.candidate_email) if flow.candidate_email else None
        if user is None:
            return self._out_of_step()
        password = form.get("password", "")
        if not password or not hmac.compare_digest(password.encode(), user.password.encode()):
            alerts = self.flavour.alerts
            alert = alerts.wrong_password if password else alerts.no_password
            return self._show(flow, AskPassword(user.email), browser, alert=alert)
        if not self.flavour.may_sign_in(flow.authority, user):
            self.flows.finish(flow)
            return self.flavour.error_page(
                OAuthError(
                    Problem.USER_NOT_IN_TENANT,
                    email=user.email,
                    tenant=flow.authority,
                    client_id=flow.request.client.client_id,
                )
            )
        flow.authenticated_email = user.email
        if self.flavour.asks_to_stay_signed_in:
            return self._page(flow, "stay_signed_in", email=user.email)
        return self._finish_sign_in(flow, browser, user.email, persistent=True, now=now)

    def _stay_signed_in_step(
        self, flow: SignInFlow, form: dict[str, str], browser: BrowserSession | None, now: float
    ) -> Response:
        answer = form.get("action")
        if flow.authenticated_email is None or answer not in ("yes", "no"):
            return self._out_of_step()
        return self._finish_sign_in(flow, browser, flow.authenticated_email, persistent=answer == "yes", now=now)

    def _choose_account_step(
        self, flow: SignInFlow, form: dict[str, str], browser: BrowserSession | None, now: float
    ) -> Response:
        if form.get("action") == "another":
            return self._show(flow, AskIdentifier(flow.request.login_hint or ""), browser)
        chosen = form.get("account", "").lower()
        account = next((a for a in self._eligible_accounts(browser, flow.authority) if a.email.lower() == chosen), None)
        if browser is None or account is None:
            return self._show(flow, ChooseAccount(), browser)
        if is_usable(account, flow.request.max_age, now):
            self.flows.finish(flow)
            return self._issue_code(flow.request, browser, account.email, now)
        return self._show(flow, AskPassword(account.email), browser)

    def _finish_sign_in(
        self, flow: SignInFlow, browser: BrowserSession | None, email: str, persistent: bool, now: float
    ) -> Response:
        lifetime = self.settings.session_lifetime
        browser = self.sessions.sign_in(browser, email, now, lifetime)
        self.flows.finish(flow)
        response = self._issue_code(flow.request, browser, email, now)
        self.flavour.set_session_cookie(response, browser.session_id, int(lifetime) if persistent else None)
        return response

    def _show(
        self, flow: SignInFlow, step: Decision, browser: BrowserSession | None, alert: str | None = None
    ) -> Response:
        match step:
            case AskPassword(email):
                flow.candidate_email = email
                return self._page(flow, "password", email=email, alert=alert)
            case ChooseAccount():
                accounts = [
                    {
                        "email": account.email,
                        "name": self._user_name(account.email),
                        "active": account.is_active(self.now()),
                    }
                    for account in self._eligible_accounts(browser, flow.authority)
                ]
                return self._page(flow, "choose_account", accounts=accounts)
            case AskIdentifier(prefill):
                return self._page(flow, "identifier", email=prefill, alert=alert)
        raise AssertionError(f"not a page: {step}")

    def _page(self, flow: SignInFlow, page: str, **context: object) -> Response:
        return render_page(
            f"{self.flavour.name}/{page}.html",
            status_code=200,
            flow_id=flow.flow_id,
            action=self.flavour.sign_in_path,
            app_host=urlsplit(flow.request.target.redirect_uri).hostname or "",
            **context,
        )

    def _out_of_step(self) -> Response:
        return self.flavour.error_page(
            OAuthError(
                Problem.MALFORMED_REQUEST, reason="This page was submitted out of step. Start again from the app."
            )
        )

    # Answering the client

    def _issue_code(self, request: AuthorizationRequest, browser: BrowserSession, email: str, now: float) -> Response:
        account = browser.account(email)
        user = self.directory.user(email)
        assert account is not None and user is not None
        # A refusal for this user that no login_hint named at the authorization request: now that the
        # user is known (signed in with the password, or silently from the session), before any code.
        if self.misbehaviours.take(AUTHORIZE_REFUSALS, user=user.email, provider_wide=False):
            return self.refuse(request.target, OAuthError(Problem.ACCESS_DENIED))
        requirement = self.pkce_requirements.take_for_user(user.email)
        if requirement is not None:
            requirement.use(satisfied=request.code_challenge_method == "S256")
            if not requirement.satisfied:
                return self.refuse(request.target, OAuthError(Problem.PKCE_REQUIRED))
        code = AuthorizationCode(
            value=new_code_value(),
            client_id=request.client.client_id,
            redirect_uri=request.target.redirect_uri,
            code_challenge=request.code_challenge,
            code_challenge_method=request.code_challenge_method,
            nonce=request.nonce,
            email=user.email,
            scopes=request.scopes,
            auth_time=account.signed_in_at,
            include_auth_time=request.max_age is not None,
            session_sid=browser.sid,
            expires_at=now + self.settings.code_lifetime,
            access_type=request.access_type,
            prompts=request.prompts,
        )
        self.grants.add_code(code)
        params = {"code": code.value, **self.flavour.code_reply_extras(request, user, browser.position(email))}
        target = request.target
        match self.misbehaviours.take(AUTHORIZE_ANSWERS, user=user.email):
            case Misbehaviour.WRONG_STATE:
                target = replace(target, state=random_token(16))
            case Misbehaviour.HOLD_ANSWER:
                values = {**params, **({"state": target.state} if target.state is not None else {})}
                return render_page("held_answer.html", answer_url=with_query(target.redirect_uri, values))
        return self._reply(target, params)

    def _reply(self, target: ReplyTarget, params: dict[str, str]) -> Response:
        values = dict(params)
        if target.state is not None:
            values["state"] = target.state
        if target.response_mode == "form_post":
            return render_page("form_post.html", redirect_uri=target.redirect_uri, fields=values)
        if target.response_mode == "fragment":
            location = urlunsplit(urlsplit(target.redirect_uri)._replace(fragment=urlencode(values)))
            return RedirectResponse(location, status_code=302)
        return RedirectResponse(with_query(target.redirect_uri, values), status_code=302)

    # Token endpoint

    async def token(self, request: Request, authority: str) -> Response:
        now = self.now()
        try:
            form = await read_urlencoded_form(request)
            client = self._authenticate_client(form, request.headers.get("authorization"))
            grant_type = _required(form, "grant_type")
            if grant_type == "authorization_code":
                grant = self._redeem_code(form, client, now)
            elif grant_type == "refresh_token":
                grant = self._redeem_refresh_token(form, client)
            else:
                raise OAuthError(Problem.UNSUPPORTED_GRANT_TYPE, grant_type=grant_type)
            return self._issue_tokens(grant, client, authority, form, now)
        except OAuthError as error:
            return self.flavour.token_error(error)

    def _redeem_code(self, form: dict[str, str], client: Client, now: float) -> TokenGrant:
        code_value = _required(form, "code")
        redirect_uri = _required(form, "redirect_uri")
        code = self.grants.take_code(code_value, now)
        if code.client_id != client.client_id:
            raise OAuthError(Problem.CODE_CLIENT_MISMATCH, client_id=client.client_id)
        if code.redirect_uri != redirect_uri:
            raise OAuthError(Problem.CODE_REDIRECT_MISMATCH, redirect_uri=redirect_uri, expected=code.redirect_uri)
        check_code_verifier(form.get("code_verifier"), code.code_challenge, code.code_challenge_method)
        offline = self.flavour.grants_refresh_token(
            code.scopes,
            code.access_type,
            code.prompts,
            first_consent=not self.grants.has_offline_consent(client.client_id, code.email),
        )
        return TokenGrant(
            email=code.email,
            scopes=code.scopes,
            nonce=code.nonce,
            auth_time=int(code.auth_time) if code.include_auth_time else None,
            session_sid=code.session_sid,
            grant_id=code.grant_id,
            new_refresh_token=offline,
            code=code,
        )

    def _redeem_refresh_token(self, form: dict[str, str], client: Client) -> TokenGrant:
        rotate = self.flavour.rotates_refresh_tokens
        token = self.grants.take_refresh_token(_required(form, "refresh_token"), client.client_id, rotate)
        scopes = token.scopes
        if "scope" in form:
            # Narrower scopes may be asked for, never wider; the refresh token keeps them all.
            requested = self.flavour.normalize_scopes(tuple(form["scope"].split()))
            widened = [scope for scope in requested if scope not in token.scopes]
            if widened:
                raise OAuthError(Problem.REFRESH_SCOPE_WIDENED, scope=" ".join(widened))
            scopes = tuple(scope for scope in token.scopes if scope in requested or scope == "offline_access")
        return TokenGrant(
            email=token.email,
            scopes=scopes,
            nonce=None,
            auth_time=token.auth_time,
            session_sid=token.session_sid,
            grant_id=token.grant_id,
            new_refresh_token=rotate,
            kept_scopes=token.scopes,
        )

    def _issue_tokens(
        self, grant: TokenGrant, client: Client, authority: str, form: dict[str, str], now: float
    ) -> Response:
        user = self.directory.user(grant.email)
        if user is None:
            raise OAuthError(Problem.CODE_INVALID if grant.code else Problem.REFRESH_TOKEN_INVALID)
        if not self.flavour.may_redeem_at(authority, user):
            raise OAuthError(Problem.CODE_TENANT_MISMATCH)
        misbehaviour = self.misbehaviours.take(TOKEN_ANSWERS, user=user.email)
        if misbehaviour is Misbehaviour.INVALID_GRANT:
            raise OAuthError(Problem.GRANT_REFUSED)
        lifetime = self.settings.token_lifetime
        access_token = AccessToken(
            value=self.flavour.new_access_token(),
            client_id=client.client_id,
            email=user.email,
            expires_at=now + lifetime,
            grant_id=grant.grant_id,
        )
        id_token: str | None = None
        if "openid" in grant.scopes:
            context = IdTokenContext(
                user=user,
                client_id=client.client_id,
                nonce=grant.nonce,
                scopes=grant.scopes,
                auth_time=grant.auth_time,
                session_sid=grant.session_sid,
                access_token=access_token.value,
                issued_at=int(now),
                lifetime=lifetime,
            )
            claims = self.flavour.id_token_claims(context)
            forgery = misbehaviour if misbehaviour in SIGNATURE_FORGERIES else None
            if misbehaviour is not None and forgery is None:
                claims = self.flavour.tamper(misbehaviour, claims, context)
            access_token.userinfo = self.flavour.userinfo_claims(claims)
            id_token = self.signer.sign(claims, forgery)
        self.grants.issue_access_token(access_token, grant.code)
        refresh_token: str | None = None
        if grant.new_refresh_token:
            refresh_token = new_refresh_token_value()
            self.grants.add_refresh_token(
                RefreshToken(
                    value=refresh_token,
                    grant_id=grant.grant_id,
                    client_id=client.client_id,
                    email=user.email,
                    scopes=grant.kept_scopes or grant.scopes,
                    auth_time=grant.auth_time,
                    session_sid=grant.session_sid,
                )
            )
        issued = IssuedTokens(
            access_token=access_token.value,
            id_token=id_token,
            refresh_token=refresh_token,
            scopes=grant.scopes,
            lifetime=lifetime,
            user=user,
            wants_client_info=form.get("client_info") == "1",
        )
        return JSONResponse(self.flavour.token_body(issued), headers=NO_STORE)

    def _authenticate_client(self, form: dict[str, str], authorization: str | None) -> Client:
        """client_secret_basic or client_secret_post, never both (RFC 6749 section 2.3); a public
        client names itself with client_id and sends no secret."""
        basic = parse_basic_credentials(authorization) if authorization else None
        secret: str | None
        if basic is not None:
            client_id, secret = basic
            if "client_secret" in form or form.get("client_id", client_id) != client_id:
                raise OAuthError(Problem.CONFLICTING_CLIENT_AUTH)
        else:
            client_id, secret = _required(form, "client_id"), form.get("client_secret")
        client = self.directory.client(client_id)
        if client is None:
            raise OAuthError(Problem.UNKNOWN_CLIENT, client_id=client_id)
        if client.client_secret is None:
            if secret:
                raise OAuthError(Problem.PUBLIC_CLIENT_SECRET, client_id=client_id)
            return client
        if secret is None:
            raise OAuthError(Problem.MISSING_CLIENT_SECRET, client_id=client_id)
        if not hmac.compare_digest(secret.encode(), client.client_secret.encode()):
            raise OAuthError(Problem.INVALID_CLIENT_SECRET, client_id=client_id)
        return client

    # Userinfo and keys

    async def userinfo(self, request: Request) -> Response:
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        token = self.grants.access_token(value.strip(), self.now()) if scheme.lower() == "bearer" else None
        if token is None:
            response = self.flavour.token_error(OAuthError(Problem.INVALID_ACCESS_TOKEN))
            response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
            return response
        return JSONResponse(token.userinfo, headers=NO_STORE)

    def jwks(self, authority: str) -> Response:
        keys = [self.flavour.published_jwk(key, authority) for key in self.keyring.published_keys()]
        return JSONResponse({"keys": keys})

    # Browser sessions

    def browser_session(self, request: Request) -> BrowserSession | None:
        return self.sessions.find(request.cookies.get(self.flavour.session_cookie))

    def _eligible_accounts(self, browser: BrowserSession | None, authority: str) -> list[SignedInAccount]:
        if browser is None:
            return []
        return [
            account
            for account in browser.accounts
            if (user := self.directory.user(account.email)) and self.flavour.may_sign_in(authority, user)
        ]

    def _user_exists(self, email: str) -> bool:
        return self.directory.user(email) is not None

    def _user_name(self, email: str) -> str:
        user = self.directory.user(email)
        return user.name if user else email


async def read_urlencoded_form(request: Request) -> dict[str, str]:
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("application/x-www-form-urlencoded"):
        raise OAuthError(
            Problem.MALFORMED_REQUEST, reason="The request body must be application/x-www-form-urlencoded."
        )
    return single_valued((await request.form()).multi_items())


def with_query(url: str, params: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


def check_code_verifier(verifier: str | None, challenge: str | None, method: str | None) -> None:
    """RFC 7636 section 4.6: a code issued with a challenge needs the matching verifier, and a
    verifier for a code issued without one is refused."""
    if challenge is None:
        if verifier is not None:
            raise OAuthError(Problem.CODE_VERIFIER_UNEXPECTED)
        return
    if verifier is None:
        raise OAuthError(Problem.CODE_VERIFIER_MISSING)
    if not pkce_verifier_matches(verifier, challenge, method or "plain"):
        raise OAuthError(Problem.CODE_VERIFIER_MISMATCH)


def pkce_verifier_matches(verifier: str, challenge: str, method: str = "S256") -> bool:
    if not CODE_VERIFIER.fullmatch(verifier):
        return False
    computed = b64url(hashlib.sha256(verifier.encode("ascii")).digest()) if method == "S256" else verifier
    return hmac.compare_digest(computed, challenge)


def parse_basic_credentials(authorization: str) -> tuple[str, str] | None:
    """RFC 6749 section 2.3.1: id and secret are form-urlencoded before base64."""
    scheme, _, credentials = authorization.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
    except ValueError as error:
        raise OAuthError(Problem.MALFORMED_REQUEST, reason="Malformed Basic credentials.") from error
    client_id, separator, secret = decoded.partition(":")
    if not separator or not client_id:
        raise OAuthError(Problem.MALFORMED_REQUEST, reason="Malformed Basic credentials.")
    return unquote_plus(client_id), unquote_plus(secret)


def _required(form: dict[str, str], name: str) -> str:
    value = form.get(name)
    if value is None:
        raise OAuthError(Problem.MISSING_PARAMETER, name=name)
    return value
