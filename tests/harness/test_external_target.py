"""Another deployment, started exactly as the README's walk-through starts it: the mail sink, both fake
providers with the CRM registered, and the reference CRM in both profiles, each a process of its own.
Then the harness reaches all of it through examples/external-target.toml, as a run would: it provisions,
reads the activation email, moves the clock, and follows the CRM to the provider it registered with.

(`scripts/try-external-target` runs the same commands and then browser scenarios against them.)
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from loginspec.net import http_client, parse_resolver_rules
from loginspec.people import PersonFactory
from loginspec.targets import ExternalTargets, load_target_file

from .html_forms import read_page
from .test_readme import WALK_THROUGH, _commands

PROJECT = Path(__file__).resolve().parents[2]
TARGET_FILE = PROJECT / "examples" / "external-target.toml"
HEALTH = (
    "http://127.0.0.1:8025/healthz",
    "http://127.0.0.1:8101/_control/keys",
    "http://127.0.0.1:8102/_control/keys",
    "http://127.0.0.1:8000/healthz",
    "http://127.0.0.1:8001/healthz",
)


# The README's walk-through listens on fixed ports, so two deployments must never run at once: scripts/test
# hands a module's tests to one worker (--dist loadfile; xdist 3.8's loadgroup does not group under pytest 9).
@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ExternalTargets]:
    """The README's commands, in one shell; the control secret is the test's own instead of a random one."""
    commands = [
        command
        for command in _commands(WALK_THROUGH.read_text(encoding="utf-8"))
        if not command.startswith("export CRM_CONTROL_SECRET=")
    ]
    script = "\n".join(command if command.startswith("export ") else f"{command} &" for command in commands)
    secret = secrets.token_urlsafe(24)
    environment = {**os.environ, "logs": str(tmp_path_factory.mktemp("external")), "CRM_CONTROL_SECRET": secret}
    services = subprocess.Popen(
        ["bash", "-c", script + "\nwait"],
        cwd=PROJECT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    previous = os.environ.get("CRM_CONTROL_SECRET")
    os.environ["CRM_CONTROL_SECRET"] = secret
    try:
        # Waiting for the services to come up: each connection is retried until one is accepted.
        with httpx.Client(transport=httpx.HTTPTransport(retries=60), timeout=30) as http:
            for url in HEALTH:
                assert http.get(url).status_code == 200, url
        targets = load_target_file(TARGET_FILE)
        yield targets
        targets.close()
    finally:
        if previous is None:
            os.environ.pop("CRM_CONTROL_SECRET", None)
        else:
            os.environ["CRM_CONTROL_SECRET"] = previous
        os.killpg(services.pid, signal.SIGTERM)
        services.wait(timeout=20)


def test_both_profiles_are_provisioned_and_send_their_email_through_the_sink(deployment: ExternalTargets) -> None:
    people = PersonFactory()
    for profile in ("online", "onsite"):
        target = deployment.targets[profile]
        assert target.mail is not None
        person = people.person()
        mark = target.mail.mark()
        target.provisioner.create_user(person, state="invited", send_activation_email=True)
        message = target.mail.wait_for(to=person.email, since=mark)
        link = message.link(target.contract.email_link("Activate now"))
        assert urlsplit(link).netloc == urlsplit(target.base_url).netloc, link


def test_the_clock_moves_and_the_providers_clocks_need_not(deployment: ExternalTargets) -> None:
    target = deployment.targets["online"]
    target.advance_clock(60)
    assert not any(provider.follows_target_clock for provider in target.identity_providers.values())


@pytest.mark.parametrize("kind", ["microsoft", "google"])
def test_the_crm_sends_a_single_sign_on_user_to_the_provider_it_is_registered_with(
    deployment: ExternalTargets, kind: str
) -> None:
    """The CRM's server found the provider's discovery document under its public name (the host map),
    and the provider accepts the client id and redirect URI it was started with."""
    target = deployment.targets["online"]
    provider = target.identity_providers[kind]
    people = PersonFactory()
    domain = people.email_domain()
    tenant = provider.control.add_tenant(name="Acme", domain=domain) if kind == "microsoft" else domain
    target.provisioner.create_company("Acme", email_domain=domain, sso_provider=kind, sso_tenant=tenant)
    browser = http_client(parse_resolver_rules("MAP *.test 127.0.0.1"))
    page = read_page(browser.get(target.login_url).text, target.login_url)
    form = next(form for form in page.forms if form.method == "post")
    answer = browser.post(form.action, data={**form.hidden, "user_id": f"ann@{domain}"})
    assert answer.status_code in (302, 303), answer.status_code
    authorize = answer.headers["location"]
    assert authorize.startswith(provider.base_url), authorize
    query = dict(parse_qsl(urlsplit(authorize).query))
    assert query["client_id"] == "crm"
    sign_in_page = browser.get(authorize)
    assert sign_in_page.status_code == 200, "the provider refused the CRM's client or redirect URI"
    browser.close()


@pytest.mark.parametrize("kind", ["microsoft", "google"])
def test_a_user_provisioned_linked_to_the_providers_account_signs_in_through_it(
    deployment: ExternalTargets, kind: str
) -> None:
    """The identity the harness works out for the target (the only client registered at the provider)
    is the one the CRM sees in the provider's ID token; a provider session made through the fake's
    control API makes the sign-in silent, as the single sign-on Background relies on."""
    target = deployment.targets["online"]
    provider = target.identity_providers[kind]
    person = PersonFactory().person()
    domain = person.email.partition("@")[2]
    tenant = provider.control.add_tenant(name="Acme", domain=domain) if kind == "microsoft" else domain
    company = target.provisioner.create_company("Acme", email_domain=domain, sso_provider=kind, sso_tenant=tenant)
    realm = {"tenant": tenant} if kind == "microsoft" else {"domain": domain}
    identity = provider.identity_for_target(
        provider.control.add_user(person.email, person.password, person.name, **realm)
    )
    assert identity is not None
    target.provisioner.create_user(person, company=company, sso_identity=identity)
    cookie = provider.control.sign_in_browser(person.email)
    browser = http_client(parse_resolver_rules("MAP *.test 127.0.0.1"))
    browser.cookies.set(cookie["name"], cookie["value"], domain=urlsplit(provider.base_url).hostname or "")
    page = read_page(browser.get(target.login_url).text, target.login_url)
    form = next(form for form in page.forms if form.method == "post")
    answer = browser.post(form.action, data={**form.hidden, "user_id": person.email})
    for _ in range(4):  # the CRM, the provider (silent, from its session), the CRM's callback
        if answer.status_code not in (302, 303):
            break
        answer = browser.get(httpx.URL(str(answer.url)).join(answer.headers["location"]))
    assert answer.status_code == 200 and person.name in answer.text, (answer.url, answer.text[:300])
    browser.close()
