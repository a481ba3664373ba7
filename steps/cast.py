"""The people of one scenario, each with the browsers they use.

Scenarios name their people ("Ann", "Ben"); each name stands for a fresh Faker
person, provisioned on the target as the scenario says, with browser contexts
created on first use ("Ann's second browser" is another context, so another
session). Nothing is shared with other scenarios.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

from playwright.sync_api import BrowserContext, Cookie, Frame, Page
from playwright.sync_api import Error as PlaywrightError

from fake_services.mailsink import MailSinkClient, Message
from fake_services.mailsink.filters import SubjectMatcher
from loginspec.docshots import Picture
from loginspec.evidence import BrowserShot, EmailSeen, Evidence
from loginspec.people import Person, PersonFactory
from loginspec.provisioning import Company, ProvisionedUser, SessionScope, SsoIdentity, UserState
from loginspec.targets import Target

from . import pictures
from .pages import moments

if TYPE_CHECKING:
    from .interception import Submission


@dataclass
class Reply:
    """What the target answered to the last request a step made outside the page's own flow, and what
    the scenario expects of it."""

    status: int = 0
    text: str = ""
    client_error_expected: bool = False
    secrets_sent: list[str] = field(default_factory=list)
    """Values that must never come back in the answer (a password)."""


@dataclass(frozen=True)
class Visit:
    """One response a member's browser received: a page (redirects included) or anything it loaded."""

    url: str
    status: int
    resource_type: str
    headers: dict[str, str]

    @property
    def is_page(self) -> bool:
        return self.resource_type == "document"


class _Default(Enum):
    SCENARIO_COMPANY = "the scenario's company"


@dataclass
class Member:
    handle: str
    person: Person
    account: ProvisionedUser | None = None
    browsers: dict[str, Page] = field(default_factory=dict)
    saved_cookies: list[Cookie] = field(default_factory=list)
    attempted_password: str | None = None
    old_password: str | None = None
    addresses: dict[str, str] = field(default_factory=dict)
    visits: list[Visit] = field(default_factory=list)
    """Every response the member's browsers received, where the cast records traffic (read it through the cast)."""
    visit_mark: int = 0
    asked_for: list[str] = field(default_factory=list)
    """The address of every request the member's browsers made, answered or not, where the cast records
    traffic (read it through the cast)."""
    shown: list[str] = field(default_factory=list)
    """The address of every page each of the member's browsers showed (committed, not redirected), in order."""
    shown_mark: int = 0
    asked_mark: int = 0
    """How many of `asked_for` came before the mark: the provider's authorizations since count from there."""
    held_answer: str | None = None
    pkce_requirement: str | None = None
    """The provider's one-shot PKCE requirement set for the member's next sign-in, by its id."""
    answer_browser: str = "first"
    mail_since: int | None = None
    emails: list[Message] = field(default_factory=list)
    held_request: Submission | None = None
    """A request the member's browser would have sent, kept from the target for a later step."""
    session_cookies: dict[str, list[Cookie]] = field(default_factory=dict)
    """Per browser, the cookies its signed-in pages cannot do without (worked out once)."""


