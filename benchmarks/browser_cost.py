"""What one browser context and one page load cost, per Chromium build.

Starts the bundled stack, then for each Chromium found on this machine (the full
browser and its old headless shell, or an explicit list of paths) measures, over
repeated runs: creating a browser context with one page, and loading the CRM's login
page. It reports wall time and the CPU time the browser's processes used (read from
/proc, so Linux only).

    .venv/bin/python benchmarks/browser_cost.py [--rounds 20] [CHROMIUM ...]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

from loginspec.browsers import SYSTEM_CHROMIUMS, SYSTEM_HEADLESS_SHELLS, launch_arguments
from loginspec.bundled import BundledStack

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def browser_cpu_seconds(root_pid: int) -> float:
    """CPU time of every live process below `root_pid` (the Playwright driver and the browser), in seconds."""
    children: dict[int, list[int]] = {}
    cpu: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        cpu[int(entry.name)] = int(fields[11]) + int(fields[12])
    total, todo = 0, list(children.get(root_pid, []))
    while todo:
        pid = todo.pop()
        total += cpu.get(pid, 0)
        todo += children.get(pid, [])
    return total / CLOCK_TICKS


def measure(browser: Browser, url: str, rounds: int) -> dict[str, float]:
    driver = os.getpid()
    context_wall, load_wall = [], []
    cpu_before = browser_cpu_seconds(driver)
    for _ in range(rounds):
        started = time.perf_counter()
        context = browser.new_context()
        page = context.new_page()
        context_wall.append(time.perf_counter() - started)
        started = time.perf_counter()
        page.goto(url)
        load_wall.append(time.perf_counter() - started)
        context.close()
    return {
        "context ms (median)": statistics.median(context_wall) * 1000,
        "page load ms (median)": statistics.median(load_wall) * 1000,
        "browser CPU s per round": (browser_cpu_seconds(driver) - cpu_before) / rounds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("chromiums", nargs="*")
    arguments = parser.parse_args()
    candidates = arguments.chromiums or [
        path for path in (SYSTEM_HEADLESS_SHELLS[0], SYSTEM_CHROMIUMS[0]) if Path(path).is_file()
    ]
    with BundledStack() as stack, sync_playwright() as playwright:
        url = stack.targets["online"].url("/login")
        print(f"{'chromium':<45} {'context ms':>11} {'load ms':>9} {'CPU s/round':>12}")
        for path in candidates:
            browser = playwright.chromium.launch(executable_path=path, args=launch_arguments(stack.host_resolver_rules))
            measure(browser, url, 2)  # warm up: first runs pay for caches
            figures = measure(browser, url, arguments.rounds)
            browser.close()
            print(
                f"{path:<45} {figures['context ms (median)']:>11.0f} {figures['page load ms (median)']:>9.0f}"
                f" {figures['browser CPU s per round']:>12.2f}"
            )


if __name__ == "__main__":
    main()
