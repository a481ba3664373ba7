"""Run the reference CRM on its own: `python -m reference_app [options]`.

It creates demo accounts (unless told not to) and prints them with its URL, so a
person can try every screen by hand. `--test-mode` also opens the control API
(provisioning, the clock), protected by the secret in CRM_CONTROL_SECRET, or else
by a random one it prints.
"""

from __future__ import annotations

import argparse
import os
import secrets
from pathlib import Path

import uvicorn

from .app import create_app
from .demo import DEMO_PASSWORD, seed_demo_accounts
from .presentation import PRESENTATIONS
from .settings import PROFILES, Settings, parse_host_map


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m reference_app", description=__doc__)
    parser.add_argument("--profile", choices=PROFILES, default="online")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--base-url", help="public URL (default: http://HOST:PORT)")
    parser.add_argument("--database", type=Path, default=None, help="SQLite file (default: var/crm-PROFILE.sqlite3)")
    parser.add_argument("--smtp-host", help="mail server (default: CRM_SMTP_HOST or 127.0.0.1)")
    parser.add_argument("--smtp-port", type=int, help="mail server port (default: CRM_SMTP_PORT or 2525)")
    parser.add_argument(
        "--smtp-starttls",
        action="store_true",
        default=None,
        help="upgrade the mail connection with STARTTLS, checking the certificate (default: CRM_SMTP_STARTTLS)",
    )
    parser.add_argument(
        "--smtp-username",
        help="sign in to the mail server as this user; the password comes from CRM_SMTP_PASSWORD only "
        "(default: CRM_SMTP_USERNAME)",
    )
    parser.add_argument(
        "--host-map",
        help="outbound name mapping, e.g. '*.test=127.0.0.1,accounts.google.com=127.0.0.1:8443' "
        "(default: CRM_HOST_MAP)",
    )
    parser.add_argument("--certfile", type=Path, help="serve HTTPS with this certificate (PEM, chain after it)")
    parser.add_argument("--keyfile", type=Path, help="the certificate's private key (PEM)")
    parser.add_argument(
        "--ca-file", type=Path, help="a private authority to trust besides the system's (default: CRM_CA_FILE)"
    )
    parser.add_argument("--no-demo-accounts", action="store_true", help="do not create the demo accounts")
    parser.add_argument("--test-mode", action="store_true", help="open the control API and the movable clock")
    parser.add_argument(
        "--presentation",
        choices=PRESENTATIONS,
        help="language and paths of the pages: en (the default) or nb (Norwegian) (default: CRM_PRESENTATION)",
    )
    return parser.parse_args()


def main() -> None:
    arguments = parse_arguments()
    if (arguments.certfile is None) != (arguments.keyfile is None):
        raise SystemExit("--certfile and --keyfile go together")
    scheme = "https" if arguments.certfile else "http"
    base_url = arguments.base_url or f"{scheme}://{arguments.host}:{arguments.port}"
    given: dict[str, object] = {
        "smtp_host": arguments.smtp_host,
        "smtp_port": arguments.smtp_port,
        "smtp_starttls": arguments.smtp_starttls,
        "smtp_username": arguments.smtp_username,
        "host_map": parse_host_map(arguments.host_map) if arguments.host_map is not None else None,
        "ca_file": arguments.ca_file,
    }
    if os.environ.get("CRM_SMTP_PORT") is None and arguments.smtp_port is None:
        given["smtp_port"] = 2525  # the mail sink's usual port, rather than 25
    try:
        settings = Settings.from_environ(
            base_url=base_url,
            profile=arguments.profile,
            database_path=arguments.database or Path(f"var/crm-{arguments.profile}.sqlite3"),
            **{name: value for name, value in given.items() if value is not None},
            **({"presentation": arguments.presentation} if arguments.presentation else {}),
            **(
                {
                    "test_mode": True,
                    "control_secret": os.environ.get("CRM_CONTROL_SECRET") or secrets.token_urlsafe(16),
                }
                if arguments.test_mode
                else {}
            ),
        )
    except ValueError as error:
        raise SystemExit(f"reference CRM: {error}") from None
    app = create_app(settings)
    print(f"Reference CRM ({settings.profile}, {settings.presentation}) at {settings.url('/login')}")
    print(f"  Settings and maintenance: {settings.url('/settings/login')}")
    print(f"  Email goes to SMTP {settings.smtp_host}:{settings.smtp_port}{mail_security(settings)}")
    if not arguments.no_demo_accounts:
        for account in seed_demo_accounts(app.state.context):
            print(f"  {account.role:<15} user ID {account.user_id:<16} password {DEMO_PASSWORD}")
    if settings.test_mode:
        print(f"  Control API: {settings.base_url}/_control/... with 'Authorization: Bearer {settings.control_secret}'")
    uvicorn.run(
        app,
        host=arguments.host,
        port=arguments.port,
        log_level="info",
        ssl_certfile=arguments.certfile,
        ssl_keyfile=arguments.keyfile,
    )


def mail_security(settings: Settings) -> str:
    """How the CRM talks to its mail server, for the start-up lines (never the password)."""
    parts = ["STARTTLS"] if settings.smtp_starttls else []
    if settings.smtp_username is not None:
        parts.append(f"AUTH as {settings.smtp_username}")
    return f" ({', '.join(parts)})" if parts else ""


if __name__ == "__main__":
    main()
