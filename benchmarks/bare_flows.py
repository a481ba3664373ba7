"""Five scenarios of the suite written as a bare Playwright script: the yardstick for the harness's overhead.

Each flow does what its scenario does on the bundled CRM (English, online profile) and nothing more:
the same provisioning calls to the CRM's control API and the fake Microsoft's (httpx), the same mail sink
API calls to read the emailed link, the same browser contexts and pages (a fresh context per round, closed
at the end), the same clicks and typing, and the same checks of what the scenario's Then steps check. The
controls are found by role and label, as a user sees them. No page objects, no contract, no listeners.

    LOGIN-1   test_login.py          An active user logs in with user ID and password
    ACT-1     test_activation.py     A new user activates the account with a password of their own
    PWD-1     test_forgot_password   Online, a forgotten password is replaced through an emailed link
    SSO-1     test_sso.py            A user of a Microsoft 365 company activates the account through it
    SAM-1     test_settings_...      Settings and maintenance opens from the CRM's main menu
"""

from __future__ import annotations

import re
import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from playwright.sync_api import Browser, BrowserContext, Page, expect

from loginspec.people import Person

WORDS = ("copper", "lantern", "orbit", "meadow", "quartz", "harbour", "violet", "thistle", "granite", "cobalt")


@dataclass(frozen=True)
class Services:
    """Where the running stack answers: the CRM as the browser reaches it (its own host name), and the APIs
    a test calls on 127.0.0.1."""

    crm: str
    control: httpx.Client
    """The CRM's control API, with its secret in the Authorization header."""
    mail: httpx.Client
    """The mail sink's HTTP API."""
    microsoft: httpx.Client
    """The fake Microsoft's control API."""


def someone(first_name: str, domain: str = "bare.test") -> Person:
    last = "".join(secrets.choice(string.ascii_lowercase) for _ in range(8)).capitalize()
    tag = secrets.token_hex(3)
    return Person(first_name, last, f"{first_name.lower()}.{tag}@{domain}", f"{first_name.lower()}{tag}", passphrase())


def passphrase() -> str:
    return " ".join(secrets.choice(WORDS) for _ in range(4)) + f" {secrets.randbelow(90) + 10}"


# The APIs


def create_user(
    services: Services,
    person: Person,
    role: str = "Standard user",
    state: str = "active",
    company_id: int | None = None,
    send_activation_email: bool = False,
) -> dict[str, Any]:
    response = services.control.post(
        "/users",
        json={
            "name": person.name,
            "email": person.email,
            "username": person.username,
            "password": None if state == "invited" else person.password,
            "role": role,
            "state": state,
            "company_id": company_id,
            "send_activation_email": send_activation_email,
        },
    )
    response.raise_for_status()
    answer: dict[str, Any] = response.json()
    return answer


def mail_mark(services: Services) -> int:
    seq: int = services.mail.get("/api/mark").raise_for_status().json()["seq"]
    return seq


def emailed_link(services: Services, to: str, anchor: str, since: int) -> str:
    """The link called `anchor` in the next email to `to`, waiting for it to arrive (long poll)."""
    response = services.mail.get("/api/wait", params={"to": to, "subject": "", "since": since, "timeout": 10})
    links: list[dict[str, str]] = response.raise_for_status().json()["links"]
    return next(link["href"] for link in links if link["text"].strip().casefold() == anchor.casefold())


# What a person does


def new_browser(browser: Browser) -> tuple[BrowserContext, Page]:
    """As the suite's contexts are made (pytest-playwright's, with the plugin's context arguments)."""
    context = browser.new_context(locale="en-GB", service_workers="block")
    return context, context.new_page()


def log_in(page: Page, crm: str, user_id: str, password: str) -> None:
    """The online login screen asks for the user ID first, then the password."""
    page.goto(f"{crm}/login")
    page.get_by_role("textbox", name="User ID").fill(user_id)
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()


def expect_main_screen(page: Page, person: Person) -> None:
    expect(page.get_by_role("navigation", name="Navigator")).to_be_visible()
    expect(page.get_by_role("region", name="Signed-in user")).to_contain_text(person.name)


def create_password(page: Page, person: Person, password: str) -> None:
    """The page an emailed link opens: the user ID shown, not editable; password, confirmation, submit."""
    user_id = page.get_by_role("textbox", name="Email")
    expect(user_id).to_have_value(person.email)
    expect(user_id).not_to_be_editable()
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Confirm Password", exact=True).fill(password)
    page.get_by_role("button", name=re.compile("^(create new password|save new password)$", re.I)).click()


# The five scenarios


def login(browser: Browser, services: Services) -> None:
    ann = someone("Ann")
    create_user(services, ann)
    context, page = new_browser(browser)
    log_in(page, services.crm, ann.email, ann.password)
    expect_main_screen(page, ann)
    context.close()


