"""Backend "alpha": a straightforward SQLite implementation of the IoTDA export-task API.

Written from the platform's API description (Query Export Task List) and the sibling operations
(Create, Delete, Show = download the export file) only. It serves:

- ``GET    /v5/iot/{project_id}/export-tasks``                        list, newest first, paged
- ``POST   /v5/iot/{project_id}/export-tasks``                        create (201, status Processing)
- ``DELETE /v5/iot/{project_id}/export-tasks/{export_task_id}``       delete
- ``GET    /v5/iot/{project_id}/export-tasks/{export_task_id}/file``  the task's export file (xls)

Where the description leaves a choice open, alpha reads it like this:

1. DELETE answers 200 with the body ``{}``.
2. Record ids are stored in upper-case hex, so ``page.marker`` is upper-case; a marker sent by a
   client is compared case-insensitively.
3. A Processing task carries an ``end_time``: the estimated finish time (the description's example shows
   one on a Processing task).
4. A repeated query parameter (``limit=5&limit=7``) takes its last value.
5. Unknown keys in ``resource_condition`` (``{"task_id": "...", "extra": 1}``) are ignored, in the query
   and in a create body (only ``task_id`` is stored).
6. A project the token may not see is answered 403 ``IOTDA.000004`` "Invalid access token." (all methods).
7. ``app_type=APP`` without ``app_id`` lists the tasks created without an app_id; ``app_type`` GLOBAL or
   absent lists all apps; ``app_id`` given filters by exact match (whatever app_type says).
8. The export file (``application/vnd.ms-excel``, an Excel 97-2003 workbook written with xlwt, named
   ``attachment; filename="{export_task_id}.xls"``): its first sheet holds a header row, then one row per
   exported result, ``export_count`` rows (a task with export_count 0: the header only).
9. Only a Success task has a file: a Processing or Failed task's download answers 404 ``IOTDA.000404``
   (the file does not exist), as does an unknown export_task_id.
10. "A new task with the same conditions overwrites the previous task's result file": the same conditions
    are the same project, instance, resource_type, resource_condition, export_format, app_type and app_id.
    Once any newer task (by record id, whatever its status) with the same conditions exists, the older
    task's download answers 404 ``IOTDA.000404``; the older task itself stays in the list.
11. "One download every 30 seconds per user": the user is the project (all instances together), the
    interval is the option ``download_interval`` (seconds, default 30, 0 = no limit). Only a download that
    gives a file counts, and only a download that would give a file is limited: within the interval it is
    answered 429 ``IOTDA.021101`` with ``Retry-After`` (the whole seconds left, rounded up). The checks run
    in the order: task exists, task has a file, not overwritten, limit.

Other choices: a limit outside 1..50 is ``IOTDA.000017``, every other bad query value ``IOTDA.000006``;
a body that is not a JSON object is ``IOTDA.000008``. ``Instance-Id`` must be 1..36 letters, digits or
``-`` (absent: the default instance). A new task's progress is 1 (the description's range is 1..100).
Tasks finish lazily: every request first marks the tasks whose finish time has passed as Success.
``export_format`` is accepted as ``xls`` in any case and stored as ``xls``. A task without an app_id has
no ``app_id`` key in its JSON. Unknown paths: 404 ``APIGW.0101``; a known path with another method: 405.

Run it: ``python -m tests.backends.alpha --port 8600 --seed 60`` (prints its URL on stdout).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import math
import re
import secrets
import signal
import sqlite3
import string
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import xlwt  # type: ignore[import-untyped]

from .common import CountingServer

FILE_PATH = re.compile(r"/v5/iot/(?P<project>[^/]+)/export-tasks/(?P<task>[^/]+)/file")
LIST_PATH = re.compile(r"/v5/iot/(?P<project>[^/]+)/export-tasks")
ITEM_PATH = re.compile(r"/v5/iot/(?P<project>[^/]+)/export-tasks/(?P<task>[^/]+)")
HEX24 = re.compile(r"[0-9A-Fa-f]{24}")
DIGITS = re.compile(r"[0-9]{1,9}")
INSTANCE = re.compile(r"[0-9A-Za-z-]{1,36}")
ALNUM = string.ascii_letters + string.digits

MAX_TASKS = 50
MAX_UNFINISHED = 5


@dataclass(frozen=True)
class Settings:
    """How one alpha server behaves."""

    #: token -> the projects it may see
    tokens: Mapping[str, frozenset[str]]
    #: project -> number of tasks pre-filled into SQLite (default instance), bypassing the create rules
    seed: Mapping[str, int] = field(default_factory=dict)
    #: every Nth request (all requests counted) is answered 429
    rate_limit_every: int | None = None
    retry_after: int = 1
    app_id_max: int = 36
    #: page.count is computed once per filter and never changes again (a deliberate bug)
    frozen_count: bool = False
    finish_after: float = 0.3
    #: at most one export-file download per project in this many seconds (0: no limit)
    download_interval: float = 30.0


class ApiError(Exception):
    """An error answer: HTTP status, error_code, error_msg and extra headers."""

    def __init__(self, status: int, code: str, msg: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(f"{status} {code}")
        self.status = status
        self.code = code
        self.msg = msg
        self.headers = dict(headers or {})


def invalid() -> ApiError:
    return ApiError(400, "IOTDA.000006", "Invalid input data.")


def platform_time(epoch: float) -> str:
    """``yyyy-MM-dd'T'HH:mm:ss.SSS'Z'`` in UTC, e.g. ``2020-08-12T12:12:12.333Z`` (the description's)."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch)) + f".{int(epoch * 1000) % 1000:03d}Z"


def new_export_task_id() -> str:
    return "".join(secrets.choice(ALNUM) for _ in range(28))


XLS_MEDIA_TYPE = "application/vnd.ms-excel"
FILE_HEADER = ("device_id", "device_name", "status", "output")


@dataclass(frozen=True)
class ExportFile:
    """A file answer: the workbook's bytes and the file name the client should save it under."""

    name: str
    content: bytes


def export_workbook(row: sqlite3.Row) -> bytes:
    """The task's export file: one sheet, a header row, then ``export_count`` result rows."""
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("BatchTask results")
    for column, title in enumerate(FILE_HEADER):
        sheet.write(0, column, title)
    seed = row["condition_task_id"] or row["export_task_id"]
    for k in range(row["export_count"]):
        device = hashlib.sha1(f"{seed}-{k}".encode()).hexdigest()[:12]
        values = (f"device_{device}", f"sensor-{k + 1:05d}", "SUCCESS", '{"result": "ok"}')
        for column, value in enumerate(values):
            sheet.write(k + 1, column, value)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


class DownloadLimiter:
    """One download per project every ``interval`` seconds (monotonic clock); 0 or less: no limit."""

    def __init__(self, interval: float) -> None:
        self._interval = interval
        self._lock = threading.Lock()
        self._last: dict[str, float] = {}

    def take(self, project_id: str) -> None:
        """Count a download that gives a file, or raise the 429 if the project's last one is too recent."""
        if self._interval <= 0:
            return
        with self._lock:
            now = time.monotonic()
            last = self._last.get(project_id)
            if last is not None and now - last < self._interval:
                left = max(1, math.ceil(self._interval - (now - last)))
                raise ApiError(
                    429,
                    "IOTDA.021101",
                    "The request is overload. Export files can be downloaded once every"
                    f" {self._interval:g} seconds.",
                    {"Retry-After": str(left)},
                )
            self._last[project_id] = now


SCHEMA = """
CREATE TABLE IF NOT EXISTS export_task (
    record_id          TEXT PRIMARY KEY,      -- 24 upper-case hex: 8 hex seconds + 16 hex counter
    export_task_id     TEXT NOT NULL UNIQUE,
    project_id         TEXT NOT NULL,
    instance_id        TEXT NOT NULL,         -- '' is the default instance
    resource_type      TEXT NOT NULL,
    condition_task_id  TEXT,
    export_format      TEXT NOT NULL,
    status             TEXT NOT NULL,
    progress           INTEGER NOT NULL,
    export_count       INTEGER NOT NULL,
    final_count        INTEGER NOT NULL,
    create_time        REAL NOT NULL,
    end_time           REAL,
    finish_at          REAL,
    app_type           TEXT NOT NULL,
    app_id             TEXT
);
CREATE INDEX IF NOT EXISTS export_task_scope ON export_task (project_id, instance_id, record_id);
"""


@dataclass(frozen=True)
class Filter:
    """The list filters that page.count follows."""

    project_id: str
    instance_id: str
    task_id: str | None
    app_id: str | None
    only_without_app: bool


class Store:
    """All SQLite access of alpha: one connection guarded by one lock."""

    def __init__(self, path: str, settings: Settings) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(path, check_same_thread=False)
        self._conn.row_factory = sqlite3.Row
        self._conn.executescript(SCHEMA)
        self._counter = 0
        self._last_id = 0
        self._frozen: dict[Filter, int] = {}
        row = self._conn.execute("SELECT MAX(record_id) FROM export_task").fetchone()
        if row[0] is not None:
            self._last_id = int(row[0], 16)
            self._counter = self._last_id & 0xFFFF_FFFF_FFFF_FFFF

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def _next_record_id(self, seconds: int, *, monotonic: bool = True) -> str:
        """8 hex seconds + 16 hex counter; ``monotonic``: never below an id handed out before."""
        self._counter += 1
        candidate = (seconds << 64) | self._counter
        if monotonic:
            candidate = max(candidate, self._last_id + 1)
        self._last_id = max(candidate, self._last_id)
        return f"{candidate:024X}"

    def seed(self, project_id: str, n: int, now: float) -> None:
        """Pre-fill ``n`` tasks (default instance), oldest first, bypassing the create rules."""
        task_ids = [hashlib.sha1(f"batch-task-{k}".encode()).hexdigest()[:24] for k in range(7)]
        apps: tuple[str | None, ...] = (None, "app_one", None, "app_two", None, "app_three")
        base = int(now) - 60 * (n + 1)
        processing = 0
        rows = []
        for i in range(n):
            created = float(base + 60 * i)
            app_id = apps[i % len(apps)]
            final = 10 + (i * 37) % 990
            status, progress, count, end, finish = "Success", 100, final, created + 5 + i % 20, None
            if i % 23 == 11 and processing < 2:  # a long export, still running
                processing += 1
                status, progress, count = "Processing", 5 + (i * 13) % 90, 0
                end = finish = now + 86400
            elif i % 9 == 4:
                status, progress, count, end = "Failed", 5 + (i * 7) % 90, final // 2, created + 3
            rows.append(
                (
                    self._next_record_id(int(created), monotonic=False),
                    new_export_task_id(),
                    project_id,
                    "",
                    "BatchTask",
                    task_ids[(i * 3) % len(task_ids)],
                    "xls",
                    status,
                    progress,
                    count,
                    final,
                    created,
                    end,
                    finish,
                    "GLOBAL" if app_id is None else "APP",
                    app_id,
                )
            )
        with self._lock, self._conn:
            self._conn.executemany(f"INSERT INTO export_task VALUES ({', '.join('?' * 16)})", rows)

    def finish_due(self, now: float) -> None:
        """Mark the tasks whose finish time has passed as Success."""
        with self._lock, self._conn:
            self._finish_due(now)

    def _finish_due(self, now: float) -> None:
        self._conn.execute(
            "UPDATE export_task SET status = 'Success', progress = 100, export_count = final_count,"
            " end_time = finish_at WHERE status = 'Processing' AND finish_at <= ?",
            (now,),
        )

    @staticmethod
    def _where(flt: Filter) -> tuple[str, list[Any]]:
        clauses = ["project_id = ?", "instance_id = ?", "resource_type = 'BatchTask'"]
        args: list[Any] = [flt.project_id, flt.instance_id]
        if flt.task_id is not None:
            clauses.append("condition_task_id = ?")
            args.append(flt.task_id)
        if flt.app_id is not None:
            clauses.append("app_id = ?")
            args.append(flt.app_id)
        elif flt.only_without_app:
            clauses.append("app_id IS NULL")
        return " AND ".join(clauses), args

    def page(self, flt: Filter, marker: str, offset: int, limit: int) -> tuple[list[sqlite3.Row], int]:
        where, args = self._where(flt)
        with self._lock:
            rows = self._conn.execute(
                f"SELECT * FROM export_task WHERE {where} AND record_id < ?"
                " ORDER BY record_id DESC LIMIT ? OFFSET ?",
                [*args, marker.upper(), limit, offset],
            ).fetchall()
            if self._settings.frozen_count and flt in self._frozen:
                return rows, self._frozen[flt]
            count = int(
                self._conn.execute(f"SELECT COUNT(*) FROM export_task WHERE {where}", args).fetchone()[0]
            )
            if self._settings.frozen_count:
                self._frozen[flt] = count
            return rows, count

    def create(
        self,
        project_id: str,
        instance_id: str,
        task_id: str | None,
        app_type: str,
        app_id: str | None,
    ) -> sqlite3.Row:
        with self._lock, self._conn:
            now = time.time()  # the clock is read under the lock, so creates are ordered like their times
            finish_at = now + self._settings.finish_after
            self._finish_due(now)
            unfinished = self._conn.execute(
                "SELECT COUNT(*) FROM export_task"
                " WHERE project_id = ? AND instance_id = ? AND status = 'Processing'",
                (project_id, instance_id),
            ).fetchone()[0]
            if unfinished >= MAX_UNFINISHED:
                raise ApiError(403, "IOTDA.000021", "Operation not allowed.")
            record_id = self._next_record_id(int(now))
            final = 1 + int(hashlib.sha1(record_id.encode()).hexdigest()[:6], 16) % 5000
            self._conn.execute(
                f"INSERT INTO export_task VALUES ({', '.join('?' * 16)})",
                (
                    record_id,
                    new_export_task_id(),
                    project_id,
                    instance_id,
                    "BatchTask",
                    task_id,
                    "xls",
                    "Processing",
                    1,
                    0,
                    final,
                    now,
                    finish_at,
                    finish_at,
                    app_type,
                    app_id,
                ),
            )
            # at most 50 tasks per project and instance: the earliest ones go
            self._conn.execute(
                "DELETE FROM export_task WHERE project_id = ? AND instance_id = ? AND record_id NOT IN"
                " (SELECT record_id FROM export_task WHERE project_id = ? AND instance_id = ?"
                " ORDER BY record_id DESC LIMIT ?)",
                (project_id, instance_id, project_id, instance_id, MAX_TASKS),
            )
            row: sqlite3.Row = self._conn.execute(
                "SELECT * FROM export_task WHERE record_id = ?", (record_id,)
            ).fetchone()
            return row

    def delete(self, project_id: str, instance_id: str, export_task_id: str) -> bool:
        with self._lock, self._conn:
            cursor = self._conn.execute(
                "DELETE FROM export_task WHERE project_id = ? AND instance_id = ? AND export_task_id = ?",
                (project_id, instance_id, export_task_id),
            )
            return cursor.rowcount > 0

    def file_task(
        self, project_id: str, instance_id: str, export_task_id: str
    ) -> tuple[sqlite3.Row | None, bool]:
        """The task (None: no such task) and whether a newer task with the same conditions exists."""
        with self._lock:
            row: sqlite3.Row | None = self._conn.execute(
                "SELECT * FROM export_task WHERE project_id = ? AND instance_id = ? AND export_task_id = ?",
                (project_id, instance_id, export_task_id),
            ).fetchone()
            if row is None:
                return None, False
            newer = self._conn.execute(
                "SELECT 1 FROM export_task WHERE project_id = ? AND instance_id = ? AND resource_type = ?"
                " AND condition_task_id IS ? AND export_format = ? AND app_type = ? AND app_id IS ?"
                " AND record_id > ? LIMIT 1",
                (
                    row["project_id"],
                    row["instance_id"],
                    row["resource_type"],
                    row["condition_task_id"],
                    row["export_format"],
                    row["app_type"],
                    row["app_id"],
                    row["record_id"],
                ),
            ).fetchone()
            return row, newer is not None


def task_json(row: sqlite3.Row) -> dict[str, Any]:
    condition: dict[str, Any] = {}
    if row["condition_task_id"] is not None:
        condition["task_id"] = row["condition_task_id"]
    task: dict[str, Any] = {
        "export_task_id": row["export_task_id"],
        "resource_type": row["resource_type"],
        "resource_condition": condition,
        "export_format": row["export_format"],
        "status": row["status"],
        "progress": row["progress"],
        "export_count": row["export_count"],
        "create_time": platform_time(row["create_time"]),
    }
    if row["end_time"] is not None:
        task["end_time"] = platform_time(row["end_time"])
    task["app_type"] = row["app_type"]
    if row["app_id"] is not None:
        task["app_id"] = row["app_id"]
    return task


class AlphaServer(CountingServer):
    """The HTTP server plus alpha's settings and store."""

    def __init__(self, address: tuple[str, int], settings: Settings, db_path: str) -> None:
        self.settings = settings
        self.store = Store(db_path, settings)
        self.downloads = DownloadLimiter(settings.download_interval)
        try:
            super().__init__(address, AlphaHandler)
        except BaseException:
            self.store.close()
            raise
        self.app_id_pattern = re.compile(rf"[A-Za-z0-9_-]{{1,{settings.app_id_max}}}")

    def server_close(self) -> None:
        super().server_close()
        self.store.close()


class AlphaHandler(BaseHTTPRequestHandler):
    server: AlphaServer
    server_version = "alpha/1.0"

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: no access log on stderr."""

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    do_TRACE = do_OPTIONS = do_HEAD = do_PATCH

    # --- plumbing

    def _handle(self) -> None:
        number = self.server.count_request()
        headers: dict[str, str] = {}
        try:
            raw = self._read_body()
            status, body = self._route(number, raw)
        except ApiError as err:
            status, body, headers = err.status, {"error_code": err.code, "error_msg": err.msg}, err.headers
        except Exception:
            status, body = 500, {"error_code": "IOTDA.000500", "error_msg": "Internal server error."}
        self._send(status, body, headers)

    def _read_body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if length is None:
            return b""
        if not DIGITS.fullmatch(length.strip()):
            raise ApiError(400, "IOTDA.000008", "Invalid input. The request format is invalid.")
        return self.rfile.read(int(length))

    def _send(
        self, status: int, body: dict[str, Any] | ExportFile | None, headers: Mapping[str, str]
    ) -> None:
        self.send_response(status)
        self.send_header("X-Request-Id", uuid.uuid4().hex)
        for name, value in headers.items():
            self.send_header(name, value)
        data = b""
        if isinstance(body, ExportFile):
            data = body.content
            self.send_header("Content-Type", XLS_MEDIA_TYPE)
            self.send_header("Content-Disposition", f'attachment; filename="{body.name}"')
            self.send_header("Content-Length", str(len(data)))
        elif body is not None:
            data = json.dumps(body).encode()
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _route(self, number: int, raw: bytes) -> tuple[int, dict[str, Any] | ExportFile | None]:
        settings = self.server.settings
        every = settings.rate_limit_every
        if every and number % every == 0:
            raise ApiError(
                429, "IOTDA.021101", "The request is overload.", {"Retry-After": str(settings.retry_after)}
            )
        parts = urlsplit(self.path)
        download = FILE_PATH.fullmatch(parts.path)
        item = ITEM_PATH.fullmatch(parts.path)
        listing = LIST_PATH.fullmatch(parts.path)
        match = download or item or listing
        if match is None:
            raise ApiError(404, "APIGW.0101", "The API does not exist or has not been published.")
        allowed = ("GET",) if download else ("DELETE",) if item else ("GET", "POST")
        if self.command not in allowed:
            raise ApiError(405, "IOTDA.000405", "Method not allowed.", {"Allow": ", ".join(allowed)})

        token = self.headers.get("X-Auth-Token")
        visible = settings.tokens.get(token) if token else None
        if visible is None:
            raise ApiError(401, "IOTDA.000002", "Authentication failed.")
        project_id = unquote(match["project"])
        if project_id not in visible:
            raise ApiError(403, "IOTDA.000004", "Invalid access token.")
        instance = self.headers.get("Instance-Id")
        if instance is None:
            instance = ""
        elif not INSTANCE.fullmatch(instance):
            raise invalid()

        now = time.time()
        self.server.store.finish_due(now)
        if download:
            return self._download(project_id, instance, unquote(download["task"]))
        if item:
            return self._delete(project_id, instance, unquote(item["task"]))
        if self.command == "POST":
            return self._create(project_id, instance, raw)
        return self._list(project_id, instance, parts.query)

    # --- operations

    def _list(self, project_id: str, instance: str, query: str) -> tuple[int, dict[str, Any]]:
        # a repeated parameter takes its last value
        params = {key: values[-1] for key, values in parse_qs(query, keep_blank_values=True).items()}

        limit = self._integer(params.get("limit"), 10)
        if not 1 <= limit <= 50:
            raise ApiError(
                400, "IOTDA.000017", "Invalid input. The specified parameter 'limit' is out of range."
            )
        offset = self._integer(params.get("offset"), 0)
        if not 0 <= offset <= 500:
            raise invalid()
        marker = params.get("marker", "ffffffffffffffffffffffff")
        if not HEX24.fullmatch(marker):
            raise invalid()
        if params.get("resource_type") != "BatchTask":
            raise invalid()

        task_id: str | None = None
        if "resource_condition" in params:
            try:
                condition = json.loads(params["resource_condition"])
            except ValueError:
                raise invalid() from None
            if not isinstance(condition, dict):
                raise invalid()
            task_id = condition.get("task_id")  # other keys are ignored
            if task_id is not None and not isinstance(task_id, str):
                raise invalid()

        app_type = params.get("app_type")
        if app_type not in (None, "GLOBAL", "APP"):
            raise invalid()
        app_id = params.get("app_id")
        if app_id is not None and not self.server.app_id_pattern.fullmatch(app_id):
            raise invalid()

        flt = Filter(
            project_id, instance, task_id, app_id, only_without_app=app_id is None and app_type == "APP"
        )
        rows, count = self.server.store.page(flt, marker, offset, limit)
        page: dict[str, Any] = {"count": count}
        if rows:
            page["marker"] = rows[-1]["record_id"]
        return 200, {"export_tasks": [task_json(row) for row in rows], "page": page}

    @staticmethod
    def _integer(text: str | None, default: int) -> int:
        if text is None:
            return default
        if not DIGITS.fullmatch(text):
            raise invalid()
        return int(text)

    def _create(self, project_id: str, instance: str, raw: bytes) -> tuple[int, dict[str, Any]]:
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise ApiError(400, "IOTDA.000008", "Invalid input. The request format is invalid.")
        if body.get("resource_type") != "BatchTask":
            raise invalid()
        task_id: str | None = None
        condition = body.get("resource_condition")
        if condition is not None:
            if not isinstance(condition, dict):
                raise invalid()
            task_id = condition.get("task_id")  # other keys are ignored
            if task_id is not None and (not isinstance(task_id, str) or not task_id):
                raise invalid()
        export_format = body.get("export_format", "xls")
        if not isinstance(export_format, str) or export_format.lower() != "xls":
            raise invalid()
        app_type = body.get("app_type")
        if app_type not in (None, "GLOBAL", "APP"):
            raise invalid()
        app_id = body.get("app_id")
        if app_id is not None and (
            not isinstance(app_id, str) or not self.server.app_id_pattern.fullmatch(app_id)
        ):
            raise invalid()
        if app_type is None:
            app_type = "GLOBAL" if app_id is None else "APP"
        row = self.server.store.create(project_id, instance, task_id, app_type, app_id)
        return 201, task_json(row)

    def _delete(self, project_id: str, instance: str, export_task_id: str) -> tuple[int, dict[str, Any]]:
        if not self.server.store.delete(project_id, instance, export_task_id):
            raise ApiError(404, "IOTDA.000404", "The export task does not exist.")
        return 200, {}

    def _download(self, project_id: str, instance: str, export_task_id: str) -> tuple[int, ExportFile]:
        row, overwritten = self.server.store.file_task(project_id, instance, export_task_id)
        if row is None:
            raise ApiError(404, "IOTDA.000404", "The export task does not exist.")
        if row["status"] != "Success":
            raise ApiError(
                404, "IOTDA.000404", f"The export file does not exist: the task is {row['status']}."
            )
        if overwritten:
            raise ApiError(
                404,
                "IOTDA.000404",
                "The export file does not exist: a newer task with the same conditions overwrote it.",
            )
        content = export_workbook(row)
        self.server.downloads.take(project_id)
        return 200, ExportFile(f"{row['export_task_id']}.xls", content)


def make_server(db_path: str, settings: Settings, host: str = "127.0.0.1", port: int = 0) -> AlphaServer:
    """Bind alpha to ``host:port`` (0: any free port), create the SQLite file and seed it."""
    server = AlphaServer((host, port), settings, db_path)
    now = time.time()
    for project_id, n in settings.seed.items():
        server.store.seed(project_id, n, now)
    return server


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.backends.alpha", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8600)
    parser.add_argument("--db", help="SQLite file (default: a temporary file)")
    parser.add_argument("--seed", type=int, default=0, help="tasks pre-filled into the project")
    parser.add_argument("--project-id", default="a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1")
    parser.add_argument("--other-project-id", default="b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2")
    parser.add_argument("--token", default="alpha-token")
    parser.add_argument("--other-token", default="alpha-other-token")
    parser.add_argument("--rate-limit-every", type=int)
    parser.add_argument("--retry-after", type=int, default=1)
    parser.add_argument("--app-id-max", type=int, default=36)
    parser.add_argument("--frozen-count", action="store_true")
    parser.add_argument("--finish-after", type=float, default=0.3)
    parser.add_argument("--download-interval", type=float, default=30.0, help="seconds; 0: no limit")
    args = parser.parse_args(argv)

    settings = Settings(
        tokens={
            args.token: frozenset({args.project_id}),
            args.other_token: frozenset({args.other_project_id}),
        },
        seed={args.project_id: args.seed, args.other_project_id: 3},
        rate_limit_every=args.rate_limit_every,
        retry_after=args.retry_after,
        app_id_max=args.app_id_max,
        frozen_count=args.frozen_count,
        finish_after=args.finish_after,
        download_interval=args.download_interval,
    )

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    with tempfile.TemporaryDirectory(prefix="alpha-") as tmp:
        server = make_server(args.db or str(Path(tmp) / "alpha.sqlite3"), settings, args.host, args.port)
        print(server.url, flush=True)
        print(f"project_id={args.project_id} token={args.token}", file=sys.stderr, flush=True)
        try:
            server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
