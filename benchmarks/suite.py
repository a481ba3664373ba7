"""How fast the browser suite runs, how fast the bundled stack starts, and what the harness costs per scenario.

    .venv/bin/python -m benchmarks.suite                       # everything; prints the tables
    .venv/bin/python -m benchmarks.suite --skip-one-worker     # the 1-worker suite run takes twice as long
    .venv/bin/python -m benchmarks.suite --only overhead --rounds 10 --write-readme

Three measurements, each with the machine's load average before and after it:

- suite: `python -m pytest steps -n N -p no:cacheprovider -q --presentation ...` at each worker count,
  its wall time, and scenarios per minute (the scenarios that ran, from pytest's summary line);
- stack: the bundled stack's start-up until every service answers (`BundledStack.start` checks each one):
  in this process as the plugin starts it, from the start of a new Python process (interpreter and imports
  included, as each xdist worker pays it), and `python -m loginspec.stack` until its banner (which also
  seeds the demo people); medians of several rounds;
- overhead: five scenarios, each run through the harness (pytest-bdd, one worker, pytest-repeat's
  `--count`, the browser already launched; the time of the test's whole run protocol, setup and teardown
  included) and as the bare Playwright script of benchmarks/bare_flows.py (same provisioning, emails,
  contexts, clicks and checks; a fresh context per round), after one warm-up round each, as medians and
  the ratio harness/bare, then where the harness's time goes.

Run it from the project's root as a module (`-m`), so that it measures this tree's code.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from benchmarks import playwright_calls
from benchmarks.ablations import ABLATE_VARIABLE, KINDS
from benchmarks.bare_flows import FLOWS, Services
from benchmarks.scenario_timer import ONLY_VARIABLE, OUTPUT_VARIABLE

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "benchmarks" / "README.md"
LOGS = ROOT / "reports" / "bench"
FIGURES_MARK = "<!-- benchmarks/suite.py {block}: {end} -->"
"""Where --write-readme puts each measurement's tables (suite, stack, overhead, ablated) in the README."""

SCENARIOS = {
    "LOGIN-1 user ID and password": "steps/test_login.py::"
    "test_an_active_user_logs_in_with_user_id_and_password[online]",
    "ACT-1 activation from Activate now": "steps/test_activation.py::"
    "test_a_new_user_activates_the_account_with_a_password_of_their_own[online]",
    "PWD-1 forgotten password by email": "steps/test_forgot_password.py::"
    "test_online_a_forgotten_password_is_replaced_through_an_emailed_link[online]",
    "SSO-1 Microsoft 365 activation": "steps/test_sso.py::"
    "test_a_user_of_a_provider_company_activates_the_account_through_provider[online-Microsoft 365]",
    "SAM-1 Settings and maintenance login": "steps/test_settings_and_maintenance.py::"
    "test_settings_and_maintenance_opens_from_the_crms_main_menu_with_a_login_of_its_own[online]",
}
SUMMARY = re.compile(r"^=*\s*(?P<counts>\d+ \w+.*?) in (?P<seconds>[\d.]+)s")
COUNT = re.compile(r"(\d+) (passed|failed|skipped|xfailed|xpassed|errors?|deselected|warnings?)")
START_TIMEOUT = 120.0
NUMBER = re.compile(r"[\d.]+([–-][\d.]+)?")
RAN = ("passed", "failed", "xfailed", "xpassed", "error", "errors")


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f} / {five:.1f} / {fifteen:.1f}"


@dataclass
class Section:
    title: str
    rows: list[list[str]] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        lines = [f"#### {self.title}", ""]
        if self.rows:
            lines.append("| " + " | ".join(self.header) + " |")
            numeric = [all(NUMBER.fullmatch(row[i]) for row in self.rows) for i in range(len(self.header))]
            lines.append("| " + " | ".join("---:" if right else "---" for right in numeric) + " |")
            lines += ["| " + " | ".join(row) + " |" for row in self.rows]
            lines.append("")
        lines += [f"{note}" for note in self.notes]
        return "\n".join(lines).rstrip() + "\n"


@contextmanager
def loads(section: Section) -> Iterator[None]:
    """States the load average (1 / 5 / 15 minutes) before and after the measurement."""
    before = load_average()
    yield
    section.notes.append(f"Load average before: {before}; after: {load_average()}.")


def seconds(value: float) -> str:
    return f"{value:.2f}"


def spread(values: list[float]) -> str:
    return f"{min(values):.2f}–{max(values):.2f}"


# The browser suite


