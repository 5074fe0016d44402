"""What a law sees: the target, the contract, the run's options and cached reference walks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from iotda_contract.conformance.contract import KEY_FIELD, PagingContract
from iotda_contract.conformance.errors import Skip, Violation
from iotda_contract.conformance.filters import Filters
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
    _references: dict[tuple[tuple[str, str], ...], Reference] = field(default_factory=dict)
    #: Tasks created by write laws and not yet deleted: (export_task_id, headers used).
    created: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    _broken: dict[tuple[tuple[str, str], ...], Skip] = field(default_factory=dict)

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


def key_of(item: Mapping[str, Any]) -> str:
    return str(item.get(KEY_FIELD))
