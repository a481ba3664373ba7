"""`python -m loginspec.faults`: check, list and measure the fault catalogue (see scripts/faults)."""

from __future__ import annotations

import argparse
import fnmatch
import os
import sys
import tempfile
import time
from pathlib import Path

from . import report
from .catalogue import FAULTS_DIR, Fault, FaultError, apply, apply_to_copy, load_all
from .runner import CAUGHT, PROJECT_DIR, FaultResult, measure_all, scratch_copy, start_problem

DEFAULT_REPORT = PROJECT_DIR / "reports" / "faults"


def _selected(faults: list[Fault], patterns: list[str], ids: list[str]) -> list[Fault]:
    chosen = [fault for fault in faults if not patterns or any(fnmatch.fnmatch(fault.name, p) for p in patterns)]
    return [fault for fault in chosen if not ids or set(fault.ids) & set(ids)]


def check(faults: list[Fault], start: bool) -> int:
    """Every fault still applies to the tree (and leaves Python that compiles); with `start`, the
    faulty CRM also starts and answers its login screens."""
    problems = []
    for fault in faults:
        try:
            apply_to_copy(fault)
        except FaultError as error:
            problems.append(str(error))
            continue
        if start:
            with tempfile.TemporaryDirectory(prefix="loginspec-fault-start-") as scratch:
                tree = scratch_copy(Path(scratch) / "tree")
                apply(fault, tree)
                not_starting = start_problem(tree)
                if not_starting:
                    problems.append(f"{fault.name}: {not_starting}")
    for line in problems:
        print(line)
    print(f"{len(faults) - len(problems)} of {len(faults)} faults apply to the tree")
    return 1 if problems else 0


def run(faults: list[Fault], jobs: int, whole_suite: bool, every_failure: bool, directory: Path, timeout: float) -> int:
    started = time.time()
    total = len(faults)
    done: list[FaultResult] = []

    def progress(result: FaultResult) -> None:
        done.append(result)
        failed = f" ({len(result.failed_scenarios)} of {result.scenarios_run} scenarios failed)"
        extra = failed if result.outcome == CAUGHT else f" {result.detail.splitlines()[0]}" if result.detail else ""
        print(f"[{len(done):>3}/{total}] {result.outcome:<6} {result.name}{extra}  {result.duration:.0f} s", flush=True)

    print(f"Measuring {total} faults, {jobs} at a time, {'the whole suite' if whole_suite else 'tagged scenarios'}")
    results = measure_all(
        faults, jobs=jobs, whole_suite=whole_suite, every_failure=every_failure, timeout=timeout, on_result=progress
    )
    scope = "the whole suite" if whole_suite else "the scenarios tagged with the fault's IDs"
    page = report.write(directory, results, scope=scope, jobs=jobs, started=started)
    overall = report.score(results)
    percent = f"{100 * overall.score:.1f} %" if overall.score is not None else "n/a"
    print(
        f"\n{overall.faults} faults: {overall.caught} caught, {overall.missed} missed, {overall.broken} broken;"
        f" catch score {percent}; {time.time() - started:.0f} s"
    )
    for result in results:
        if result.outcome != CAUGHT:
            print(f"  {result.outcome}: {result.name} ({', '.join(result.ids)}): {result.effect}")
    print(f"Report: {page}\nData:   {directory / 'faults.json'}")
    return 0 if overall.missed == 0 and overall.broken == 0 else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/faults", description=__doc__)
    parser.add_argument("command", nargs="?", choices=("run", "check", "list"), default="run")
    parser.add_argument("faults", nargs="*", metavar="NAME", help="only these faults (shell patterns on file names)")
    parser.add_argument("--id", action="append", default=[], help="only the faults of this catalogue ID (repeatable)")
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="faults measured at once (default: cores)"
    )
    parser.add_argument(
        "--whole-suite", action="store_true", help="run every scenario for each fault, not only its IDs'"
    )
    parser.add_argument(
        "--report", type=Path, default=DEFAULT_REPORT, help=f"where to write (default {DEFAULT_REPORT})"
    )
    parser.add_argument(
        "--every-failure",
        action="store_true",
        help="run all of a fault's scenarios and list every one that fails (default: the first settles it)",
    )
    parser.add_argument("--start", action="store_true", help="check: also start the faulty CRM (slower)")
    parser.add_argument(
        "--faults-dir", type=Path, default=FAULTS_DIR, help=f"where the fault files are (default {FAULTS_DIR})"
    )
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds one fault's run may take")
    arguments = parser.parse_args(argv)
    try:
        faults = _selected(load_all(arguments.faults_dir), arguments.faults, arguments.id)
    except FaultError as problem:
        print(problem, file=sys.stderr)
        return 2
    if not faults:
        print("no fault matches", file=sys.stderr)
        return 2
    if arguments.command == "list":
        for fault in faults:
            print(f"{fault.name:<50} {' '.join(fault.ids):<20} {fault.effect}")
        return 0
    if arguments.command == "check":
        return check(faults, arguments.start)
    return run(
        faults, arguments.jobs, arguments.whole_suite, arguments.every_failure, arguments.report, arguments.timeout
    )


if __name__ == "__main__":
    sys.exit(main())
