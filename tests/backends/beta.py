"""Backend "beta": another developer's plain SQLite implementation of the IoTDA export-task API.

Written from the platform's API description (Query Export Task List) and the sibling operations
(Create, Delete, Show = download the export file) only, independently of backend alpha. Routes:
``GET`` and ``POST /v5/iot/{project_id}/export-tasks``, ``DELETE /v5/iot/{project_id}/export-tasks/{id}``,
``GET /v5/iot/{project_id}/export-tasks/{id}/file``.

Beta's readings of what the description leaves open:

1. "If app_id is not specified, the rule takes effect in the scope of defaultApp": beta has a configured
   default app id (``default_app``, option ``default_app``). ``app_type=APP`` without ``app_id`` lists the
   tasks whose app_id is that id. Tasks created without app_id (and without ``app_type=APP``) are global:
   stored with app_id NULL (no ``app_id`` key in their JSON) and not listed under APP. A task created with
   ``app_type=APP`` and no app_id belongs to the default app. GLOBAL or no app_type lists all apps;
   ``app_id`` given filters by exact match.
2. ``Instance-Id`` accepts any text, no format check; each distinct text (even the empty one) is its own
   instance; no header is the default instance.
3. DELETE answers 204 without a body; ``page.marker`` is lower-case hex (a marker sent in upper case is
   accepted); ``end_time`` is absent while a task is Processing.
4. A repeated query parameter that the API defines (``limit=5&limit=7``) is refused with 400
   ``IOTDA.000006``; unknown query parameters are ignored.
5. Unknown keys in ``resource_condition`` are refused with 400 ``IOTDA.000006``, in the query and in a
   create body.
6. A project the token may not see: a list answers 200 with an empty page (``count`` 0); a create answers
   403 ``IOTDA.000004``; a delete answers 404 (the task is not in the caller's scope).
7. The export file (``application/vnd.ms-excel``, an Excel 97-2003 workbook written with xlwt, named
   ``attachment; filename=export-{id}.xls``) has no header row: its first sheet holds exactly
   ``export_count`` data rows, one per exported result (export_count 0: an empty sheet).
8. A task without a file yet: a Processing or Failed task's download answers 400 ``IOTDA.000006``
   ("the export file is not ready"). An unknown task, or one in a project the token may not see, is 404
   ``IOTDA.000404``.
9. "A new task with the same conditions overwrites the previous task's result file": the same conditions
   are the same project, resource_type and resource_condition only (instance, export_format and app are
   not conditions). Once a newer task (by id, any status, any instance) with the same conditions exists, a
   Success task's download answers 404 ``IOTDA.000404``; the task stays in the list. The Processing/Failed
   answer of reading 8 comes first.
10. "One download every 30 seconds per user": the user is the token. The interval is the option
    ``download_interval`` (seconds, default 30, 0 = no limit). Only a download that gives a file counts,
    and only one that would give a file is refused: 403 ``IOTDA.021101``, without ``Retry-After``.

Other choices: every invalid input is 400 ``IOTDA.000006`` (limit included); a new task has progress 0;
a task's status is worked out when it is read (Processing until its finish time, then Success), nothing
runs in the background; record ids are ObjectId-like (8 hex seconds, 10 hex process id, 6 hex counter);
export_task_id is 32 lower-case letters/digits (a uuid4 hex); ``export_format`` must be exactly ``xls``.
Unknown paths: 404 ``IOTDA.000404``; a known path with another method: 405.

Run it: ``python -m tests.backends.beta --port 8601 --seed 60`` (prints its URL on stdout).
"""

from __future__ import annotations

import argparse
import io
import json
import re
import secrets
import signal
import sqlite3
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import xlwt  # type: ignore[import-untyped]

from .common import CountingServer

ROUTE = re.compile(r"^/v5/iot/([^/]+)/export-tasks(?:/([^/]+)(/file)?)?$")
KNOWN_QUERY = ("limit", "marker", "offset", "resource_type", "resource_condition", "app_type", "app_id")
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S"


