"""Fixtures shared by every feature. Shared steps live in steps/common/ (registered by the root conftest)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import BrowserContext, expect

from loginspec import evidence
from loginspec.contract import Contract
from loginspec.people import PersonFactory
from loginspec.targets import Target

from .cast import Cast, Reply


@pytest.fixture
def browser_traffic() -> bool:
    """Whether the people's browsers record every request and response they make. Off unless a feature's step
    module says otherwise with a fixture of this name: recording costs the driver five messages a request, and
    only a few steps read it (the cast's `requests_made`, `responses` and what builds on them refuse to answer
    where nothing was recorded)."""
    return False


@pytest.fixture
def cast(
    target: Target,
    people: PersonFactory,
    new_context: Callable[..., BrowserContext],
    browser_traffic: bool,
    request: pytest.FixtureRequest,
) -> Iterator[Cast]:
    expect.set_options(timeout=target.waits.expect_seconds * 1000)  # the target file's, for a slow deployment
    target.http.cookies.clear()  # the HTTP client outlives scenarios; its cookies must not
    # With --doc-screenshots, a picture of the activation email needs the links the person followed.
    records_traffic = browser_traffic or bool(request.config.getoption("doc_screenshots"))
    scenario_cast = Cast(target, people, new_context, records_traffic)
    evidence.offer(request.node, scenario_cast)
    yield scenario_cast
    scenario_cast.clean_up()


@pytest.fixture
def contract(target: Target) -> Contract:
    """What the target shows and promises: the names, wordings and numbers steps rely on."""
    return target.contract


@pytest.fixture
def reply() -> Reply:
    return Reply()
