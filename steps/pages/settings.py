"""Settings and maintenance: its login screen, the Terms of Service amendment and the Users screen."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from .login import USER_ID_NAME


class SettingsLoginPage:
    def __init__(self, page: Page, login_url: str) -> None:
        self.page = page
        self.login_url = login_url

    @property
    def heading(self) -> Locator:
        return self.page.get_by_role("heading", name="Settings and maintenance")

    @property
    def ok_button(self) -> Locator:
        return self.page.get_by_role("button", name="OK", exact=True)

    @property
    def refusal(self) -> Locator:
        return self.page.get_by_role("alert")

    def open(self) -> SettingsLoginPage:
        self.page.goto(self.login_url)
        self.expect_shown()
        return self

    def expect_shown(self) -> None:
        expect(self.heading).to_be_visible()
        expect(self.ok_button).to_be_visible()

    def sign_in(self, user_id: str, password: str) -> None:
        self.page.get_by_role("textbox", name=USER_ID_NAME).fill(user_id)
        self.page.get_by_label("Password", exact=True).fill(password)
        self.ok_button.click()


class TermsDialog:
    def __init__(self, page: Page) -> None:
        self.page = page

    @property
    def dialog(self) -> Locator:
        return self.page.get_by_role("dialog", name=re.compile(r"terms of service", re.IGNORECASE))

    def accept(self) -> None:
        self.dialog.get_by_role("checkbox", name="Accept").check()
        self.ok()

    def ok(self) -> None:
        self.dialog.get_by_role("button", name="OK", exact=True).click()

    def cancel(self) -> None:
        self.dialog.get_by_role("button", name="Cancel").click()


class SettingsScreen:
    """Any screen inside Settings and maintenance: it has the Users entry in its navigation."""

    def __init__(self, page: Page) -> None:
        self.page = page

    @property
    def navigation(self) -> Locator:
        return self.page.get_by_role("navigation", name="Settings and maintenance")

    def expect_shown(self) -> None:
        expect(self.navigation).to_be_visible()

    def open_users(self) -> UsersPage:
        self.navigation.get_by_role("link", name="Users").click()
        users = UsersPage(self.page)
        users.expect_shown()
        return users


class UsersPage:
    def __init__(self, page: Page) -> None:
        self.page = page

    @property
    def table(self) -> Locator:
        return self.page.get_by_role("table", name="Users")

    @property
    def notice(self) -> Locator:
        return self.page.get_by_role("status")

    @property
    def problem(self) -> Locator:
        return self.page.get_by_role("alert")

    def expect_shown(self) -> None:
        expect(self.page.get_by_role("heading", name="Users", exact=True)).to_be_visible()

    def row(self, name: str) -> Locator:
        return self.table.get_by_role("row").filter(has=self.page.get_by_role("cell", name=name, exact=True))

    def add_user(
        self, name: str, email: str | None, username: str | None, role: str, password: str | None = None
    ) -> None:
        self.page.get_by_role("link", name="Add user").click()
        self.page.get_by_role("textbox", name="Name", exact=True).fill(name)
        if email:
            self.page.get_by_role("textbox", name="Email address").fill(email)
        if username:
            self.page.get_by_role("textbox", name="User name").fill(username)
        self.page.get_by_role("combobox", name="Role").select_option(label=role)
        if password:
            self.page.get_by_label("Password", exact=True).fill(password)
        self.page.get_by_role("button", name="Save").click()

    def task(self, name: str, task: str) -> None:
        self.page.get_by_role("button", name=f"Tasks for {name}").click()
        menu = self.page.get_by_role("menu", name=f"Tasks for {name}")
        menu.get_by_role("menuitem", name=task).click()

    def tasks_offered(self, name: str) -> list[str]:
        self.page.get_by_role("button", name=f"Tasks for {name}").click()
        menu = self.page.get_by_role("menu", name=f"Tasks for {name}")
        expect(menu).to_be_visible()
        offered = menu.get_by_role("menuitem").all_inner_texts()
        self.page.keyboard.press("Escape")
        return [text.strip() for text in offered]

    def set_password(self, name: str, password: str) -> None:
        self.task(name, "Set password")
        self.page.get_by_label("New password", exact=True).fill(password)
        self.page.get_by_label("Confirm password", exact=True).fill(password)
        self.page.get_by_role("button", name="Save").click()

    def change_role(self, name: str, role: str) -> None:
        self.task(name, "Edit user")
        self.page.get_by_role("combobox", name="Role").select_option(label=role)
        self.page.get_by_role("button", name="Save").click()
