"""Cucumber JSON from the conformance report's results, complete under xdist.

pytest-bdd's own `--cucumberjson` writes `[]` when the scenarios run in xdist workers; the
report already gathers every scenario's steps from the workers, so the same document is made
from them here: one feature per feature file, one element per scenario run (each target's run
its own, as an outline's examples are), every step with its status and duration in
nanoseconds. A scenario that never ran (skipped, not checkable) is listed with no steps.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .report import ScenarioResult


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _steps(result: ScenarioResult) -> list[dict[str, Any]]:
    steps = []
    failed_already = False
    for step in result.steps:
        if failed_already:
            status = "skipped"  # pytest-bdd marks the steps after a failure failed; Cucumber calls them skipped
        elif step.get("failed"):
            status, failed_already = "failed", True
        else:
            status = "passed"
        outcome: dict[str, Any] = {"status": status, "duration": int(float(step.get("duration", 0)) * 1e9)}
        if status == "failed" and result.message:
            outcome["error_message"] = result.message
        steps.append(
            {
                "keyword": f"{step.get('keyword', step.get('type', '')).strip()} ",
                "name": step["name"],
                "line": step.get("line_number", 0),
                "match": {"location": f"{result.feature_file}:{step.get('line_number', 0)}"},
                "result": outcome,
            }
        )
    return steps


def _element(result: ScenarioResult) -> dict[str, Any]:
    return {
        "keyword": result.keyword,
        "type": "scenario",
        "id": f"{_slug(result.feature)};{_slug(result.name)};{_slug(result.target or result.profile)}",
        "name": result.name if not result.target else f"{result.name} [{result.target}]",
        "line": result.line,
        "description": "",
        "tags": [{"name": f"@{tag}", "line": max(result.line - 1, 0)} for tag in result.tags],
        "steps": _steps(result),
    }


def document(results: Sequence[ScenarioResult]) -> list[dict[str, Any]]:
    features: dict[str, dict[str, Any]] = {}
    for result in sorted(results, key=lambda result: (result.feature_file, result.line, result.nodeid)):
        uri = result.feature_file or result.feature
        feature = features.setdefault(
            uri,
            {
                "uri": uri,
                "id": _slug(result.feature),
                "keyword": "Feature",
                "name": result.feature,
                "line": 1,
                "description": "",
                "tags": [],
                "elements": [],
            },
        )
        feature["elements"].append(_element(result))
    return list(features.values())
