"""Workers sharing one deployment: scenarios hold a shared lock; one that moves the clock holds it alone."""

from __future__ import annotations

import fcntl
import threading
from pathlib import Path

import pytest

from loginspec.sharing import SharedTargetLock, lock_path_for


def _can_take(path: Path, kind: int) -> bool:
    """Whether another worker (another open of the file) could take the lock now, without waiting."""
    with path.open("a+") as other:
        try:
            fcntl.flock(other, kind | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(other, fcntl.LOCK_UN)
        return True


@pytest.fixture
def lock(tmp_path: Path) -> SharedTargetLock:
    return SharedTargetLock(tmp_path / "target.lock")


def test_scenarios_that_leave_the_clock_alone_run_side_by_side(lock: SharedTargetLock) -> None:
    lock.hold_shared()
    assert _can_take(lock.path, fcntl.LOCK_SH)
    assert not _can_take(lock.path, fcntl.LOCK_EX)
    lock.release()
    assert _can_take(lock.path, fcntl.LOCK_EX)


def test_a_scenario_moving_the_clock_waits_for_the_others_and_then_runs_alone(tmp_path: Path) -> None:
    mover, other = SharedTargetLock(tmp_path / "target.lock"), SharedTargetLock(tmp_path / "target.lock")
    mover.hold_shared()
    other.hold_shared()
    moved = threading.Event()

    def move_clock() -> None:
        mover.hold_exclusive()
        moved.set()

    thread = threading.Thread(target=move_clock)
    thread.start()
    assert not moved.is_set()
    other.release()  # the other scenario ends
    assert moved.wait(timeout=10), "the clock move never got the lock"
    thread.join()
    assert not _can_take(mover.path, fcntl.LOCK_SH), "a new scenario must wait while the clock mover runs"
    mover.release()
    assert _can_take(mover.path, fcntl.LOCK_SH)


def test_every_worker_of_a_target_file_finds_the_same_lock(tmp_path: Path) -> None:
    file = tmp_path / "deployment.toml"
    assert lock_path_for(file) == lock_path_for(tmp_path / "." / "deployment.toml")
    assert lock_path_for(file) != lock_path_for(tmp_path / "other.toml")
