"""Help for login problems, and support."""

from __future__ import annotations

from playwright.sync_api import Locator, Page


class LoginHelpPage:
    def __init__(self, page: Page) -> None:
        self.page = page

    def topic(self, question: str) -> Locator:
        return self.page.get_by_role("link", name=question)
