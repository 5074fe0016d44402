"""The vendor extensions this project adds to OpenAPI, each read here and nowhere else.

``x-iotda-paging`` on a list operation declares its marker paging; ``x-iotda-platform-limits`` on a create
operation states the platform's caps on tasks (and the answer to a create beyond them), on a download its
rate (one file per interval per user, and the answer beyond); ``x-iotda-json-schema`` on a parameter that
carries JSON text names the schema of its decoded value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from iotda_contract.spec.refs import SpecError

#: The vendor extension that declares marker paging on a list operation.
PAGING_EXTENSION = "x-iotda-paging"
#: The vendor extension on a create operation that states the platform's caps on creates.
LIMITS_EXTENSION = "x-iotda-platform-limits"
#: The vendor extension that names the JSON schema of a parameter carried as JSON text.
JSON_SCHEMA_EXTENSION = "x-iotda-json-schema"


@dataclass(frozen=True)
class Paging:
    """The ``x-iotda-paging`` extension of a list operation."""

    marker_parameter: str
    limit_parameter: str
    offset_parameter: str | None
    items_pointer: str
    next_marker_pointer: str
    count_pointer: str | None
    order: str
    #: The field of an item that identifies it (``itemKey``); the fields that never change (``stableFields``).
    item_key: str | None = None
    stable_fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlatformLimits:
    """``x-iotda-platform-limits``: tasks kept per project, unfinished tasks allowed, the busy answer."""

    max_tasks: int
    max_unfinished: int
    busy_status: int
    busy_code: str


@dataclass(frozen=True)
class DownloadLimits:
    """``x-iotda-platform-limits`` of the download: one file per interval per user, and the answer beyond."""

    interval_seconds: float
    limited_status: int
    limited_code: str


def paging(operation: Mapping[str, Any]) -> Paging | None:
    """The ``x-iotda-paging`` of a (list) operation as written in the document, when it has one."""
    raw = operation.get(PAGING_EXTENSION)
    if raw is None:
        return None
    return Paging(
        marker_parameter=raw["markerParameter"],
        limit_parameter=raw["limitParameter"],
        offset_parameter=raw.get("offsetParameter"),
        items_pointer=raw["itemsPointer"],
        next_marker_pointer=raw["nextMarkerPointer"],
        count_pointer=raw.get("countPointer"),
        order=raw.get("order", "descending"),
        item_key=raw.get("itemKey"),
        stable_fields=tuple(raw.get("stableFields", ())),
    )


def platform_limits(operation: Mapping[str, Any]) -> PlatformLimits | None:
    """The platform's caps on a (create) operation, when the spec states them."""
    raw = operation.get(LIMITS_EXTENSION)
    if raw is None or ("maxTasks" not in raw and "downloadIntervalSeconds" in raw):
        return None  # none stated, or the download's limits (download_limits)
    try:
        return PlatformLimits(int(raw["maxTasks"]), int(raw["maxUnfinished"]), int(raw["busyStatus"]),
                              str(raw["busyCode"]))  # fmt: skip
    except (KeyError, TypeError, ValueError) as err:
        raise SpecError(f"{LIMITS_EXTENSION} needs maxTasks, maxUnfinished, busyStatus, busyCode") from err


def download_limits(operation: Mapping[str, Any]) -> DownloadLimits | None:
    """The platform's download rate on a (file) operation, when the spec states it."""
    raw = operation.get(LIMITS_EXTENSION)
    if raw is None or "downloadIntervalSeconds" not in raw:
        return None
    try:
        return DownloadLimits(float(raw["downloadIntervalSeconds"]), int(raw["limitedStatus"]),
                              str(raw["limitedCode"]))  # fmt: skip
    except (KeyError, TypeError, ValueError) as err:
        raise SpecError(
            f"{LIMITS_EXTENSION} of a download needs downloadIntervalSeconds, limitedStatus, limitedCode"
        ) from err
