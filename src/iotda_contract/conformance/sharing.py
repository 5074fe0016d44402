"""What laws running side by side share (``--concurrency``): locks that send a walk once, a stop signal."""

from __future__ import annotations

import ast
import contextlib
import importlib
import pkgutil
import threading
from collections.abc import Callable, Hashable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from iotda_contract.conformance.errors import Skip, Violation
    from iotda_contract.conformance.filters import AppScope

T = TypeVar("T")
R = TypeVar("R")

#: Packages whose modules hypothesis and schemathesis import lazily, on first use, and so possibly from the
#: threads ``--concurrency`` starts. Two threads importing one module for the first time at once can see it
#: half initialised (Python breaks an import-lock cycle that way), and where the modules are compiled from
#: an AST (pytest's assertion rewriting) Python 3.11's compiler fails outright: they are imported first.
LAZY_PACKAGES = ("hypothesis.strategies",)
SCHEMATHESIS_LAZY_PACKAGES = tuple(
    f"schemathesis.{name}" for name in ("core", "generation", "specs", "engine", "transport", "openapi")
)


def import_before_threads(*, schemathesis: bool) -> None:
    """Import every module of :data:`LAZY_PACKAGES` (and of schemathesis') in this thread, before the run's
    threads start (about a second, once a process)."""
    for name in LAZY_PACKAGES + (SCHEMATHESIS_LAZY_PACKAGES if schemathesis else ()):
        package = importlib.import_module(name)
        for module in pkgutil.walk_packages(package.__path__, name + "."):
            with contextlib.suppress(ImportError):  # an optional extra not installed: never imported
                importlib.import_module(module.name)
    if schemathesis:  # imported by the run on first use (it imports schemathesis, a second's work)
        importlib.import_module("iotda_contract.conformance.st_engine")


@contextlib.contextmanager
def ast_parse_serialised() -> Iterator[None]:
    """While the block runs, one ``ast.parse`` at a time in the process.

    hypothesis describes a strategy's lambdas by parsing their source, from whichever thread draws; two
    parses at once can fail with ``SystemError: AST constructor recursion depth mismatch`` (the state of
    Python's AST constructor is shared by threads: CPython gh-106905), which schemathesis reports as an
    error of the run. Seen on 3.11 with ``--concurrency``.
    """
    original, lock = ast.parse, threading.Lock()

    def parse(*args: Any, **kwargs: Any) -> Any:
        with lock:
            return original(*args, **kwargs)

    ast.parse = parse
    try:
        yield
    finally:
        ast.parse = original


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


class Beside(Generic[R]):
    """Runs ``work`` (if any) in a thread while the block runs (schemathesis' list part beside the laws);
    a block that raises sets ``stop``, then waits for the work to end."""

    def __init__(self, work: Callable[[threading.Event], R] | None) -> None:
        self.stop = threading.Event()
        self._outcome: list[R | BaseException] = []
        self._thread = None if work is None else threading.Thread(
            target=self._run, args=(work,), name="iotda-beside", daemon=True)  # fmt: skip

    def _run(self, work: Callable[[threading.Event], R]) -> None:
        try:
            self._outcome.append(work(self.stop))
        except BaseException as err:  # handed to the run's own thread by result()
            self._outcome.append(err)

    def __enter__(self) -> Beside[R]:
        if self._thread is not None:
            self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        if self._thread is not None:
            if kind is not None:
                self.stop.set()
            self._thread.join()

    def wait(self) -> None:
        """Until the work has ended (what it returned or raised is kept for :meth:`result`)."""
        if self._thread is not None:
            self._thread.join()

    def result(self) -> R:
        """What the work returned (it raised: that is raised here)."""
        assert self._thread is not None
        self._thread.join()
        outcome = self._outcome[0]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome
