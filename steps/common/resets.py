"""Asking for a password reset from the login screen (online)."""

from __future__ import annotations

from pytest_bdd import given, parsers, when

from loginspec.targets import Target

from ..cast import Cast
from ..journeys import request_reset


@when(parsers.parse("{name:w} asks to reset the password from the login screen"))
def asks_for_reset(cast: Cast, target: Target, name: str) -> None:
    cast.expect_mail(name)
    request_reset(cast.browser(name), target, cast.person(name).person.email)


@given(parsers.parse("{name:w} has asked to reset the password"))
def has_asked_for_reset(cast: Cast, target: Target, name: str) -> None:
    """From a browser of its own, so the request never disturbs a session the scenario holds."""
    cast.expect_mail(name)
    request_reset(cast.browser(name, "reset request"), target, cast.person(name).person.email)
    cast.email(name, subject="")
