"""Which of the help page's pictures a scenario's browsers show at the end of a step (for --doc-screenshots).

Each picture is a screen a page object already knows, told apart by what a person sees on it, never by how
the target builds it. The pictures come from the online profile, in the help page's language: the page shows
SuperOffice CRM Online (the user ID is the email address; activation emails; single sign-on):

- login-screen.png: the login screen as it first shows, the user ID empty, no refusal and no notice;
- activate-now-email.png: the activation email (the one with the Activate now link) of a user of the
  target's own company, its HTML part rendered in a browser page of its own;
- create-password.png: the screen an Activate now link leads to, for choosing a password, nothing typed yet;
- create-password-strenght-indicator.png: the same screen once a password is typed, the indicator rating it
  strong (the help page's advice);
- login-screen-google.png: Google's sign-in page asking for the email address (which the CRM may have filled
  in: its sign-in request names the user);
- login-screen-google-password.png, login-screen-microsoft-password.png: the provider's page asking for the
  password, empty.

What the run made up for the scenario (its people's names, email addresses and user names, its company) is
given to the picture as stand-ins, so that every run's pictures show the same.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page

from fake_services.mailsink import Message
from loginspec.docshots import Picture
from loginspec.people import Person

from .pages.activation import CreatePasswordPage
from .pages.login import LoginPage
from .pages.providers import ProviderSignInPage

if TYPE_CHECKING:
    from .cast import Cast, Member

PROFILE = "online"
STAND_IN = Person("Ann", "Example", "ann.example@example.com", "aexample", "")
STAND_IN_COMPANY = "Example Company"
STAND_IN_DOMAIN = "example.com"
_WAIT_MS = 1_000
"""For reading a field shown already: the checks never wait for a screen to come."""

Shown = Callable[[Page, "Cast", "Member"], bool]


def help_pictures(cast: Cast, language: str, wanted: frozenset[str]) -> list[Picture]:
    target = cast.target
    if target.contract.language != language or target.profile != PROFILE:
        return []
    pictures = []
    for member in cast.members.values():
        stand_ins = _stand_ins(cast, member)
        for page in list(member.browsers.values()):
            if page.is_closed():
                continue
            for name, shown in SCREENS.items():
                if name in wanted and _safely(shown, page, cast, member):
                    pictures.append(Picture(name, _this(page), _still(shown, cast, member), stand_ins))
        if EMAIL in wanted:
            message = _activation_email(cast, member)
            if message is not None and message.html is not None:
                pictures.append(
                    Picture(
                        EMAIL,
                        _rendered(cast, message.html),
                        lambda _page: True,
                        stand_ins,
                        True,
                        "the activation email",
                    )
                )
    return pictures


def _this(page: Page) -> Callable[[], Page]:
    return lambda: page


def _still(shown: Shown, cast: Cast, member: Member) -> Callable[[Page], bool]:
    return lambda page: _safely(shown, page, cast, member)


def _safely(shown: Shown, page: Page, cast: Cast, member: Member) -> bool:
    try:
        return shown(page, cast, member)
    except PlaywrightError:
        return False  # between two pages, or a control shown twice: not this picture now


def _any_visible(locator: Locator) -> bool:
    return locator.filter(visible=True).count() > 0


def _empty(field: Locator) -> bool:
    return field.input_value(timeout=_WAIT_MS) == ""


def _at_target(page: Page, cast: Cast) -> bool:
    return page.url.startswith(cast.target.base_url.rstrip("/") + "/")


def login_screen(page: Page, cast: Cast, member: Member) -> bool:
    login = LoginPage(page, cast.target)
    return (
        _at_target(page, cast)
        and _any_visible(login.heading)
        and _any_visible(login.user_id)
        and _empty(login.user_id)
        and not _any_visible(login.refusal)
        and not _any_visible(login.notice)
    )


def _followed_activation_link(cast: Cast, member: Member) -> bool:
    """The last emailed link the member's browsers asked for is an email's Activate now link."""
    activate_now = cast.target.contract.email_link("Activate now").casefold()
    emailed = {link.href: link.text.casefold() == activate_now for message in member.emails for link in message.links}
    followed = [address for address in cast.requests_made(member.handle) if address in emailed]
    return bool(followed) and emailed[followed[-1]]


def _choosing_password(page: Page, cast: Cast, member: Member) -> CreatePasswordPage | None:
    form = CreatePasswordPage(page, cast.target)
    shown = (
        _at_target(page, cast)
        and _any_visible(form.password)
        and _any_visible(form.confirmation)
        and not _any_visible(form.problems)
        and _followed_activation_link(cast, member)
    )
    return form if shown else None


def create_password(page: Page, cast: Cast, member: Member) -> bool:
    form = _choosing_password(page, cast, member)
    return form is not None and _empty(form.password)


def strength_indicator(page: Page, cast: Cast, member: Member) -> bool:
    form = _choosing_password(page, cast, member)
    if form is None or _empty(form.password) or not _any_visible(form.strength):
        return False
    rating = form.strength.inner_text(timeout=_WAIT_MS)
    return bool(form.wording("strong").search(rating)) and not form.wording("weak").search(rating)


def _provider_page(kind: str, field: str) -> Shown:
    """The provider's page asking for the email address (empty, or filled in from the CRM's hint) or for the
    password (empty), with no refusal."""

    def shown(page: Page, cast: Cast, member: Member) -> bool:
        if kind not in cast.target.identity_providers:
            return False
        sign_in = ProviderSignInPage(page, cast.target, kind)
        if not page.url.startswith(sign_in.base_url) or _any_visible(sign_in.refusal):
            return False
        if field == "email":
            return _any_visible(sign_in.email) and not _any_visible(sign_in.password)
        return _any_visible(sign_in.password) and _empty(sign_in.password)

    return shown


EMAIL = "activate-now-email.png"
SCREENS: dict[str, Shown] = {
    "login-screen.png": login_screen,
    "create-password.png": create_password,
    "create-password-strenght-indicator.png": strength_indicator,
    "login-screen-google.png": _provider_page("google", "email"),
    "login-screen-google-password.png": _provider_page("google", "password"),
    "login-screen-microsoft-password.png": _provider_page("microsoft", "password"),
}
"""The help page's pictures of screens (by its file names), each with how to tell it is shown."""


