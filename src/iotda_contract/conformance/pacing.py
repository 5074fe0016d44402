"""A client-side rate limit that every request of a run obeys, the laws' and schemathesis' alike."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

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
    """At most ``per_second`` requests a second (None: no rate), and at most ``at_once`` under way at once.

    Requests pass one at a time, each at least ``1 / per_second`` after the one before it was let go (by the
    clock, after any oversleep), so threads (the laws side by side, schemathesis' sessions) share one budget.
    The spacing is 5% wider than ``1 / per_second``, so that the backend, whose clock sees each request a
    little early or late, never counts more than ``per_second`` within one second either.

    :meth:`slot` (every request of a run) also lets requests go in turn: the n-th once the one n -
    ``per_second`` before it was answered, plus a second (5% more). A request arrives after it was let go
    and before it is answered, so the backend never sees more than ``per_second`` within one second, however
    late a busy thread sends what it was let go. With ``at_once`` (``--concurrency``) it also holds one of
    that many places while the request is under way.
    """

    MARGIN = 1.05

    def __init__(self, per_second: float | None, *, at_once: int | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:  # fmt: skip
        self.per_second = per_second
        self.interval = self.MARGIN / per_second if per_second else 0.0
        self.at_once = at_once
        self._clock, self._sleep = clock, sleep
        self._next = 0.0
        self._lock = threading.Lock()
        self.waited = 0.0
        self._under_way = threading.BoundedSemaphore(at_once) if at_once else None
        #: The requests a window may hold, and the window (5% wider): a second, or for less than one request
        #: a second, the time one request takes of the rate.
        self._per_window = max(1, int(per_second)) if per_second else 0
        self._window = self.MARGIN * max(1.0, 1 / per_second) if per_second else 0.0
        self._turns = threading.Condition(threading.Lock())
        self._issued = self._let_go = 0
        self._answered: dict[int, float] = {}

    def wait(self) -> float:
        """Sleep until this request may go; the time it was let go."""
        if not self.per_second:
            return self._clock()
        with self._lock:  # held while sleeping: the next request is spaced from this one's real time
            now = self._clock()
            slot = max(now, self._next)
            if slot > now:
                self.waited += slot - now
                self._sleep(slot - now)
            sent = max(slot, self._clock())
            self._next = sent + self.interval
        return sent

    @contextmanager
    def slot(self) -> Iterator[float]:
        """One request under way: a place among ``at_once`` (if bounded), then its turn of the rate."""
        if self._under_way is not None:
            self._under_way.acquire()
        try:
            if not self.per_second:
                yield self._clock()
                return
            turn, sent = self._turn()
            try:
                yield sent
            finally:
                with self._turns:
                    self._answered[turn] = self._clock()
                    self._answered.pop(turn - 2 * self._per_window - (self.at_once or 1), None)
                    self._turns.notify_all()
        finally:
            if self._under_way is not None:
                self._under_way.release()

    def _turn(self) -> tuple[int, float]:
        """Wait for this request's turn (in the order they asked); its number and the time it was let go."""
        with self._turns:
            turn, self._issued = self._issued, self._issued + 1
            while self._let_go != turn:
                self._turns.wait()
            earlier = turn - self._per_window
            while True:
                ready = self._next
                if earlier >= 0:
                    if earlier not in self._answered:
                        self._turns.wait()
                        continue
                    ready = max(ready, self._answered[earlier] + self._window)
                now = self._clock()
                if now >= ready:
                    break
                self.waited += ready - now
                self._turns.release()
                try:
                    self._sleep(ready - now)
                finally:
                    self._turns.acquire()
            sent = self._clock()
            self._next, self._let_go = sent + self.interval, turn + 1
            self._turns.notify_all()
            return turn, sent