def _stamp(epoch: float) -> str:
    """The description's time format, ``yyyy-MM-dd'T'HH:mm:ss.SSS'Z'`` in UTC."""
    return time.strftime(TIME_FORMAT, time.gmtime(epoch)) + f".{int(epoch * 1000) % 1000:03d}Z"


TASK_LIMIT = 50
UNFINISHED_LIMIT = 5


@dataclass(frozen=True)
class Settings:
    """Beta's configuration."""

    tokens: Mapping[str, frozenset[str]]  # token -> visible projects
    seed: Mapping[str, int] = field(default_factory=dict)  # project -> pre-filled tasks
    default_app: str = "default_app"
    rate_limit_every: int | None = None
    retry_after: int = 1
    app_id_max: int = 36
    frozen_count: bool = False
    finish_after: float = 0.3
    download_interval: float = 30.0  # seconds between two file downloads of one token; 0: no limit


@dataclass
class Reply:
    status: int
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    #: a file answer instead of JSON: (content type, bytes)
    file: tuple[str, bytes] | None = None


class Refusal(Exception):
    def __init__(self, status: int, error_code: str, error_msg: str, **headers: str) -> None:
        super().__init__(error_code)
        self.reply = Reply(status, {"error_code": error_code, "error_msg": error_msg}, dict(headers))


def bad_input() -> Refusal:
    return Refusal(400, "IOTDA.000006", "Invalid input data.")


class ObjectIds:
    """MongoDB-style ids: 4 bytes of seconds, 5 bytes of process id, 3 bytes of counter (lower-case hex)."""

    def __init__(self) -> None:
        self._process = secrets.token_hex(5)
        self._counter = 0
        self._last_seconds = 0
        self._lock = threading.Lock()

    def make(self, seconds: int, *, clamp: bool = True) -> str:
        with self._lock:
            if clamp:
                seconds = max(seconds, self._last_seconds)
                self._last_seconds = seconds
            self._counter = (self._counter + 1) % 0x1000000
            return f"{seconds:08x}{self._process}{self._counter:06x}"


class Database:
    """SQLite access: a fresh connection per call, writes in ``BEGIN IMMEDIATE`` transactions."""

    def __init__(self, path: str) -> None:
        self.path = path
        with self.connect() as db:
            db.execute(
                """CREATE TABLE IF NOT EXISTS tasks (
                    id TEXT PRIMARY KEY,
                    export_task_id TEXT NOT NULL UNIQUE,
                    project TEXT NOT NULL,
                    instance TEXT,
                    resource_type TEXT NOT NULL,
                    resource_condition TEXT NOT NULL,
                    export_format TEXT NOT NULL,
                    failed INTEGER NOT NULL DEFAULT 0,
                    progress_if_failed INTEGER,
                    export_count INTEGER NOT NULL,
                    created REAL NOT NULL,
                    finishes REAL NOT NULL,
                    app_type TEXT NOT NULL,
                    app_id TEXT
                )"""
            )

    @contextmanager
    def connect(self, *, write: bool = True) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=10, isolation_level=None)) as db:
            db.row_factory = sqlite3.Row
            db.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")


def render(row: sqlite3.Row, now: float) -> dict[str, Any]:
    """One ExportTask; status follows the clock (Processing until the finish time)."""
    if row["failed"]:
        status, progress, count, end = "Failed", row["progress_if_failed"], 0, row["finishes"]
    elif row["finishes"] <= now:
        status, progress, count, end = "Success", 100, row["export_count"], row["finishes"]
    else:
        status, progress, count, end = "Processing", 0, 0, None
    out: dict[str, Any] = {
        "export_task_id": row["export_task_id"],
        "resource_type": row["resource_type"],
        "resource_condition": json.loads(row["resource_condition"]),
        "export_format": row["export_format"],
        "status": status,
        "progress": progress,
        "export_count": count,
        "create_time": _stamp(row["created"]),
        "app_type": row["app_type"],
    }
    if end is not None:
        out["end_time"] = _stamp(end)
    if row["app_id"] is not None:
        out["app_id"] = row["app_id"]
    return out


