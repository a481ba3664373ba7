"""Who the provider knows: registered clients, tenants (Microsoft) and users."""

from __future__ import annotations

from dataclasses import dataclass


class AlreadyExists(Exception):
    pass


@dataclass(frozen=True)
class Client:
    client_id: str
    # None for a public client (a single-page or native app): no secret, PKCE required.
    client_secret: str | None
    redirect_uris: tuple[str, ...]

    @property
    def is_public(self) -> bool:
        return self.client_secret is None


@dataclass(frozen=True)
class Tenant:
    tenant_id: str
    name: str
    domain: str | None


@dataclass(frozen=True)
class User:
    email: str
    password: str
    name: str
    given_name: str
    family_name: str
    # Microsoft: the tenant GUID. Google: the Workspace domain (hd), or None for a consumer account.
    realm: str | None
    # Microsoft: the object id (oid). Google: the 21-digit account id (sub).
    object_id: str
    # Google's profile picture URL and locale (the `picture` and `locale` claims).
    picture: str | None = None
    locale: str = "en"


class Directory:
    def __init__(self) -> None:
        self._clients: dict[str, Client] = {}
        self._tenants: dict[str, Tenant] = {}
        self._users: dict[str, User] = {}

    def clear(self) -> None:
        self._clients.clear()
        self._tenants.clear()
        self._users.clear()

    def register_client(self, client: Client) -> None:
        """Registering an existing client id replaces it, so a test can change its redirect URIs."""
        self._clients[client.client_id] = client

    def client(self, client_id: str) -> Client | None:
        return self._clients.get(client_id)

    def clients(self) -> list[Client]:
        return list(self._clients.values())

    def add_tenant(self, tenant: Tenant) -> None:
        if tenant.tenant_id in self._tenants or (tenant.domain and self.tenant(tenant.domain)):
            raise AlreadyExists(f"tenant {tenant.tenant_id} or domain {tenant.domain} already exists")
        self._tenants[tenant.tenant_id] = tenant

    def tenant(self, id_or_domain: str) -> Tenant | None:
        """Microsoft accepts a tenant's GUID or one of its domain names in the URL path."""
        key = id_or_domain.lower()
        if key in self._tenants:
            return self._tenants[key]
        return next((tenant for tenant in self._tenants.values() if tenant.domain == key), None)

    def add_user(self, user: User) -> None:
        if user.email.lower() in self._users:
            raise AlreadyExists(f"a user with email {user.email} already exists")
        self._users[user.email.lower()] = user

    def user(self, email: str) -> User | None:
        return self._users.get(email.strip().lower())
