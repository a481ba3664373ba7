"""Screens reached from an emailed link: creating a password, continuing to single sign-on, refused links."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

STRENGTH = re.compile(r"password strength", re.IGNORECASE)


class CreatePasswordPage:
    """Activation (or reset) for a company that uses CRM passwords."""

    def __init__(self, page: Page) -> None:
        self.page = page

    @property
    def user_id(self) -> Locator:
        return self.page.get_by_role("textbox", name=re.compile(r"^(email|user id)", re.IGNORECASE))

    @property
    def password(self) -> Locator:
        return self.page.get_by_label("Password", exact=True)

    @property
    def confirmation(self) -> Locator:
        return self.page.get_by_label("Confirm Password", exact=True)

    @property
    def create_button(self) -> Locator:
        return self.page.get_by_role("button", name=re.compile(r"^(create new password|save new password)$", re.I))

    @property
    def strength(self) -> Locator:
        """The live indicator: a status whose text names the strength."""
        return self.page.get_by_role("status").filter(has_text=STRENGTH)

    @property
    def problems(self) -> Locator:
        return self.page.get_by_role("alert")

    def expect_shown(self) -> None:
        expect(self.password).to_be_editable()
        expect(self.confirmation).to_be_editable()

    def type_password(self, password: str) -> None:
        """Key by key, as a person types, so the indicator sees every change."""
        self.password.clear()
        self.password.press_sequentially(password)

    def create(self, password: str, confirmation: str | None = None) -> None:
        self.password.fill(password)
        self.confirmation.fill(password if confirmation is None else confirmation)
        self.create_button.click()


class SingleSignOnActivationPage:
    """Activation for a company that uses single sign-on: the email address, then the provider."""

    def __init__(self, page: Page) -> None:
        self.page = page

    @property
    def email(self) -> Locator:
        return self.page.get_by_role("textbox", name=re.compile(r"email", re.IGNORECASE))

    def expect_shown(self) -> None:
        expect(self.email).to_be_editable()

    def continue_with(self, email: str) -> None:
        self.email.fill(email)
        self.page.get_by_role("button", name=re.compile(r"^(next|continue)$", re.IGNORECASE)).click()


class LinkRefusedPage:
    """What an expired, used, tampered or unknown link leads to."""

    def __init__(self, page: Page) -> None:
        self.page = page

    @property
    def heading(self) -> Locator:
        return self.page.get_by_role("heading", level=1)

    @property
    def support_link(self) -> Locator:
        return self.page.get_by_role("link", name=re.compile(r"support", re.IGNORECASE))
