"""What laws running side by side share (``--concurrency``): locks that send a walk once, a stop signal."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from iotda_contract.conformance.errors import Skip, Violation
    from iotda_contract.conformance.filters import AppScope

T = TypeVar("T")
R = TypeVar("R")


@dataclass
class Shared:
    """Held by every law's view of one run (``LawContext.view``)."""

    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _locks: dict[Hashable, threading.Lock] = field(default_factory=dict, repr=False)
    #: What ``app_type=APP`` without ``app_id`` lists here, once learnt (or why it could not be).
    app_scope: AppScope | Violation | Skip | None = None
    #: The deviation learning it showed, as ``LawContext.deviate`` arguments: told to every law that asks.
    scope_deviation: tuple[Any, ...] | None = None
    #: Set when the run stops (a law hit a dead backend, Ctrl-C): the laws still running end at their next
    #: example.
    stop: threading.Event = field(default_factory=threading.Event, repr=False)
    _asked: set[Hashable] = field(default_factory=set, repr=False)

    def once(self, key: Hashable) -> threading.Lock:
        """The lock of one piece of work (a walk, a reference): whoever holds it sends it, the others wait
        for it and then read the pages it cached."""
        with self._lock:
            return self._locks.setdefault(key, threading.Lock())

    def first(self, key: Hashable) -> bool:
        """Whether ``key`` is asked for the first time in this run (a check a law makes once a run)."""
        with self._lock:
            if key in self._asked:
                return False
            self._asked.add(key)
            return True

    def forget_app_scope(self) -> None:
        """The data changed: learn the app scope again, unless it named a real app (writes do not move it)."""
        from iotda_contract.conformance.filters import AppScope

        if not isinstance(self.app_scope, AppScope) or not self.app_scope.known:
            self.app_scope, self.scope_deviation = None, None


def side_by_side(items: Sequence[T], send: Callable[[T], R], workers: int) -> Iterator[tuple[T, R]]:
    """Each item with ``send(item)``, in order, up to ``workers`` of them sent at once.

    A consumer that stops early (a failure found) cancels those not yet started; those under way finish.
    """
    if not items:
        return
    with ThreadPoolExecutor(max_workers=min(workers, len(items)), thread_name_prefix="iotda-fetch") as pool:
        futures: list[Future[R]] = [pool.submit(send, item) for item in items]
        try:
            for item, future in zip(items, futures, strict=True):
                yield item, future.result()
        finally:
            for future in futures:
                future.cancel()
