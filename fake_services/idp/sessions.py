"""Browser sessions at the provider: what makes a second sign-in in the same browser silent.

The browser holds only a random session id in an HttpOnly, SameSite=Lax cookie; the accounts
signed in with that browser live here. Several accounts can share one browser, as at the real
providers, which is what the account chooser lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fake_services.idp.identifiers import new_guid, random_token


@dataclass
class SignedInAccount:
    email: str
    signed_in_at: float
    expires_at: float

    def is_active(self, now: float) -> bool:
        return now < self.expires_at


@dataclass
class BrowserSession:
    session_id: str
    # Microsoft puts a per-session GUID in the id_token's "sid" claim.
    sid: str = field(default_factory=new_guid)
    accounts: list[SignedInAccount] = field(default_factory=list)

    def account(self, email: str) -> SignedInAccount | None:
        return next((a for a in self.accounts if a.email.lower() == email.lower()), None)

    def position(self, email: str) -> int:
        return next(i for i, a in enumerate(self.accounts) if a.email.lower() == email.lower())


class BrowserSessions:
    def __init__(self) -> None:
        self._sessions: dict[str, BrowserSession] = {}

    def clear(self) -> None:
        self._sessions.clear()

    def find(self, session_id: str | None) -> BrowserSession | None:
        return self._sessions.get(session_id) if session_id else None

    def sign_in(self, session: BrowserSession | None, email: str, now: float, lifetime: float) -> BrowserSession:
        """Record a fresh sign-in; an existing entry for the same account is replaced in place."""
        if session is None:
            session = BrowserSession(session_id=random_token())
            self._sessions[session.session_id] = session
        account = SignedInAccount(email=email, signed_in_at=now, expires_at=now + lifetime)
        existing = session.account(email)
        if existing is None:
            session.accounts.append(account)
        else:
            session.accounts[session.accounts.index(existing)] = account
        return session

    def sign_out(self, session: BrowserSession, email: str | None = None) -> None:
        """Sign one account out of a browser, or every account when no email is given."""
        session.accounts = [a for a in session.accounts if email and a.email.lower() != email.lower()]
        if not session.accounts:
            self._sessions.pop(session.session_id, None)

    def end_everywhere(self, email: str) -> int:
        """As if the user signed out on another device: every browser loses the account."""
        holding = [s for s in self._sessions.values() if s.account(email)]
        for session in holding:
            self.sign_out(session, email)
        return len(holding)

    def expire_everywhere(self, email: str, now: float) -> int:
        """The account stays listed in each browser, but must enter the password again."""
        accounts = [a for s in self._sessions.values() if (a := s.account(email))]
        for account in accounts:
            account.expires_at = now
        return len(accounts)