def _activation_email(cast: Cast, member: Member) -> Message | None:
    """The member's last email read with an Activate now link, for a user of the target's own company (an
    email names the company: pictures of one company's emails compare with each other)."""
    if cast.company is not None:
        return None
    activate_now = cast.target.contract.email_link("Activate now").casefold()
    for message in reversed(member.emails):
        if any(link.part == "html" and link.text.casefold() == activate_now for link in message.links):
            return message
    return None


def _rendered(cast: Cast, html: str) -> Callable[[], Page]:
    def render() -> Page:
        page = cast.new_page()
        page.set_content(html)
        return page

    return render


def _stand_ins(cast: Cast, owner: Member) -> dict[str, str]:
    """What the run made up, and what pictures show instead: the owner of the browser is always Ann Example."""
    stand_ins: dict[str, str] = {}
    for member in cast.members.values():
        person = member.person
        shown = STAND_IN if member is owner else _stand_in_for(member.handle)
        stand_ins |= {
            person.email: shown.email,
            person.name: shown.name,
            person.first_name: shown.first_name,
            person.last_name: shown.last_name,
            person.username: shown.username,
        }
    if cast.company is not None:
        stand_ins[cast.company.name] = STAND_IN_COMPANY
        if cast.company.email_domain:
            stand_ins[cast.company.email_domain] = STAND_IN_DOMAIN
    return stand_ins


def _stand_in_for(handle: str) -> Person:
    return Person(handle, "Example", f"{handle.lower()}.example@{STAND_IN_DOMAIN}", f"{handle[:1].lower()}example", "")
