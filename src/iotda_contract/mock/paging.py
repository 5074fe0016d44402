"""The paging contract as pure functions over the ascending record ids that match a filter."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class PageQuery:
    """A list request's paging part, already validated; ``marker`` is lower-case 24 hex."""

    marker: str
    offset: int
    limit: int
    #: Whether the client sent a marker (some faults only misbehave after the first page).
    marker_given: bool = False


@dataclass(frozen=True)
class Page:
    """The records of a page (in answer order), ``page.count`` and ``page.marker``."""

    ids: list[str]
    count: int
    marker: str | None


def select(ids: Sequence[str], marker: str, offset: int, limit: int) -> list[str]:
    """The record ids of one page: below ``marker``, descending, ``offset`` skipped, at most ``limit``."""
    end = bisect_left(ids, marker) - offset
    if end <= 0 or limit <= 0:
        return []
    page = list(ids[max(0, end - limit) : end])
    page.reverse()
    return page


def page(ids: Sequence[str], query: PageQuery) -> Page:
    """The contract's page: ``count`` ignores marker, offset and limit; ``marker`` is the last id."""
    chosen = select(ids, query.marker, query.offset, query.limit)
    return Page(ids=chosen, count=len(ids), marker=chosen[-1] if chosen else None)


@dataclass
class PositionalCursors:
    """The ``unstable-under-insert`` fault's memory: marker -> position in the list when issued."""

    capacity: int = 10_000
    positions: dict[tuple[object, str], int] = field(default_factory=dict)

    def remember(self, key: object, marker: str, position: int) -> None:
        if len(self.positions) >= self.capacity:
            self.positions.clear()
        self.positions[(key, marker)] = position

    def recall(self, key: object, marker: str) -> int | None:
        return self.positions.get((key, marker))


def faulty_page(
    ids: Sequence[str],
    query: PageQuery,
    faults: frozenset[str],
    cursor_key: object = None,
    cursors: PositionalCursors | None = None,
) -> Page:
    """A page as the backend with ``faults`` computes it (the contract's page when none apply)."""
    n = len(ids)
    offset = 0 if "offset-ignored" in faults else query.offset
    limit = query.limit + 1 if "limit-off-by-one" in faults else query.limit
    if "marker-inclusive" in faults:
        below = bisect_right(ids, query.marker)
    else:
        below = bisect_left(ids, query.marker)
    if "skip-at-boundary" in faults and query.marker_given:
        below -= 1
    if "unstable-under-insert" in faults and cursors is not None and query.marker_given:
        position = cursors.recall(cursor_key, query.marker)
        if position is not None:
            below = n - position
    end = min(below, n - offset) if "offset-before-marker" in faults else below - offset
    chosen: list[str] = []
    if end > 0 and limit > 0:
        chosen = list(ids[max(0, end - limit) : end])
        chosen.reverse()
    if "unstable-under-insert" in faults and cursors is not None and chosen:
        cursors.remember(cursor_key, chosen[-1], n - max(0, end - limit))
    if "ascending-order" in faults:
        chosen.reverse()
    count = n
    if "count-per-page" in faults:
        count = len(chosen)
    elif "count-after-marker" in faults:
        count = max(0, below)
    marker = None
    if chosen:
        marker = chosen[0] if "marker-first-record" in faults else chosen[-1]
    return Page(ids=chosen, count=count, marker=marker)
