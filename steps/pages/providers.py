"""The identity providers' sign-in pages, as a person sees them (Microsoft: email, password,
"Stay signed in?"; Google: email, password, and an account chooser when signed in)."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect


class ProviderSignInPage:
    email_label: str
    password_label: str
    next_label = "Next"
    submit_password_label: str

    def __init__(self, page: Page) -> None:
        self.page = page

    @property
    def email(self) -> Locator:
        return self.page.get_by_role("textbox", name=self.email_label, exact=True)

    @property
    def password(self) -> Locator:
        return self.page.get_by_label(self.password_label, exact=True)

    def expect_asks_for_credentials(self) -> None:
        expect(self.email.or_(self.password)).to_be_visible()

    def expect_asks_for_password(self) -> None:
        expect(self.password).to_be_visible()

    def sign_in(self, email: str, password: str) -> None:
        self.expect_asks_for_credentials()
        if self.password.is_visible() and not self.page.get_by_text(email, exact=True).is_visible():
            self.page.get_by_role("button", name="Use another account").click()
            expect(self.email).to_be_visible()
        if self.email.is_visible():
            self.email.fill(email)
            self.page.get_by_role("button", name=self.next_label, exact=True).click()
        self.password.fill(password)
        self.page.get_by_role("button", name=self.submit_password_label, exact=True).click()
        self.after_password()

    def after_password(self) -> None:
        """Whatever the provider asks once the password is accepted."""

    def cancel(self) -> None:
        self.expect_asks_for_credentials()
        self.page.get_by_role("button", name="Cancel", exact=True).click()


class MicrosoftSignInPage(ProviderSignInPage):
    email_label = "Email, phone, or Skype"
    password_label = "Password"
    submit_password_label = "Sign in"

    def after_password(self) -> None:
        expect(self.page.get_by_role("heading", name="Stay signed in?")).to_be_visible()
        self.page.get_by_role("button", name="Yes", exact=True).click()


class GoogleSignInPage(ProviderSignInPage):
    email_label = "Email or phone"
    password_label = "Enter your password"
    submit_password_label = "Next"


def sign_in_page(kind: str, page: Page) -> ProviderSignInPage:
    return {"microsoft": MicrosoftSignInPage, "google": GoogleSignInPage}[kind](page)
