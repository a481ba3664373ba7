"""Steps of features/service.feature."""

from __future__ import annotations

from playwright.sync_api import expect
from pytest_bdd import parsers, scenarios, then, when

from loginspec.contract import Contract
from loginspec.targets import Target

from .cast import Cast
from .pages.crm import MainScreen
from .pages.login import LoginPage
from .pages.service import ServiceDashboard, ServiceLanding

scenarios("service.feature")

WHICH = {"": "first", " in the first browser": "first", " in the second browser": "second"}


@when(parsers.parse("{name:w} selects Service in the navigator"))
def selects_service(cast: Cast, target: Target, name: str) -> None:
    MainScreen(cast.browser(name), target).go_to_service()


@when(parsers.parse("{name:w} selects Log in"))
def selects_log_in(cast: Cast, target: Target, name: str) -> None:
    landing = ServiceLanding(cast.browser(name), target)
    landing.expect_shown()
    landing.log_in_button.click()


@then(parsers.parse("the Service dashboard opens for {name:w}"))
def dashboard_opens(cast: Cast, target: Target, name: str) -> None:
    ServiceDashboard(cast.browser(name), target).expect_open_for(cast.person(name).person.name)
    cast.person(name).addresses["Service dashboard"] = cast.browser(name).url


@when(parsers.re(r"(?P<name>\w+) opens the Service dashboard in the (?P<which>first|second) browser"))
def opens_dashboard_in(cast: Cast, target: Target, name: str, which: str) -> None:
    page = cast.browser(name, which)
    MainScreen(page, target).go_to_service()
    landing = ServiceLanding(page, target)
    landing.expect_shown()
    landing.log_in_button.click()
    ServiceDashboard(page, target).expect_open_for(cast.person(name).person.name)
    cast.person(name).addresses["Service dashboard"] = page.url


@when(parsers.re(r"(?P<name>\w+) selects Log out in Service's Personal settings menu(?P<where>( in the \w+ browser)?)"))
def logs_out_of_service(cast: Cast, target: Target, name: str, where: str) -> None:
    ServiceDashboard(cast.browser(name, WHICH[where]), target).log_out()


@then(parsers.re(r"(?P<name>\w+) is logged out of Service(?P<where>( in the \w+ browser)?)"))
def logged_out_of_service(cast: Cast, target: Target, contract: Contract, name: str, where: str) -> None:
    page = cast.browser(name, WHICH[where])
    landing = ServiceLanding(page, target)
    landing.expect_shown()
    expect(landing.notice).to_contain_text(contract.wording("logged_out").regex())
    expect(ServiceDashboard(page, target).heading).to_have_count(0)


@then(parsers.parse("{name:w}'s Service dashboard address no longer opens the dashboard"))
def dashboard_address_closed(cast: Cast, target: Target, name: str) -> None:
    page = cast.browser(name)
    page.goto(cast.person(name).addresses["Service dashboard"])
    # Service's own Log in, or the CRM's login screen when the CRM session has gone too.
    service_log_in = ServiceLanding(page, target).log_in_button
    expect(service_log_in.or_(LoginPage(page, target).heading).first).to_be_visible()
    expect(ServiceDashboard(page, target).heading).to_have_count(0)


@then(parsers.parse("{name:w}'s Service dashboard in the first browser still works"))
def first_dashboard_still_works(cast: Cast, target: Target, name: str) -> None:
    page = cast.browser(name, "first")
    page.reload()
    ServiceDashboard(page, target).expect_open_for(cast.person(name).person.name)