def activation(browser: Browser, services: Services) -> None:
    ada, ann = someone("Ada"), someone("Ann")
    create_user(services, ada, role="User level 0")
    ada_context, settings = new_browser(browser)
    settings.goto(f"{services.crm}/settings/login")
    settings.get_by_role("textbox", name="User ID").fill(ada.email)
    settings.get_by_label("Password", exact=True).fill(ada.password)
    settings.get_by_role("button", name="OK").click()
    navigation = settings.get_by_role("navigation", name="Settings and maintenance")
    navigation.get_by_role("link", name="Users").click()
    expect(settings.get_by_role("table", name="Users")).to_be_visible()
    since = mail_mark(services)
    settings.get_by_role("link", name="Add user").click()
    settings.get_by_role("textbox", name="Name").fill(ann.name)
    settings.get_by_role("textbox", name="Email address").fill(ann.email)
    settings.get_by_role("combobox", name="Role").select_option(label="Standard user")
    settings.get_by_role("button", name="Save").click()
    expect(settings.get_by_role("status")).to_be_visible()
    link = emailed_link(services, ann.email, "Activate now", since)
    ann_context, page = new_browser(browser)
    page.goto(link)
    create_password(page, ann, ann.password)
    expect_main_screen(page, ann)
    ann_context.close()
    ada_context.close()


def forgotten_password(browser: Browser, services: Services) -> None:
    ann = someone("Ann")
    create_user(services, ann)
    since = mail_mark(services)
    context, page = new_browser(browser)
    page.goto(f"{services.crm}/login")
    page.get_by_role("link", name="Forgot your password?").click()
    page.get_by_role("textbox", name="Email address").fill(ann.email)
    page.get_by_role("button", name="Reset Password").click()
    expect(page.get_by_role("status")).to_contain_text(re.compile("e-?mail", re.I))
    page.goto(emailed_link(services, ann.email, "Reset password", since))
    new_password = passphrase()
    create_password(page, ann, new_password)
    expect(page.get_by_role("status")).to_contain_text(re.compile("password has (been )?changed", re.I))
    log_in(page, services.crm, ann.email, new_password)
    expect_main_screen(page, ann)
    old_context, old = new_browser(browser)
    log_in(old, services.crm, ann.email, ann.password)
    expect(old.get_by_role("alert")).to_be_visible()
    old_context.close()
    context.close()


def single_sign_on_microsoft(browser: Browser, services: Services) -> None:
    domain = f"acme-{secrets.token_hex(3)}.test"
    tenant = services.microsoft.post("/tenants", json={"name": "Acme", "domain": domain, "tenant_id": None})
    tenant_id = tenant.raise_for_status().json()["tenant_id"]
    company = services.control.post(
        "/companies",
        json={"name": "Acme", "email_domain": domain, "sso_provider": "microsoft", "sso_tenant": tenant_id},
    )
    ann = someone("Ann", domain)
    services.microsoft.post(
        "/users", json={"email": ann.email, "password": ann.password, "name": ann.name, "tenant": tenant_id}
    ).raise_for_status()
    since = mail_mark(services)
    company_id = company.raise_for_status().json()["id"]
    create_user(services, ann, state="invited", company_id=company_id, send_activation_email=True)
    link = emailed_link(services, ann.email, "Activate now", since)
    context, page = new_browser(browser)
    page.goto(link)
    email = page.get_by_role("textbox", name="Email address")
    expect(email).to_be_editable()
    expect(page.get_by_label("Password", exact=True)).to_have_count(0)
    expect(page.get_by_label("Confirm Password", exact=True)).to_have_count(0)
    email.fill(ann.email)
    page.get_by_role("button", name="Next").click()
    # Microsoft, given the address as login hint, asks for the password straight away.
    page.get_by_label("Password", exact=True).fill(ann.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Stay signed in?")).to_be_visible()
    page.get_by_role("button", name="Yes").click()
    expect_main_screen(page, ann)
    context.close()


def settings_and_maintenance(browser: Browser, services: Services) -> None:
    ada = someone("Ada")
    create_user(services, ada, role="User level 0")
    context, page = new_browser(browser)
    log_in(page, services.crm, ada.email, ada.password)
    expect_main_screen(page, ada)
    page.get_by_role("button", name="Main menu").click()
    page.get_by_role("menu", name="Main menu").get_by_role("menuitem", name="Settings and maintenance").click()
    expect(page.get_by_role("heading", name="Settings and maintenance")).to_be_visible()
    expect(page.get_by_role("button", name="OK")).to_be_visible()
    page.get_by_role("textbox", name="User ID").fill(ada.email)
    page.get_by_label("Password", exact=True).fill(ada.password)
    page.get_by_role("button", name="OK").click()
    expect(page.get_by_role("navigation", name="Settings and maintenance")).to_be_visible()
    context.close()


Flow = Callable[[Browser, Services], None]
FLOWS: dict[str, Flow] = {
    "LOGIN-1 user ID and password": login,
    "ACT-1 activation from Activate now": activation,
    "PWD-1 forgotten password by email": forgotten_password,
    "SSO-1 Microsoft 365 activation": single_sign_on_microsoft,
    "SAM-1 Settings and maintenance login": settings_and_maintenance,
}
