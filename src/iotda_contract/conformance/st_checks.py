"""Paging checks for schemathesis, registered with ``@schemathesis.check``; each reads the operation it sees.

A check knows nothing but the case and the answer: the list operation is the one whose definition carries
``x-iotda-paging``, and the limit's name and default come from that operation's own parameters. Each asserts
only what the description states (the decisions are the laws' business). A check that finds its law broken
raises a typed failure named after the law (:class:`PageSize`, :class:`MarkerContinues`,
:class:`NewestFirst`), which schemathesis reports with the law's id as its title.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Any, ClassVar

import schemathesis
from schemathesis.core.failures import Failure

from iotda_contract.spec import PAGING_EXTENSION, json_pointer_get


class PagingFailure(Failure):
    """A paging law broken on one answer, as schemathesis sees it; each subclass is one law."""

    #: The id of the law the failure breaks (docs/laws.md); it is the failure's title too.
    law: ClassVar[str] = ""

    def __init__(self, case: Any, message: str) -> None:
        super().__init__(operation=getattr(case.operation, "label", None), title=self.law, message=message)


class PageSize(PagingFailure):
    law = kind_title = "page-size"


class MarkerContinues(PagingFailure):
    law = kind_title = "marker-continues"


class NewestFirst(PagingFailure):
    law = kind_title = "newest-first"


@dataclass(frozen=True)
class _Page:
    items: list[Any]
    body: dict[str, Any]
    paging: dict[str, Any]
    limit: int | None


def _list_page(response: Any, case: Any) -> _Page | None:
    """The accepted answer of a paged list, read through its paging extension; None for anything else."""
    paging = getattr(getattr(case.operation, "definition", None), "raw", {}).get(PAGING_EXTENSION)
    if not isinstance(paging, dict) or response.status_code != 200:
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    items = json_pointer_get(body, str(paging.get("itemsPointer", "")))
    if not isinstance(body, dict) or not isinstance(items, list):
        return None
    name = paging.get("limitParameter")
    default = next((p.definition.get("schema", {}).get("default") for p in case.operation.query
                    if p.name == name), None)  # fmt: skip
    raw = (case.query or {}).get(name, default)
    try:
        limit = int(raw) if raw is not None else None
    except (TypeError, ValueError):
        limit = None
    return _Page(items, body, paging, limit)


@schemathesis.check
def paging_page_size(ctx: Any, response: Any, case: Any) -> bool | None:
    """page-size: an accepted list never holds more records than the limit (or its default)."""
    page = _list_page(response, case)
    if page is not None and page.limit is not None and len(page.items) > page.limit:
        raise PageSize(case, f"{len(page.items)} records on a page with limit {page.limit}")
    return None


@schemathesis.check
def paging_marker_presence(ctx: Any, response: Any, case: Any) -> bool | None:
    """marker-continues: a page that holds records carries page.marker (an empty page: a decision)."""
    page = _list_page(response, case)
    if page is None:
        return None
    marker = json_pointer_get(page.body, str(page.paging.get("nextMarkerPointer", "")))
    if page.items and marker is None:
        raise MarkerContinues(case, f"{len(page.items)} records and no page.marker")
    return None


@schemathesis.check
def paging_newest_first(ctx: Any, response: Any, case: Any) -> bool | None:
    """newest-first: create_time never increases along a page."""
    page = _list_page(response, case)
    if page is None:
        return None
    stamps = [str(item.get("create_time")) for item in page.items if isinstance(item, dict)]
    for earlier, later in pairwise(stamps):
        if later > earlier:
            raise NewestFirst(case, f"create_time rises from {earlier} to {later} on one page")
    return None
