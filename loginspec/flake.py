"""`python -m loginspec.flake`: the browser suite run N times, each in another random order, and the
first-attempt pass rate of every scenario (nothing is rerun: a scenario that fails once is flaky or broken).

Each run writes its conformance report under reports/flake/run-K/; the tally goes to
reports/flake/flake.json and is printed: runs, seeds, scenario runs, failures by scenario.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

DEFAULT_ARGUMENTS = ("--presentation", "en", "--presentation", "nb")
PYTEST_RAN = (0, 1)  # every test passed, or some failed; any other exit means the suite did not run as asked


class RunNotMade(SystemExit):
    """A run that did not run the suite (a collection error, a usage error, nothing selected): it counts
    neither as passed nor as failed, and the measurement stops."""


def check_run(seed: int, returncode: int, document: dict[str, Any] | None, output: str) -> None:
    ran = [s for s in (document or {}).get("scenarios", []) if s["outcome"] in ("passed", "failed")]
    if returncode not in PYTEST_RAN or not ran:
        raise RunNotMade(
            f"run with seed {seed} ran no scenarios (pytest's exit status {returncode}); pytest said:\n{output[-3000:]}"
        )


def run_once(folder: Path, seed: int, workers: str, extra: list[str]) -> dict[str, Any]:
    command = [
        sys.executable, "-m", "pytest", "steps", "-n", workers, "-p", "no:cacheprovider", "-q",
        "--shuffle", str(seed), "--conformance-report", str(folder), *extra,
    ]  # fmt: skip
    results = folder / "results.json"
    results.unlink(missing_ok=True)  # from an earlier measurement into the same folder
    started = time.monotonic()
    completed = subprocess.run(command, capture_output=True, text=True)
    document = json.loads(results.read_text(encoding="utf-8")) if results.is_file() else None
    check_run(seed, completed.returncode, document, completed.stdout + completed.stderr)
    assert document is not None
    return {"seed": seed, "seconds": round(time.monotonic() - started, 1), "scenarios": document["scenarios"]}


def tally(runs: list[dict[str, Any]]) -> dict[str, Any]:
    passed: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    for run in runs:
        for scenario in run["scenarios"]:
            if scenario["outcome"] == "passed":
                passed[scenario["nodeid"]] += 1
            elif scenario["outcome"] == "failed":
                failed[scenario["nodeid"]] += 1
    total = sum(passed.values()) + sum(failed.values())
    return {
        "runs": len(runs),
        "seeds": [run["seed"] for run in runs],
        "seconds": [run["seconds"] for run in runs],
        "scenario_runs": total,
        "failed_runs": sum(1 for run in runs if any(s["outcome"] == "failed" for s in run["scenarios"])),
        "first_attempt_pass_rate": round(sum(passed.values()) / total, 6) if total else None,
        "failures": {nodeid: {"failed": count, "passed": passed[nodeid]} for nodeid, count in failed.most_common()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/flake", description=__doc__)
    parser.add_argument("runs", type=int, nargs="?", default=20, help="how many runs (default 20)")
    parser.add_argument("--workers", default="2", help="xdist workers per run (default 2)")
    parser.add_argument("--report", type=Path, default=Path("reports/flake"))
    parser.add_argument("pytest_arguments", nargs="*", help="after --: for pytest (default: both presentations)")
    arguments = parser.parse_args(argv)
    extra = arguments.pytest_arguments or list(DEFAULT_ARGUMENTS)
    arguments.report.mkdir(parents=True, exist_ok=True)
    runs = []
    for number in range(1, arguments.runs + 1):
        seed = random.SystemRandom().randrange(2**32)
        run = run_once(arguments.report / f"run-{number}", seed, arguments.workers, extra)
        runs.append(run)
        failures = [s["nodeid"] for s in run["scenarios"] if s["outcome"] == "failed"]
        print(f"run {number}/{arguments.runs} (seed {seed}, {run['seconds']} s): {len(failures)} failed", flush=True)
        for nodeid in failures:
            print(f"  {nodeid}", flush=True)
        (arguments.report / "flake.json").write_text(json.dumps(tally(runs), indent=2), encoding="utf-8")
    summary = tally(runs)
    print(
        f"{summary['runs']} runs, {summary['scenario_runs']} scenario runs, "
        f"{summary['failed_runs']} runs with a failure; first-attempt pass rate {summary['first_attempt_pass_rate']}"
    )
    return 1 if summary["failed_runs"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
