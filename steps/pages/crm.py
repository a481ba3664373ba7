"""The CRM main screen: the signed-in user, the navigator, the main menu and Personal settings."""

from __future__ import annotations

from playwright.sync_api import Locator, expect

from .screen import Screen


class MainScreen(Screen):
    screen = "main"

    @property
    def signed_in_user(self) -> Locator:
        return self.control("signed_in_user")

    @property
    def navigator(self) -> Locator:
        return self.control("navigator")

    def expect_open_for(self, name: str) -> None:
        expect(self.navigator).to_be_visible()
        expect(self.signed_in_user).to_contain_text(name)

    def open_personal_settings(self) -> Locator:
        self.control("personal_settings_button").click()
        menu = self.control("personal_settings")
        expect(menu).to_be_visible()
        return menu

    def personal_settings_options(self) -> Locator:
        return self.control("personal_settings_option", self.open_personal_settings())

    @property
    def log_out_option(self) -> Locator:
        return self.control("log_out", self.control("personal_settings"))

    def log_out(self) -> None:
        self.open_personal_settings()
        self.log_out_option.click()

    def open_main_menu(self) -> Locator:
        self.control("main_menu_button").click()
        menu = self.control("main_menu")
        expect(menu).to_be_visible()
        return menu

    def open_settings_and_maintenance(self) -> None:
        self.control("settings_and_maintenance", self.open_main_menu()).click()

    def go_to_service(self) -> None:
        self.control("service", self.navigator).click()

    def other_areas(self) -> list[str]:
        """The addresses of the navigator's entries other than Service and the page shown now."""
        expect(self.navigator).to_be_visible()
        service = self.control("service", self.navigator).evaluate("link => link.href")
        hrefs = self.control("navigator_entry", self.navigator).evaluate_all("links => links.map(link => link.href)")
        return [href for href in hrefs if href not in (self.page.url, service)]
