"""Time passing, on the target's controllable clock (no waiting), measured in the contract's numbers.

The bundled reference stands its clock still between moves, so "but for a second" and "another
second" land exactly on either side of a limit.
"""

from __future__ import annotations

from pytest_bdd import parsers, when

from loginspec.contract import Contract
from loginspec.targets import Target

# The spans the scenarios name, as (contract number, seconds per unit).
SPANS = {
    "activation link's lifetime": ("activation_link_hours", 3600),
    "reset link's lifetime": ("reset_link_minutes", 60),
    "idle timeout": ("idle_timeout_minutes", 60),
    "absolute timeout": ("absolute_timeout_hours", 3600),
    "lockout": ("lockout_minutes", 60),
    "email window": ("email_window_minutes", 60),
}


def span(contract: Contract, name: str) -> int:
    number, unit = SPANS[name]
    return int(contract.number(number) * unit)


@when(parsers.parse("the {name} passes but for a second"))
def passes_but_for_a_second(target: Target, contract: Contract, name: str) -> None:
    target.advance_clock(span(contract, name) - 1)


@when("another second passes")
def another_second_passes(target: Target) -> None:
    target.advance_clock(1)


@when("two more seconds pass")
def two_more_seconds_pass(target: Target) -> None:
    target.advance_clock(2)


@when(parsers.parse("the {name} passes"))
def passes(target: Target, contract: Contract, name: str) -> None:
    target.advance_clock(span(contract, name))
