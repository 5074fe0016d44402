"""The marker walk shared by the generated paginators (``iterate_pages``, ``iterate_items`` and async twins).

Generated from openapi/templates/paging.py.jinja by scripts/generate.py; do not edit. Each paged
operation (one with the spec's ``x-iotda-paging``) has a module ``api/<tag>/<operation>_pages.py`` that
binds these walks to its request function, page model and the extension's pointers. The walk:

- sends the caller's marker and offset on the first request, then the previous page's next marker
  and no offset (the marker already says where the next page starts);
- stops after the last page: an empty page, a short page (fewer items than the page size: the limit
  sent, or the server's default limit when none is sent) or a page without a next marker; or once
  ``max_pages`` pages or ``max_items`` items were produced (a cap of 0 sends nothing);
- raises ``PagingError`` when a page request is answered with a non-2xx status, or with a body
  that is not a page, or when a page's next marker equals the marker that was sent (no progress).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Generator, Iterator
from typing import Any, TypeVar

from .types import Response, Unset

P = TypeVar("P")
I = TypeVar("I")  # noqa: E741


class PagingError(RuntimeError):
    """A paginator stopped before the last page: an error answer, a body that is not a page, no progress."""

    def __init__(
        self,
        message: str,
        *,
        page_number: int,
        marker: str | None,
        status_code: int,
        content: bytes,
        parsed: object,
    ) -> None:
        self.page_number = page_number
        self.marker = marker
        self.status_code = status_code
        self.content = content
        self.parsed = parsed
        super().__init__(f"page {page_number} (marker {marker!r}): {message}")


def check_cap(name: str, value: int | None) -> None:
    """Refuse a cap that is not ``None`` or a non-negative integer."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise ValueError(f"{name} must be None or an integer >= 0, not {value!r}")


def page_size(limit: int | Unset, default: int | None) -> int | None:
    """The items a full page holds: the limit sent, else the spec's ``default`` (``None``: not known)."""
    return default if isinstance(limit, Unset) else limit


def _page(response: Response[Any], page_type: type[P], number: int, sent: str | Unset) -> P:
    marker = None if isinstance(sent, Unset) else sent
    status = int(response.status_code)
    if not 200 <= status < 300:
        raise PagingError(
            f"answered {status}",
            page_number=number,
            marker=marker,
            status_code=status,
            content=response.content,
            parsed=response.parsed,
        )
    if not isinstance(response.parsed, page_type):
        raise PagingError(
            f"answered {status} with a body that is not a {page_type.__name__}",
            page_number=number,
            marker=marker,
            status_code=status,
            content=response.content,
            parsed=response.parsed,
        )
    return response.parsed


def _next_marker(
    page: P,
    items_of: Callable[[P], list[I]],
    marker_of: Callable[[P], str | None],
    sent: str | Unset,
    number: int,
    size: int | None,
) -> str | None:
    """The marker of the next request, or ``None`` when ``page`` is the last: empty, short or without marker."""
    items = items_of(page)
    if not items or (size is not None and len(items) < size):
        return None
    marker = marker_of(page)
    if marker is not None and not isinstance(sent, Unset) and marker == sent:
        raise PagingError(
            "the next marker equals the one sent; the walk would never end",
            page_number=number,
            marker=sent,
            status_code=200,
            content=b"",
            parsed=page,
        )
    return marker


def walk_pages(
    fetch: Callable[[str | Unset, bool], Response[Any]],
    page_type: type[P],
    items_of: Callable[[P], list[I]],
    marker_of: Callable[[P], str | None],
    first_marker: str | Unset,
    max_pages: int | None,
    size: int | None = None,
) -> Generator[P, None, None]:
    """Pages from ``fetch(marker, is_first)`` until the last one or ``max_pages``; ``size``: see ``page_size``."""
    check_cap("max_pages", max_pages)
    marker: str | Unset = first_marker
    number = 0
    while max_pages is None or number < max_pages:
        number += 1
        page = _page(fetch(marker, number == 1), page_type, number, marker)
        yield page
        next_marker = _next_marker(page, items_of, marker_of, marker, number, size)
        if next_marker is None:
            return
        marker = next_marker


def walk_items(
    pages: Generator[P, None, None], items_of: Callable[[P], list[I]], max_items: int | None
) -> Iterator[I]:
    """The items of ``pages`` in order, at most ``max_items`` of them; no page is fetched beyond the cap."""
    check_cap("max_items", max_items)
    count = 0
    try:
        if max_items == 0:
            return
        for page in pages:
            for item in items_of(page):
                yield item
                count += 1
                if max_items is not None and count >= max_items:
                    return
    finally:
        pages.close()


async def awalk_pages(
    fetch: Callable[[str | Unset, bool], Awaitable[Response[Any]]],
    page_type: type[P],
    items_of: Callable[[P], list[I]],
    marker_of: Callable[[P], str | None],
    first_marker: str | Unset,
    max_pages: int | None,
    size: int | None = None,
) -> AsyncGenerator[P, None]:
    """The async twin of ``walk_pages``."""
    check_cap("max_pages", max_pages)
    marker: str | Unset = first_marker
    number = 0
    while max_pages is None or number < max_pages:
        number += 1
        page = _page(await fetch(marker, number == 1), page_type, number, marker)
        yield page
        next_marker = _next_marker(page, items_of, marker_of, marker, number, size)
        if next_marker is None:
            return
        marker = next_marker


async def awalk_items(
    pages: AsyncGenerator[P, None], items_of: Callable[[P], list[I]], max_items: int | None
) -> AsyncIterator[I]:
    """The async twin of ``walk_items``."""
    check_cap("max_items", max_items)
    count = 0
    try:
        if max_items == 0:
            return
        async for page in pages:
            for item in items_of(page):
                yield item
                count += 1
                if max_items is not None and count >= max_items:
                    return
    finally:
        await pages.aclose()


__all__ = ["PagingError", "awalk_items", "awalk_pages", "check_cap", "page_size", "walk_items", "walk_pages"]
