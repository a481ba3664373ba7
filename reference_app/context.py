"""What every request handler needs, built once per app: settings, store, clock, and helpers."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.templating import Jinja2Templates

from .clock import AdjustableClock, Clock
from .database import Database
from .mail import Mailer
from .oidc import OidcClient
from .passwords import PasswordHasher
from .settings import Settings


@dataclass
class AppContext:
    settings: Settings
    database: Database
    clock: Clock
    hasher: PasswordHasher
    mailer: Mailer
    templates: Jinja2Templates
    identity_providers: dict[str, OidcClient]

    @property
    def adjustable_clock(self) -> AdjustableClock | None:
        return self.clock if isinstance(self.clock, AdjustableClock) else None


def context_of(request: Request) -> AppContext:
    context: AppContext = request.app.state.context  # set by the app factory
    return context
