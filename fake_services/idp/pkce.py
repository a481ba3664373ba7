"""One-shot PKCE requirements a test sets through the control API.

"The next authorization of this client (or of this user) must use S256 PKCE": a scenario sets
one, lets the application under test sign in, then reads whether the requirement was used up,
and whether the authorization met it. A client requirement is used by the next authorization
request of that client; a user requirement by the next authorization that signs that user in
(when the code would be issued). Either way, a request without an S256 code challenge is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from fake_services.idp.identifiers import random_token


@dataclass
class PkceRequirement:
    requirement_id: str
    client_id: str | None
    email: str | None
    state: Literal["pending", "used"] = "pending"
    # Once used: whether the authorization that used it sent an S256 code challenge.
    satisfied: bool | None = None

    def use(self, satisfied: bool) -> None:
        self.state = "used"
        self.satisfied = satisfied

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.requirement_id,
            "client_id": self.client_id,
            "email": self.email,
            "state": self.state,
            "satisfied": self.satisfied,
        }


class PkceRequirements:
    def __init__(self) -> None:
        self._requirements: list[PkceRequirement] = []

    def clear(self) -> None:
        self._requirements.clear()

    def add(self, client_id: str | None, email: str | None) -> PkceRequirement:
        requirement = PkceRequirement(random_token(8), client_id, email.lower() if email else None)
        self._requirements.append(requirement)
        return requirement

    def all(self) -> list[PkceRequirement]:
        return list(self._requirements)

    def take_for_client(self, client_id: str) -> PkceRequirement | None:
        return next((r for r in self._pending() if r.client_id == client_id), None)

    def take_for_user(self, email: str) -> PkceRequirement | None:
        return next((r for r in self._pending() if r.email == email.lower()), None)

    def _pending(self) -> list[PkceRequirement]:
        return [r for r in self._requirements if r.state == "pending"]
