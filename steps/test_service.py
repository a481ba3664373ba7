"""Steps of features/service.feature."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from pytest_bdd import parsers, scenarios, then, when

from loginspec.targets import Target

from .cast import Cast
from .pages.crm import MainScreen
from .pages.login import LoginPage
from .pages.service import ServiceDashboard, ServiceLanding

scenarios("service.feature")

WHICH = {"": "first", " in the first browser": "first", " in the second browser": "second"}


@when(parsers.parse("{name:w} selects Service in the navigator"))
def selects_service(cast: Cast, name: str) -> None:
    MainScreen(cast.browser(name)).go_to("Service")


@when(parsers.parse("{name:w} selects Log in"))
def selects_log_in(cast: Cast, name: str) -> None:
    landing = ServiceLanding(cast.browser(name))
    landing.expect_shown()
    landing.log_in_button.click()


@then(parsers.parse("the Service dashboard opens for {name:w}"))
def dashboard_opens(cast: Cast, name: str) -> None:
    ServiceDashboard(cast.browser(name)).expect_open_for(cast.person(name).person.name)
    cast.person(name).addresses["Service dashboard"] = cast.browser(name).url


@when(parsers.re(r"(?P<name>\w+) opens the Service dashboard in the (?P<which>first|second) browser"))
def opens_dashboard_in(cast: Cast, name: str, which: str) -> None:
    page = cast.browser(name, which)
    MainScreen(page).go_to("Service")
    landing = ServiceLanding(page)
    landing.expect_shown()
    landing.log_in_button.click()
    ServiceDashboard(page).expect_open_for(cast.person(name).person.name)
    cast.person(name).addresses["Service dashboard"] = page.url


@when(parsers.re(r"(?P<name>\w+) selects Log out in Service's Personal settings menu(?P<where>( in the \w+ browser)?)"))
def logs_out_of_service(cast: Cast, name: str, where: str) -> None:
    ServiceDashboard(cast.browser(name, WHICH[where])).log_out()


@then(parsers.re(r"(?P<name>\w+) is logged out of Service(?P<where>( in the \w+ browser)?)"))
def logged_out_of_service(cast: Cast, name: str, where: str) -> None:
    page = cast.browser(name, WHICH[where])
    ServiceLanding(page).expect_shown()
    expect(page.get_by_role("status")).to_contain_text(re.compile("logged out", re.IGNORECASE))
    expect(ServiceDashboard(page).heading).to_have_count(0)


@then(parsers.parse("{name:w}'s Service dashboard address no longer opens the dashboard"))
def dashboard_address_closed(cast: Cast, target: Target, name: str) -> None:
    page = cast.browser(name)
    page.goto(cast.person(name).addresses["Service dashboard"])
    # Service's own Log in, or the CRM's login screen when the CRM session has gone too.
    service_log_in = ServiceLanding(page).log_in_button
    expect(service_log_in.or_(LoginPage(page, target.login_url).heading).first).to_be_visible()
    expect(ServiceDashboard(page).heading).to_have_count(0)


@then(parsers.parse("{name:w}'s Service dashboard in the first browser still works"))
def first_dashboard_still_works(cast: Cast, name: str) -> None:
    page = cast.browser(name, "first")
    page.reload()
    ServiceDashboard(page).expect_open_for(cast.person(name).person.name)
