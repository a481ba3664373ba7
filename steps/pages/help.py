"""Help for login problems, and support."""

from __future__ import annotations

from playwright.sync_api import Locator

from .screen import Screen


class LoginHelpPage(Screen):
    screen = "help"

    def topic(self, wording: str) -> Locator:
        """The FAQ the contract's wording `wording` describes."""
        return self.control("topic").filter(has_text=self.wording(wording))


class SupportPage(Screen):
    screen = "support"

    @property
    def heading(self) -> Locator:
        return self.control("heading")

    @property
    def contact(self) -> Locator:
        return self.control("contact")
