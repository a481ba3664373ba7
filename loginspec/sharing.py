"""Several workers against one deployment: moving its clock must not pull the ground from under the
scenarios running beside it (their links, sessions and limits would age with it).

Every scenario holds a shared lock on a file all the workers of this machine open for the same
target file; a scenario about to move the target's clock turns its hold exclusive first, which waits
until every other scenario has ended, and keeps it to its own end, while new ones wait at their start.
Scenarios that never move the clock run side by side as before. (Workers on other machines, such as
shards of one run against one deployment, are not covered: give each shard a deployment of its own.)
"""

from __future__ import annotations

import fcntl
import hashlib
import tempfile
from pathlib import Path
from typing import IO


def lock_path_for(target_file: Path) -> Path:
    digest = hashlib.sha256(str(target_file.resolve()).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"loginspec-target-{digest}.lock"


class SharedTargetLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[str] = path.open("a+")
        self.exclusive = False

    def hold_shared(self) -> None:
        fcntl.flock(self._file, fcntl.LOCK_SH)
        self.exclusive = False

    def hold_exclusive(self) -> None:
        """From shared to exclusive (Linux drops the shared hold, then waits for the exclusive one)."""
        if not self.exclusive:
            fcntl.flock(self._file, fcntl.LOCK_EX)
            self.exclusive = True

    def release(self) -> None:
        fcntl.flock(self._file, fcntl.LOCK_UN)
        self.exclusive = False

    def close(self) -> None:
        self._file.close()
