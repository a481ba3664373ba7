"""Signing id_tokens, and forging the broken ones a misbehaving provider would send.

Legitimate tokens and attacker-key signatures go through joserfc. Tokens no library will
produce (alg "none", an HMAC keyed with the RSA public key, altered signature bytes) are
assembled by hand from base64url segments.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any

from joserfc import jwt
from joserfc.jwk import RSAKey

from fake_services.idp.identifiers import random_token
from fake_services.idp.keys import KEY_SIZE, KeyRing, SigningKey
from fake_services.idp.misbehaviour import Misbehaviour


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def json_segment(value: dict[str, Any]) -> str:
    return b64url(json.dumps(value, separators=(",", ":")).encode())


def left_half_hash(value: str) -> str:
    """at_hash / c_hash for RS256: base64url of the left half of SHA-256."""
    digest = hashlib.sha256(value.encode("ascii")).digest()
    return b64url(digest[: len(digest) // 2])


class TokenSigner:
    def __init__(self, keyring: KeyRing, header: Callable[[SigningKey], dict[str, str]]) -> None:
        """`header`: the flavour's key-identifying header members for a key (kid, and x5t at Microsoft)."""
        self.keyring = keyring
        self._header = header
        self._attacker_key: RSAKey | None = None

    def sign(self, claims: dict[str, Any], forgery: Misbehaviour | None = None) -> str:
        if forgery is Misbehaviour.ALG_NONE:
            return self._unsigned(claims)
        if forgery is Misbehaviour.HS256_PUBLIC_KEY:
            return self._hmac_with_public_key(claims)
        if forgery is Misbehaviour.EMBEDDED_JWK:
            return self._signed_with_embedded_attacker_jwk(claims)
        if forgery is Misbehaviour.UNKNOWN_KID:
            return self._signed(claims, self._attacker(), kid=random_token(20))
        current = self.keyring.current
        token = jwt.encode({"typ": "JWT", "alg": "RS256", **self._header(current)}, claims, current.jwk)
        if forgery is Misbehaviour.BAD_SIGNATURE:
            return _with_altered_signature(token)
        return token

    def _signed(self, claims: dict[str, Any], key: RSAKey, kid: str, **header: Any) -> str:
        return jwt.encode({"typ": "JWT", "alg": "RS256", "kid": kid, **header}, claims, key)

    def _attacker(self) -> RSAKey:
        if self._attacker_key is None:
            self._attacker_key = RSAKey.generate_key(KEY_SIZE, private=True)
        return self._attacker_key

    def _unsigned(self, claims: dict[str, Any]) -> str:
        header = {"typ": "JWT", "alg": "none"}
        return f"{json_segment(header)}.{json_segment(claims)}."

    def _hmac_with_public_key(self, claims: dict[str, Any]) -> str:
        # The classic algorithm-confusion attack: a verifier that feeds the RSA public key PEM
        # to whatever "alg" the header names would accept this MAC.
        header = {"typ": "JWT", "alg": "HS256", "kid": self.keyring.signing_kid}
        signing_input = f"{json_segment(header)}.{json_segment(claims)}"
        public_pem = self.keyring.signing_key.as_pem(private=False)
        mac = hmac.new(public_pem, signing_input.encode("ascii"), hashlib.sha256).digest()
        return f"{signing_input}.{b64url(mac)}"

    def _signed_with_embedded_attacker_jwk(self, claims: dict[str, Any]) -> str:
        attacker = self._attacker()
        public_jwk = attacker.as_dict(private=False)
        return self._signed(claims, attacker, kid=attacker.thumbprint(), jwk=public_jwk)


def _with_altered_signature(token: str) -> str:
    signing_input, _, signature = token.rpartition(".")
    altered = bytearray(b64url_decode(signature))
    altered[0] ^= 0xFF
    return f"{signing_input}.{b64url(bytes(altered))}"
