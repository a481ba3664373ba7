"""The identity providers' sign-in pages, as a person sees them (Microsoft: email, password,
"Stay signed in?"; Google: email, password, and an account chooser when signed in)."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from loginspec.targets import Target

from . import moments


class ProviderSignInPage:
    def __init__(self, page: Page, target: Target, kind: str) -> None:
        self.page = page
        self.kind = kind
        self.contract = target.contract
        self.base_url = target.identity_providers[kind].base_url

    def control(self, key: str) -> Locator:
        return self.contract.provider_control(self.kind, key).locate(self.page)

    @property
    def email(self) -> Locator:
        return self.control("email")

    @property
    def password(self) -> Locator:
        return self.control("password")

    @property
    def refusal(self) -> Locator:
        """What the page says when it refuses what was typed (an unknown account, a wrong password)."""
        return self.control("refusal")

    @property
    def held_answer(self) -> Locator:
        return self.control("held_answer")

    def expect_asks_for_credentials(self) -> None:
        expect(self.email.or_(self.password).first).to_be_visible()
        assert self.page.url.startswith(self.base_url), f"not at {self.kind}'s sign-in pages: {self.page.url}"

    def expect_asks_for_password(self) -> None:
        expect(self.password).to_be_visible()
        assert self.page.url.startswith(self.base_url), f"not at {self.kind}'s sign-in pages: {self.page.url}"

    def sign_in(self, email: str, password: str) -> None:
        self.expect_asks_for_credentials()
        if self.password.is_visible() and not self.page.get_by_text(email, exact=True).is_visible():
            self.control("use_another_account").click()
            expect(self.email).to_be_visible()
        if self.email.is_visible():
            moments.shown(self.page)
            self.email.fill(email)
            self.control("next").click()
        moments.shown(self.page, self.password)
        self.password.fill(password)
        self.control("sign_in").click()
        if self.kind == "microsoft":
            self.control("stay_signed_in_yes").click()

    def cancel(self) -> None:
        self.expect_asks_for_credentials()
        self.control("cancel").click()