def suite_run(workers: int, presentations: list[str], log: Path) -> list[str]:
    command = [sys.executable, "-m", "pytest", "steps", "-n", str(workers), "-p", "no:cacheprovider", "-q"]
    for presentation in presentations:
        command += ["--presentation", presentation]
    started = time.perf_counter()
    with log.open("w", encoding="utf-8") as output:
        finished = subprocess.run(command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, check=False)
    wall = time.perf_counter() - started
    summary = next(
        (found for line in reversed(log.read_text(encoding="utf-8").splitlines()) if (found := SUMMARY.match(line))),
        None,
    )
    if summary is None:
        return [str(workers), seconds(wall), "?", "?", f"no summary line (exit {finished.returncode}, see {log})"]
    counts = {kind: int(number) for number, kind in COUNT.findall(summary["counts"])}
    ran = sum(counts.get(kind, 0) for kind in RAN)
    return [
        str(workers),
        f"{wall:.0f}",
        str(ran),
        f"{ran / (wall / 60):.1f}",
        f"{summary['counts']} in {float(summary['seconds']):.0f} s (exit {finished.returncode})",
    ]


def measure_suite(worker_counts: list[int], presentations: list[str]) -> Section:
    section = Section(
        "Browser suite",
        header=[
            "workers",
            "wall s",
            "scenarios run",
            "scenarios per minute",
            "pytest's summary",
            "load before → after",
        ],
    )
    command = "python -m pytest steps -n N -p no:cacheprovider -q " + " ".join(
        f"--presentation {presentation}" for presentation in presentations
    )
    section.notes.append(f"`{command}`; scenarios run: passed, failed, xfailed, xpassed and errors (not skipped).")
    LOGS.mkdir(parents=True, exist_ok=True)
    for workers in worker_counts:
        print(f"suite at {workers} worker(s)...", file=sys.stderr, flush=True)
        before = load_average()
        row = suite_run(workers, presentations, LOGS / f"suite-{workers}-workers.log")
        section.rows.append([*row, f"{before} → {load_average()}"])
    return section


# The bundled stack's start-up

_CHILD_START = """
import sys, time
from loginspec.bundled import BundledStack
stack = BundledStack(presentations=tuple(sys.argv[1:])).start()
print("ready", flush=True)
stack.close()
"""


def time_in_process(presentations: tuple[str, ...]) -> float:
    from loginspec.bundled import BundledStack

    stack = BundledStack(presentations=presentations)
    started = time.perf_counter()
    stack.start()
    elapsed = time.perf_counter() - started
    stack.close()
    return elapsed


def time_until_line(command: list[str], wanted: str, interrupt: bool) -> float:
    """From starting the process until it prints a line starting with `wanted`."""
    started = time.perf_counter()
    # Unbuffered: a process that prints its banner and then waits would otherwise keep it in its buffer.
    environment = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        # Ctrl-C's signal as a terminal gives it: a background job (`benchmarks.suite ... &`) ignores SIGINT,
        # and a child would inherit that and never stop.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert process.stdout is not None
    elapsed = None
    deadline = threading.Timer(START_TIMEOUT, process.kill)  # a process that never prints it fails the round
    deadline.start()
    for line in process.stdout:
        if line.startswith(wanted):
            elapsed = time.perf_counter() - started
            break
    deadline.cancel()
    if interrupt:
        process.send_signal(signal.SIGINT)
    try:
        process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
    if elapsed is None:
        raise RuntimeError(f"{' '.join(command)} never printed {wanted!r} (exit {process.returncode})")
    return elapsed


def measure_stack(rounds: int, presentations: list[str]) -> Section:
    shown = tuple(presentations)
    section = Section("Bundled stack start-up", header=["how", "median s", "min–max s", "rounds"])
    kinds: list[tuple[str, Callable[[], float]]] = [
        (f"in process, `BundledStack(presentations={shown}).start()`", lambda: time_in_process(shown)),
        ("in process, English only", lambda: time_in_process(("en",))),
        (
            "new Python process: interpreter, imports and `start()`",
            lambda: time_until_line([sys.executable, "-c", _CHILD_START, *shown], "ready", interrupt=False),
        ),
        (
            "`python -m loginspec.stack` until its banner (English; start, then seeding the demo people)",
            lambda: time_until_line([sys.executable, "-m", "loginspec.stack"], "Press Ctrl-C to stop.", interrupt=True),
        ),
    ]
    with loads(section):
        time_in_process(shown)  # warm-up: the first start in a process loads what the later ones reuse
        for name, measure in kinds:
            print(f"stack start-up: {name}...", file=sys.stderr, flush=True)
            values = [measure() for _ in range(rounds)]
            section.rows.append([name, seconds(statistics.median(values)), spread(values), str(rounds)])
    return section


