"""`python -m fake_services.idp`: arguments, seeding, and a real run stopped by Ctrl-C."""

from __future__ import annotations

import ctypes
import os
import platform
import signal
import subprocess
import sys

import pytest

from fake_services.idp import GoogleProvider, MicrosoftProvider
from fake_services.idp.__main__ import describe, parse_args, seed

TGKILL = 234  # the tgkill system call on x86-64 Linux: a signal to one thread of a process


def _interruptible() -> None:
    """In the child: Ctrl-C as at a terminal. A suite started in the background (`cmd &` in a script) has
    SIGINT ignored, every child inherits that, and Python then installs no KeyboardInterrupt handler."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_arguments_are_parsed_into_clients_and_users() -> None:
    args = parse_args(
        [
            "microsoft",
            "--port",
            "8401",
            "--client",
            "crm:s3cret:http://crm.test:8000/sso/callback",
            "--user",
            "contoso.test:alice@contoso.test:pw:Alice Example: Jr",
        ]
    )
    assert (args.flavour, args.port, args.public_host) == ("microsoft", 8401, None)
    assert args.client[0].redirect_uri == "http://crm.test:8000/sso/callback"
    assert args.user[0].realm == "contoso.test"
    assert args.user[0].name == "Alice Example: Jr"


@pytest.mark.parametrize("argument", [["--client", "only-an-id"], ["--user", "realm:email-only"]])
def test_malformed_specs_are_usage_errors(argument: list[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        parse_args(["google", *argument])
    assert exited.value.code == 2


def test_seeding_microsoft_creates_one_tenant_per_realm(microsoft: MicrosoftProvider) -> None:
    args = parse_args(
        [
            "microsoft",
            "--client",
            "crm:s3cret:http://crm.test/a",
            "--client",
            "crm:s3cret:http://crm.test/b",
            "--user",
            "contoso.test:alice@contoso.test:pw:Alice",
            "--user",
            "contoso.test:bob@contoso.test:pw:Bob",
            "--user",
            "Fabrikam:frank@fabrikam.test:pw:Frank",
        ]
    )
    lines = seed(microsoft, args.client, args.user)
    assert lines[0] == "client  crm  redirect URIs: http://crm.test/a http://crm.test/b"
    assert sum(line.startswith("tenant") for line in lines) == 2
    alice, bob = microsoft.control.user("alice@contoso.test"), microsoft.control.user("bob@contoso.test")
    assert alice["tid"] == bob["tid"] != microsoft.control.user("frank@fabrikam.test")["tid"]
    assert set(alice["subs"]) == {"crm"}
    assert describe(microsoft)[2].startswith(f"discovery        {microsoft.base_url}/common/v2.0/")


def test_seeding_google_users_with_and_without_a_domain(google: GoogleProvider) -> None:
    args = parse_args(["google", "--user", "acme.test:gina@acme.test:pw:Gina", "--user", ":sam@gmail.test:pw:Sam"])
    seed(google, args.client, args.user)
    assert google.control.user("gina@acme.test")["hd"] == "acme.test"
    assert google.control.user("sam@gmail.test")["hd"] is None


def test_running_by_hand_prints_the_urls_and_stops_on_ctrl_c() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "fake_services.idp", "google", "--public-host", "accounts.google.test"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_interruptible,
    )
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        lines.append(line.rstrip())
        if line.startswith("Press Ctrl-C"):
            break
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0
    output = "\n".join(lines)
    assert "public base URL  http://accounts.google.test:" in output
    assert "/.well-known/openid-configuration" in output
    assert "control API      http://127.0.0.1:" in output


@pytest.mark.skipif(
    not (sys.platform == "linux" and platform.machine() == "x86_64"), reason="tgkill's syscall number is x86-64 Linux's"
)
def test_ctrl_c_stops_it_even_when_a_server_thread_receives_the_signal() -> None:
    """The kernel may hand SIGINT to any thread; seen in CI under load: a server thread got it, the main
    thread stayed blocked in a wait without a timeout, and the provider never stopped."""
    process = subprocess.Popen(
        [sys.executable, "-m", "fake_services.idp", "google"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        preexec_fn=_interruptible,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("Press Ctrl-C"):
            break
    thread = next(int(task) for task in os.listdir(f"/proc/{process.pid}/task") if int(task) != process.pid)
    assert ctypes.CDLL(None, use_errno=True).syscall(TGKILL, process.pid, thread, signal.SIGINT) == 0
    assert process.wait(timeout=30) == 0
