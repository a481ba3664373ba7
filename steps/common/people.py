"""Who is in a scenario: people provisioned on the target in a given state."""

from __future__ import annotations

from pytest_bdd import given, parsers

from loginspec.contract import Contract

from ..cast import Cast


@given(parsers.parse("{name:w} is an active user"))
def active_user(cast: Cast, name: str) -> None:
    cast.provision(name, state="active")


@given(parsers.parse("{name:w} is an active user with the role {role}"))
def active_user_with_role(cast: Cast, contract: Contract, name: str, role: str) -> None:
    cast.provision(name, state="active", role=contract.role(role))


@given(parsers.parse("{name:w} is an administrator"))
def administrator(cast: Cast, contract: Contract, name: str) -> None:
    cast.provision(name, state="active", role=contract.role("User level 0"))


@given(parsers.parse("{name:w} has been added as a user but has not activated the account"))
def invited_user(cast: Cast, name: str) -> None:
    cast.provision(name, state="invited")


@given(parsers.parse("{name:w} has been added as a user with a password on file but has not activated the account"))
def invited_user_with_password(cast: Cast, name: str) -> None:
    """Only the account's state can refuse this user: the password the step types is the one stored."""
    cast.provision(name, state="invited", with_password=True)


@given(parsers.parse("{name:w} is a user whose account is disabled"))
def disabled_user(cast: Cast, name: str) -> None:
    cast.provision(name, state="disabled")


@given(parsers.parse("{name:w} has been sent an activation email"))
def sent_activation_email(cast: Cast, name: str) -> None:
    cast.expect_mail(name)
    cast.provision(name, state="invited", send_activation_email=True)
    cast.email(name, subject="")
