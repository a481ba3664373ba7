"""--doc-screenshots and --compare-with through the real plugin: a real scenario, run through pytester against
the bundled stack in a real browser, takes the help page's pictures of the screens it reaches (the login
screen, the activation email, the screen for choosing a password) and compares them with an earlier set in
which the login screen looked otherwise and a picture the run does not take existed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from . import scenario_project

pytest_plugins = ["pytester"]

PROJECT = Path(__file__).resolve().parents[2]

CONFTEST = scenario_project.conftest("people", "signing_in", "email_links", "passwords")

FEATURE = """
Feature: Help page pictures
  @online @ACT-1
  Scenario: Ann sees the login screen and activates
    Given Ann has been sent an activation email
    When Ann opens the login screen
    And Ann follows the "Activate now" link in the email
    Then Ann is asked to create a password for Ann's own user ID
"""

STEPS = """
from pytest_bdd import scenarios

scenarios("pictures.feature")
"""

HELP_PAGE = """---
language: en
---
# Log in
Select **Log in**, or **Activate now** in the email, then **Create New Password**. **Nowhere Button** drifts.

![Login][a] ![Email][b] ![Password][c] ![Google][d]

[a]: media/login-screen.png
[b]: media/activate-now-email.png
[c]: media/create-password.png
[d]: media/login-screen-google.png
"""


def test_the_run_takes_the_pictures_and_compares_them(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(PROJECT))
    pytester.makeconftest(CONFTEST)
    pytester.makefile(".feature", pictures=FEATURE)
    pytester.makepyfile(test_pictures=STEPS)
    help_page = pytester.path / "logging-in.md"
    help_page.write_text(HELP_PAGE, encoding="utf-8")
    earlier, shots, report = pytester.path / "earlier", pytester.path / "shots", pytester.path / "report"
    earlier.mkdir()
    Image.new("RGB", (640, 360), (255, 255, 255)).save(earlier / "login-screen.png")
    Image.new("RGB", (640, 360), (255, 255, 255)).save(earlier / "login-screen-google.png")
    result = pytester.runpytest_subprocess(
        "--doc-screenshots", str(shots), "--compare-with", str(earlier), "--help-page", str(help_page),
        "--conformance-report", str(report), "-p", "no:cacheprovider", "-o", f"bdd_features_base_dir={pytester.path}",
    )  # fmt: skip
    result.assert_outcomes(passed=1)
    for name in ("login-screen.png", "activate-now-email.png", "create-password.png"):
        assert (shots / name).read_bytes().startswith(b"\x89PNG"), name
    assert not (shots / "login-screen-google.png").exists()
    result.stdout.fnmatch_lines(
        [
            "*Help page pictures*",
            f"3 of 4 pictures of {help_page} in {shots}",
            "*not shown by any scenario of this run: login-screen-google.png",
            f"Compared with {earlier}: 1 changed, 1 missing, 2 new",
            f"  changed: login-screen.png (* pixels; {shots / 'diff' / 'login-screen.png'})",
            "  missing: login-screen-google.png",
            "Labels: 3 of 4 bold labels of the help page found on screen (0 not screen labels);*",
            "  not found: 'Nowhere Button'",
        ]
    )
    assert (shots / "diff" / "login-screen.png").is_file()
    found = json.loads((report / "results.json").read_text(encoding="utf-8"))["doc_screenshots"]
    assert found["changed"] == ["login-screen.png"] and found["missing"] == ["login-screen-google.png"]
    assert found["label_drift"] == ["Nowhere Button"]
    labels = {label["label"]: label for label in found["labels"]}
    assert labels["Activate now"]["screen"] == "the activation email" and labels["Activate now"]["role"] == "link"
    assert labels["Create New Password"]["role"] == "button"
    drift = json.loads((shots / "label-drift.json").read_text(encoding="utf-8"))
    assert drift["not_found"] == ["Nowhere Button"]
    page = (report / "index.html").read_text(encoding="utf-8")
    assert "Help page pictures" in page and "Label drift" in page
    assert (
        'src="help-pictures/create-password.png"' in page and 'href="help-pictures/difference-login-screen.png"' in page
    )
    assert (report / "help-pictures" / "difference-login-screen.png").is_file()
