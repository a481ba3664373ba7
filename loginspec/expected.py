"""What a deployment is known to fail, from its target file, so that a release gate can ratchet:

    [expected_failures]
    "SEC-28" = "HSTS comes from the load balancer, which staging does not have"
    "A wrong password is refused without saying what was wrong" = "ticket CRM-1234"

A key is a catalogue ID (every scenario tagged with it) or a scenario's name (as the report
shows it, or as the feature file writes an outline's). Such scenarios are reported as expected
failures when they fail, and as "now passing" when they pass, which `--require-every-id` turns
into a failed run until the entry is removed.
"""

from __future__ import annotations

from typing import Any

from . import catalogue

EXPECTED = "expected to fail on this target"


class ExpectedFailuresError(Exception):
    pass


def expected_failures(document: dict[str, Any]) -> dict[str, str]:
    table = document.get("expected_failures", {})
    if not isinstance(table, dict):
        raise ExpectedFailuresError("'expected_failures' must be a table of ID or scenario name = reason")
    for key, reason in table.items():
        if not isinstance(reason, str) or not reason.strip():
            raise ExpectedFailuresError(f"expected_failures: {key!r} needs a reason, as a string")
        if catalogue.ID_PATTERN.match(key) and not catalogue.is_catalogue_id(key):
            raise ExpectedFailuresError(f"expected_failures: {key} is not an ID of the catalogue")
    return dict(table)


def reason_for(expected: dict[str, str], requirement_ids: list[str], names: tuple[str, ...]) -> str | None:
    """Why the scenario is expected to fail, or None; a scenario listed by name wins over its IDs."""
    for key in (*names, *requirement_ids):
        if key in expected:
            return f"{key}: {expected[key]}"
    return None