# The harness's overhead


@dataclass
class BareRun:
    wall: float
    cpu: float
    traffic: dict[str, dict[str, float]]
    """benchmarks/playwright_calls.since(): calls, events and their seconds, by name."""

    def to_json(self) -> dict[str, Any]:
        return {"wall": self.wall, "cpu": self.cpu, **self.traffic}


def bare_rounds(rounds: int) -> dict[str, list[BareRun]]:
    """Every flow once as a warm-up, then `rounds` rounds of all five, each round's flows in turn."""
    from playwright.sync_api import sync_playwright

    from loginspec.browsers import find_chromium, launch_arguments
    from loginspec.bundled import BundledStack
    from loginspec.provisioning import HttpProvisioner

    playwright_calls.install()
    timings: dict[str, list[BareRun]] = {name: [] for name in FLOWS}
    with BundledStack() as stack, sync_playwright() as playwright:
        target = stack.targets["online"]
        provisioner = target.provisioner
        assert isinstance(provisioner, HttpProvisioner)
        # The stack keeps its control address and secret in the provisioner it hands the suite.
        control = httpx.Client(
            base_url=provisioner._control_url, headers=provisioner._headers, verify=stack.verify, timeout=10
        )
        mail = httpx.Client(base_url=stack.mail_sink.http_url, verify=stack.verify, timeout=20)
        microsoft = httpx.Client(base_url=f"{stack.microsoft.control_url}/_control", verify=stack.verify, timeout=10)
        services = Services(target.base_url, control, mail, microsoft)
        executable = find_chromium(None, playwright.chromium.executable_path, headless=True)
        browser = playwright.chromium.launch(
            headless=True,
            executable_path=executable,
            args=launch_arguments(stack.host_resolver_rules, stack.pinned_keys),
        )
        for round_number in range(rounds + 1):
            for name, flow in FLOWS.items():
                traffic = playwright_calls.snapshot()
                cpu = time.process_time()
                started = time.perf_counter()
                flow(browser, services)
                wall, cpu = time.perf_counter() - started, time.process_time() - cpu
                if round_number:
                    timings[name].append(BareRun(wall, cpu, playwright_calls.since(traffic)))
        browser.close()
        for client in (control, mail, microsoft):
            client.close()
    return timings


def harness_rounds(rounds: int, extra: list[str], ablate: list[str]) -> list[dict[str, Any]]:
    """The five scenarios through pytest, rounds + 2 times in turn: the first round is a warm-up, and the last
    one is there so that the test whose teardown ends the session (the stack, the browser) is not counted."""
    with tempfile.TemporaryDirectory(prefix="loginspec-bench-") as folder:
        output = Path(folder) / "timings.json"
        environment = {**os.environ, OUTPUT_VARIABLE: str(output), ONLY_VARIABLE: "\n".join(SCENARIOS.values())}
        if ablate:
            environment[ABLATE_VARIABLE] = ",".join(ablate)
            extra = ["-p", "benchmarks.ablations", *extra]
        command = [
            sys.executable, "-m", "pytest", "steps", "-p", "no:cacheprovider", "-q", "-p", "benchmarks.scenario_timer",
            "--count", str(rounds + 2), "--repeat-scope", "session", *extra,
        ]  # fmt: skip
        LOGS.mkdir(parents=True, exist_ok=True)
        log = LOGS / "harness-overhead.log"
        with log.open("w", encoding="utf-8") as written:
            subprocess.run(command, cwd=ROOT, env=environment, stdout=written, stderr=subprocess.STDOUT, check=False)
        if not output.is_file():
            raise RuntimeError(f"the harness run wrote no timings: see {log}")
        records: list[dict[str, Any]] = json.loads(output.read_text(encoding="utf-8"))
    failed = [record["nodeid"] for record in records if record["outcome"] != "passed"]
    if failed:
        raise RuntimeError(f"scenarios did not pass through the harness: {failed} (see {log})")
    return records


def kept(records: list[dict[str, Any]], nodeid: str) -> list[dict[str, Any]]:
    """A scenario's rounds but the warm-up and the one whose teardown also ended the session."""
    last_round = max(record["round"] for record in records)
    return [r for r in records if r["scenario"] == nodeid and 1 < r["round"] < last_round and not r["last"]]


