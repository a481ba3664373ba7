"""Random identifiers in the shapes the real providers use."""

from __future__ import annotations

import secrets
import uuid


def random_token(nbytes: int = 32) -> str:
    """An unguessable URL-safe string (codes, access tokens, session ids)."""
    return secrets.token_urlsafe(nbytes)


def new_guid() -> str:
    return str(uuid.uuid4())


def is_guid(value: str) -> bool:
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


def google_subject() -> str:
    """Google account ids are 21-digit decimal strings."""
    return "1" + "".join(secrets.choice("0123456789") for _ in range(20))
