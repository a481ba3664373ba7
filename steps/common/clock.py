"""Time passing, on the target's controllable clock (no waiting)."""

from __future__ import annotations

from pytest_bdd import parsers, when

from loginspec.targets import Target


@when(parsers.parse("{hours:d} hours and {minutes:d} minutes pass"))
def time_passes(target: Target, hours: int, minutes: int) -> None:
    target.provisioner.advance_clock(hours * 3600 + minutes * 60)


@when(parsers.parse("{minutes:d} minutes pass"))
def minutes_pass(target: Target, minutes: int) -> None:
    target.provisioner.advance_clock(minutes * 60)


@when("another minute passes")
def another_minute_passes(target: Target) -> None:
    target.provisioner.advance_clock(60)
