"""A client-side rate limit that every request of a run obeys, the laws' and schemathesis' alike."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable

_RATE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:/\s*(s|sec|second|m|min|minute|h|hour))?\s*$", re.IGNORECASE)
_UNIT = {"s": 1.0, "sec": 1.0, "second": 1.0, "m": 60.0, "min": 60.0, "minute": 60.0, "h": 3600.0,
         "hour": 3600.0}  # fmt: skip


def parse_rate(text: str) -> float:
    """Requests per second from ``10/s``, ``600/m``, ``2/h`` or a bare number (per second)."""
    found = _RATE.match(text)
    if found is None or float(found.group(1)) <= 0:
        raise ValueError(f"a rate is N/s, N/m or N/h with N > 0, not {text!r}")
    return float(found.group(1)) / _UNIT[(found.group(2) or "s").lower()]


class Pace:
    """At most ``per_second`` requests a second: each request waits for its own slot, spaced evenly.

    Slots are handed out under a lock, so threads (schemathesis' sessions, the laws) share one budget. The
    spacing is 5% wider than ``1 / per_second``, so that the backend, whose clock sees each request a little
    early or late, never counts more than ``per_second`` within one second either.
    """

    MARGIN = 1.05

    def __init__(self, per_second: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:  # fmt: skip
        self.interval = self.MARGIN / per_second
        self.per_second = per_second
        self._clock, self._sleep = clock, sleep
        self._next = 0.0
        self._lock = threading.Lock()
        self.waited = 0.0

    def wait(self) -> float:
        """Sleep until this request's slot; the slot's time."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next)
            self._next = slot + self.interval
        if slot > now:
            self.waited += slot - now
            self._sleep(slot - now)
        return slot