PARTS = (
    "step functions",
    "finding steps and their fixtures",
    "after-step hooks",
    "call, before the first step and after the last",
    "setup",
    "teardown",
    "pytest around the phases",
)


def breakdown(record: dict[str, Any]) -> dict[str, float]:
    """Where one harness run of a scenario went, in seconds (the parts add up to its wall time)."""
    phases, steps = record["phases"], record["steps"]
    own = sum(step["ended"] - step["called"] for step in steps)
    lookup = sum(step["called"] - step["started"] for step in steps)
    after = sum(later["started"] - earlier["ended"] for earlier, later in zip(steps, steps[1:], strict=False))
    before_first = steps[0]["started"] - record["call_started"] if steps else 0.0
    after_last = record["call_ended"] - steps[-1]["ended"] if steps else 0.0
    return {
        "step functions": own,
        "finding steps and their fixtures": lookup,
        "after-step hooks": after,
        "call, before the first step and after the last": before_first + after_last,
        "setup": phases.get("setup", 0.0),
        "teardown": phases.get("teardown", 0.0),
        "pytest around the phases": record["wall"] - sum(phases.values()),
    }


def measure_overhead(rounds: int, passes: int, extra: list[str], ablate: list[str]) -> list[Section]:
    """`passes` alternate the bare script and the harness (in turn first), each with its share of the rounds,
    so that a change in the machine's load while it runs weighs on both alike."""
    comparison = Section(
        "Harness overhead: five scenarios, through the harness and as a bare Playwright script",
        header=["scenario", "harness median s", "bare median s", "harness / bare", "harness min–max", "bare min–max"],
    )
    parts = Section("Where the harness's time goes (medians, ms)")
    traffic = Section(
        "CPU time of the Python process and Playwright traffic per run (medians)",
        header=["scenario", "CPU s harness", "CPU s bare", "calls harness", "calls bare", "events harness",
                "events bare"],
    )  # fmt: skip
    bare: dict[str, list[BareRun]] = {name: [] for name in FLOWS}
    runs_of: dict[str, list[dict[str, Any]]] = {name: [] for name in SCENARIOS}
    with loads(comparison):
        for number in range(passes):
            share = rounds // passes + (1 if number < rounds % passes else 0)
            for which in ("bare", "harness") if number % 2 == 0 else ("harness", "bare"):
                print(f"pass {number + 1}/{passes}: {which}, {share} rounds...", file=sys.stderr, flush=True)
                if which == "bare":
                    for name, values in bare_rounds(share).items():
                        bare[name] += values
                else:
                    records = harness_rounds(share, extra, ablate)
                    for name, nodeid in SCENARIOS.items():
                        runs_of[name] += kept(records, nodeid)
    LOGS.mkdir(parents=True, exist_ok=True)
    raw = {"harness": runs_of, "bare": {name: [run.to_json() for run in runs] for name, runs in bare.items()}}
    (LOGS / "overhead.json").write_text(json.dumps(raw, indent=1), encoding="utf-8")
    for name in SCENARIOS:
        runs, yardstick = runs_of[name], bare[name]
        harness = [run["wall"] for run in runs]
        bare_wall = [run.wall for run in yardstick]
        comparison.rows.append(
            [
                name,
                seconds(statistics.median(harness)),
                seconds(statistics.median(bare_wall)),
                f"{statistics.median(harness) / statistics.median(bare_wall):.2f}",
                spread(harness),
                spread(bare_wall),
            ]
        )
        medians = {kind: statistics.median(part[kind] for part in map(breakdown, runs)) for kind in PARTS}
        parts.rows.append([name, *(f"{value * 1000:.0f}" for value in medians.values())])
        traffic.rows.append(
            [
                name,
                seconds(statistics.median(run["cpu"] for run in runs)),
                seconds(statistics.median(run.cpu for run in yardstick)),
                f"{statistics.median(sum(run['calls'].values()) for run in runs):.0f}",
                f"{statistics.median(sum(run.traffic['calls'].values()) for run in yardstick):.0f}",
                f"{statistics.median(sum(run['events'].values()) for run in runs):.0f}",
                f"{statistics.median(sum(run.traffic['events'].values()) for run in yardstick):.0f}",
            ]
        )
    command = " ".join(["pytest steps -p no:cacheprovider --count ROUNDS+2 --repeat-scope session", *extra])
    if ablate:
        comparison.title += f", harness without: {', '.join(ablate)}"
        command = f"{ABLATE_VARIABLE}={','.join(ablate)} {command} -p benchmarks.ablations"
    comparison.notes.insert(
        0,
        f"{rounds} rounds each, in {passes} passes that alternate harness and bare, each pass after a warm-up "
        "round; the harness's passes end with one more round, not counted either, whose last test's teardown ends "
        "the session. Harness: "
        f"`{command}`, one worker, the time of each test's whole run protocol; "
        "bare: benchmarks/bare_flows.py, from provisioning to the closed contexts.",
    )
    parts.header = ["scenario", *PARTS]
    parts.notes.append(
        "Step functions: the time inside the step definitions (page objects, the contract's locators, the "
        "people's browsers and their listeners); finding steps: pytest-bdd matching each step's text and "
        "resolving its fixtures; after-step hooks: from one step's end to the next one's start."
    )
    traffic.notes.append(
        "CPU: this process's user and system time during the run (the stack's servers run in the same "
        "process on both sides); calls: messages the client sent the Playwright driver, each a round trip; "
        "events: messages the driver sent the client (objects created, requests and responses listened for)."
    )
    return [comparison, parts, traffic]


