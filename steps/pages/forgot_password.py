"""Forgot your password?: online, the email address and Reset Password; onsite, who to ask."""

from __future__ import annotations

from playwright.sync_api import Locator, expect

from . import moments
from .screen import Screen


class ForgotPasswordPage(Screen):
    screen = "forgot_password"

    @property
    def email(self) -> Locator:
        return self.control("email")

    @property
    def reset_button(self) -> Locator:
        return self.control("reset_password")

    @property
    def sent(self) -> Locator:
        return self.control("sent")

    def request_for(self, email: str) -> None:
        expect(self.email).to_be_editable()
        moments.shown(self.page)
        self.email.fill(email)
        self.reset_button.click()

    def expect_sent(self) -> None:
        expect(self.sent).to_be_visible()

    @property
    def advice_to_ask_administrator(self) -> Locator:
        return self.page.get_by_text(self.wording("ask_administrator"))