class Cast:
    def __init__(
        self,
        target: Target,
        people: PersonFactory,
        new_context: Callable[..., BrowserContext],
        records_traffic: bool = False,
    ) -> None:
        self.target = target
        self.people = people
        self._new_context = new_context
        self.records_traffic = records_traffic
        """Whether the people's browsers record every request and response: only for the steps that read them,
        since the driver then sends five messages for each request a page makes."""
        self.members: dict[str, Member] = {}
        self.company: Company | None = None
        self.misbehaving: set[tuple[str, str]] = set()
        """(provider kind, email) of everyone a provider was asked to misbehave for."""
        self._watcher: Callable[[], None] | None = None
        self._navigations: dict[Page, int] = {}
        self._without_scripts: list[Page] = []

    def person(self, handle: str) -> Member:
        """The member named `handle`, made up on first mention."""
        if handle not in self.members:
            domain = self.company.email_domain if self.company else None
            self.members[handle] = Member(handle, self.people.person(email_domain=domain))
        return self.members[handle]

    def provision(
        self,
        handle: str,
        *,
        state: UserState = "active",
        role: str | None = None,
        company: Company | None | _Default = _Default.SCENARIO_COMPANY,
        send_activation_email: bool = False,
        with_password: bool = False,
        sso_identity: SsoIdentity | None = None,
    ) -> Member:
        """`handle` made a user of the target: a Standard user of the scenario's company unless told."""
        member = self.person(handle)
        assert member.account is None, f"{handle} was already provisioned"
        provisioner = self.target.provisioner
        role = role or self.target.contract.role("Standard user")
        chosen = self.company if company is _Default.SCENARIO_COMPANY else company
        if sso_identity is None:
            # Without sso_identity, as before it existed: a target's own Provisioner need not know it.
            member.account = provisioner.create_user(
                member.person,
                state=state,
                role=role,
                company=chosen,
                send_activation_email=send_activation_email,
                with_password=with_password,
            )
        else:
            member.account = provisioner.create_user(
                member.person, state=state, role=role, company=chosen, sso_identity=sso_identity
            )
        return member

    def open_session(self, handle: str, scope: SessionScope) -> Page:
        """`handle`'s first browser signed in without the login screen, through the provisioning interface
        (capability provisioned_sessions), and showing the screen the session opens."""
        member = self.person(handle)
        assert member.account is not None, f"{handle} is not a user of the target yet"
        opened = self.target.provisioner.open_session(member.account, scope)
        self.give_cookies(handle, self.target.base_url, opened.cookies)
        page = self.browser(handle)
        page.goto(self.target.url(opened.location))
        return page

    def give_cookies(self, handle: str, site: str, cookies: list[dict[str, Any]]) -> None:
        """Cookies a control API answered, put into `handle`'s first browser: host-only, since a __Host-
        cookie may have no Domain (Playwright then takes the path's directory and Secure from `url`, which
        for the cookies of our targets, all with Path /, is what they say), and kept past the browser's
        life only when they say for how long (Playwright's expires -1: until the browser closes)."""
        self.browser(handle).context.add_cookies(
            [
                {
                    "name": cookie["name"],
                    "value": cookie["value"],
                    "url": site.rstrip("/") + cookie["path"],
                    "expires": time.time() + cookie["max_age"] if "max_age" in cookie else -1,
                    "secure": cookie["secure"],
                    "httpOnly": cookie["httpOnly"],
                    "sameSite": cookie["sameSite"],
                }
                for cookie in cookies
            ]
        )

    def new_password(self, handle: str) -> str:
        """A fresh passphrase for `handle` that no policy refuses for being built on their name."""
        person = self.person(handle).person
        return self.people.passphrase(avoid=(person.first_name, person.last_name))

    def user_id(self, handle: str) -> str:
        return self.person(handle).person.user_id(self.target.profile)

    def expect_mail(self, handle: str) -> None:
        """From now on, only emails that arrive after this moment count as new for `handle`."""
        self.person(handle).mail_since = self.mailer().mark()

    def email(self, handle: str, subject: SubjectMatcher) -> Message:
        """The next email for `handle` whose subject contains `subject`, waiting for it to arrive."""
        member = self.person(handle)
        message = self.mailer().wait_for(to=member.person.email, subject=subject, since=member.mail_since)
        member.mail_since = message.seq
        member.emails.append(message)
        return message

    def last_email(self, handle: str) -> Message:
        member = self.person(handle)
        assert member.emails, f"no email for {handle} has been read yet"
        return member.emails[-1]

    def email_link(self, handle: str, label: str, message: Message | None = None) -> str:
        """The link the help page calls `label` ("Activate now") in `handle`'s last email, or in `message`."""
        return (message or self.last_email(handle)).link(self.target.contract.email_link(label))

    def misbehave(self, handle: str, kind: str, misbehaviour: str) -> None:
        """Queue a misbehaviour at a provider for `handle`'s sign-in only, so that scenarios running beside
        this one against the same provider neither use it up nor clear it; whatever is left unused is
        cleared when the scenario ends."""
        email = self.person(handle).person.email
        self.target.identity_providers[kind].control.misbehave(misbehaviour, user=email)
        self.misbehaving.add((kind, email))

    def unused_misbehaviours(self) -> list[str]:
        """What the providers were asked to do wrong in this scenario's sign-ins and have not done yet."""
        return [
            pending
            for kind, email in sorted(self.misbehaving)
            for pending in self.target.identity_providers[kind].control.pending_misbehaviours(user=email)
        ]

    def open_pages(self) -> list[Page]:
        """Every page the scenario's people have open now."""
        return [page for member in self.members.values() for page in member.browsers.values()]

    def pages_running_scripts(self) -> list[Page]:
        """The open pages of browsers that run scripts, where the accessibility checks can run axe-core (in a
        browser without JavaScript its promise never settles, and the check would hang)."""
        return [page for page in self.open_pages() if page not in self._without_scripts]

    def help_pictures(self, language: str, wanted: frozenset[str]) -> list[Picture]:
        """Which of the help page's pictures (`wanted`, by file name) the people's browsers show now
        (for --doc-screenshots; see steps/pictures.py)."""
        return pictures.help_pictures(self, language, wanted)

    def watch(self, watcher: Callable[[], None]) -> None:
        """`watcher` is called whenever a page object has a screen before it within a step (pages/moments.py)."""
        self._watcher = watcher
        for member in self.members.values():
            for page in member.browsers.values():
                moments.watch(page, watcher)

    def help_screens(self, language: str) -> list[Page]:
        """The pages whose labels count against the help page's: every page the people have open, on a target
        in the help page's language."""
        return self.open_pages() if self.target.contract.language == language else []

    def evidence(self, folder: Path) -> Evidence:
        """For the report of a failed scenario: every browser as it is now, the people's emails, and what
        the providers were asked about them (their requests naming a member's email or the company's domain)."""
        found = Evidence()
        for member in self.members.values():
            for which, page in member.browsers.items():
                name = f"{member.handle}-{which}.png"
                try:
                    page.screenshot(path=folder / name, full_page=True, timeout=5_000)
                except PlaywrightError as error:
                    found.problems.append(f"no screenshot of {member.handle}'s {which} browser: {error.message}")
                    name = ""
                found.browsers.append(BrowserShot(member.handle, which, page.url, name or None))
            if self.target.mail is not None:
                for message in self.target.mail.messages(to=member.person.email):
                    links = [link.to_json() for link in message.links]
                    found.emails.append(EmailSeen(member.person.email, message.subject, links))
        marks = [member.person.email for member in self.members.values()]
        marks += [self.company.email_domain] if self.company and self.company.email_domain else []
        for kind, provider in self.target.identity_providers.items():
            about_us = [entry for entry in provider.control.requests() if any(m in json.dumps(entry) for m in marks)]
            if about_us:
                found.provider_requests[kind] = about_us
        return found

    def clean_up(self) -> None:
        """Forget what this scenario's people were to get wrong, and nothing queued for anyone else."""
        for kind, email in sorted(self.misbehaving):
            self.target.identity_providers[kind].control.clear_misbehaviours(user=email)

    def mailer(self) -> MailSinkClient:
        if self.target.mail is None:
            raise AssertionError(f"the target {self.target.name} has no mail sink to read emails from")
        return self.target.mail

    def browser(self, handle: str, which: str = "first", javascript: bool = True) -> Page:
        """The member's browser called `which`, a browser context of its own made on first use."""
        member = self.person(handle)
        if which not in member.browsers:
            page = self._new_context(java_script_enabled=javascript).new_page()
            if not javascript:
                self._without_scripts.append(page)
            if self.records_traffic:
                page.on(
                    "response",
                    lambda response: member.visits.append(
                        Visit(response.url, response.status, response.request.resource_type, response.headers)
                    ),
                )
                page.on("request", lambda request: member.asked_for.append(request.url))
            page.on("framenavigated", lambda frame: self._navigated(member, page, frame))
            member.browsers[which] = page
            if self._watcher is not None:
                moments.watch(page, self._watcher)
        return member.browsers[which]

    def _navigated(self, member: Member, page: Page, frame: Frame) -> None:
        if frame is page.main_frame:
            member.shown.append(frame.url)
            self._navigations[page] = self._navigations.get(page, 0) + 1

    def navigations(self, page: Page) -> int:
        """How many times one of the people's pages has navigated (for the accessibility checks)."""
        return self._navigations.get(page, 0)

    def new_page(self) -> Page:
        """A page in a browser of its own that belongs to nobody: for replaying cookies, for instance."""
        return self._new_context().new_page()

    def requests_made(self, handle: str, since: int = 0) -> list[str]:
        """The address of every request `handle`'s browsers made (from the `since`-th on), answered or not."""
        return self._recorded(handle).asked_for[since:]

    def responses(self, handle: str, since: int = 0) -> list[Visit]:
        """Every response `handle`'s browsers received (from the `since`-th on): pages, redirects, resources."""
        return self._recorded(handle).visits[since:]

    def _recorded(self, handle: str) -> Member:
        if not self.records_traffic:
            raise AssertionError(
                "this step reads the browsers' requests and responses, which this feature's browsers do not record:"
                " its step module needs a `browser_traffic` fixture that returns True (see steps/conftest.py)"
            )
        return self.person(handle)

    def last_page(self, handle: str, origin: str) -> Visit:
        """The last page `handle`'s browsers loaded from `origin` (a 200, not a redirect)."""
        shown = [visit for visit in self.pages_visited(handle, origin) if visit.status == 200]
        assert shown, f"{handle}'s browsers loaded no page from {origin}"
        return shown[-1]

    def mark(self, handle: str) -> None:
        """From now on, what `handle`'s browsers load and show counts as new."""
        member = self.person(handle)
        member.visit_mark = len(member.visits)
        member.shown_mark = len(member.shown)
        member.asked_mark = len(member.asked_for)

    def authorizations(self, handle: str, since: int = 0) -> list[dict[str, Any]]:
        """The authorization requests the company's identity provider received from `handle`'s browsers
        (those they made from their `since`-th request on), oldest first; none without a provider.

        The provider's log is read, where the request is seen arriving; but a provider shared by several
        workers logs everyone's sign-ins, so an entry counts only when one of the member's browsers asked
        for exactly that path and query (the CRM's state, nonce and code challenge make them unique)."""
        asked = {_path_and_query(url) for url in self.requests_made(handle, since)}
        if not (self.company and self.company.sso_provider):
            return []
        entries = self.target.identity_providers[self.company.sso_provider].control.requests("authorize")
        return [entry for entry in entries if (entry["path"], _query_key(entry["query"])) in asked]

    def authorizations_since_mark(self, handle: str) -> list[dict[str, Any]]:
        return self.authorizations(handle, since=self.person(handle).asked_mark)

    def shown_since_mark(self, handle: str) -> list[str]:
        member = self.person(handle)
        return member.shown[member.shown_mark :]

    def pages_visited(self, handle: str, origin: str, since: int = 0) -> list[Visit]:
        """The page responses (redirects included) from `origin` that `handle`'s browsers got since `since`."""
        return [visit for visit in self.responses(handle, since) if visit.is_page and visit.url.startswith(origin)]


def _query_key(query: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(query.items()))


def _path_and_query(url: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A request as the providers' logs record it: the path, and the query (the first value of each name,
    blank ones left out)."""
    parts = urlsplit(url)
    query: dict[str, str] = {}
    for name, value in parse_qsl(parts.query):
        query.setdefault(name, value)
    return unquote(parts.path), _query_key(query)
