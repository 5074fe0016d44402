"""The requests the benchmark sends, built from the spec, and the mid-set markers of a data set."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from bench.probe import get
from iotda_contract import spec as spec_module
from iotda_contract.spec import json_pointer_get

#: The project the mock serves (``iotda-contract serve`` creates it).
PROJECT = "demo-project"


class WorkloadError(RuntimeError):
    """The server's answers do not allow building the workload (too few records, wrong count...)."""


@dataclass(frozen=True)
class Workload:
    """The list operation's request shapes, with every constant read from the spec."""

    path: str
    resource_type: str
    page_limit: int
    invalid_limit: int
    marker_parameter: str
    limit_parameter: str
    marker_digits: int
    items_pointer: str
    next_marker_pointer: str
    count_pointer: str

    @classmethod
    def from_spec(cls, document: spec_module.Spec, project: str = PROJECT) -> Workload:
        """The typical page is the largest one (``limit`` = its maximum); the invalid request
        asks for one less than ``limit``'s minimum."""
        op = document.operation("ListExportTasks")
        if op.paging is None or op.paging.count_pointer is None:
            raise WorkloadError("ListExportTasks declares no paging with a count")
        limit = op.parameter(op.paging.limit_parameter).schema
        marker = op.parameter(op.paging.marker_parameter).schema
        resource_type = op.parameter("resource_type").schema
        top = str(marker["default"])
        return cls(
            path=op.path.replace("{project_id}", project),
            resource_type=str(resource_type["enum"][0]),
            page_limit=int(limit["maximum"]),
            invalid_limit=int(limit["minimum"]) - 1,
            marker_parameter=op.paging.marker_parameter,
            limit_parameter=op.paging.limit_parameter,
            marker_digits=len(top),
            items_pointer=op.paging.items_pointer,
            next_marker_pointer=op.paging.next_marker_pointer,
            count_pointer=op.paging.count_pointer,
        )

    def list_path(self, *, limit: int, marker: str | None = None) -> str:
        query: dict[str, str | int] = {"resource_type": self.resource_type, self.limit_parameter: limit}
        if marker is not None:
            query[self.marker_parameter] = marker
        return f"{self.path}?{urlencode(query)}"

    def page_path(self, marker: str) -> str:
        """A typical page: the largest page below ``marker``."""
        return self.list_path(limit=self.page_limit, marker=marker)

    def invalid_path(self) -> str:
        """A request the server must refuse with 400 (``limit`` below its minimum)."""
        return self.list_path(limit=self.invalid_limit)

    def hex_marker(self, value: int) -> str:
        return f"{value:0{self.marker_digits}x}"


def _record_below(base_url: str, workload: Workload, marker: str | None) -> tuple[str | None, int]:
    """The record id just below ``marker`` (None when there is none) and the page's count."""
    reply = get(base_url, workload.list_path(limit=1, marker=marker))
    if reply.status != 200:
        raise WorkloadError(f"list answered {reply.status}: {reply.body[:200]!r}")
    page = reply.json()
    next_marker = json_pointer_get(page, workload.next_marker_pointer)
    count = json_pointer_get(page, workload.count_pointer)
    if not isinstance(count, int):
        raise WorkloadError(f"no count at {workload.count_pointer} in {page!r}")
    return (str(next_marker) if next_marker else None), count


@dataclass(frozen=True)
class MarkerSet:
    """Markers spread over the middle of a data set, and what the list showed of that set."""

    markers: list[str]
    visible_count: int
    newest: str
    oldest: str


def mid_set_markers(base_url: str, workload: Workload, *, seeded: int, how_many: int = 256) -> MarkerSet:
    """``how_many`` markers spread over the middle half of the record-id range of the data set.

    The newest record id comes from a one-record page; the oldest by bisecting the id space for
    the smallest marker that still has a record below it (about 100 requests). Any value of the
    marker's pattern is a valid marker, so the markers are evenly spaced numbers between 25 % and
    75 % of that range. The list sees the default instance only, a part of the ``seeded`` records
    (the seed spreads them over two instances): ``page.count`` must be positive and at most that.
    """
    newest, count = _record_below(base_url, workload, None)
    if not 0 < count <= seeded:
        raise WorkloadError(f"the list counts {count} records, but {seeded} were seeded")
    if newest is None or count < 2 * workload.page_limit:
        raise WorkloadError(f"{count} records are too few for a mid-set page")
    low, high = 0, int(newest, 16)  # nothing lies below `low`; something lies below `high`
    while high - low > 1:
        middle = (low + high) // 2
        below, _ = _record_below(base_url, workload, workload.hex_marker(middle))
        if below is None:
            low = middle
        else:
            high = middle
    oldest = high - 1
    span = int(newest, 16) - oldest
    start = oldest + span // 4
    step = max(1, (span // 2) // max(1, how_many - 1))
    markers = [workload.hex_marker(start + i * step) for i in range(how_many)]
    return MarkerSet(markers, count, newest, workload.hex_marker(oldest))


def check_full_pages(base_url: str, workload: Workload, markers: list[str]) -> None:
    """Every marker given must yield a full typical page (else the workload is not "typical")."""
    for marker in markers:
        reply = get(base_url, workload.page_path(marker))
        items = json_pointer_get(reply.json(), workload.items_pointer) if reply.status == 200 else None
        if not isinstance(items, list) or len(items) != workload.page_limit:
            raise WorkloadError(f"marker {marker} gave {reply.status} and not a full page")
