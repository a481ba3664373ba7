"""Judging secrets from the outside: is a token long and random enough, does it carry data, which
cookies make up a session."""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections.abc import Mapping, Sequence
from typing import TypeVar

from playwright.sync_api import expect

from loginspec.targets import Target

from .cast import Cast
from .pages.crm import MainScreen
from .pages.login import LoginPage

CookieLike = Mapping[str, object]
"""A cookie as Playwright reports it, or one a step makes up: at least a name and a value."""
SomeCookie = TypeVar("SomeCookie", bound=CookieLike)

# What a response must never show: the harness's own knowledge of leaked internals, in any language.
INTERNALS = re.compile(
    r"Traceback|File \"|\.py\", line|sqlite3?\b|SELECT |INSERT INTO|constraint failed|\w+(Error|Exception)\("
    r"|Exception:|starlette\.|uvicorn|\bb'|codec can't|ordinal not in range"
    # what an OpenID Connect client knows and a person need not: protocol errors and token parts
    r"|\bid_token\b|invalid_grant|invalid_request|invalid_client|unauthorized_client|\bclaims? refused|\bnonce\b",
)
BASE64URL = re.compile(r"^[A-Za-z0-9_-]+$")
HEX = re.compile(r"^[0-9a-fA-F]+$")


def randomness_bits(token: str) -> float:
    """An upper bound on the random bits a token of this alphabet and length can carry."""
    if HEX.match(token):
        alphabet = 16
    elif BASE64URL.match(token):
        alphabet = 64
    else:
        alphabet = len(set(token)) or 1
    return len(token) * math.log2(alphabet)


# Shorter facts (a first name like "Li") turn up in random tokens by chance.
MIN_FACT_LENGTH = 6


def decoded_forms(token: str) -> list[str]:
    """What the token, and each of its dot-separated parts (as in JWTs and signed cookies), says when
    read as base64 or as hex; only the readings that are UTF-8 text."""
    forms = []
    for part in dict.fromkeys([token, *token.split(".")]):
        for decode in (
            lambda value: base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)),
            bytes.fromhex,
        ):
            try:
                forms.append(decode(part).decode("utf-8"))
            except (ValueError, binascii.Error, UnicodeDecodeError):
                continue
    return forms


def reveals(token: str, facts_about_person: list[str]) -> list[str]:
    """The personal facts, or structured data, a token gives away, in clear or encoded."""
    facts = [fact.lower() for fact in facts_about_person if len(fact) >= MIN_FACT_LENGTH]
    found = [fact for fact in facts if fact in token.lower()]
    for form in decoded_forms(token):
        found += [fact for fact in facts if fact in form.lower()]
        if re.search(r"[{}\":@]", form):
            found.append(f"structured text {form[:40]!r}")
    return found


def cookie_header(cookies: Sequence[CookieLike]) -> str:
    return "; ".join(f"{cookie['name']}={cookie['value']}" for cookie in cookies)


def opens_in_a_new_browser(cast: Cast, target: Target, url: str, cookies: Sequence[CookieLike], name: str) -> bool:
    """Whether a browser holding only these cookies gets `name`'s signed-in CRM at `url` (rather than a
    login screen)."""
    page = cast.new_page()
    try:
        if cookies:
            page.context.add_cookies(
                [{"name": str(c["name"]), "value": str(c["value"]), "url": target.base_url} for c in cookies]
            )
        page.goto(url)
        signed_in = MainScreen(page, target).signed_in_user.filter(has_text=name)
        expect(signed_in.or_(LoginPage(page, target).heading).first).to_be_visible()
        return signed_in.count() > 0
    finally:
        page.context.close()


def session_cookies(cast: Cast, target: Target, url: str, cookies: Sequence[SomeCookie], name: str) -> list[SomeCookie]:
    """The cookies the signed-in page cannot do without: leave one out, and the page is gone."""
    assert opens_in_a_new_browser(cast, target, url, cookies, name), "the cookies do not open the signed-in page"
    return [
        cookie
        for cookie in cookies
        if not opens_in_a_new_browser(cast, target, url, [c for c in cookies if c is not cookie], name)
    ]
