"""Steps of features/related_content.feature."""

from __future__ import annotations

from playwright.sync_api import Locator, expect
from pytest_bdd import parsers, scenarios, then, when

from loginspec.targets import Target

from .cast import Cast
from .pages.crm import MainScreen

scenarios("related_content.feature")


@when(parsers.parse("{name:w} opens the Personal settings menu"), target_fixture="menu_options")
def opens_personal_settings(cast: Cast, target: Target, name: str) -> Locator:
    return MainScreen(cast.browser(name), target).personal_settings_options()


@then("the menu lists options, Log out among them")
def menu_lists_log_out(cast: Cast, target: Target, menu_options: Locator) -> None:
    screen = MainScreen(cast.browser(next(iter(cast.members))), target)
    expect(screen.log_out_option).to_have_count(1)
    assert menu_options.count() >= 2, f"the menu lists only {menu_options.all_inner_texts()}"
