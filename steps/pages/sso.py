"""What the CRM shows when single sign-on fails."""

from __future__ import annotations

from playwright.sync_api import Locator

from .screen import Screen


class SingleSignOnFailedPage(Screen):
    screen = "single_sign_on_failed"

    @property
    def message(self) -> Locator:
        return self.control("message").filter(has_text=self.wording("it_support"))
