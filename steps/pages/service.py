"""Service: its landing page with Log in, and its dashboard."""

from __future__ import annotations

from playwright.sync_api import Locator, expect

from .crm import MainScreen
from .screen import Screen


class ServiceLanding(Screen):
    screen = "service"

    @property
    def log_in_button(self) -> Locator:
        return self.control("log_in")

    @property
    def notice(self) -> Locator:
        return self.control("notice")

    def expect_shown(self) -> None:
        expect(self.log_in_button).to_be_visible()


class ServiceDashboard(MainScreen):
    """The Service dashboard has the CRM's top bar: the signed-in user and Personal settings."""

    @property
    def heading(self) -> Locator:
        return self.contract.control("service", "dashboard").locate(self.page)

    def expect_open_for(self, name: str) -> None:
        expect(self.heading).to_be_visible()
        expect(self.signed_in_user).to_contain_text(name)
