"""Spreading a run over machines: `--shard I/N` keeps the I-th of N parts of the scenarios, balanced by
the durations recorded in a file (scenario node id -> seconds; `python -m loginspec.sharding record`
writes it from a run's results.json). Scenarios the file does not know count as the median.

Every shard (and every xdist worker of one) computes the same split from the same collection and
file: longest scenario first, each to the shard with the least time so far.
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

DEFAULT_DURATIONS = Path("benchmarks") / "scenario-durations.json"
UNKNOWN_SECONDS = 2.0


def parse_shard(text: str) -> tuple[int, int]:
    index, _, count = text.partition("/")
    if not index.isdigit() or not count.isdigit() or not 1 <= int(index) <= int(count):
        raise ValueError("must be I/N with 1 <= I <= N, such as 1/2")
    return int(index), int(count)


def load_durations(path: Path) -> dict[str, float]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(document, dict):
        return {}
    return {str(key): float(value) for key, value in document.items() if isinstance(value, int | float)}


def shard_of(nodeids: list[str], durations: dict[str, float], index: int, count: int) -> set[str]:
    known = [durations[nodeid] for nodeid in nodeids if nodeid in durations]
    typical = statistics.median(known) if known else UNKNOWN_SECONDS
    cost = {nodeid: durations.get(nodeid, typical) for nodeid in nodeids}
    loads = [0.0] * count
    members: list[set[str]] = [set() for _ in range(count)]
    for nodeid in sorted(nodeids, key=lambda nodeid: (-cost[nodeid], nodeid)):
        lightest = min(range(count), key=lambda shard: (loads[shard], shard))
        loads[lightest] += cost[nodeid]
        members[lightest].add(nodeid)
    return members[index - 1]


def record(results: Path, durations_file: Path) -> int:
    """Durations from a run's results.json, merged into the file (newer runs win)."""
    document = json.loads(results.read_text(encoding="utf-8"))
    durations = load_durations(durations_file)
    for scenario in document["scenarios"]:
        if scenario["outcome"] in ("passed", "failed"):
            durations[scenario["nodeid"]] = round(float(scenario["duration"]), 2)
    durations_file.parent.mkdir(parents=True, exist_ok=True)
    durations_file.write_text(json.dumps(dict(sorted(durations.items())), indent=1) + "\n", encoding="utf-8")
    return len(durations)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m loginspec.sharding", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    recording = commands.add_parser("record", help="record the durations of a run's results.json")
    recording.add_argument("results", type=Path)
    recording.add_argument("--durations-file", type=Path, default=DEFAULT_DURATIONS)
    arguments = parser.parse_args(argv)
    known = record(arguments.results, arguments.durations_file)
    print(f"{arguments.durations_file}: {known} scenario durations")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
