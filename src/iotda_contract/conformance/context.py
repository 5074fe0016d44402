"""What a law sees: the target, the contract, the run's options and cached reference walks."""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from iotda_contract.conformance.contract import PagingContract, load_contract
from iotda_contract.conformance.errors import Skip, Violation
from iotda_contract.conformance.filters import APP_ID, APP_TYPE, ONE_APP, AppScope, Filters, matches
from iotda_contract.conformance.results import PROFILE_CONTRACT, PROFILE_PLATFORM, DeviationRecord
from iotda_contract.conformance.sharing import Shared, side_by_side
from iotda_contract.conformance.target import Exchange, Page, Target
from iotda_contract.conformance.walks import Walk, walk
from iotda_contract.spec import decisions as decisions_module

T = TypeVar("T")
R = TypeVar("R")

#: The smallest-limit reference walk covers one largest page and this many records more: a page of any limit
#: from a marker among its first HEAD records ends inside it. Markers the reference judges come from there.
HEAD = 10
#: A walk a law draws with a limit below the maximum visits at most this many pages (``bounded``): small
#: limits are checked on the list's head, the largest on the whole list, so requests grow with N / maximum.
SAMPLE_PAGES = 10


@dataclass(frozen=True)
class Reference:
    """The walk with the smallest limit over the list's head (all of it when short): records in order, each
    with its record id, learnt from the marker of a page that holds that record alone."""

    walk: Walk
    filters: tuple[tuple[str, str], ...]
    #: The limit's maximum: how many records past a drawn marker the reference must still hold.
    largest: int = 50

    @property
    def complete(self) -> bool:
        """Whether the walk ended: the reference then holds every record, as a complete walk would."""
        return self.walk.ended

    @property
    def items(self) -> tuple[dict[str, Any], ...]:
        return self.walk.items

    @property
    def keys(self) -> tuple[str, ...]:
        return self.walk.keys

    @property
    def record_ids(self) -> tuple[str, ...]:
        return tuple(str(m) for m in self.walk.record_ids)

    @property
    def count(self) -> int | None:
        return self.walk.pages[0].count

    @property
    def head_ids(self) -> tuple[str, ...]:
        """Record ids to draw the markers it judges from: every one when complete, else the first ones, each
        with at least a largest page of records below it inside the reference."""
        if self.complete:
            return self.record_ids
        return self.record_ids[: max(1, len(self.record_ids) - self.largest)]

    def below(self, marker: str | None) -> tuple[str, ...]:
        """Keys of the records it holds whose record id is below ``marker`` (all of them for None).

        Past the head of the list (``complete`` False) more such records may follow, never precede, these.
        """
        if marker is None:
            return self.keys
        bound = int(marker, 16)
        return tuple(k for k, r in zip(self.keys, self.record_ids, strict=True) if int(r, 16) < bound)

    def exact(self, marker: str | None) -> bool:
        """Whether :meth:`below` gives every record below ``marker``, not just those of the head."""
        return self.complete or (marker is not None and int(marker, 16) == 0)


