"""Service: its landing page with Log in, and its dashboard."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from .crm import MainScreen


class ServiceLanding:
    def __init__(self, page: Page) -> None:
        self.page = page

    @property
    def log_in_button(self) -> Locator:
        return self.page.get_by_role("button", name="Log in", exact=True)

    def expect_shown(self) -> None:
        expect(self.log_in_button).to_be_visible()


class ServiceDashboard(MainScreen):
    """The Service dashboard has the same top bar as the CRM: the signed-in user and Personal settings."""

    @property
    def heading(self) -> Locator:
        return self.page.get_by_role("heading", name=re.compile(r"dashboard", re.IGNORECASE))

    def expect_open_for(self, name: str) -> None:
        expect(self.heading).to_be_visible()
        expect(self.signed_in_user).to_contain_text(name)
