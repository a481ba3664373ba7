"""Run the whole bundled stack by hand: `python -m loginspec.stack`.

Starts the reference CRM (online and onsite), the mail sink and both identity
providers in this process, creates demo people (password users, an administrator,
and one single sign-on user per provider waiting for activation), and prints where
everything is. Stop with Ctrl-C.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from fake_services.serving import wait_until_stopped

from .bundled import BundledStack
from .people import Person
from .provisioning import ProvisioningError

T = TypeVar("T")

DEMO_PASSWORD = "lantern orbit maple 42"
# Fixed, so that a CRM kept in --workdir still trusts the tenant after a restart of the (in-memory) provider.
DEMO_TENANT_ID = "7d1b6c1e-3f0a-4c55-9a42-2f2f7bf5d0c1"


def _seed(stack: BundledStack) -> list[str]:
    """Demo people; with a kept --workdir they exist from the last run, which is fine."""
    lines = []
    for profile, target in stack.targets.items():
        for first, last, role in (("Ada", "Admin", "User level 0"), ("Sam", "Seller", "Standard user")):
            person = Person(first, last, f"{first.lower()}@demo.test", first.lower(), DEMO_PASSWORD)
            _create_unless_there(target.provisioner.create_user, person, role=role)
            lines.append(f"  {profile:<7} {role:<14} user ID {person.user_id(profile):<16} password {DEMO_PASSWORD}")
    online = stack.targets["online"]
    for kind, name, domain, first in (
        ("microsoft", "Contoso", "contoso.test", "Mia"),
        ("google", "Fabrikam", "fabrikam.test", "Gus"),
    ):
        provider = online.identity_providers[kind]
        email = f"{first.lower()}@{domain}"
        if kind == "microsoft":
            tenant = provider.control.add_tenant(name=name, domain=domain, tenant_id=DEMO_TENANT_ID)
            provider.control.add_user(email, DEMO_PASSWORD, f"{first} {name}", tenant=tenant)
        else:
            tenant = domain
            provider.control.add_user(email, DEMO_PASSWORD, f"{first} {name}", domain=domain)
        company = _create_unless_there(
            online.provisioner.create_company, name, email_domain=domain, sso_provider=kind, sso_tenant=tenant
        )
        person = Person(first, name, email, first.lower(), DEMO_PASSWORD)
        if company is not None:
            online.provisioner.create_user(person, state="invited", company=company, send_activation_email=True)
            state = "invited: open the activation email in the inbox"
        else:
            state = "from an earlier run"
        lines.append(f"  online  {kind:<14} {email:<24} {state}; password at {kind}: {DEMO_PASSWORD}")
    return lines


def _create_unless_there(create: Callable[..., T], *arguments: object, **options: object) -> T | None:
    try:
        return create(*arguments, **options)
    except ProvisioningError as error:
        if " 409:" not in str(error):
            raise
        return None


def _relay(stack: BundledStack) -> str:
    sink = stack.mail_sink
    return ("STARTTLS, " if sink.starttls else "") + ("AUTH required" if sink.auth_required else "no AUTH")


def _browser_flags(stack: BundledStack) -> str:
    flags = [f'--host-resolver-rules="{stack.host_resolver_rules}"']
    if stack.pinned_keys:
        flags.append(f"--ignore-certificate-errors-spki-list={','.join(stack.pinned_keys)}")
    return " ".join(flags)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m loginspec.stack", description=__doc__)
    parser.add_argument("--workdir", type=Path, help="keep the SQLite files here (default: a temporary folder)")
    parser.add_argument("--plain-http", action="store_true", help="serve plain HTTP instead of HTTPS")
    parser.add_argument(
        "--provider-names",
        choices=("real", "test"),
        default="real",
        help="the providers' host names: Microsoft's and Google's own (default) or *.test ones",
    )
    arguments = parser.parse_args()
    with BundledStack(
        arguments.workdir, https=not arguments.plain_http, provider_names=arguments.provider_names
    ) as stack:
        accounts = _seed(stack)
        print("Loginspec bundled stack is running.\n")
        for profile, target in stack.targets.items():
            print(f"  CRM ({profile}):  {target.base_url}/login")
            print(f"    Settings and maintenance: {target.base_url}/settings/login")
        sink = stack.mail_sink
        print(f"  Mail inbox:     {stack.mail_url}/   (SMTP on {sink.smtp_host}:{sink.smtp_port}, {_relay(stack)})")
        print(f"  Microsoft:      {stack.microsoft.base_url}")
        print(f"  Google:         {stack.google.base_url}\n")
        print("Demo accounts:")
        print("\n".join(accounts))
        print("\nThese host names (and, with real provider names, Microsoft's and Google's) point at this machine")
        print("only inside a browser started as:")
        print(f"  chromium --user-data-dir=$(mktemp -d) {_browser_flags(stack)}")
        if stack.ca_file:
            print(f"The services' certificates come from a local authority made for this run: {stack.ca_file}")
        print("Press Ctrl-C to stop.")
        try:
            wait_until_stopped()
        except KeyboardInterrupt:
            print("\nStopping.")


if __name__ == "__main__":
    main()
