"""What a fault run found, as `faults.json` and a self-contained `index.html`.

The catch score of a catalogue ID is the share of its measurable faults (caught or missed)
that the suite caught; broken faults are listed apart, never counted as either.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import jinja2

from .. import catalogue
from .runner import BROKEN, CAUGHT, MISSED, FaultResult


@dataclass(frozen=True)
class Score:
    faults: int
    caught: int
    missed: int
    broken: int

    @property
    def score(self) -> float | None:
        measured = self.caught + self.missed
        return self.caught / measured if measured else None

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "score": self.score}


def score(results: list[FaultResult]) -> Score:
    outcomes = [result.outcome for result in results]
    return Score(len(results), outcomes.count(CAUGHT), outcomes.count(MISSED), outcomes.count(BROKEN))


def scores_by_id(results: list[FaultResult]) -> dict[str, Score]:
    return {
        requirement_id: score([result for result in results if requirement_id in result.ids])
        for requirement_id in catalogue.load()
    }


def document(results: list[FaultResult], *, scope: str, jobs: int, started: float, finished: float) -> dict[str, Any]:
    return {
        "generated": time.strftime("%Y-%m-%d %H:%M:%S %Z", time.localtime(finished)),
        "duration_seconds": round(finished - started, 1),
        "jobs": jobs,
        "scope": scope,
        "summary": score(results).as_dict(),
        "by_id": {requirement_id: value.as_dict() for requirement_id, value in scores_by_id(results).items()},
        "missed": [result.name for result in results if result.outcome == MISSED],
        "broken": [result.name for result in results if result.outcome == BROKEN],
        "faults": [asdict(result) for result in results],
    }


def write(directory: Path, results: list[FaultResult], *, scope: str, jobs: int, started: float) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    data = document(results, scope=scope, jobs=jobs, started=started, finished=time.time())
    (directory / "faults.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("loginspec", "templates"), autoescape=True, undefined=jinja2.StrictUndefined
    )
    titles = {requirement.id: requirement.title for requirement in catalogue.load().values()}
    html = environment.get_template("faults.html").render(data=data, titles=titles)
    (directory / "index.html").write_text(html, encoding="utf-8")
    return directory / "index.html"
