"""Driving the fake providers over HTTP as a browser and a relying party would, without a browser.

Pages are read the way the browser tests find things: textboxes by their label, buttons by
their text, headings and alerts by role. A form is submitted by pressing one of its buttons.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import ssl
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import httpx
from joserfc import jwt
from joserfc.jwk import KeySet

from fake_services.idp import FakeIdentityProvider, MicrosoftProvider

# Each httpx client would load the CA bundle again (tens of milliseconds); the tests speak
# plain HTTP over loopback, so all their clients share one context.
SSL_CONTEXT = ssl.create_default_context()


def http_client(provider: FakeIdentityProvider) -> httpx.Client:
    return httpx.Client(base_url=provider.control_url, verify=SSL_CONTEXT, follow_redirects=False)


@dataclass
class Button:
    text: str
    name: str | None
    value: str


@dataclass
class Form:
    action: str
    hidden: dict[str, str] = field(default_factory=dict)
    # label text -> (input name, input type, current value)
    textboxes: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    buttons: list[Button] = field(default_factory=list)


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.alerts: list[str] = []
        self.forms: list[Form] = []
        self._labels: dict[str, str] = {}
        self._inputs: list[tuple[Form, dict[str, str]]] = []
        self._capture: list[tuple[str, dict[str, str], list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append(Form(action=attributes.get("action", "")))
        elif tag == "input" and self.forms:
            self._inputs.append((self.forms[-1], attributes))
        if tag in ("h1", "label", "button") or attributes.get("role") == "alert":
            self._capture.append((tag, attributes, []))

    def handle_data(self, data: str) -> None:
        for _, _, texts in self._capture:
            texts.append(data)

    def handle_endtag(self, tag: str) -> None:
        if not self._capture or self._capture[-1][0] != tag:
            return
        _, attributes, texts = self._capture.pop()
        text = " ".join("".join(texts).split())
        if attributes.get("role") == "alert":
            self.alerts.append(text)
        if tag == "h1":
            self.headings.append(text)
        elif tag == "label":
            self._labels[attributes.get("for", "")] = text
        elif tag == "button" and self.forms:
            self.forms[-1].buttons.append(Button(text, attributes.get("name"), attributes.get("value", "")))

    def close(self) -> None:
        super().close()
        for form, attributes in self._inputs:
            kind = attributes.get("type", "text")
            if kind == "hidden":
                form.hidden[attributes["name"]] = attributes.get("value", "")
            else:
                label = self._labels[attributes["id"]]
                form.textboxes[label] = (attributes["name"], kind, attributes.get("value", ""))


@dataclass
class Page:
    response: httpx.Response
    headings: list[str]
    alerts: list[str]
    forms: list[Form]

    @property
    def heading(self) -> str:
        return self.headings[0]

    @property
    def form(self) -> Form:
        assert len(self.forms) == 1, f"expected one form, found {len(self.forms)}"
        return self.forms[0]

    @property
    def button_texts(self) -> list[str]:
        return [button.text for button in self.form.buttons]

    @property
    def textbox_labels(self) -> list[str]:
        return list(self.form.textboxes)


def parse_page(response: httpx.Response) -> Page:
    assert response.headers["content-type"].startswith("text/html"), response.text
    parser = _PageParser()
    parser.feed(response.text)
    parser.close()
    return Page(response, parser.headings, parser.alerts, parser.forms)


class Browser:
    """One browser: its own cookie jar. Redirects are not followed (the client is not running)."""

    def __init__(self, provider: FakeIdentityProvider) -> None:
        self.http = http_client(provider)

    def close(self) -> None:
        self.http.close()

    def get(self, url: str, **params: str) -> httpx.Response:
        return self.http.get(url, params=params)

    def press(self, page: Page, button: str, fill: dict[str, str] | None = None) -> httpx.Response:
        """Fill textboxes by label, then press the button whose text is `button` exactly."""
        form = page.form
        data = dict(form.hidden)
        for label, (name, _, value) in form.textboxes.items():
            data[name] = (fill or {}).get(label, value)
        unknown = set(fill or {}) - set(form.textboxes)
        assert not unknown, f"no textbox labelled {unknown}; have {list(form.textboxes)}"
        pressed = next((b for b in form.buttons if b.text == button), None)
        assert pressed is not None, f"no button {button!r}; have {[b.text for b in form.buttons]}"
        if pressed.name:
            data[pressed.name] = pressed.value
        return self.http.post(form.action, data=data)

    def press_containing(self, page: Page, text: str) -> httpx.Response:
        """Press the button whose text contains `text` (an account in a chooser)."""
        matches = [b.text for b in page.form.buttons if text in b.text]
        assert len(matches) == 1, f"buttons containing {text!r}: {matches}"
        return self.press(page, matches[0])


@dataclass(frozen=True)
class Pkce:
    verifier: str
    challenge: str

    @classmethod
    def new(cls) -> Pkce:
        verifier = secrets.token_urlsafe(48)
        digest = hashlib.sha256(verifier.encode()).digest()
        return cls(verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode())


def redirect_params(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 302, f"{response.status_code}: {response.text[:500]}"
    return dict(httpx.URL(response.headers["location"]).params)


@dataclass
class Party:
    """A relying party registered at a provider, with one user, and the URLs it would use."""

    provider: FakeIdentityProvider
    client_id: str
    client_secret: str
    redirect_uri: str
    email: str
    password: str
    name: str
    user: dict[str, Any]
    realm: str | None
    pkce: Pkce = field(default_factory=Pkce.new)
    nonce: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    state: str = field(default_factory=lambda: secrets.token_urlsafe(16))

    @property
    def is_microsoft(self) -> bool:
        return isinstance(self.provider, MicrosoftProvider)

    @property
    def authority(self) -> str:
        return self.realm or "common"

    @property
    def authorize_path(self) -> str:
        return f"/{self.authority}/oauth2/v2.0/authorize" if self.is_microsoft else "/o/oauth2/v2/auth"

    @property
    def token_path(self) -> str:
        return f"/{self.authority}/oauth2/v2.0/token" if self.is_microsoft else "/token"

    @property
    def jwks_path(self) -> str:
        return f"/{self.authority}/discovery/v2.0/keys" if self.is_microsoft else "/oauth2/v3/certs"

    @property
    def userinfo_path(self) -> str:
        return "/oidc/userinfo" if self.is_microsoft else "/v1/userinfo"

    @property
    def issuer(self) -> str:
        base = self.provider.base_url
        return f"{base}/{self.user['tid']}/v2.0" if self.is_microsoft else base

    @property
    def subject(self) -> str:
        return self.user["subs"][self.client_id] if self.is_microsoft else self.user["sub"]

    def authorize_params(self, **overrides: str | None) -> dict[str, str]:
        params: dict[str, str | None] = {
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "response_type": "code",
            "scope": "openid profile email",
            "state": self.state,
            "nonce": self.nonce,
            "code_challenge": self.pkce.challenge,
            "code_challenge_method": "S256",
        }
        params.update(overrides)
        return {name: value for name, value in params.items() if value is not None}

    def token_form(self, code: str, **overrides: str | None) -> dict[str, str]:
        form: dict[str, str | None] = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.redirect_uri,
            "code_verifier": self.pkce.verifier,
        }
        form.update(overrides)
        return {name: value for name, value in form.items() if value is not None}


def make_party(provider: FakeIdentityProvider, email: str = "alice@contoso.test", name: str = "Alice Example") -> Party:
    control = provider.control
    client_id, client_secret = f"crm-{secrets.token_hex(4)}", secrets.token_urlsafe(24)
    redirect_uri = "http://crm.test:8000/sso/callback"
    control.register_client(client_id, client_secret, [redirect_uri, "http://crm.test:8000/signed-out"])
    password = "correct horse battery staple"
    domain = email.partition("@")[2]
    if isinstance(provider, MicrosoftProvider):
        realm: str | None = control.add_tenant(name="Contoso", domain=domain)
        user = control.add_user(email, password, name, tenant=realm)
    else:
        realm = domain
        user = control.add_user(email, password, name, domain=domain)
    return Party(provider, client_id, client_secret, redirect_uri, email, password, name, user, realm)


def start_authorization(browser: Browser, party: Party, **overrides: str | None) -> httpx.Response:
    return browser.get(party.authorize_path, **party.authorize_params(**overrides))


def sign_in(browser: Browser, party: Party, stay_signed_in: bool = True, **overrides: str | None) -> dict[str, str]:
    """Sign in from the authorization request, through the pages unless the browser's session
    makes it silent; returns the parameters of the redirect back to the client."""
    response = start_authorization(browser, party, **overrides)
    if response.status_code == 302:
        return redirect_params(response)
    page = parse_page(response)
    if party.is_microsoft:
        page = parse_page(browser.press(page, "Next", {"Email, phone, or Skype": party.email}))
        page = parse_page(browser.press(page, "Sign in", {"Password": party.password}))
        return redirect_params(browser.press(page, "Yes" if stay_signed_in else "No"))
    page = parse_page(browser.press(page, "Next", {"Email or phone": party.email}))
    return redirect_params(browser.press(page, "Next", {"Enter your password": party.password}))


def redeem(party: Party, code: str, auth: str = "basic", **overrides: str | None) -> httpx.Response:
    return post_token(party, party.token_form(code, **overrides), auth)


def post_token(party: Party, form: dict[str, str], auth: str = "basic") -> httpx.Response:
    """`auth`: "basic", "post" (secret in the form) or "none" (a public client: client_id only)."""
    with http_client(party.provider) as http:
        if auth == "basic":
            return http.post(party.token_path, data=form, auth=(party.client_id, party.client_secret))
        form = {**form, "client_id": party.client_id}
        if auth == "post":
            form["client_secret"] = party.client_secret
        return http.post(party.token_path, data=form)


def refresh(party: Party, refresh_token: str, auth: str = "basic", **extra: str) -> httpx.Response:
    return post_token(party, {"grant_type": "refresh_token", "refresh_token": refresh_token, **extra}, auth)


def tokens_for(browser: Browser, party: Party) -> dict[str, Any]:
    params = sign_in(browser, party)
    response = redeem(party, params["code"])
    assert response.status_code == 200, response.text
    return response.json()


def published_keys(party: Party) -> KeySet:
    with http_client(party.provider) as http:
        return KeySet.import_key_set(http.get(party.jwks_path).json())


def verified_claims(party: Party, id_token: str) -> dict[str, Any]:
    """Signature checked against the provider's published JWKS, as a relying party would."""
    return jwt.decode(id_token, published_keys(party), algorithms=["RS256"]).claims


def decode_segment(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def unverified_parts(id_token: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    """Header and claims as sent, unchecked, and the raw signature segment."""
    header, payload, signature = id_token.split(".")
    return json.loads(decode_segment(header)), json.loads(decode_segment(payload)), signature
