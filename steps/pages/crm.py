"""The CRM main screen: the signed-in user, the navigator, the main menu and Personal settings."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect


class MainScreen:
    def __init__(self, page: Page) -> None:
        self.page = page

    @property
    def signed_in_user(self) -> Locator:
        return self.page.get_by_role("region", name="Signed-in user")

    @property
    def navigator(self) -> Locator:
        return self.page.get_by_role("navigation", name="Navigator")

    def expect_open_for(self, name: str) -> None:
        expect(self.navigator).to_be_visible()
        expect(self.signed_in_user).to_contain_text(name)

    def open_personal_settings(self) -> Locator:
        self.page.get_by_role("button", name="Personal settings").click()
        menu = self.page.get_by_role("menu", name="Personal settings")
        expect(menu).to_be_visible()
        return menu

    def log_out(self) -> None:
        self.open_personal_settings().get_by_role("menuitem", name="Log out").click()

    def open_main_menu(self) -> Locator:
        self.page.get_by_role("button", name="Main menu").click()
        menu = self.page.get_by_role("menu", name="Main menu")
        expect(menu).to_be_visible()
        return menu

    def go_to(self, navigator_entry: str) -> None:
        self.navigator.get_by_role("link", name=navigator_entry, exact=True).click()
