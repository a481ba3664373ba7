"""What a person does in several scenarios, as plain functions over page objects.

Steps stay one sentence each: a step that needs what another step does calls the journey here,
never the other step.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from loginspec.targets import Target

from .cast import Cast
from .pages.activation import SingleSignOnActivationPage
from .pages.crm import MainScreen
from .pages.forgot_password import ForgotPasswordPage
from .pages.login import LoginPage
from .pages.providers import ProviderSignInPage
from .pages.settings import SettingsLoginPage, SettingsScreen, TermsDialog, UsersPage

PROVIDERS = {"Microsoft 365": "microsoft", "Google Workspace": "google"}


def log_in(cast: Cast, target: Target, name: str, password: str | None = None, browser: str = "first") -> Page:
    """Open the login screen in `browser` and sign in as `name` (with `password`, or theirs)."""
    page = cast.browser(name, browser)
    member = cast.person(name)
    LoginPage(page, target).open().sign_in(cast.user_id(name), password or member.person.password)
    return page


def expect_main_screen(cast: Cast, target: Target, name: str, browser: str = "first") -> None:
    page = cast.browser(name, browser)
    MainScreen(page, target).expect_open_for(cast.person(name).person.name)
    cast.person(name).addresses.setdefault("signed in", page.url)


def log_in_with_provider(cast: Cast, target: Target, name: str, browser: str = "first") -> Page:
    """Sign in as a single sign-on user: the email address on the CRM's login screen, then the provider."""
    page = cast.browser(name, browser)
    member = cast.person(name)
    LoginPage(page, target).open().continue_as(member.person.email)
    assert cast.company and cast.company.sso_provider
    ProviderSignInPage(page, target, cast.company.sso_provider).sign_in(member.person.email, member.person.password)
    return page


def log_in_the_usual_way(cast: Cast, target: Target, name: str, browser: str = "first") -> Page:
    """However this person signs in: with the company's provider, or with user ID and password."""
    if cast.company and cast.company.sso_provider:
        return log_in_with_provider(cast, target, name, browser)
    return log_in(cast, target, name, browser=browser)


def activate_with_provider(cast: Cast, target: Target, name: str, kind: str) -> None:
    """Follow Activate now, give the email address and sign in at the company's provider."""
    page = cast.browser(name)
    member = cast.person(name)
    page.goto(cast.email_link(name, "Activate now"))
    SingleSignOnActivationPage(page, target).continue_with(member.person.email)
    ProviderSignInPage(page, target, kind).sign_in(member.person.email, member.person.password)


def log_in_to_settings(cast: Cast, target: Target, name: str, browser: str = "first") -> None:
    SettingsLoginPage(cast.browser(name, browser), target).open().sign_in(
        cast.user_id(name), cast.person(name).person.password
    )


def enter_settings(cast: Cast, target: Target, name: str, browser: str = "first") -> None:
    """Inside Settings and maintenance, after accepting the onsite Terms of Service amendment if asked."""
    page = cast.browser(name, browser)
    screen, terms = SettingsScreen(page, target), TermsDialog(page, target)
    expect(screen.navigation.or_(terms.dialog).first).to_be_visible()
    if terms.dialog.is_visible():
        terms.accept()
    screen.expect_shown()
    cast.person(name).addresses.setdefault("Settings and maintenance", page.url)


def users_screen_after_logging_in(cast: Cast, target: Target, admin: str) -> UsersPage:
    """The administrator signs in to Settings and maintenance and opens the Users screen."""
    log_in_to_settings(cast, target, admin)
    enter_settings(cast, target, admin)
    return SettingsScreen(cast.browser(admin), target).open_users()


def request_reset(page: Page, target: Target, email: str) -> None:
    login = LoginPage(page, target).open()
    login.forgot_password_link.click()
    ForgotPasswordPage(page, target).request_for(email)


def add_user(cast: Cast, target: Target, admin: str, new: str, role: str) -> UsersPage:
    """The administrator adds a person in the Users screen as this profile asks (a user name onsite), to be
    activated by email; emails that arrive from now on count as new for them."""
    users = SettingsScreen(cast.browser(admin), target).open_users()
    person = cast.person(new).person
    cast.expect_mail(new)
    users.add_user(
        person.name,
        email=person.email,
        username=person.username if target.profile == "onsite" else None,
        role=target.contract.role(role),
    )
    return users
