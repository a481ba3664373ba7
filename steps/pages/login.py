"""The CRM's login screen, in either layout: one page, or identifier-first (user ID, Next, password)."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

USER_ID_NAME = re.compile(r"^(user id|e-?mail( address)?|user ?name)$", re.IGNORECASE)


class LoginPage:
    def __init__(self, page: Page, login_url: str) -> None:
        self.page = page
        self.login_url = login_url

    @property
    def heading(self) -> Locator:
        return self.page.get_by_role("heading", name="Log in", exact=True)

    @property
    def user_id(self) -> Locator:
        return self.page.get_by_role("textbox", name=USER_ID_NAME)

    @property
    def password(self) -> Locator:
        return self.page.get_by_label("Password", exact=True)

    @property
    def next_button(self) -> Locator:
        return self.page.get_by_role("button", name="Next", exact=True)

    @property
    def log_in_button(self) -> Locator:
        return self.page.get_by_role("button", name="Log in", exact=True)

    @property
    def refusal(self) -> Locator:
        return self.page.get_by_role("alert")

    @property
    def status(self) -> Locator:
        return self.page.get_by_role("status")

    def open(self) -> LoginPage:
        self.page.goto(self.login_url)
        self.expect_shown()
        return self

    def expect_shown(self) -> None:
        expect(self.heading).to_be_visible()

    @property
    def is_identifier_first(self) -> bool:
        return self.next_button.is_visible()

    def enter_user_id(self, user_id: str) -> None:
        self.user_id.fill(user_id)
        if self.is_identifier_first:
            self.next_button.click()
        expect(self.password).to_be_editable()

    def sign_in(self, user_id: str, password: str) -> None:
        """Works for both layouts: after the user ID, Next appears only on identifier-first screens."""
        self.enter_user_id(user_id)
        self.password.fill(password)
        self.log_in_button.click()

    def help_link(self) -> Locator:
        return self.page.get_by_role("link", name=re.compile(r"trouble logging in|help|faq", re.IGNORECASE))

    def forgot_password_link(self) -> Locator:
        return self.page.get_by_role("link", name="Forgot your password?")
