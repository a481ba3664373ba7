"""Scenarios through a remote browser: a Playwright browser server started as a process of its own
(`playwright run-server`), the suite connecting to it with --browser-endpoint instead of launching one.
The server starts the browser with the run's resolver rules and certificate pins (sent as launch
options), so a sign-in through the fake Microsoft over HTTPS under its real name works through it."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from loginspec.browsers import find_chromium

PROJECT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def browser_server() -> Iterator[str]:
    port = _free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "playwright"), "run-server", "--host", "127.0.0.1", "--port", str(port),
         "--unsafe"],
        stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        line = server.stdout.readline()  # blocks until the server says where it listens
        assert line.startswith("Listening on ws://"), line
        yield line.removeprefix("Listening on ").strip()
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_scenarios_pass_through_a_browser_server(browser_server: str) -> None:
    with sync_playwright() as playwright:
        chromium = find_chromium(None, playwright.chromium.executable_path)
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "steps/test_login.py", "steps/test_sso.py", "-p", "no:cacheprovider", "-q",
         "-k", "logs_in_with_user_id or activates_the_account_through",
         "--browser-endpoint", browser_server, *(["--chromium", chromium] if chromium else [])],
        cwd=PROJECT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout[-3000:]
    assert "4 passed" in completed.stdout, completed.stdout[-3000:]


def test_without_the_server_the_run_fails_rather_than_launching_a_browser_of_its_own() -> None:
    nowhere = f"ws://127.0.0.1:{_free_port()}/"
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "steps/test_login.py", "-p", "no:cacheprovider", "-q",
         "-k", "logs_in_with_user_id and online", "--browser-endpoint", nowhere],
        cwd=PROJECT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert completed.returncode != 0
    assert "connect" in completed.stdout.lower(), completed.stdout[-3000:]