# Putting it together


def write_readme(blocks: dict[str, str]) -> None:
    """Each measurement's tables between its marks; the other measurements' figures stay as they are."""
    readme = README.read_text(encoding="utf-8")
    for block, text in blocks.items():
        start, end = FIGURES_MARK.format(block=block, end="start"), FIGURES_MARK.format(block=block, end="end")
        if start not in readme or end not in readme:
            raise SystemExit(f"{README} has no place for the figures of {block}: {start} ... {end}")
        before, rest = readme.split(start, 1)
        _, after = rest.split(end, 1)
        readme = f"{before}{start}\n{text}{end}{after}"
    README.write_text(readme, encoding="utf-8")


def main() -> None:
    # As scripts/bytecode.sh does for the test runs: the processes measured here load compiled modules.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--only",
        action="append",
        choices=("suite", "stack", "overhead"),
        help="measure only this (repeatable; default: all three)",
    )
    parser.add_argument("--workers", type=int, action="append", help="worker counts of the suite runs (default 2, 1)")
    parser.add_argument("--skip-one-worker", action="store_true", help="leave out the suite run at 1 worker")
    parser.add_argument(
        "--presentation",
        action="append",
        choices=("en", "nb"),
        help="the bundled CRM's presentations for the suite and the stack (default: en and nb)",
    )
    parser.add_argument("--rounds", type=int, default=10, help="rounds of each scenario (default 10)")
    parser.add_argument("--passes", type=int, default=3, help="alternate harness and bare this many times (default 3)")
    parser.add_argument("--stack-rounds", type=int, default=5, help="rounds of each start-up (default 5)")
    parser.add_argument(
        "--harness-option",
        action="append",
        default=[],
        metavar="OPTION",
        help="an extra pytest option for the harness runs, e.g. --harness-option=--conformance-report=DIR",
    )
    parser.add_argument(
        "--ablate",
        action="append",
        default=[],
        choices=KINDS,
        help="switch this harness feature off in the harness runs (benchmarks/ablations.py), to see its cost",
    )
    parser.add_argument("--write-readme", action="store_true", help="also write the tables into benchmarks/README.md")
    arguments = parser.parse_args()
    wanted = arguments.only or ["suite", "stack", "overhead"]
    presentations = arguments.presentation or ["en", "nb"]
    worker_counts = arguments.workers or [2, 1]
    if arguments.skip_one_worker:
        worker_counts = [workers for workers in worker_counts if workers != 1]

    blocks: dict[str, list[Section]] = {}
    stamps: dict[str, str] = {}

    def stamp(block: str) -> None:
        stamps[block] = time.strftime("%Y-%m-%d %H:%M")

    if "overhead" in wanted:
        block = "ablated" if arguments.ablate else "overhead"
        stamp(block)
        blocks[block] = measure_overhead(arguments.rounds, arguments.passes, arguments.harness_option, arguments.ablate)
    if "stack" in wanted:
        stamp("stack")
        blocks["stack"] = [measure_stack(arguments.stack_rounds, presentations)]
    if "suite" in wanted:
        stamp("suite")
        blocks["suite"] = [measure_suite(worker_counts, presentations)]
    texts = {
        block: f"Measured {stamps[block]} on {os.cpu_count()} cores; load average over 1 / 5 / 15 minutes.\n\n"
        + "\n".join(section.markdown() for section in sections)
        for block, sections in blocks.items()
    }
    print("\n".join(texts.values()))
    if arguments.write_readme:
        write_readme(texts)
        print(f"Written into {README}", file=sys.stderr)


if __name__ == "__main__":
    main()
