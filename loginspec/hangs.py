"""A test that hangs past pytest-timeout's own limit still leaves its stacks behind.

pytest-timeout (signal method) fails a test that runs too long, with the main thread's
traceback. When even that cannot end it (a thread stuck where no signal reaches, a teardown
that hangs after the failure), faulthandler ends the xdist worker a minute later. A worker's
own stderr never reaches the run's output, so the stacks go to a file, and the controller
adds that file to the report of the crashed test.
"""

from __future__ import annotations

import faulthandler
import os
import tempfile
from collections.abc import Generator
from pathlib import Path
from typing import IO, Any

import pytest

_stack_file: IO[str] | None = None


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "hang_grace",
        "seconds after pytest-timeout's limit before a still-running xdist worker is ended",
        default="60",
    )


def stack_file_path(controller_pid: int, worker_id: str) -> Path:
    return Path(tempfile.gettempdir()) / f"loginspec-stacks-{controller_pid}-{worker_id}.txt"


def _limit(config: pytest.Config) -> float | None:
    try:
        timeout = config.getoption("timeout") or config.getini("timeout")
    except ValueError:
        return None
    return float(timeout) + float(config.getini("hang_grace")) if timeout else None


def pytest_configure(config: pytest.Config) -> None:
    global _stack_file
    worker_input = getattr(config, "workerinput", None)
    if worker_input is None or _limit(config) is None:
        return
    _stack_file = stack_file_path(os.getppid(), worker_input["workerid"]).open("w")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, object, object]:
    limit = _limit(item.config)
    if _stack_file is None or limit is None:
        return (yield)
    faulthandler.dump_traceback_later(limit, exit=True, file=_stack_file)
    try:
        return (yield)
    finally:
        faulthandler.cancel_dump_traceback_later()


@pytest.hookimpl(optionalhook=True)
def pytest_handlecrashitem(crashitem: str, report: pytest.TestReport, sched: Any) -> None:
    node = getattr(report, "node", None)
    worker_id = getattr(getattr(node, "gateway", None), "id", None)
    if worker_id is None:
        return
    path = stack_file_path(os.getpid(), worker_id)
    stacks = path.read_text(errors="replace") if path.exists() else ""
    if stacks.strip():
        report.sections.append(("Stacks when the worker was ended (faulthandler)", stacks))


def pytest_unconfigure(config: pytest.Config) -> None:
    if _stack_file is not None:
        _stack_file.close()
    if getattr(config, "workerinput", None) is None:
        for leftover in Path(tempfile.gettempdir()).glob(f"loginspec-stacks-{os.getpid()}-*.txt"):
            leftover.unlink(missing_ok=True)