@dataclass
class LawContext:
    """Shared by every law of one run."""

    target: Target
    contract: PagingContract
    max_records: int = 1000
    allow_writes: bool = False
    other_instance_id: str | None = None
    #: ``contract``: also hold the backend to the contract's decisions; ``platform``: only to the description.
    profile: str = PROFILE_CONTRACT
    #: Decisions waived with ``--accept``.
    accepted: frozenset[str] = frozenset()
    _references: dict[tuple[tuple[str, str], ...], Reference] = field(default_factory=dict)
    #: Tasks created by write laws and not yet deleted: (export_task_id, headers used).
    created: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    #: Every task the run created, in order: (export_task_id, who created it).
    created_log: list[tuple[str, str]] = field(default_factory=list)
    _broken: dict[tuple[tuple[str, str], ...], Skip] = field(default_factory=dict)
    #: The law now running (deviations name it).
    current_law: str = ""
    #: Deviations found, by decision id (the first evidence is kept).
    deviations: dict[str, DeviationRecord] = field(default_factory=dict)
    _views: dict[str, PagingContract] = field(default_factory=dict)
    #: Where hypothesis keeps the failing examples, so a later run tries them first (None: nowhere).
    example_db: Path | None = None
    #: Answers to fixed requests a law sends on every example (the same request, the same answer).
    memo: dict[Any, Exchange] = field(default_factory=dict)
    #: Requests sent at once (``--concurrency``): independent read-only requests, and read-only laws.
    concurrency: int = 1
    #: What every law's view of the run shares (:meth:`view`): locks, the app scope learnt, a stop signal.
    shared: Shared = field(default_factory=Shared)

    @property
    def platform(self) -> PagingContract:
        """The contract as the description states it: every decision set aside."""
        if "*" not in self._views:
            self._views["*"] = load_contract(decisions_module.platform_view(self.contract.spec))
        return self._views["*"]

    @cached_property
    def decisions(self) -> dict[str, decisions_module.Decision]:
        """The spec's decisions, read once (deviations and views ask for them on every example)."""
        return decisions_module.decisions(self.contract.spec.raw)

    def relaxed(self, decision_id: str) -> PagingContract:
        """The contract with one decision set aside."""
        if decision_id not in self._views:
            self._views[decision_id] = load_contract(decisions_module.view(self.contract.spec, [decision_id]))
        return self._views[decision_id]

    def view(self, law_id: str) -> LawContext:
        """The run's context as one law sees it: caches and target shared, its own law id and deviations.

        :meth:`settle` then keeps what it found that no earlier law had, so that laws run side by side
        report exactly what they would report one after another.
        """
        self.decisions  # noqa: B018 - read once, before the views copy it
        mine = copy.copy(self)
        mine.current_law, mine.deviations = law_id, {}
        return mine

    def settle(self, view: LawContext) -> list[str]:
        """Keep the deviations a law's view found that no earlier law found; their decision ids, in order."""
        new = [decision_id for decision_id in view.deviations if decision_id not in self.deviations]
        for decision_id in new:
            self.deviations[decision_id] = view.deviations[decision_id]
        return new

    def fetch_all(self, items: Iterable[T], send: Callable[[T], R]) -> Iterator[tuple[T, R]]:
        """Each item with what ``send`` got for it, in order. With concurrency 1 one at a time, lazily (a
        law that stops at the first failure sends no more); else side by side, the items drawn first.

        Only for requests that are independent and read-only: their order cannot change what they get.
        """
        if self.concurrency <= 1:
            for item in items:
                yield item, send(item)
            return
        drawn: list[T] = []
        stopped: BaseException | None = None
        try:
            for item in items:
                drawn.append(item)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as err:  # hypothesis ends an example at a draw: first judge what came before it
            stopped = err
        self.target.wire.client()  # built here, before threads share it
        yield from side_by_side(drawn, send, self.concurrency)
        if stopped is not None:
            raise stopped

    def responsible(self, holds: Callable[[PagingContract], bool], side: str) -> list[str]:
        """The decisions on ``side`` that, each set aside alone, make ``holds`` true (all of them if none)."""
        candidates = [d.id for d in self.decisions.values() if side in d.sides]
        alone = [d for d in candidates if holds(self.relaxed(d))]
        return alone or candidates

    def deviate(self, decision_ids: str | Sequence[str], message: str,
                *evidence: Page | Walk | Exchange | Sequence[Exchange]) -> None:  # fmt: skip
        """Record that the backend took another reading than a decision (ignored under ``platform``)."""
        ids = [decision_ids] if isinstance(decision_ids, str) else list(decision_ids)
        if self.profile == PROFILE_PLATFORM:
            return
        known = self.decisions
        for decision_id in ids:
            if decision_id in self.accepted or decision_id in self.deviations:
                continue
            decision = known[decision_id]
            exchanges = [e.to_dict() for e in fail(message, *evidence).exchanges]
            self.deviations[decision_id] = DeviationRecord(decision_id, decision.rule, decision.why,
                                                           self.current_law, message, exchanges)  # fmt: skip

    def app_scope(self) -> AppScope:
        """What ``app_type=APP`` without ``app_id`` lists here: one app, learnt from the backend.

        The description says only "the scope of defaultApp": one app. Which one is the contract's decision
        ``default-app`` (the tasks created without an app id); another app is a deviation, not a violation.
        Learnt once; the deviation it shows is told to every law that asks (the first of them keeps it).
        """
        shared = self.shared
        with shared.once("app-scope"):
            if shared.app_scope is None:
                shared.app_scope, shared.scope_deviation = self._learn_app_scope()
        if shared.scope_deviation is not None:
            self.deviate(*shared.scope_deviation)
        if isinstance(shared.app_scope, Violation | Skip):
            raise shared.app_scope
        return shared.app_scope

    def _learn_app_scope(self) -> tuple[AppScope | Violation | Skip, tuple[Any, ...] | None]:
        w = self.walk(limit=self.contract.limit.maximum, filters={APP_TYPE: ONE_APP})
        if not w.ended:
            return Skip(f"needs the complete walk with {APP_TYPE}={ONE_APP}, which stopped: "
                        f"{w.stop_reason} (see walk-complete)"), None  # fmt: skip
        apps = {item.get(APP_ID) for item in w.items}
        if len(apps) > 1:
            shown = ", ".join(sorted(str(a) for a in apps))
            return fail(
                f"{APP_TYPE}={ONE_APP} without {APP_ID} listed the tasks of several apps "
                f"({shown}); the description's scope of defaultApp is one app",
                *w.pages[:3],
            ), None
        scope = AppScope(known=bool(apps), app_id=next(iter(apps), None))
        if scope.known and scope.app_id is not None:
            message = f"{APP_TYPE}={ONE_APP} without {APP_ID} lists the tasks of app {scope.app_id}"
            return scope, ("default-app", message + ", not the tasks created without an app id", *w.pages[:1])
        if not scope.known:
            try:
                full = self.full_walk()
            except Skip:
                return scope, None
            if any(item.get(APP_ID) is None for item in full.items):
                return scope, ("default-app", f"{APP_TYPE}={ONE_APP} without {APP_ID} lists nothing, though "
                               "tasks without an app id exist", *w.pages[:1], *full.pages[:1])  # fmt: skip
        return scope, None

    def matcher(self, filters: Filters) -> Callable[[Mapping[str, Any]], bool]:
        """Whether a task is in the list ``filters`` select, as this backend reads the default app."""
        needs_scope = filters.get(APP_TYPE) == ONE_APP and APP_ID not in filters
        scope = self.app_scope() if needs_scope else None
        return lambda task: matches(task, filters, scope)

    def reference(self, filters: Filters | None = None) -> Reference:
        """The limit-minimum walk for ``filters`` over the list's head (a largest page and :data:`HEAD`
        records; all of it when shorter); Skip when it breaks (walk-complete and page-size report that)."""
        key = tuple(sorted((filters or {}).items()))
        with self.shared.once(("reference", key)):
            if key in self._broken:
                raise self._broken[key]
            if key not in self._references:
                smallest, largest = self.contract.limit.minimum, self.contract.limit.maximum
                result = self._walk(limit=smallest, filters=dict(key),
                                    max_pages=math.ceil((largest + HEAD) / max(smallest, 1)))  # fmt: skip
                fine = result.ended or result.cut
                problem = None if fine else f"stopped: {result.stop_reason} (see walk-complete)"
                if problem is None and any(len(page) > smallest for page in result.pages):
                    problem = f"returned pages of more than {smallest} record(s) (see page-size)"
                if problem is not None:
                    self._broken[key] = Skip(f"needs a complete walk, and the limit-{smallest} walk "
                                             f"({dict(key) or 'no filter'}) {problem}")  # fmt: skip
                    raise self._broken[key]
                self._references[key] = Reference(result, key, largest)
            return self._references[key]

    def full_walk(self) -> Walk:
        """The walk from the top with the largest limit; Skip when it does not end (see walk-complete)."""
        w = self.walk(limit=self.contract.limit.maximum)
        if not w.ended:
            raise Skip(f"needs a complete walk, and the limit-{self.contract.limit.maximum} walk stopped: "
                       f"{w.stop_reason} (see walk-complete)")  # fmt: skip
        return w

    def head(self, records: int) -> Walk:
        """The largest-limit walk from the top until it holds ``records`` records or ends; Skip on a break."""
        w = self.walk(limit=self.contract.limit.maximum, enough=records)
        if not w.ended and not w.cut:
            raise Skip(f"needs the first {records} records, and the limit-{self.contract.limit.maximum} walk "
                       f"stopped: {w.stop_reason} (see walk-complete)")  # fmt: skip
        return w

    def below(self, marker: str | None, *, need: int | None = None) -> Walk:
        """The walk from ``marker`` (None: the top) with the largest limit: complete, or, with ``need``, until
        it holds that many records (all a law compares its page with)."""
        w = self.walk(limit=self.contract.limit.maximum, start=marker, enough=need)
        if not w.ended and not w.cut:
            raise Skip(
                f"needs a complete walk from {marker}, which stopped: {w.stop_reason} (see walk-complete)"
            )
        return w

    def known_ids(self) -> tuple[str, ...]:
        """Record ids for markers: the smallest-limit reference's, then (past its head) the page markers of
        the largest-limit walk; the page markers alone when the smallest-limit walk does not work."""
        try:
            ref = self.reference()
        except Skip:
            return tuple(p.marker for p in self.full_walk().pages if p.marker)
        if ref.complete:
            return ref.record_ids
        seen = {r.lower() for r in ref.record_ids}
        deep = tuple(p.marker for p in self.full_walk().pages if p.marker and p.marker.lower() not in seen)
        return ref.record_ids + deep

    def forget(self) -> None:
        """The data changed (a write): drop cached pages and references."""
        self._references.clear()
        self._broken.clear()
        self.shared.forget_app_scope()
        self.target.forget()

    def walk(
        self,
        *,
        limit: int,
        filters: Filters | None = None,
        start: str | None = None,
        headers: Mapping[str, str] | None = None,
        bounded: bool = False,
        enough: int | None = None,
    ) -> Walk:
        """A walk (:func:`walks.walk`); ``bounded``: at most :data:`SAMPLE_PAGES` pages unless ``limit`` is
        the largest, and then ``cut`` when it has not ended. One walk asked twice at once is sent once."""
        pages = SAMPLE_PAGES if bounded and limit < self.contract.limit.maximum else None
        return self._walk(limit=limit, filters=filters, start=start, headers=headers, max_pages=pages,
                          enough=enough)  # fmt: skip

    def _walk(self, *, limit: int, filters: Filters | None = None, start: str | None = None,
              headers: Mapping[str, str] | None = None, max_pages: int | None = None,
              enough: int | None = None) -> Walk:  # fmt: skip
        # one walk from one start at a time, whatever its bound: the next one reads the pages it cached
        key = ("walk", limit, tuple(sorted((filters or {}).items())), start,
               tuple(sorted((headers or {}).items())))  # fmt: skip
        with self.shared.once(key):
            return walk(self.target, limit=limit, filters=filters, start=start, max_records=self.max_records,
                        headers=headers, max_pages=max_pages, enough=enough)  # fmt: skip

    def page(self, query: Mapping[str, str | int], *, fresh: bool = False) -> Page:
        return self.target.list(query, fresh=fresh)


def fail(message: str, *evidence: Page | Walk | Exchange | Sequence[Exchange]) -> Violation:
    """A Violation whose exchanges are taken from pages, walks or exchanges."""
    exchanges: list[Exchange] = []
    for item in evidence:
        if isinstance(item, Page):
            exchanges.append(item.exchange)
        elif isinstance(item, Walk):
            exchanges.extend(item.exchanges)
        elif isinstance(item, Exchange):
            exchanges.append(item)
        else:
            exchanges.extend(item)
    return Violation(message, exchanges)


def first_difference(expected: Sequence[str], actual: Sequence[str]) -> str:
    """Where two key sequences part, in words."""
    for index, (want, got) in enumerate(zip(expected, actual, strict=False)):
        if want != got:
            return f"at position {index}: expected {want}, got {got}"
    if len(expected) != len(actual):
        return f"expected {len(expected)} records, got {len(actual)}"
    return "they are equal"
