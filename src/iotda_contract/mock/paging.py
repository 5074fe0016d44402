"""The paging contract as pure functions over the ascending record ids that match a filter."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from iotda_contract.mock.index import IdIndex


class PageQuery(NamedTuple):
    """A list request's paging part, already validated; ``marker`` is lower-case 24 hex.

    A named tuple rather than a frozen dataclass: one is built per request, at half the cost.
    """

    marker: str
    offset: int
    limit: int
    #: Whether the client sent a marker (some faults only misbehave after the first page).
    marker_given: bool = False


@dataclass(frozen=True)
class Page:
    """The records of a page (in answer order), ``page.count`` and ``page.marker``.

    ``ids`` is always the slice ``[start:stop]`` of the ascending ids, in descending order unless
    ``ascending``; the positions let the store serve bodies without looking ids up.
    """

    ids: list[str]
    count: int
    marker: str | None
    start: int = field(default=0, compare=False)
    stop: int = field(default=0, compare=False)
    ascending: bool = field(default=False, compare=False)


class Span(NamedTuple):
    """The contract's page as positions in the ascending ids: ``ids[start:stop]``, answered descending.

    A named tuple, like :class:`PageQuery`: one is built per request.
    """

    start: int
    stop: int
    #: ``page.count``: every id of the filter (``count`` would shadow the tuple method).
    total: int
    marker: str | None


def _below(ids: Sequence[str], marker: str, inclusive: bool = False) -> int:
    """How many ids are below ``marker`` (or equal to it too, when ``inclusive``)."""
    if isinstance(ids, IdIndex):
        return ids.bisect_right(marker) if inclusive else ids.bisect_left(marker)
    return bisect_right(ids, marker) if inclusive else bisect_left(ids, marker)


def span(ids: Sequence[str], query: PageQuery) -> Span:
    """The contract's page without building its ids: below ``marker``, ``offset`` skipped, at most
    ``limit``; ``count`` is every id; ``marker`` is the smallest id of the page (its last record)."""
    end = _below(ids, query.marker) - query.offset
    if end <= 0 or query.limit <= 0:
        return Span(start=0, stop=0, total=len(ids), marker=None)
    start = max(0, end - query.limit)
    return Span(start=start, stop=end, total=len(ids), marker=ids[start])


def select(ids: Sequence[str], marker: str, offset: int, limit: int) -> list[str]:
    """The record ids of one page: below ``marker``, descending, ``offset`` skipped, at most ``limit``."""
    found = span(ids, PageQuery(marker=marker, offset=offset, limit=limit))
    page = list(ids[found.start : found.stop])
    page.reverse()
    return page


def page(ids: Sequence[str], query: PageQuery) -> Page:
    """The contract's page: ``count`` ignores marker, offset and limit; ``marker`` is the last id."""
    found = span(ids, query)
    chosen = list(ids[found.start : found.stop])
    chosen.reverse()
    return Page(ids=chosen, count=found.total, marker=found.marker, start=found.start, stop=found.stop)


#: Hex digits of a record id's leading timestamp (4 bytes of seconds, like a MongoDB ObjectId).
_SECOND_DIGITS = 8


def _second_of(marker: str) -> str:
    """The smallest record id of the second ``marker`` was created in (its create_time to the second)."""
    return marker[:_SECOND_DIGITS].ljust(len(marker), "0")


def _after_second(ids: Sequence[str], marker: str) -> int:
    """How many ids were created in or before the second of ``marker`` (create_time <= the marker's)."""
    second = int(marker[:_SECOND_DIGITS], 16)
    if second >= 16**_SECOND_DIGITS - 1:
        return len(ids)
    return _below(ids, f"{second + 1:0{_SECOND_DIGITS}x}".ljust(len(marker), "0"))


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
    if "marker-by-create-time" in faults:
        below = _below(ids, _second_of(query.marker))
    elif "marker-by-create-time-inclusive" in faults:
        below = _after_second(ids, query.marker)
    else:
        below = _below(ids, query.marker, inclusive="marker-inclusive" in faults)
    if "skip-at-boundary" in faults and query.marker_given:
        below -= 1
    if "unstable-under-insert" in faults and cursors is not None and query.marker_given:
        position = cursors.recall(cursor_key, query.marker)
        if position is not None:
            below = n - position
    end = min(below, n - offset) if "offset-before-marker" in faults else below - offset
    chosen: list[str] = []
    start = stop = 0
    # limit-before-offset: the limit records below the marker are cut first, then offset skips into them
    first = below if "limit-before-offset" in faults else end
    if end > 0 and limit > 0 and max(0, first - limit) < end:
        start, stop = max(0, first - limit), end
        chosen = list(ids[start:stop])
        chosen.reverse()
    if "unstable-under-insert" in faults and cursors is not None and chosen:
        cursors.remember(cursor_key, chosen[-1], n - max(0, end - limit))
    ascending = "ascending-order" in faults
    if ascending:
        chosen.reverse()
    count = n
    if "count-per-page" in faults:
        count = len(chosen)
    elif "count-after-marker" in faults:
        count = max(0, below)
    elif "count-after-offset" in faults:
        count = max(0, n - query.offset)
    marker = None
    if chosen:
        marker = chosen[0] if "marker-first-record" in faults else chosen[-1]
        if "no-marker-on-last-page" in faults and start == 0:
            marker = None
    elif "marker-on-empty-page" in faults:
        marker = query.marker
    return Page(ids=chosen, count=count, marker=marker, start=start, stop=stop, ascending=ascending)