def workbook(row: sqlite3.Row) -> bytes:
    """The export file: ``export_count`` result rows, no header (xls, BIFF8)."""
    book = xlwt.Workbook()
    sheet = book.add_sheet("export")
    condition = json.loads(row["resource_condition"])
    batch = condition.get("task_id", "-")
    for n in range(row["export_count"]):
        sheet.write(n, 0, batch)
        sheet.write(n, 1, f"dev-{row['export_task_id'][:8]}-{n:06d}")
        sheet.write(n, 2, "Success")
        sheet.write(n, 3, n)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class Throttle:
    """Per-token download gate: the next allowed time of each token."""

    def __init__(self, every: float) -> None:
        self.every = every
        self.next_allowed: dict[str, float] = {}
        self.lock = threading.Lock()

    def admit(self, token: str) -> bool:
        if self.every <= 0:
            return True
        with self.lock:
            now = time.monotonic()
            if now < self.next_allowed.get(token, 0.0):
                return False
            self.next_allowed[token] = now + self.every
            return True


def parse_condition(value: Any) -> dict[str, str]:
    """A resource_condition object: only the key ``task_id`` (a string) is allowed."""
    if not isinstance(value, dict) or set(value) - {"task_id"}:
        raise bad_input()
    task_id = value.get("task_id")
    if task_id is None:
        return {}
    if not isinstance(task_id, str) or not task_id:
        raise bad_input()
    return {"task_id": task_id}


class BetaServer(CountingServer):
    def __init__(self, address: tuple[str, int], settings: Settings, db_path: str) -> None:
        self.settings = settings
        self.ids = ObjectIds()
        self.db = Database(db_path)  # before binding: a bad path leaves no socket behind
        super().__init__(address, BetaHandler)
        self.app_id_re = re.compile(rf"[A-Za-z0-9_\-]{{1,{settings.app_id_max}}}")
        self._counts: dict[tuple[Any, ...], int] = {}
        self._counts_lock = threading.Lock()
        self.throttle = Throttle(settings.download_interval)

    def frozen(self, key: tuple[Any, ...], compute: int) -> int:
        """With ``frozen_count``: the first count ever computed for this filter, forever."""
        with self._counts_lock:
            return self._counts.setdefault(key, compute)

    def seed(self, project: str, n: int) -> None:
        now = time.time()
        apps = (None, self.settings.default_app, "app_one", self.settings.default_app, None, "app_two")
        task_ids = [f"{0x61B7ED6A66A1A5F5D5E26C00 + 17 * k:024x}" for k in range(5)]
        start = int(now) - 90 * (n + 2)
        in_progress = 0
        with self.db.connect() as db:
            for i in range(n):
                created = start + 90 * i
                app_id = apps[i % len(apps)]
                failed = i % 8 == 6
                finishes: float = created + 2 + i % 30
                if not failed and i % 19 == 9 and in_progress < 2:
                    in_progress += 1
                    finishes = now + 86400  # still running
                db.execute(
                    "INSERT INTO tasks VALUES (?, ?, ?, NULL, 'BatchTask', ?, 'xls', ?, ?, ?, ?, ?, ?, ?)",
                    (
                        self.ids.make(created, clamp=False),
                        uuid.uuid4().hex,
                        project,
                        json.dumps({"task_id": task_ids[i % len(task_ids)]}),
                        int(failed),
                        (11 * i) % 97 + 1 if failed else None,
                        (97 * i) % 2000 + 1,
                        float(created),
                        finishes,
                        "GLOBAL" if app_id is None else "APP",
                        app_id,
                    ),
                )


