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
def cast(
    target: Target, people: PersonFactory, new_context: Callable[..., BrowserContext], request: pytest.FixtureRequest
) -> Iterator[Cast]:
    expect.set_options(timeout=target.waits.expect_seconds * 1000)  # the target file's, for a slow deployment
    target.http.cookies.clear()  # the HTTP client outlives scenarios; its cookies must not
    scenario_cast = Cast(target, people, new_context)
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
