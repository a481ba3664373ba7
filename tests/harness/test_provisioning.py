"""HttpProvisioner against the reference app's real control API, online and onsite."""

from __future__ import annotations

from collections.abc import Iterator

import argon2
import httpx
import pytest

from loginspec.net import http_client
from loginspec.people import Person, PersonFactory
from loginspec.provisioning import HttpProvisioner, ProvisionedUser, ProvisioningError, SsoIdentity, UserState

from .conftest import CONTROL_SECRET, ReferenceApp
from .html_forms import read_page


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    """The harness's own client, as targets use it (the control API sets no cookies to share)."""
    with http_client() as client:
        yield client


@pytest.fixture
def provisioner(reference_app: ReferenceApp, http: httpx.Client) -> HttpProvisioner:
    # With a trailing slash, as a target file may well give it: the provisioner must not double it.
    return HttpProvisioner(reference_app.control_url + "/", CONTROL_SECRET, http)


@pytest.fixture(scope="module")
def people() -> PersonFactory:
    return PersonFactory()


def sign_in(app: ReferenceApp, user_id: str, password: str) -> httpx.Response:
    """Fill in the login form as a browser would (CSRF token included), identifier-first or one page."""
    # Plain HTTP on loopback: verify=False only spares loading the CA bundle for each new client.
    with httpx.Client(follow_redirects=False, timeout=10, verify=False) as browser:
        url = app.url + "/login"
        response = browser.get(url)
        for _ in range(2):
            form = next(form for form in read_page(response.text, url).forms if "user_id" in dict(form.fields))
            data = {**form.hidden, "user_id": user_id}
            if "password" in dict(form.fields):
                return browser.post(form.action, data={**data, "password": password})
            url, response = form.action, browser.post(form.action, data=data)
        raise AssertionError(f"no password field on {url}")


def test_create_company(provisioner: HttpProvisioner, people: PersonFactory) -> None:
    domain = people.email_domain()
    company = provisioner.create_company("Harness Widgets Ltd", email_domain=domain)
    assert company.id > 0
    assert (company.name, company.email_domain, company.sso_provider, company.sso_tenant) == (
        "Harness Widgets Ltd",
        domain,
        None,
        None,
    )
    assert provisioner.create_company("Second Ltd").id != company.id


@pytest.mark.parametrize("state", ["active", "invited", "disabled"])
def test_create_a_user_in_each_state(
    reference_app: ReferenceApp, provisioner: HttpProvisioner, people: PersonFactory, state: UserState
) -> None:
    company = provisioner.create_company(people.company_name())
    person = people.person()
    user = provisioner.create_user(person, state=state, company=company)
    assert user.id > 0
    assert user.person == person
    assert user.state == state
    assert user.role == "Standard user"
    assert user.company_id == company.id
    expected_user_id = person.email if reference_app.profile == "online" else person.username
    assert user.user_id == expected_user_id == person.user_id(reference_app.profile)


def test_the_states_are_real_on_the_target(
    reference_app: ReferenceApp, provisioner: HttpProvisioner, people: PersonFactory
) -> None:
    """Only the active user can sign in; the invited one has no password stored at all."""
    active, invited, disabled = (
        provisioner.create_user(people.person(), state=state) for state in ("active", "invited", "disabled")
    )
    assert sign_in(reference_app, active.user_id, active.person.password).status_code == 303
    assert sign_in(reference_app, disabled.user_id, disabled.person.password).status_code == 400
    assert sign_in(reference_app, invited.user_id, invited.person.password).status_code == 400
    assert provisioner.stored_credentials(invited)["password_hash"] is None
    assert provisioner.stored_credentials(disabled)["password_hash"] is not None


def test_the_user_id_online_is_the_email_and_onsite_the_user_name(
    reference_apps: dict[str, ReferenceApp], http: httpx.Client, people: PersonFactory
) -> None:
    person = people.person()
    ids = {
        profile: HttpProvisioner(app.control_url, CONTROL_SECRET, http).create_user(person).user_id
        for profile, app in reference_apps.items()
    }
    assert ids == {"online": person.email, "onsite": person.username}


def test_a_role_can_be_chosen(provisioner: HttpProvisioner, people: PersonFactory) -> None:
    user = provisioner.create_user(people.person(), role="Settings and maintenance operator")
    assert user.role == "Settings and maintenance operator"


