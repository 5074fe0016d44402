"""A tiny in-memory backend of the list, create, delete and download operations, with one-law faults."""

from __future__ import annotations

import io
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import httpx
import jsonschema_rs
import xlwt  # type: ignore[import-untyped]

from iotda_contract.spec import Spec

FAULTS = (
    "marker-inclusive",
    "offset-ignored",
    "offset-before-marker",
    "limit-off-by-one",
    "ascending-order",
    "count-per-page",
    "count-after-marker",
    "marker-first-record",
    "skip-at-boundary",
    "filter-leak",
    "default-limit-changed",
    "accepts-invalid-limit",
    "error-body-nonstandard",
    "server-error-at-max-offset",
    "unstable-under-insert",
    "marker-case-sensitive",
    "response-schema",
    "instance-leak",
    "flaky-order",
    "delete-noop",
    "count-frozen",
    "file-for-unfinished",
    "file-first-page-only",
    "download-limit-500",
)
#: Seconds between two file downloads (the spec's interval); a task whose number ends in 4 is Failed.
DOWNLOAD_INTERVAL = 30.0


def _record_id(n: int) -> str:
    return format(0x65A0B1C2D3E4F50000000000 + n, "x")


@dataclass
class FakeBackend:
    spec: Spec
    records: int = 37
    faults: frozenset[str] = frozenset()
    rows: list[dict[str, Any]] = field(default_factory=list)  # ascending record id
    _next: int = 0
    _reads: int = 0
    _positions: dict[tuple[str, str], int] = field(default_factory=dict)
    _frozen: dict[Any, int] = field(default_factory=dict)
    _last_download: float | None = None

    def __post_init__(self) -> None:
        apps = [None, "app_01", "app_02", "app_03"]
        conditions = ["61b7ed6a66a1a5f5d5e26c8f", "5c90fa7d3c4e4405e8525079", "0123456789abcdef01234567"]
        for n in range(self.records):
            self._add(apps[n % 4], conditions[n % 3])

    def _add(self, app_id: str | None, task_id: str | None, instance: str | None = None) -> dict[str, Any]:
        n = self._next
        self._next += 1
        task: dict[str, Any] = {
            "export_task_id": f"task{n:06d}",
            "resource_type": "BatchTask",
            "resource_condition": {"task_id": task_id} if task_id else {},
            "export_format": "xls",
            "status": "Failed" if n % 10 == 4 else "Success",
            "export_count": n,
            "progress": 50 if n % 10 == 4 else 100,
            "create_time": f"2026-01-01T00:{n // 60 % 60:02d}:{n % 60:02d}.000Z",
            "end_time": "2026-01-02T00:00:00.000Z",
            "app_type": "APP" if app_id else "GLOBAL",
        }
        if app_id:
            task["app_id"] = app_id
        row = {"id": _record_id(n), "task": task, "instance": instance}
        self.rows.append(row)
        return row

    # -- HTTP ---------------------------------------------------------------------------------------------
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        parts = request.url.path.strip("/").split("/")
        if request.method == "POST":
            body = json.loads(request.content)
            condition = body.get("resource_condition", {}).get("task_id")
            row = self._add(body.get("app_id"), condition, request.headers.get("Instance-Id"))
            return httpx.Response(201, json=row["task"])
        if request.method == "DELETE":
            kept = [r for r in self.rows if r["task"]["export_task_id"] != parts[-1]]
            if len(kept) == len(self.rows):
                return self._error(404, "IOTDA.000404")
            if "delete-noop" not in self.faults:
                self.rows = kept
            return httpx.Response(204)
        if parts[-1] == "file":
            return self.download(parts[-2])
        pairs = parse_qsl(request.url.query.decode(), keep_blank_values=True)
        if len({k for k, _ in pairs}) != len(pairs):  # the contract's decision repeated-parameter
            return self._error(400, "IOTDA.000008")
        return self.list(dict(pairs), request.headers)

    def download(self, export_task_id: str) -> httpx.Response:
        """The task's file: a header row and export_count rows, for a Success task, once per interval."""
        task = next((r["task"] for r in self.rows if r["task"]["export_task_id"] == export_task_id), None)
        if task is None or (task["status"] != "Success" and "file-for-unfinished" not in self.faults):
            return self._error(404, "IOTDA.000404")
        now = time.monotonic()
        if self._last_download is not None and now - self._last_download < DOWNLOAD_INTERVAL:
            if "download-limit-500" in self.faults:
                return self._error(500, "IOTDA.000500")
            limited = {"error_code": "IOTDA.021101", "error_msg": "Too many downloads."}
            return httpx.Response(429, headers={"Retry-After": "30"}, json=limited)
        self._last_download = now
        rows = task["export_count"]
        if "file-first-page-only" in self.faults:
            rows = min(10, rows)
        book = xlwt.Workbook()
        sheet = book.add_sheet("results")
        sheet.write(0, 0, "No.")
        for row in range(1, rows + 1):
            sheet.write(row, 0, row)
        buffer = io.BytesIO()
        book.save(buffer)
        excel = {"Content-Type": "application/vnd.ms-excel"}
        return httpx.Response(200, content=buffer.getvalue(), headers=excel)

    def _error(self, status: int, code: str) -> httpx.Response:
        if "error-body-nonstandard" in self.faults:
            return httpx.Response(status, json={"message": code})
        return httpx.Response(status, json={"error_code": code, "error_msg": "Invalid input data."})

    def _valid(self, query: dict[str, str], headers: httpx.Headers) -> bool:
        op = self.spec.operation("ListExportTasks")
        for param in op.parameters:
            source = headers if param.location == "header" else query
            if param.location == "path":
                continue
            if param.name not in source:
                if param.required:
                    return False
                continue
            value: Any = source[param.name]
            schema = dict(param.schema)
            if schema.get("type") == "integer":
                if not re.fullmatch(r"-?\d+", value):
                    return False
                value = int(value)
                if param.name == "limit" and "accepts-invalid-limit" in self.faults:
                    continue
            if not jsonschema_rs.Draft7Validator(schema).is_valid(value):
                return False
            if param.json_schema is not None:
                try:
                    decoded = json.loads(value)
                except ValueError:
                    return False
                if not jsonschema_rs.Draft7Validator(param.json_schema).is_valid(decoded):
                    return False
        return True

    def list(self, query: dict[str, str], headers: httpx.Headers) -> httpx.Response:
        if not self._valid(query, headers):
            return self._error(400, "IOTDA.000006")
        f = self.faults
        limit = int(query.get("limit", "20" if "default-limit-changed" in f else "10"))
        limit = max(limit, 0) + (1 if "limit-off-by-one" in f else 0)
        offset = int(query.get("offset", "0"))
        if offset == 500 and "server-error-at-max-offset" in f:
            return httpx.Response(500, text="boom")
        marker = query.get("marker", "f" * 24)
        marker = marker if "marker-case-sensitive" in f else marker.lower()
        instance = headers.get("Instance-Id")
        scoped = [r for r in self.rows if r["instance"] == instance or "instance-leak" in f]
        self._reads += 1
        matching = [r for r in reversed(scoped) if self._matches(r["task"], query, first=True)]
        if "filter-leak" in f and "marker" in query:
            matching = [r for r in reversed(scoped) if self._matches(r["task"], query, first=False)]
        if "ascending-order" in f:
            matching.reverse()
        scope = json.dumps(sorted((k, v) for k, v in query.items() if k not in ("limit", "offset", "marker")))
        if "unstable-under-insert" in f and (scope, marker) in self._positions:
            below = matching[self._positions[(scope, marker)] :]
        elif "marker-inclusive" in f:
            below = [r for r in matching if r["id"] <= marker]
        else:
            below = [r for r in matching if r["id"] < marker]
        if "offset-before-marker" in f:
            below = [r for r in matching[offset:] if r["id"] < marker]
        elif "offset-ignored" not in f:
            below = below[offset:]
        if "skip-at-boundary" in f and "marker" in query:
            below = below[1:]
        page = below[:limit]
        if "flaky-order" in f and self._reads % 2 and len(page) > 1:
            page = [page[1], page[0], *page[2:]]
        count = len(matching)
        if "count-frozen" in f:  # computed once, per filter, and never updated by creates or deletes
            count = self._frozen.setdefault(self._filter_key(query), count)
        if "count-per-page" in f:
            count = len(page)
        if "count-after-marker" in f:
            count = len([r for r in matching if r["id"] < marker])
        body: dict[str, Any] = {"export_tasks": [r["task"] for r in page], "page": {"count": count}}
        if page:
            last = page[0] if "marker-first-record" in f else page[-1]
            body["page"]["marker"] = last["id"]
            self._positions[(scope, last["id"])] = matching.index(page[-1]) + 1
        if "response-schema" in f and page:
            body["export_tasks"][0] = {**page[0]["task"], "progress": 101}
        return httpx.Response(200, json=body)

    @staticmethod
    def _filter_key(query: dict[str, str]) -> tuple[tuple[str, str], ...]:
        return tuple(sorted((k, v) for k, v in query.items() if k not in ("marker", "offset", "limit")))

    @staticmethod
    def _matches(task: dict[str, Any], query: dict[str, str], *, first: bool) -> bool:
        if "app_id" in query and first:
            if task.get("app_id") != query["app_id"]:
                return False
        elif query.get("app_type") == "APP" and "app_id" not in query and task.get("app_id") is not None:
            return False
        if "resource_condition" in query:
            wanted = json.loads(query["resource_condition"]).get("task_id")
            if task["resource_condition"].get("task_id") != wanted:
                return False
        return True