class BetaHandler(BaseHTTPRequestHandler):
    server: BetaServer
    server_version = "beta-iotda/0.9"

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.answer()

    do_POST = do_DELETE = do_PUT = do_PATCH = do_TRACE = do_OPTIONS = do_HEAD = do_GET

    def answer(self) -> None:
        n = self.server.count_request()
        try:
            size = int(self.headers.get("Content-Length") or "0")
        except ValueError:
            size = -1
        payload = self.rfile.read(size) if size > 0 else b""
        try:
            if size < 0:
                raise bad_input()
            reply = self.dispatch(n, payload)
        except Refusal as refusal:
            reply = refusal.reply
        except Exception:
            reply = Reply(500, {"error_code": "IOTDA.000500", "error_msg": "Internal error."})
        self.send_response(reply.status)
        self.send_header("X-Request-Id", str(uuid.uuid4()))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.file is not None:
            content_type, content = reply.file
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)
            return
        if reply.body is None:
            self.end_headers()
            return
        encoded = json.dumps(reply.body, separators=(",", ":")).encode("utf-8")
        self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(encoded)))
        self.end_headers()
        self.wfile.write(encoded)

    def dispatch(self, n: int, payload: bytes) -> Reply:
        cfg = self.server.settings
        if cfg.rate_limit_every and n % cfg.rate_limit_every == 0:
            raise Refusal(
                429, "IOTDA.021101", "The request is overload.", **{"Retry-After": str(cfg.retry_after)}
            )
        url = urlsplit(self.path)
        route = ROUTE.match(url.path)
        if not route:
            raise Refusal(404, "IOTDA.000404", "Not found.")
        project, export_task_id, file = unquote(route.group(1)), route.group(2), route.group(3)
        methods = ("GET",) if file else ("DELETE",) if export_task_id else ("GET", "POST")
        if self.command not in methods:
            raise Refusal(405, "IOTDA.000405", "Method not allowed.", Allow=", ".join(methods))
        token = self.headers.get("X-Auth-Token", "")
        if token not in cfg.tokens:
            raise Refusal(401, "IOTDA.000002", "Authentication failed.")
        allowed = project in cfg.tokens[token]
        instance = self.headers.get("Instance-Id")  # any text; None is the default instance
        if file:
            return self.download(project, instance, unquote(export_task_id), allowed, token)
        if export_task_id:
            return self.delete(project, instance, unquote(export_task_id), allowed)
        if self.command == "POST":
            if not allowed:
                raise Refusal(403, "IOTDA.000004", "Invalid access token.")
            return self.create(project, instance, payload)
        return self.list_tasks(project, instance, url.query, allowed)

    def list_tasks(self, project: str, instance: str | None, query: str, allowed: bool) -> Reply:
        cfg = self.server.settings
        args: dict[str, str] = {}
        for key, value in parse_qsl(query, keep_blank_values=True):
            if key in KNOWN_QUERY:
                if key in args:  # repeated parameter
                    raise bad_input()
                args[key] = value

        def number(name: str, default: int, low: int, high: int) -> int:
            text = args.get(name)
            if text is None:
                return default
            if not re.fullmatch(r"[0-9]+", text) or not low <= int(text) <= high:
                raise bad_input()
            return int(text)

        limit = number("limit", 10, 1, 50)
        offset = number("offset", 0, 0, 500)
        marker = args.get("marker", "f" * 24).lower()
        if not re.fullmatch(r"[0-9a-f]{24}", marker):
            raise bad_input()
        if args.get("resource_type") != "BatchTask":
            raise bad_input()
        condition: dict[str, str] = {}
        if "resource_condition" in args:
            try:
                condition = parse_condition(json.loads(args["resource_condition"]))
            except ValueError:
                raise bad_input() from None
        app_type = args.get("app_type", "GLOBAL")
        if app_type not in ("GLOBAL", "APP"):
            raise bad_input()
        app_id = args.get("app_id")
        if app_id is not None and not self.server.app_id_re.fullmatch(app_id):
            raise bad_input()
        if app_id is None and app_type == "APP":
            app_id = cfg.default_app

        if not allowed:
            return Reply(200, {"export_tasks": [], "page": {"count": 0}})

        sql = "FROM tasks WHERE project = ? AND instance IS ?"
        params: list[Any] = [project, instance]
        if "task_id" in condition:
            sql += " AND json_extract(resource_condition, '$.task_id') = ?"
            params.append(condition["task_id"])
        if app_id is not None:
            sql += " AND app_id = ?"
            params.append(app_id)
        now = time.time()
        with self.server.db.connect(write=False) as db:
            total = db.execute("SELECT COUNT(*) " + sql, params).fetchone()[0]
            rows = db.execute(
                "SELECT * " + sql + " AND id < ? ORDER BY id DESC LIMIT ? OFFSET ?",
                [*params, marker, limit, offset],
            ).fetchall()
        if cfg.frozen_count:
            total = self.server.frozen((project, instance, condition.get("task_id"), app_id), total)
        page: dict[str, Any] = {"count": total}
        if rows:
            page["marker"] = rows[-1]["id"]
        return Reply(200, {"export_tasks": [render(row, now) for row in rows], "page": page})

    def create(self, project: str, instance: str | None, payload: bytes) -> Reply:
        cfg = self.server.settings
        try:
            body = json.loads(payload)
        except ValueError:
            raise bad_input() from None
        if not isinstance(body, dict) or body.get("resource_type") != "BatchTask":
            raise bad_input()
        condition = parse_condition(body.get("resource_condition", {}))
        if body.get("export_format", "xls") != "xls":
            raise bad_input()
        app_type = body.get("app_type")
        app_id = body.get("app_id")
        if app_type not in (None, "GLOBAL", "APP"):
            raise bad_input()
        if app_id is not None and not (isinstance(app_id, str) and self.server.app_id_re.fullmatch(app_id)):
            raise bad_input()
        if app_type == "APP" and app_id is None:
            app_id = cfg.default_app
        if app_type is None:
            app_type = "APP" if app_id is not None else "GLOBAL"

        with self.server.db.connect() as db:
            now = time.time()  # read the clock once the write lock is held
            record_id = self.server.ids.make(int(now))
            running = db.execute(
                "SELECT COUNT(*) FROM tasks"
                " WHERE project = ? AND instance IS ? AND failed = 0 AND finishes > ?",
                (project, instance, now),
            ).fetchone()[0]
            if running >= UNFINISHED_LIMIT:
                raise Refusal(403, "IOTDA.000021", "Operation not allowed.")
            db.execute(
                "INSERT INTO tasks VALUES (?, ?, ?, ?, 'BatchTask', ?, 'xls', 0, NULL, ?, ?, ?, ?, ?)",
                (
                    record_id,
                    uuid.uuid4().hex,
                    project,
                    instance,
                    json.dumps(condition),
                    len(payload) * 7 + 3,
                    now,
                    now + cfg.finish_after,
                    app_type,
                    app_id,
                ),
            )
            # the earliest tasks beyond the 50 newest are removed
            db.execute(
                "DELETE FROM tasks WHERE project = ? AND instance IS ? AND id NOT IN"
                " (SELECT id FROM tasks WHERE project = ? AND instance IS ? ORDER BY id DESC LIMIT ?)",
                (project, instance, project, instance, TASK_LIMIT),
            )
            row = db.execute("SELECT * FROM tasks WHERE id = ?", (record_id,)).fetchone()
        return Reply(201, render(row, now))

    def delete(self, project: str, instance: str | None, export_task_id: str, allowed: bool) -> Reply:
        deleted = 0
        if allowed:
            with self.server.db.connect() as db:
                deleted = db.execute(
                    "DELETE FROM tasks WHERE project = ? AND instance IS ? AND export_task_id = ?",
                    (project, instance, export_task_id),
                ).rowcount
        if not deleted:
            raise Refusal(404, "IOTDA.000404", "The export task does not exist.")
        return Reply(204)

    def download(
        self, project: str, instance: str | None, export_task_id: str, allowed: bool, token: str
    ) -> Reply:
        row = None
        overwritten = False
        if allowed:
            with self.server.db.connect(write=False) as db:
                row = db.execute(
                    "SELECT * FROM tasks WHERE project = ? AND instance IS ? AND export_task_id = ?",
                    (project, instance, export_task_id),
                ).fetchone()
                if row is not None:
                    overwritten = (
                        db.execute(
                            "SELECT COUNT(*) FROM tasks WHERE project = ? AND resource_type = ?"
                            " AND resource_condition = ? AND id > ?",
                            (row["project"], row["resource_type"], row["resource_condition"], row["id"]),
                        ).fetchone()[0]
                        > 0
                    )
        if row is None:
            raise Refusal(404, "IOTDA.000404", "The export task does not exist.")
        status = render(row, time.time())["status"]
        if status != "Success":
            raise Refusal(
                400, "IOTDA.000006", f"Invalid input data. The export file is not ready ({status})."
            )
        if overwritten:
            raise Refusal(404, "IOTDA.000404", "The export file was replaced by a newer task's file.")
        content = workbook(row)
        if not self.server.throttle.admit(token):
            raise Refusal(403, "IOTDA.021101", "The request is overload. Too many export file downloads.")
        return Reply(
            200,
            headers={"Content-Disposition": f"attachment; filename=export-{row['export_task_id']}.xls"},
            file=("application/vnd.ms-excel", content),
        )


