"""Marker walks: follow ``page.marker`` from a start until an empty page, within a bound."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from iotda_contract.conformance.target import Page, Target


@dataclass(frozen=True)
class Walk:
    """The pages of one walk and why it stopped (``ended`` is True only after an empty page)."""

    pages: tuple[Page, ...]
    ended: bool
    stop_reason: str
    #: True when the walk was cut by ``max_records`` (not the backend's fault: the run's bound).
    capped: bool = False
    #: True when the walk stopped on purpose, with what it was asked for (``max_pages`` or ``enough``): the
    #: head of the list from its start, every page of it fine so far.
    cut: bool = False

    @property
    def items(self) -> tuple[dict[str, Any], ...]:
        return tuple(item for page in self.pages for item in page.items)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(key for page in self.pages for key in page.keys)

    @property
    def exchanges(self) -> tuple[Any, ...]:
        return tuple(page.exchange for page in self.pages)

    @property
    def record_ids(self) -> tuple[str | None, ...]:
        """For a walk with limit 1: the record id of each record (its page's marker)."""
        return tuple(page.marker for page in self.pages if page.items)


def walk(
    target: Target,
    *,
    limit: int,
    filters: Mapping[str, str] | None = None,
    start: str | None = None,
    max_records: int,
    headers: Mapping[str, str] | None = None,
    max_pages: int | None = None,
    enough: int | None = None,
) -> Walk:
    """Walk from ``start`` (omitted: the top) with pages of ``limit``, visiting at most ``max_records``.

    ``max_pages`` and ``enough`` stop the walk early, and ``cut``, after that many pages or once it holds
    that many records.
    """
    contract = target.contract
    marker = start
    pages: list[Page] = []
    seen_markers: set[str] = set()
    visited = 0
    most_pages = max_records // max(limit, 1) + 2
    while True:
        query: dict[str, str | int] = dict(filters or {})
        query[contract.limit.name] = limit
        if marker is not None:
            query[contract.marker.name] = marker
        page = target.list(query, headers=headers)
        visited += len(page)
        pages.append(page)
        if not page.items:
            return Walk(tuple(pages), ended=True, stop_reason="empty page")
        if page.marker is None:
            return Walk(tuple(pages), ended=False, stop_reason="a non-empty page carried no marker")
        if page.marker.lower() in seen_markers:
            return Walk(tuple(pages), ended=False, stop_reason=f"marker {page.marker} came back")
        if len(pages) >= most_pages or visited > max_records:
            reason = f"no end within --max-records {max_records} ({len(pages)} pages of {limit})"
            return Walk(tuple(pages), ended=False, stop_reason=reason, capped=True)
        if (max_pages is not None and len(pages) >= max_pages) or (enough is not None and visited >= enough):
            reason = f"stopped on purpose after {len(pages)} pages of {limit} ({visited} records)"
            return Walk(tuple(pages), ended=False, stop_reason=reason, cut=True)
        seen_markers.add(page.marker.lower())
        marker = page.marker
