"""Judging secrets from the outside: is a token long and random enough, does it carry data, which
cookies make up a session."""

from __future__ import annotations

import base64
import binascii
import math
import re

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
