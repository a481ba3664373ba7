"""A hung test ends the run's wait for it, with its stacks, whether or not pytest-timeout's signal reaches it
(real pytest runs with xdist through pytester)."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

HANGS_UNDER_A_BLOCKED_SIGNAL = """
import signal, time

def test_fine():
    pass

def test_deaf_to_the_alarm():
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    time.sleep(60)
"""

HANGS_PLAINLY = """
import time

def test_fine():
    pass

def test_waits_forever():
    time.sleep(60)
"""


def run(pytester: pytest.Pytester, source: str) -> pytest.RunResult:
    pytester.makepyfile(test_hanging=source)
    return pytester.runpytest_subprocess(
        "-p", "loginspec.hangs", "-n", "2", "-p", "no:cacheprovider",
        "--timeout", "1", "-o", "timeout_method=signal", "-o", "hang_grace=1",
        timeout=50,
    )  # fmt: skip


def test_a_test_the_timeout_signal_cannot_stop_ends_its_worker_with_its_stacks(pytester: pytest.Pytester) -> None:
    result = run(pytester, HANGS_UNDER_A_BLOCKED_SIGNAL)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*crashed while running*test_deaf_to_the_alarm*",
            "*Stacks when the worker was ended (faulthandler)*",
            '*test_hanging.py", line 8 in test_deaf_to_the_alarm*',
        ]
    )


def test_a_test_the_timeout_signal_stops_fails_with_its_traceback(pytester: pytest.Pytester) -> None:
    result = run(pytester, HANGS_PLAINLY)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*Timeout (>1.0s) from pytest-timeout*"])
    result.stdout.no_fnmatch_line("*crashed*")
