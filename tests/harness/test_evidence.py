"""A failed scenario's evidence in the HTML report: a screenshot and the address of each browser, the emails
its people received, the provider's requests about them, and the Playwright trace. A real scenario, run
through pytester against the bundled stack in a real browser (the one test here that starts one), made
to fail on purpose after an invited single sign-on user has opened the CRM."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from . import scenario_project

pytest_plugins = ["pytester"]

PROJECT = Path(__file__).resolve().parents[2]

CONFTEST = scenario_project.conftest("people", "signing_in", "single_sign_on", "email_links")

FEATURE = """
Feature: Evidence
  @online @SSO-1
  Scenario: A failure after Ann reached her provider
    Given Acme is a company that signs in with Microsoft 365
    And Ann has a Microsoft 365 account at Acme and has been sent an activation email
    When Ann follows the "Activate now" link in the email
    And Ann enters the email address and continues
    Then the scenario fails on purpose
"""

STEPS = """
from pytest_bdd import scenarios, then

scenarios("evidence.feature")


@then("the scenario fails on purpose")
def fails_on_purpose():
    raise AssertionError("failed on purpose, to leave evidence")
"""


def test_a_failed_scenario_leaves_its_evidence_in_the_report(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(PROJECT))
    pytester.makeconftest(CONFTEST)
    pytester.makefile(".feature", evidence=FEATURE)
    pytester.makepyfile(test_evidence=STEPS)
    report = pytester.path / "report"
    result = pytester.runpytest_subprocess(
        "--conformance-report", str(report), "--tracing", "retain-on-failure", "--output", str(report / "traces"),
        "-p", "no:cacheprovider", "-o", f"bdd_features_base_dir={pytester.path}",
    )  # fmt: skip
    result.assert_outcomes(failed=1)
    (scenario,) = json.loads((report / "results.json").read_text(encoding="utf-8"))["scenarios"]
    found = scenario["evidence"]
    (shot,) = found["browsers"]
    assert shot["person"] == "Ann" and shot["url"].startswith("https://")
    assert (report / shot["screenshot"]).read_bytes().startswith(b"\x89PNG")
    (email,) = found["emails"]
    assert any(link["text"] == "Activate now" for link in email["links"]), email
    assert found["provider_requests"]["microsoft"], "the provider's requests about Ann"
    assert scenario["trace"] and Path(scenario["trace"]).is_file()
    page = (report / "index.html").read_text(encoding="utf-8")
    assert f'src="{shot["screenshot"]}"' in page
    assert email["subject"] in page and "microsoft: " in page and scenario["trace"] in page
