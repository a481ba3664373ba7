"""Which Chromium the suite drives, and the arguments it starts with."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from loginspec.browsers import (
    ENVIRONMENT_VARIABLE,
    SYSTEM_CHROMIUMS,
    SYSTEM_HEADLESS_SHELLS,
    BrowserNotFound,
    find_chromium,
    launch_arguments,
)


@pytest.fixture
def executable(tmp_path: Path) -> Path:
    path = tmp_path / "my-chromium"
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


@pytest.fixture(autouse=True)
def no_browser_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the machine sets, each test starts without LOGINSPEC_CHROMIUM."""
    monkeypatch.delenv(ENVIRONMENT_VARIABLE, raising=False)


def test_an_explicit_path_that_does_not_exist_is_refused(tmp_path: Path, executable: Path) -> None:
    missing = tmp_path / "no-such-chromium"
    with pytest.raises(BrowserNotFound, match="no-such-chromium"):
        find_chromium(str(missing), str(executable))


def test_an_explicit_directory_is_not_a_browser(tmp_path: Path) -> None:
    with pytest.raises(BrowserNotFound):
        find_chromium(str(tmp_path), None)


def test_an_explicit_existing_file_is_used_even_with_playwrights_own(executable: Path, tmp_path: Path) -> None:
    bundled = tmp_path / "bundled-chromium"
    bundled.write_text("")
    assert find_chromium(str(executable), str(bundled)) == str(executable)
    assert find_chromium(str(executable), None, headless=False) == str(executable)


def test_the_environment_variable_is_honoured(monkeypatch: pytest.MonkeyPatch, executable: Path) -> None:
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, str(executable))
    assert find_chromium(None, None) == str(executable)


def test_the_environment_variable_pointing_nowhere_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, str(tmp_path / "gone"))
    with pytest.raises(BrowserNotFound, match=ENVIRONMENT_VARIABLE):
        find_chromium(None, None)


def test_the_explicit_path_wins_over_the_environment(
    monkeypatch: pytest.MonkeyPatch, executable: Path, tmp_path: Path
) -> None:
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, str(tmp_path / "gone"))
    assert find_chromium(str(executable), None) == str(executable)


def test_an_existing_bundled_executable_means_playwrights_own(executable: Path) -> None:
    assert find_chromium(None, str(executable)) is None
    assert find_chromium(None, str(executable), headless=False) is None


def test_without_a_bundled_one_a_system_chromium_or_a_clear_error(tmp_path: Path) -> None:
    """Machine-dependent by nature: whatever the machine has, the choice follows the documented order."""
    missing_bundled = str(tmp_path / "not-installed")
    for headless, candidates in ((True, SYSTEM_HEADLESS_SHELLS + SYSTEM_CHROMIUMS), (False, SYSTEM_CHROMIUMS)):
        installed = [path for path in candidates if Path(path).is_file()]
        if installed:
            assert find_chromium(None, missing_bundled, headless=headless) == installed[0]
        else:
            with pytest.raises(BrowserNotFound, match="playwright install chromium"):
                find_chromium(None, missing_bundled, headless=headless)


def test_launch_arguments_carry_the_resolver_rules_only_when_given() -> None:
    with_rules = launch_arguments("MAP *.test 127.0.0.1")
    assert "--host-resolver-rules=MAP *.test 127.0.0.1" in with_rules
    for rules in (None, ""):
        assert not [argument for argument in launch_arguments(rules) if "host-resolver-rules" in argument]
    assert "--disable-gpu" in with_rules


def test_no_sandbox_exactly_when_running_as_root() -> None:
    assert ("--no-sandbox" in launch_arguments(None)) == (os.geteuid() == 0)


@pytest.mark.parametrize(("uid", "sandboxed"), [(0, False), (1000, True)])
def test_no_sandbox_follows_the_user(monkeypatch: pytest.MonkeyPatch, uid: int, sandboxed: bool) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: uid)
    assert ("--no-sandbox" not in launch_arguments("MAP * 127.0.0.1")) == sandboxed


def test_pinned_keys_are_the_only_certificate_errors_the_browser_is_told_to_accept() -> None:
    arguments = launch_arguments("MAP *.test 127.0.0.1", ("a2V5MQ==", "a2V5Mg=="))
    assert "--ignore-certificate-errors-spki-list=a2V5MQ==,a2V5Mg==" in arguments
    assert not [argument for argument in arguments if argument == "--ignore-certificate-errors"]
    assert not [argument for argument in launch_arguments(None) if "certificate" in argument]
