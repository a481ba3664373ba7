"""Putting a target into a known state: companies, users in a given state, time.

`Provisioner` is the interface steps use. `HttpProvisioner` speaks the control
API the bundled reference app offers in test mode (documented in the README);
another implementation can offer the same HTTP contract, or a target can come
with its own `Provisioner` class.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol

import httpx

from .contract import NOT_CHECKABLE, NotCheckable
from .people import Person

UserState = Literal["active", "invited", "disabled"]
SessionScope = Literal["crm", "settings"]


class ProvisioningError(Exception):
    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        """The HTTP status of the target's refusal, where it answered one."""


class ClockNotControllable(ProvisioningError, NotCheckable):
    """The target answered that its clock cannot be moved: the scenario cannot be checked there."""


@dataclass(frozen=True)
class Company:
    id: int
    name: str
    email_domain: str | None
    sso_provider: str | None
    sso_tenant: str | None


@dataclass(frozen=True)
class SsoIdentity:
    """A provider's account as its ID tokens name it."""

    issuer: str
    subject: str


@dataclass(frozen=True)
class OpenedSession:
    """A signed-in session made without the login screen: the cookies to put into a browser (each with
    name, value, path, secure, httpOnly and sameSite, and max_age for one kept beyond the browser's life)
    and the path of the screen the session opens."""

    cookies: list[dict[str, Any]]
    location: str


@dataclass(frozen=True)
class ProvisionedUser:
    id: int
    person: Person
    user_id: str
    role: str
    state: UserState
    company_id: int


class Provisioner(Protocol):
    def create_company(
        self, name: str, email_domain: str | None = None, sso_provider: str | None = None, sso_tenant: str | None = None
    ) -> Company: ...

    def create_user(
        self,
        person: Person,
        *,
        state: UserState = "active",
        role: str = "Standard user",
        company: Company | None = None,
        send_activation_email: bool = False,
        with_password: bool = False,
        sso_identity: SsoIdentity | None = None,
    ) -> ProvisionedUser:
        """A user of the target in `state`; the person's password is stored for active and disabled users.

        `with_password` also stores it for an invited user (one an administrator set before activation),
        so that only the account's state, not a missing password, can keep that user out.
        `sso_identity`: an active or disabled user of a single sign-on company, linked to that account at
        the provider as activation through the provider links it, and without a CRM password (the
        capability `linked_sso_users`).
        """
        ...

    def open_session(self, user: ProvisionedUser, scope: SessionScope) -> OpenedSession:
        """A session of an active user as signing in makes one (capability provisioned_sessions). For
        Settings and maintenance, as after signing in there and accepting the onsite amendment."""
        ...

    def advance_clock(self, seconds: float) -> None: ...

    def stored_credentials(self, user: ProvisionedUser) -> dict[str, Any]: ...


class HttpProvisioner:
    def __init__(self, control_url: str, secret: str, http: httpx.Client) -> None:
        self._control_url = control_url.rstrip("/")
        self._http = http
        self._headers = {"Authorization": f"Bearer {secret}"}

    def _call(self, method: str, path: str, document: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self._http.request(method, self._control_url + path, json=document, headers=self._headers)
        if response.status_code == 409 and path == "/clock":
            reason = response.json().get("error", response.text)
            raise ClockNotControllable(f"{NOT_CHECKABLE}: it lacks clock_control ({reason})")
        if response.is_error:
            raise ProvisioningError(
                f"{method} {path} answered {response.status_code}: {response.text[:500]}", response.status_code
            )
        answer: dict[str, Any] = response.json()
        return answer

    def create_company(
        self, name: str, email_domain: str | None = None, sso_provider: str | None = None, sso_tenant: str | None = None
    ) -> Company:
        answer = self._call(
            "POST",
            "/companies",
            {"name": name, "email_domain": email_domain, "sso_provider": sso_provider, "sso_tenant": sso_tenant},
        )
        return Company(
            answer["id"], answer["name"], answer["email_domain"], answer["sso_provider"], answer["sso_tenant"]
        )

    def create_user(
        self,
        person: Person,
        *,
        state: UserState = "active",
        role: str = "Standard user",
        company: Company | None = None,
        send_activation_email: bool = False,
        with_password: bool = False,
        sso_identity: SsoIdentity | None = None,
    ) -> ProvisionedUser:
        keeps_password = sso_identity is None and (state != "invited" or with_password)
        document: dict[str, Any] = {
            "name": person.name,
            "email": person.email,
            "username": person.username,
            "password": person.password if keeps_password else None,
            "role": role,
            "state": state,
            "company_id": company.id if company else None,
            "send_activation_email": send_activation_email,
        }
        linked = {"issuer": sso_identity.issuer, "subject": sso_identity.subject} if sso_identity else None
        if linked:
            document["sso_identity"] = linked
        answer = self._call("POST", "/users", document)
        if linked and answer.get("sso_identity") != linked:
            raise ProvisioningError(
                "POST /users answered without the sso_identity it was given, so the user may not be linked to"
                " the provider's account: declare capabilities.linked_sso_users absent in the target file"
            )
        return ProvisionedUser(answer["id"], person, answer["user_id"], answer["role"], state, answer["company_id"])

    def open_session(self, user: ProvisionedUser, scope: SessionScope) -> OpenedSession:
        try:
            answer = self._call("POST", f"/users/{user.id}/sessions", {"scope": scope})
        except ProvisioningError as refused:
            if refused.status in (404, 405, 501):
                raise ProvisioningError(
                    f"{refused}; if the target has no such call, declare capabilities.provisioned_sessions absent"
                    " in the target file",
                    refused.status,
                ) from None
            raise
        cookies, location = answer.get("cookies"), answer.get("location")
        if not (
            isinstance(cookies, list)
            and cookies
            and all(_is_cookie(cookie) for cookie in cookies)
            and isinstance(location, str)
            and location.startswith("/")
            and not location.startswith("//")
        ):
            raise ProvisioningError(
                "POST /users/{id}/sessions answered without cookies (name, value, path, secure, httpOnly,"
                f" sameSite) and a location path: {str(answer)[:300]}; declare capabilities.provisioned_sessions"
                " absent in the target file"
            )
        return OpenedSession(cookies, location)

    def advance_clock(self, seconds: float) -> None:
        self._call("POST", "/clock", {"seconds": seconds})

    def stored_credentials(self, user: ProvisionedUser) -> dict[str, Any]:
        return self._call("GET", f"/users/{user.id}/stored-credentials")


def _is_cookie(value: object) -> bool:
    if not isinstance(value, dict):
        return False
    texts = all(isinstance(value.get(key), str) and value[key] for key in ("name", "value", "path"))
    flags = all(isinstance(value.get(key), bool) for key in ("secure", "httpOnly"))
    kept = "max_age" not in value or (isinstance(value["max_age"], int) and not isinstance(value["max_age"], bool))
    return texts and flags and value.get("sameSite") in ("Strict", "Lax", "None") and kept