def make_server(db_path: str, settings: Settings, host: str = "127.0.0.1", port: int = 0) -> BetaServer:
    """Bind beta (port 0: any free port), create the schema in ``db_path`` and seed it."""
    server = BetaServer((host, port), settings, db_path)
    try:
        for project, n in settings.seed.items():
            server.seed(project, n)
    except BaseException:
        server.server_close()
        raise
    return server


def main(argv: Sequence[str] | None = None) -> int:
    cli = argparse.ArgumentParser(prog="python -m tests.backends.beta", description="Backend beta.")
    cli.add_argument("--host", default="127.0.0.1")
    cli.add_argument("--port", type=int, default=8601)
    cli.add_argument("--db", default=None)
    cli.add_argument("--seed", type=int, default=0)
    cli.add_argument("--project-id", default="c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3")
    cli.add_argument("--other-project-id", default="d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4")
    cli.add_argument("--token", default="beta-token")
    cli.add_argument("--other-token", default="beta-other-token")
    cli.add_argument("--default-app", default="default_app")
    cli.add_argument("--rate-limit-every", type=int, default=None)
    cli.add_argument("--retry-after", type=int, default=1)
    cli.add_argument("--app-id-max", type=int, default=36)
    cli.add_argument("--frozen-count", action="store_true")
    cli.add_argument("--finish-after", type=float, default=0.3)
    cli.add_argument("--download-interval", type=float, default=30.0)
    opts = cli.parse_args(argv)
    settings = Settings(
        tokens={
            opts.token: frozenset([opts.project_id]),
            opts.other_token: frozenset([opts.other_project_id]),
        },
        seed={opts.project_id: opts.seed, opts.other_project_id: 3},
        default_app=opts.default_app,
        rate_limit_every=opts.rate_limit_every,
        retry_after=opts.retry_after,
        app_id_max=opts.app_id_max,
        frozen_count=opts.frozen_count,
        finish_after=opts.finish_after,
        download_interval=opts.download_interval,
    )

    def on_term(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    with tempfile.TemporaryDirectory(prefix="beta-") as scratch:
        server = make_server(opts.db or str(Path(scratch) / "beta.db"), settings, opts.host, opts.port)
        print(server.url, flush=True)
        print(f"project_id={opts.project_id} token={opts.token}", file=sys.stderr, flush=True)
        try:
            server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
