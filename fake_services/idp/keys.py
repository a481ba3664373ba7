"""The provider's RS256 signing keys: one signs, the one before it stays published.

Rotation publishes a new key and signs with it at once; the previous key stays in the JWKS
until the next rotation, so tokens signed just before a rotation still verify.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from joserfc.jwk import RSAKey

KEY_SIZE = 2048


def generate_signing_key(make_kid: Callable[[RSAKey], str]) -> RSAKey:
    key = RSAKey.generate_key(KEY_SIZE, private=True)
    return RSAKey.import_key(key.as_dict(private=True), {"kid": make_kid(key), "use": "sig", "alg": "RS256"})


class KeyRing:
    def __init__(self, make_kid: Callable[[RSAKey], str]) -> None:
        self._make_kid = make_kid
        self.signing_key = generate_signing_key(make_kid)
        self._retired_key: RSAKey | None = None

    @property
    def signing_kid(self) -> str:
        return str(self.signing_key.kid)

    def rotate(self) -> str:
        self._retired_key = self.signing_key
        self.signing_key = generate_signing_key(self._make_kid)
        return self.signing_kid

    def forget_retired(self) -> None:
        self._retired_key = None

    def published(self) -> list[RSAKey]:
        return [self.signing_key] + ([self._retired_key] if self._retired_key else [])

    def jwks(self, extra_members: dict[str, str] | None = None) -> dict[str, Any]:
        return {"keys": [{**key.as_dict(private=False), **(extra_members or {})} for key in self.published()]}
