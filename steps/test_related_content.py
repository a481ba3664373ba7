"""Steps of features/related_content.feature."""

from __future__ import annotations

from playwright.sync_api import expect
from pytest_bdd import parsers, scenarios, then, when

from .cast import Cast
from .pages.crm import MainScreen

scenarios("related_content.feature")


@when(parsers.parse("{name:w} opens the Personal settings menu"), target_fixture="menu")
def opens_personal_settings(cast: Cast, name: str):  # type: ignore[no-untyped-def]
    return MainScreen(cast.browser(name)).open_personal_settings()


@then("the menu lists options, Log out among them")
def menu_lists_log_out(menu) -> None:  # type: ignore[no-untyped-def]
    items = menu.get_by_role("menuitem")
    expect(items.filter(has_text="Log out")).to_have_count(1)
    assert items.count() >= 2, f"the menu lists only {items.all_inner_texts()}"
