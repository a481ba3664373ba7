"""The CRM's login screen, in either layout the help page allows: one page (user ID, password, Log in),
or identifier-first (user ID, Next, then the password)."""

from __future__ import annotations

from enum import Enum

from playwright.sync_api import Locator, expect

from .screen import Screen


class Layout(Enum):
    ONE_PAGE = "one page"
    IDENTIFIER_FIRST = "identifier first"


_LAYOUTS: dict[str, Layout] = {}
"""Each target's layout, by the target's name: a property of the target, so worked out on its first sign-in."""


class LoginPage(Screen):
    screen = "login"

    @property
    def heading(self) -> Locator:
        return self.control("heading")

    @property
    def user_id(self) -> Locator:
        return self.control("user_id")

    @property
    def password(self) -> Locator:
        return self.control("password")

    @property
    def next_button(self) -> Locator:
        return self.control("next")

    @property
    def log_in_button(self) -> Locator:
        return self.control("log_in")

    @property
    def refusal(self) -> Locator:
        return self.control("refusal")

    @property
    def notice(self) -> Locator:
        return self.control("notice")

    @property
    def help_link(self) -> Locator:
        return self.control("help")

    @property
    def forgot_password_link(self) -> Locator:
        return self.control("forgot_password")

    def open(self) -> LoginPage:
        """Go to the login screen. What comes next waits for it: typing waits for its field, checks for what
        they check."""
        self.page.goto(self.target.login_url)
        return self

    def expect_shown(self) -> None:
        expect(self.heading).to_be_visible()

    def layout(self) -> Layout:
        """Which layout the target's login screen has: on the first sign-in, once this screen shows either a
        password field or Next without one."""
        known = _LAYOUTS.get(self.target.name)
        if known is None:
            expect(self.password.or_(self.next_button).first).to_be_visible()
            known = Layout.ONE_PAGE if self.password.is_visible() else Layout.IDENTIFIER_FIRST
            _LAYOUTS[self.target.name] = known
        return known

    def give_user_id(self, user_id: str) -> Layout:
        """Type the user ID and, on an identifier-first screen, go on with Next."""
        layout = self.layout()
        self.user_id.fill(user_id)
        if layout is Layout.IDENTIFIER_FIRST:
            self.next_button.click()
        return layout

    def enter_user_id(self, user_id: str) -> None:
        """The user ID, then wait until the password can be typed (on the same page or the next)."""
        self.give_user_id(user_id)
        expect(self.password).to_be_editable()

    def sign_in(self, user_id: str, password: str) -> None:
        self.give_user_id(user_id)
        self.password.fill(password)
        self.log_in_button.click()

    def continue_as(self, user_id: str) -> None:
        """The user ID alone, for someone the CRM hands to an identity provider: Next on an identifier-first
        screen, Log in with no password on a one-page screen."""
        if self.give_user_id(user_id) is Layout.ONE_PAGE:
            self.log_in_button.click()

    def try_to_submit(self, user_id: str, password: str) -> None:
        """Fill in what this layout shows first and submit it, without waiting for what follows."""
        layout = self.layout()
        self.user_id.fill(user_id)
        if layout is Layout.IDENTIFIER_FIRST:
            self.next_button.click()
        else:
            self.password.fill(password)
            self.log_in_button.click()
