"""Judging secrets from the outside: is a token long and random enough, does it carry data, which
cookies make up a session."""

from __future__ import annotations

import base64
import binascii
import math
import re

import httpx

from loginspec.targets import Target

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


def decoded_forms(token: str) -> list[str]:
    """What the token says when read as text, as base64 or as hex; empty where it is not such an encoding."""
    forms = [token]
    for decode in (
        lambda value: base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)),
        bytes.fromhex,
    ):
        try:
            forms.append(decode(token).decode("utf-8"))
        except (ValueError, binascii.Error, UnicodeDecodeError):
            continue
    return forms


def reveals(token: str, secrets_of_person: list[str]) -> list[str]:
    """The personal facts, or structured data, a token gives away."""
    found = []
    for form in decoded_forms(token):
        lowered = form.lower()
        found += [fact for fact in secrets_of_person if fact and fact.lower() in lowered]
        if form is not token and re.search(r"[{}\":@]", form):
            found.append(f"structured text {form[:40]!r}")
    return found


def cookie_header(cookies: list[dict]) -> str:
    return "; ".join(f"{cookie['name']}={cookie['value']}" for cookie in cookies)


def opens_page(target: Target, url: str, cookies: list[dict], marker: str) -> bool:
    """Whether these cookies, sent over HTTP, get the page at `url` showing `marker`."""
    response = target.http.get(url, headers={"Cookie": cookie_header(cookies)} if cookies else {})
    return response.status_code == 200 and marker in response.text


def session_cookies(target: Target, url: str, cookies: list[dict], marker: str) -> list[dict]:
    """The cookies the signed-in page cannot do without: leave one out, and the page is gone."""
    assert opens_page(target, url, cookies, marker), "the cookies do not open the signed-in page at all"
    return [
        cookie for cookie in cookies if not opens_page(target, url, [c for c in cookies if c is not cookie], marker)
    ]


def get(target: Target, url: str, **kwargs: object) -> httpx.Response:
    return target.http.get(url, **kwargs)  # type: ignore[arg-type]
