"""Settings and maintenance: its login screen, the Terms of Service amendment and the Users screen."""

from __future__ import annotations

from playwright.sync_api import Locator, expect

from .screen import Screen


class SettingsLoginPage(Screen):
    screen = "settings_login"

    @property
    def heading(self) -> Locator:
        return self.control("heading")

    @property
    def ok_button(self) -> Locator:
        return self.control("ok")

    @property
    def refusal(self) -> Locator:
        return self.control("refusal")

    def open(self) -> SettingsLoginPage:
        self.page.goto(self.target.settings_login_url)
        return self

    def expect_shown(self) -> None:
        expect(self.heading).to_be_visible()
        expect(self.ok_button).to_be_visible()

    def sign_in(self, user_id: str, password: str) -> None:
        self.control("user_id").fill(user_id)
        self.control("password").fill(password)
        self.ok_button.click()


class TermsDialog(Screen):
    screen = "terms"

    @property
    def dialog(self) -> Locator:
        return self.control("dialog")

    @property
    def accept_box(self) -> Locator:
        return self.control("accept", self.dialog)

    @property
    def problem(self) -> Locator:
        return self.control("problem", self.dialog)

    def accept(self) -> None:
        self.accept_box.check()
        self.ok()

    def ok(self) -> None:
        self.control("ok", self.dialog).click()

    def cancel(self) -> None:
        self.control("cancel", self.dialog).click()


class SettingsScreen(Screen):
    """Any screen inside Settings and maintenance: its navigation has the Users entry."""

    screen = "settings"

    @property
    def navigation(self) -> Locator:
        return self.control("navigation")

    @property
    def signed_in_user(self) -> Locator:
        return self.control("signed_in_user")

    def expect_shown(self) -> None:
        expect(self.navigation).to_be_visible()

    def open_users_link(self) -> None:
        """Select Users in the navigation, whatever it leads to."""
        self.control("users", self.navigation).click()

    def open_users(self) -> UsersPage:
        self.open_users_link()
        users = UsersPage(self.page, self.target)
        users.expect_shown()
        return users

    def log_out(self) -> None:
        self.control("log_out").click()


class UsersPage(Screen):
    screen = "users"

    @property
    def table(self) -> Locator:
        return self.control("table")

    @property
    def notice(self) -> Locator:
        return self.control("notice")

    @property
    def problem(self) -> Locator:
        return self.control("problem")

    def expect_shown(self) -> None:
        expect(self.control("heading")).to_be_visible()
        expect(self.table).to_be_visible()

    def row(self, name: str) -> Locator:
        return self.control("row", self.table).filter(has_text=name)

    def open_add_user(self) -> None:
        self.control("add_user").click()
        expect(self.control("save")).to_be_visible()

    def add_user(
        self, name: str, email: str | None, username: str | None, role: str, password: str | None = None
    ) -> None:
        self.open_add_user()
        self.control("name").fill(name)
        if email:
            self.control("email").fill(email)
        if username:
            self.control("username").fill(username)
        self.control("role").select_option(label=role)
        if password:
            self.control("password").fill(password)
        self.control("save").click()

    def open_tasks(self, name: str) -> Locator:
        self.control("tasks_button", name=name).click()
        menu = self.control("tasks", name=name)
        expect(menu).to_be_visible()
        return menu

    def task(self, name: str, task: str) -> None:
        """Choose one of a user's tasks; `task` is the contract's key (edit_user, set_password...)."""
        self.control(task, self.open_tasks(name)).click()

    def offers_task(self, name: str, task: str) -> bool:
        menu = self.open_tasks(name)
        expect(self.control("task", menu).first).to_be_visible()
        offered = self.control(task, menu).count() > 0
        self.page.keyboard.press("Escape")
        return offered

    def set_password(self, name: str, password: str, confirmation: str | None = None) -> None:
        self.task(name, "set_password")
        self.control("new_password").fill(password)
        self.control("confirm_new_password").fill(password if confirmation is None else confirmation)
        self.control("save").click()

    def open_edit_user(self, name: str) -> None:
        self.task(name, "edit_user")
        expect(self.control("role")).to_be_visible()

    def change_role(self, name: str, role: str) -> None:
        self.open_edit_user(name)
        self.control("role").select_option(label=role)
        self.control("save").click()