def test_a_duplicate_user_is_refused(provisioner: HttpProvisioner, people: PersonFactory) -> None:
    person = people.person()
    provisioner.create_user(person)
    twin = people.person()
    twin = Person(twin.first_name, twin.last_name, person.email, person.username, twin.password)
    with pytest.raises(ProvisioningError, match=r"POST /users answered 409: .*already taken"):
        provisioner.create_user(twin)


def test_a_duplicate_email_is_refused_online(
    reference_apps: dict[str, ReferenceApp], http: httpx.Client, people: PersonFactory
) -> None:
    provisioner = HttpProvisioner(reference_apps["online"].control_url, CONTROL_SECRET, http)
    person = people.person()
    provisioner.create_user(person)
    other = people.person()
    same_email = Person(other.first_name, other.last_name, person.email.upper(), other.username, other.password)
    with pytest.raises(ProvisioningError, match="email is already taken"):
        provisioner.create_user(same_email)


def test_a_duplicate_user_name_is_refused_onsite(
    reference_apps: dict[str, ReferenceApp], http: httpx.Client, people: PersonFactory
) -> None:
    provisioner = HttpProvisioner(reference_apps["onsite"].control_url, CONTROL_SECRET, http)
    person = people.person()
    provisioner.create_user(person)
    other = people.person()
    same_username = Person(other.first_name, other.last_name, other.email, person.username, other.password)
    with pytest.raises(ProvisioningError, match="username is already taken"):
        provisioner.create_user(same_username)


def test_an_unknown_role_is_refused(provisioner: HttpProvisioner, people: PersonFactory) -> None:
    with pytest.raises(ProvisioningError, match=r"answered 400: .*role must name an existing role"):
        provisioner.create_user(people.person(), role="Emperor")


def test_a_password_the_policy_refuses_is_refused(provisioner: HttpProvisioner, people: PersonFactory) -> None:
    person = people.person().with_password("password")
    with pytest.raises(ProvisioningError, match="refused by the policy"):
        provisioner.create_user(person)


def test_an_identity_provider_the_deployment_lacks_is_refused(provisioner: HttpProvisioner) -> None:
    with pytest.raises(ProvisioningError, match="answered 409: .*no microsoft identity provider"):
        provisioner.create_company("SSO Ltd", email_domain="sso-ltd.test", sso_provider="microsoft", sso_tenant="t1")


def test_a_wrong_secret_is_refused(reference_app: ReferenceApp, http: httpx.Client) -> None:
    with pytest.raises(ProvisioningError, match="answered 401"):
        HttpProvisioner(reference_app.control_url, "not-the-secret", http).create_company("Nope Ltd")


def test_advance_clock_moves_the_targets_clock(reference_app: ReferenceApp, provisioner: HttpProvisioner) -> None:
    before = reference_app.context.clock.now()
    provisioner.advance_clock(7200)
    moved = reference_app.context.clock.now() - before
    assert 7200 <= moved < 7200 + 60


def test_the_clock_does_not_go_back(provisioner: HttpProvisioner) -> None:
    with pytest.raises(ProvisioningError, match="answered 400: .*seconds must be a number"):
        provisioner.advance_clock(-1)


def test_stored_credentials_hold_an_argon2id_hash_of_the_password(
    provisioner: HttpProvisioner, people: PersonFactory
) -> None:
    user: ProvisionedUser = provisioner.create_user(people.person())
    stored = provisioner.stored_credentials(user)
    password_hash = stored["password_hash"]
    assert password_hash.startswith("$argon2id$")
    assert user.person.password not in password_hash
    assert argon2.PasswordHasher().verify(password_hash, user.person.password)
    assert stored["email_tokens"] == [] and stored["sessions"] == []


def test_stored_credentials_of_an_unknown_user(provisioner: HttpProvisioner, people: PersonFactory) -> None:
    user = provisioner.create_user(people.person(), state="invited")
    ghost = ProvisionedUser(user.id + 10_000, user.person, user.user_id, user.role, user.state, user.company_id)
    with pytest.raises(ProvisioningError, match="answered 404"):
        provisioner.stored_credentials(ghost)


def test_a_target_that_ignores_sso_identity_is_told_to_declare_the_capability_absent(people: PersonFactory) -> None:
    """A CRM whose control API takes POST /users but not sso_identity (it answers without it) must not
    leave the scenario with a user who only looks linked."""

    def older_crm(request: httpx.Request) -> httpx.Response:
        body = {"id": 7, "user_id": "ann@example.test", "role": "Standard user", "company_id": 2}
        return httpx.Response(201, json=body)

    with httpx.Client(transport=httpx.MockTransport(older_crm)) as client:
        provisioner = HttpProvisioner("http://crm.example.test/_control", CONTROL_SECRET, client)
        identity = SsoIdentity("https://accounts.google.com", "1234567890")
        with pytest.raises(ProvisioningError, match="capabilities.linked_sso_users absent"):
            provisioner.create_user(people.person(), sso_identity=identity)
        assert provisioner.create_user(people.person()).id == 7


