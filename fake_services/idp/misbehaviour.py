"""One-shot misbehaviours a test queues so the provider's NEXT answer is wrong in a known way.

Each kind acts at one point: the authorization answer or the token answer. The first queued
kind that fits the answer being made is used up by it; the rest wait their turn.

A misbehaviour is provider-wide (the next fitting answer, whoever it is for) or for one user
(the next fitting answer in that user's sign-in only), so tests running side by side against one
provider, each with its own users, do not use up or clear each other's.
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from fake_services.idp.identifiers import random_token


class Misbehaviour(enum.StrEnum):
    # Authorization endpoint
    ACCESS_DENIED = "access_denied"  # answers error=access_denied instead of a sign-in
    WRONG_STATE = "wrong_state"  # sends the code back with a state the client never sent
    HOLD_ANSWER = "hold_answer"  # shows the answer as a link instead of redirecting, for a test to take
    # Token endpoint: refusal
    INVALID_GRANT = "invalid_grant"
    # Token endpoint: id_token claims
    WRONG_NONCE = "wrong_nonce"
    MISSING_NONCE = "missing_nonce"
    WRONG_ISSUER = "wrong_issuer"
    WRONG_AUDIENCE = "wrong_audience"
    EXTRA_AUDIENCE = "extra_audience"  # our client and another in aud, and no azp to say which is meant
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    OTHER_SUBJECT = "other_subject"  # another account of the same organisation, carrying the user's email
    EMAIL_UNVERIFIED = "email_unverified"  # Google only
    OTHER_TENANT = "other_tenant"  # Microsoft only
    OTHER_DOMAIN = "other_domain"  # Google only
    NO_HOSTED_DOMAIN = "no_hosted_domain"  # Google only: a consumer account that carries the user's email
    # Token endpoint: id_token signature
    BAD_SIGNATURE = "bad_signature"
    UNKNOWN_KID = "unknown_kid"
    ALG_NONE = "alg_none"
    HS256_PUBLIC_KEY = "hs256_public_key"
    EMBEDDED_JWK = "embedded_jwk"


AUTHORIZE_REFUSALS = frozenset({Misbehaviour.ACCESS_DENIED})
AUTHORIZE_ANSWERS = frozenset({Misbehaviour.WRONG_STATE, Misbehaviour.HOLD_ANSWER})
SIGNATURE_FORGERIES = frozenset(
    {
        Misbehaviour.BAD_SIGNATURE,
        Misbehaviour.UNKNOWN_KID,
        Misbehaviour.ALG_NONE,
        Misbehaviour.HS256_PUBLIC_KEY,
        Misbehaviour.EMBEDDED_JWK,
    }
)
FLAVOUR_SPECIFIC = frozenset(
    {Misbehaviour.EMAIL_UNVERIFIED, Misbehaviour.OTHER_TENANT, Misbehaviour.OTHER_DOMAIN, Misbehaviour.NO_HOSTED_DOMAIN}
)
COMMON_KINDS = frozenset(Misbehaviour) - FLAVOUR_SPECIFIC
TOKEN_ANSWERS = frozenset(Misbehaviour) - AUTHORIZE_REFUSALS - AUTHORIZE_ANSWERS

# Far enough outside any clock-skew leeway a relying party might allow.
TIME_SHIFT_SECONDS = 3600


@dataclass(frozen=True)
class Queued:
    kind: Misbehaviour
    user: str | None = None
    """The email (lower case) of the only user whose sign-in may use it; None: provider-wide."""

    def as_json(self) -> dict[str, str | None]:
        return {"kind": str(self.kind), "user": self.user}


class MisbehaviourQueue:
    def __init__(self) -> None:
        self._queue: list[Queued] = []

    def add(self, kind: Misbehaviour, user: str | None = None) -> None:
        self._queue.append(Queued(kind, user.lower() if user else None))

    def take(
        self, kinds: Collection[Misbehaviour], user: str | None = None, *, provider_wide: bool = True
    ) -> Misbehaviour | None:
        """Use up the first queued misbehaviour of `kinds` meant for this answer: a provider-wide one
        (unless `provider_wide` is False), or one for `user` when the answer is that user's."""
        wanted = user.lower() if user else None
        for index, queued in enumerate(self._queue):
            meant = queued.user == wanted if queued.user is not None else provider_wide
            if queued.kind in kinds and meant:
                return self._queue.pop(index).kind
        return None

    def pending(self, user: str | None = None) -> list[Queued]:
        """Everything queued, oldest first; given `user`, only what was queued for that user."""
        wanted = user.lower() if user else None
        return [queued for queued in self._queue if wanted is None or queued.user == wanted]

    def clear(self, user: str | None = None) -> None:
        """Forget everything queued; given `user`, only what was queued for that user."""
        wanted = user.lower() if user else None
        self._queue = [queued for queued in self._queue if wanted is not None and queued.user != wanted]


def tamper_common_claims(kind: Misbehaviour, claims: dict[str, Any]) -> dict[str, Any]:
    """Claim changes that look the same for every flavour; other kinds pass through."""
    tampered = dict(claims)
    if kind is Misbehaviour.WRONG_NONCE:
        tampered["nonce"] = random_token(16)
    elif kind is Misbehaviour.MISSING_NONCE:
        tampered.pop("nonce", None)
    elif kind is Misbehaviour.EXPIRED:
        _shift_times(tampered, -2 * TIME_SHIFT_SECONDS)
    elif kind is Misbehaviour.NOT_YET_VALID:
        _shift_times(tampered, TIME_SHIFT_SECONDS)
    return tampered


def _shift_times(claims: dict[str, Any], seconds: int) -> None:
    for name in ("iat", "nbf", "exp", "auth_time"):
        if name in claims:
            claims[name] += seconds
