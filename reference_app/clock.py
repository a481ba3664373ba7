"""Time, as the app sees it.

Production uses the system clock. In test mode time stands still unless the
control API moves it forward, so that link expiry and session timeouts are shown
without waiting, exactly to the second.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the epoch."""
        ...


class SystemClock:
    def now(self) -> float:
        return time.time()


class AdjustableClock:
    """The time the app started, plus an offset that only ever grows: between two moves it stands still."""

    def __init__(self) -> None:
        self._started = time.time()
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        return self._started + self._offset

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += seconds
        return self.now()
