"""Screens reached from an emailed link: choosing a password, continuing to single sign-on, refused links."""

from __future__ import annotations

from playwright.sync_api import Locator, expect

from .screen import Screen


class CreatePasswordPage(Screen):
    """Activation for a company that uses CRM passwords, and the reset page, which asks the same."""

    screen = "new_password"

    @property
    def user_id(self) -> Locator:
        return self.control("user_id")

    @property
    def password(self) -> Locator:
        return self.control("password")

    @property
    def confirmation(self) -> Locator:
        return self.control("confirmation")

    @property
    def submit_button(self) -> Locator:
        return self.control("submit")

    @property
    def strength(self) -> Locator:
        """The live indicator: a status whose text names the strength."""
        return self.control("strength").filter(has_text=self.wording("strength"))

    @property
    def problems(self) -> Locator:
        return self.control("problems")

    @property
    def support_link(self) -> Locator:
        return self.control("support")

    @property
    def back_to_log_in(self) -> Locator:
        return self.control("back_to_log_in")

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
        self.submit_button.click()


class SingleSignOnActivationPage(Screen):
    """Activation for a company that uses single sign-on: the email address, then the provider."""

    screen = "single_sign_on_activation"

    @property
    def email(self) -> Locator:
        return self.control("email")

    def expect_shown(self) -> None:
        expect(self.email).to_be_editable()

    def continue_with(self, email: str) -> None:
        self.email.fill(email)
        self.control("continue").click()


class LinkRefusedPage(Screen):
    """What an expired, used, tampered or unknown link leads to."""

    screen = "refused_link"

    def heading(self, verdict: str) -> Locator:
        """The heading that gives the verdict (a wording of the contract: link_expired, link_used...)."""
        return self.control("heading").filter(has_text=self.wording(verdict))

    @property
    def support_link(self) -> Locator:
        return self.control("support")
