"""What a law sees: the target, the contract, the run's options and cached reference walks."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from iotda_contract import decisions as decisions_module
from iotda_contract.conformance.contract import PagingContract, load_contract
from iotda_contract.conformance.errors import Skip, Violation
from iotda_contract.conformance.filters import APP_ID, APP_TYPE, ONE_APP, AppScope, Filters, matches
from iotda_contract.conformance.results import PROFILE_CONTRACT, PROFILE_PLATFORM, DeviationRecord
from iotda_contract.conformance.target import Exchange, Page, Target
from iotda_contract.conformance.walks import Walk, walk


@dataclass(frozen=True)
class Reference:
    """A complete walk with the smallest limit: every record in order, each with its record id."""

    walk: Walk
    filters: tuple[tuple[str, str], ...]

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

    def below(self, marker: str | None) -> tuple[str, ...]:
        """Keys of the records whose record id is below ``marker`` (all of them for None)."""
        if marker is None:
            return self.keys
        bound = int(marker, 16)
        return tuple(k for k, r in zip(self.keys, self.record_ids, strict=True) if int(r, 16) < bound)


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
    _app_scope: AppScope | Violation | Skip | None = None
    #: Where hypothesis keeps the failing examples, so a later run tries them first (None: nowhere).
    example_db: Path | None = None
    #: Answers to fixed requests a law sends on every example (the same request, the same answer).
    memo: dict[Any, Exchange] = field(default_factory=dict)

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
        """
        if isinstance(self._app_scope, Violation | Skip):
            raise self._app_scope
        if self._app_scope is not None:
            return self._app_scope
        w = self.walk(limit=self.contract.limit.maximum, filters={APP_TYPE: ONE_APP})
        if not w.ended:
            self._app_scope = Skip(f"needs the complete walk with {APP_TYPE}={ONE_APP}, which stopped: "
                                   f"{w.stop_reason} (see walk-complete)")  # fmt: skip
            raise self._app_scope
        apps = {item.get(APP_ID) for item in w.items}
        if len(apps) > 1:
            shown = ", ".join(sorted(str(a) for a in apps))
            self._app_scope = fail(
                f"{APP_TYPE}={ONE_APP} without {APP_ID} listed the tasks of several apps "
                f"({shown}); the description's scope of defaultApp is one app",
                *w.pages[:3],
            )
            raise self._app_scope
        scope = AppScope(known=bool(apps), app_id=next(iter(apps), None))
        self._app_scope = scope
        if scope.known and scope.app_id is not None:
            message = f"{APP_TYPE}={ONE_APP} without {APP_ID} lists the tasks of app {scope.app_id}"
            self.deviate("default-app", message + ", not the tasks created without an app id", *w.pages[:1])
        elif not scope.known:
            try:
                full = self.full_walk()
            except Skip:
                return scope
            if any(item.get(APP_ID) is None for item in full.items):
                self.deviate("default-app", f"{APP_TYPE}={ONE_APP} without {APP_ID} lists nothing, though "
                             "tasks without an app id exist", *w.pages[:1], *full.pages[:1])  # fmt: skip
        return scope

    def matcher(self, filters: Filters) -> Callable[[Mapping[str, Any]], bool]:
        """Whether a task is in the list ``filters`` select, as this backend reads the default app."""
        needs_scope = filters.get(APP_TYPE) == ONE_APP and APP_ID not in filters
        scope = self.app_scope() if needs_scope else None
        return lambda task: matches(task, filters, scope)

    def reference(self, filters: Filters | None = None) -> Reference:
        """The limit-minimum walk for ``filters``; Skip when it does not end (walk-complete reports that)."""
        key = tuple(sorted((filters or {}).items()))
        if key in self._broken:
            raise self._broken[key]
        if key not in self._references:
            result = walk(
                self.target,
                limit=self.contract.limit.minimum,
                filters=dict(key),
                max_records=self.max_records,
            )
            smallest = self.contract.limit.minimum
            problem = None if result.ended else f"stopped: {result.stop_reason} (see walk-complete)"
            if problem is None and any(len(page) > smallest for page in result.pages):
                problem = f"returned pages of more than {smallest} record(s) (see page-size)"
            if problem is not None:
                self._broken[key] = Skip(f"needs a complete walk, and the limit-{smallest} walk "
                                         f"({dict(key) or 'no filter'}) {problem}")  # fmt: skip
                raise self._broken[key]
            self._references[key] = Reference(result, key)
        return self._references[key]

    def full_walk(self) -> Walk:
        """The walk from the top with the largest limit; Skip when it does not end (see walk-complete)."""
        w = self.walk(limit=self.contract.limit.maximum)
        if not w.ended:
            raise Skip(f"needs a complete walk, and the limit-{self.contract.limit.maximum} walk stopped: "
                       f"{w.stop_reason} (see walk-complete)")  # fmt: skip
        return w

    def below(self, marker: str | None) -> Walk:
        """The complete walk from ``marker`` (None: the top) with the largest limit."""
        w = self.walk(limit=self.contract.limit.maximum, start=marker)
        if not w.ended:
            raise Skip(
                f"needs a complete walk from {marker}, which stopped: {w.stop_reason} (see walk-complete)"
            )
        return w

    def known_ids(self) -> tuple[str, ...]:
        """Record ids for markers: every record's if the smallest-limit walk works, else the page markers."""
        try:
            return self.reference().record_ids
        except Skip:
            return tuple(p.marker for p in self.full_walk().pages if p.marker)

    def forget(self) -> None:
        """The data changed (a write): drop cached pages and references."""
        self._references.clear()
        self._broken.clear()
        if not isinstance(self._app_scope, AppScope) or not self._app_scope.known:
            self._app_scope = None
        self.target.forget()

    def walk(
        self,
        *,
        limit: int,
        filters: Filters | None = None,
        start: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Walk:
        return walk(
            self.target,
            limit=limit,
            filters=filters,
            start=start,
            max_records=self.max_records,
            headers=headers,
        )

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
