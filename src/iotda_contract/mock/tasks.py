"""Export-task records: record ids, the life of a task (Processing -> Success/Failed) and its JSON."""

from __future__ import annotations

import base64
import json
import random
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

#: A batch task_id with this prefix (case-insensitive) makes an export task fail: the Failed rule.
FAIL_PREFIX = "fa11"
#: The progress a failing task reaches: it fails at this percentage of its run.
FAIL_PROGRESS = 50
_TO_ALNUM = str.maketrans("-_", "Az")
#: The column order of a record everywhere (SQLite rows, Task fields).
COLUMNS = (
    "record_id",
    "project_id",
    "instance_id",
    "export_task_id",
    "resource_type",
    "task_id",
    "export_format",
    "app_type",
    "app_id",
    "status",
    "progress",
    "export_count",
    "create_ms",
    "end_ms",
    "live",
)


class RecordIds:
    """Record ids like a MongoDB ObjectId: 4-byte seconds then a counter, strictly increasing."""

    def __init__(self, last: str | None = None) -> None:
        self._last = int(last, 16) if last else 0

    @property
    def last(self) -> str:
        return f"{self._last:024x}"

    def next(self, now_ms: int) -> str:
        value = max((now_ms // 1000) << 64, self._last + 1)
        self._last = value
        return f"{value:024x}"


def new_export_task_id(rng: random.Random | None = None) -> str:
    """An opaque 28-character id of letters and digits, like the description's example.

    168 random bits in base64, with ``-`` and ``_`` mapped to letters (the bias does not matter).
    """
    raw = rng.randbytes(21) if rng is not None else secrets.token_bytes(21)
    return base64.urlsafe_b64encode(raw).decode("ascii").translate(_TO_ALNUM)


def planned_count(record_id: str) -> int:
    """How many resources a successful task exports: 1 + (record id mod 10 000)."""
    return 1 + int(record_id, 16) % 10_000


def fails(task_id: str | None) -> bool:
    """The Failed rule: a task exporting a batch task whose id starts with ``fa11`` fails."""
    return task_id is not None and task_id.lower().startswith(FAIL_PREFIX)


def format_ms(ms: int) -> str:
    """``yyyy-MM-dd'T'HH:mm:ss.SSS'Z'`` for a time in milliseconds since the epoch."""
    moment = datetime.fromtimestamp(ms // 1000, tz=UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{ms % 1000:03d}Z"


@dataclass(frozen=True, slots=True)
class Task:
    """One stored export task.

    ``status``, ``progress`` and ``export_count`` are the task's final values, except for a frozen
    snapshot (``end_ms`` is None, status Processing). A ``live`` task (created through the API) is
    Processing until ``end_ms`` and shows progress rising with the clock.
    """

    record_id: str
    project_id: str
    instance_id: str
    export_task_id: str
    resource_type: str
    task_id: str | None
    export_format: str
    app_type: str
    app_id: str | None
    status: str
    progress: int
    export_count: int
    create_ms: int
    end_ms: int | None
    live: bool

    def row(self) -> tuple[Any, ...]:
        """The SQLite row, in :data:`COLUMNS` order."""
        return (
            self.record_id,
            self.project_id,
            self.instance_id,
            self.export_task_id,
            self.resource_type,
            self.task_id,
            self.export_format,
            self.app_type,
            self.app_id,
            self.status,
            self.progress,
            self.export_count,
            self.create_ms,
            self.end_ms,
            self.live,
        )

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> Task:
        values = dict(zip(COLUMNS, row, strict=True))
        values["live"] = bool(values["live"])
        return cls(**values)

    def finished(self, now_ms: int) -> bool:
        """Whether the task shows its final state at ``now_ms`` (a frozen snapshot never changes)."""
        return not self.live or self.end_ms is None or now_ms >= self.end_ms

    def processing(self, now_ms: int) -> bool:
        """Whether the task is Processing at ``now_ms`` (counts against --max-unfinished)."""
        if self.end_ms is None:
            return self.status == "Processing"
        return self.live and now_ms < self.end_ms

    def view(self, now_ms: int) -> dict[str, Any]:
        """The ExportTask as a client sees it at ``now_ms``."""
        status, progress, count, end_ms = self.status, self.progress, self.export_count, self.end_ms
        if not self.finished(now_ms) and self.end_ms is not None:
            run_ms = self.end_ms - self.create_ms
            full_ms = run_ms * 100 // max(1, self.progress)
            progress = min(self.progress - 1, (now_ms - self.create_ms) * 100 // max(1, full_ms))
            progress = max(0, progress)
            count = self.export_count * progress // max(1, self.progress)
            status, end_ms = "Processing", None
        task: dict[str, Any] = {
            "export_task_id": self.export_task_id,
            "resource_type": self.resource_type,
            "resource_condition": {"task_id": self.task_id} if self.task_id is not None else {},
            "export_format": self.export_format,
            "status": status,
            "export_count": count,
            "progress": progress,
            "create_time": format_ms(self.create_ms),
        }
        if end_ms is not None:
            task["end_time"] = format_ms(end_ms)
        task["app_type"] = self.app_type
        if self.app_id is not None:
            task["app_id"] = self.app_id
        return task

    def render(self, now_ms: int) -> bytes:
        return json.dumps(self.view(now_ms), separators=(",", ":")).encode()


def new_live_task(
    record_id: str,
    project_id: str,
    instance_id: str,
    body: dict[str, Any],
    defaults: dict[str, Any],
    now_ms: int,
    task_ms: int,
    export_task_id: str,
) -> Task:
    """A task created through the API at ``now_ms`` that runs for ``task_ms`` (half for a failing one)."""
    condition = body.get("resource_condition") or {}
    task_id = condition.get("task_id")
    failing = fails(task_id)
    run_ms = task_ms * FAIL_PROGRESS // 100 if failing else task_ms
    count = planned_count(record_id)
    return Task(
        record_id=record_id,
        project_id=project_id,
        instance_id=instance_id,
        export_task_id=export_task_id,
        resource_type=body["resource_type"],
        task_id=task_id,
        export_format=str(body.get("export_format", defaults.get("export_format"))),
        app_type=str(body.get("app_type", defaults.get("app_type"))),
        app_id=body.get("app_id"),
        status="Failed" if failing else "Success",
        progress=FAIL_PROGRESS if failing else 100,
        export_count=count * FAIL_PROGRESS // 100 if failing else count,
        create_ms=now_ms,
        end_ms=now_ms + run_ms,
        live=True,
    )