def test_an_opened_session_signs_a_browser_in(
    reference_app: ReferenceApp, provisioner: HttpProvisioner, people: PersonFactory
) -> None:
    user = provisioner.create_user(people.person())
    opened = provisioner.open_session(user, "crm")
    assert opened.location.startswith("/") and opened.cookies
    with httpx.Client(base_url=reference_app.url, follow_redirects=False, verify=False) as browser:
        assert browser.get(opened.location).status_code == 303  # signed out: the login screen
        for cookie in opened.cookies:
            browser.cookies.set(cookie["name"], cookie["value"])
        assert browser.get(opened.location).status_code == 200
    assert [session["scope"] for session in provisioner.stored_credentials(user)["sessions"]] == ["crm"]


def test_a_session_a_sign_in_could_not_make_is_refused(provisioner: HttpProvisioner, people: PersonFactory) -> None:
    invited = provisioner.create_user(people.person(), state="invited")
    with pytest.raises(ProvisioningError, match="answered 409"):
        provisioner.open_session(invited, "crm")
    standard = provisioner.create_user(people.person())
    with pytest.raises(ProvisioningError, match="answered 409"):
        provisioner.open_session(standard, "settings")


USABLE_COOKIE = {"name": "s", "value": "v", "path": "/", "secure": True, "httpOnly": True, "sameSite": "Lax"}


@pytest.mark.parametrize(
    "answer",
    [
        {},
        {"cookies": [], "location": "/crm"},
        {"cookies": "s=v", "location": "/crm"},
        {"cookies": [{"name": "s", "value": "v"}], "location": "/crm"},
        {"cookies": [USABLE_COOKIE | {"secure": 1}], "location": "/crm"},
        {"cookies": [USABLE_COOKIE | {"sameSite": "lax"}], "location": "/crm"},
        {"cookies": [USABLE_COOKIE | {"max_age": "3600"}], "location": "/crm"},
        {"cookies": [USABLE_COOKIE]},
        {"cookies": [USABLE_COOKIE], "location": "https://evil.test/crm"},
        {"cookies": [USABLE_COOKIE], "location": "//evil.test/crm"},
    ],
)
def test_a_target_that_answers_no_usable_session_is_told_to_declare_the_capability_absent(
    answer: dict[str, object],
) -> None:
    def crm(request: httpx.Request) -> httpx.Response:
        return httpx.Response(201, json=answer)

    user = ProvisionedUser(7, PersonFactory().person(), "ann", "Standard user", "active", 1)
    with httpx.Client(transport=httpx.MockTransport(crm)) as client:
        provisioner = HttpProvisioner("http://crm.example.test/_control", CONTROL_SECRET, client)
        with pytest.raises(ProvisioningError, match="capabilities.provisioned_sessions absent"):
            provisioner.open_session(user, "crm")


def test_a_usable_session_answer_is_taken_as_it_is() -> None:
    answer = {"cookies": [USABLE_COOKIE | {"max_age": 3600}], "location": "/crm"}
    with httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(201, json=answer))) as client:
        provisioner = HttpProvisioner("http://crm.example.test/_control", CONTROL_SECRET, client)
        user = ProvisionedUser(7, PersonFactory().person(), "ann", "Standard user", "active", 1)
        opened = provisioner.open_session(user, "crm")
    assert (opened.cookies, opened.location) == (answer["cookies"], "/crm")


@pytest.mark.parametrize("status", [404, 405, 501])
def test_a_target_without_the_sessions_call_is_told_to_declare_the_capability_absent(status: int) -> None:
    def crm(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, text="Not Found")

    user = ProvisionedUser(7, PersonFactory().person(), "ann", "Standard user", "active", 1)
    with httpx.Client(transport=httpx.MockTransport(crm)) as client:
        provisioner = HttpProvisioner("http://crm.example.test/_control", CONTROL_SECRET, client)
        with pytest.raises(ProvisioningError, match="capabilities.provisioned_sessions absent") as refused:
            provisioner.open_session(user, "crm")
    assert refused.value.status == status
