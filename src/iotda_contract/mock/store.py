"""Durable storage (SQLite in WAL mode) behind an in-memory index of record ids per filter key."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from iotda_contract.mock.index import IdIndex, InvalidIds
from iotda_contract.mock.storage import StorageError as StorageError
from iotda_contract.mock.storage import check_path, lock, storage_error
from iotda_contract.mock.storage import lock_path as lock_path
from iotda_contract.mock.tasks import COLUMNS, RecordIds, Task

#: The app or task_id part of a filter key that matches every value.
ALL = "*"
#: The app part of a filter key for the project's default app (tasks created without app_id).
DEFAULT_APP = ""

#: (project_id, instance_id, app key, task key); instance_id "" is the default instance.
FilterKey = tuple[str, str, str, str]
Scope = tuple[str, str]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS export_tasks (
    record_id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL,
    instance_id TEXT NOT NULL,
    export_task_id TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    task_id TEXT,
    export_format TEXT NOT NULL,
    app_type TEXT NOT NULL,
    app_id TEXT,
    status TEXT NOT NULL,
    progress INTEGER NOT NULL,
    export_count INTEGER NOT NULL,
    create_ms INTEGER NOT NULL,
    end_ms INTEGER,
    live INTEGER NOT NULL
) WITHOUT ROWID;
"""
_INDEX = """
CREATE UNIQUE INDEX IF NOT EXISTS export_tasks_by_id
    ON export_tasks (project_id, instance_id, export_task_id)
"""
_INSERT = f"INSERT INTO export_tasks ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
_SELECT = f"SELECT {', '.join(COLUMNS)} FROM export_tasks"
#: The index of a key that lists nothing (never modified).
_EMPTY = IdIndex()


def _keys(task: Task) -> tuple[FilterKey, ...]:
    """The four filter keys a task is listed under."""
    app = task.app_id if task.app_id is not None else DEFAULT_APP
    task_key = task.task_id if task.task_id is not None else None
    p, i = task.project_id, task.instance_id
    if task_key is None:
        return ((p, i, ALL, ALL), (p, i, app, ALL))
    return ((p, i, ALL, ALL), (p, i, app, ALL), (p, i, ALL, task_key), (p, i, app, task_key))


@dataclass
class Limits:
    """The platform's create rules; 0 means no limit (the server takes them from the spec)."""

    max_tasks: int = 0
    max_unfinished: int = 0
    task_ms: int = 0


@dataclass
class _Unfinished:
    """Processing tasks of one scope: record id -> end (None for a frozen snapshot)."""

    ends: dict[str, int | None] = field(default_factory=dict)

    def prune(self, now_ms: int) -> int:
        done = [rid for rid, end in self.ends.items() if end is not None and end <= now_ms]
        for rid in done:
            del self.ends[rid]
        return len(self.ends)


class Store:
    """Every export task, written through to SQLite, listed from sorted in-memory id indexes.

    Each filter key maps to an :class:`IdIndex` of the matching record ids in ascending order, so a
    page is a bisect and a slice and ``page.count`` is a length, whatever the number of records.
    A task's serialised body is cached beside its id in each of its keys' indexes (rendered at its
    first request) once it can no longer change, so a page's bodies are one slice of a list.
    """

    def __init__(
        self,
        path: str | Path,
        limits: Limits | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = str(path)
        self.limits = limits or Limits()
        self.clock = clock
        self._lists: dict[FilterKey, IdIndex] = {}
        self._unfinished: dict[Scope, _Unfinished] = {}
        self._ids = RecordIds()
        self._lock_fd: int | None = None
        if self.path == ":memory:":
            self._db = self._open()
            self._load()
            return
        file = Path(self.path)
        check_path(file)
        self._lock_fd = lock(file)  # a second mock on the same file stops here
        try:
            self._db = self._open()
            try:
                self._probe_write()
                self._check_index(self._load())
            except BaseException:
                self._db.close()
                raise
        except sqlite3.Error as err:
            self._unlock()
            raise storage_error(self.path, err) from None
        except BaseException:
            self._unlock()
            raise

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        try:
            if self.path != ":memory:":
                db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(_SCHEMA)
            db.execute(_INDEX)
        except BaseException:
            db.close()
            raise
        return db

    def _probe_write(self) -> None:
        """Fail at start-up, not at the first create, when the file cannot take a write."""
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("CREATE TABLE iotda_write_probe (x)")
        finally:
            db.execute("ROLLBACK")

    def _check_index(self, rows: int) -> None:
        """Loading reads every page of the table; this reads every page of the unique index (a few
        milliseconds at 1M tasks), so a corrupt or truncated file fails here rather than at a create."""
        query = "SELECT COUNT(*) FROM export_tasks INDEXED BY export_tasks_by_id"
        listed = self._db.execute(query).fetchone()[0]
        if listed != rows:
            raise sqlite3.DatabaseError("database disk image is malformed (its index and table disagree)")

    def _unlock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # releases the flock
            self._lock_fd = None

    # -- loading ---------------------------------------------------------------------------

    def _load(self) -> int:
        """Read every task's ids and filter columns into the indexes; the number of tasks."""
        now = self.now_ms()
        last = None
        count = 0
        rows = self._db.execute(
            "SELECT record_id, project_id, instance_id, app_id, task_id, status, end_ms, live"
            " FROM export_tasks ORDER BY record_id"
        )
        lists: dict[FilterKey, list[str]] = {}
        for record_id, project, instance, app_id, task_id, status, end_ms, live in rows:
            app = app_id if app_id is not None else DEFAULT_APP
            keys: tuple[FilterKey, ...] = (
                (project, instance, ALL, ALL),
                (project, instance, app, ALL),
            )
            if task_id is not None:
                keys += ((project, instance, ALL, task_id), (project, instance, app, task_id))
            for key in keys:
                bucket = lists.get(key)
                if bucket is None:
                    lists[key] = [record_id]
                else:
                    bucket.append(record_id)
            if (end_ms is None and status == "Processing") or (live and end_ms is not None and end_ms > now):
                self._unfinished.setdefault((project, instance), _Unfinished()).ends[record_id] = end_ms
            last = record_id
            count += 1
        self._lists = {key: IdIndex.from_sorted(ids) for key, ids in lists.items()}
        self._ids = RecordIds(last)
        return count

    # -- reading ---------------------------------------------------------------------------

    def now_ms(self) -> int:
        return int(self.clock() * 1000)

    def index(self, key: FilterKey) -> IdIndex:
        """The ascending record ids under ``key`` (do not modify: the store keeps it up to date)."""
        return self._lists.get(key, _EMPTY)

    def ids(self, key: FilterKey) -> list[str]:
        """A copy of the ascending record ids under ``key``."""
        return list(self._lists.get(key, _EMPTY))

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM export_tasks").fetchone()[0])

    def page_bodies(self, key: FilterKey, start: int, stop: int, ascending: bool = False) -> list[bytes]:
        """The serialised tasks at positions ``start:stop`` of ``key``'s ids, newest first unless
        ``ascending``. Bodies not cached (first request, or a task still Processing) are rendered now."""
        index = self._lists.get(key, _EMPTY)
        found = index.bodies[start:stop]
        if None in found:
            wanted = {start + i: index[start + i] for i, body in enumerate(found) if body is None}
            rendered = self._render(list(wanted.values()))
            for position, record_id in wanted.items():
                found[position - start] = rendered[record_id]
        if not ascending:
            found.reverse()
        return cast(list[bytes], found)  # every None was replaced just above

    def bodies(self, record_ids: Sequence[str]) -> list[bytes]:
        """The serialised tasks, in the order asked (read from SQLite unless cached)."""
        tasks = {task.record_id: task for task in self._fetch(record_ids)}
        missing: list[str] = []
        cached: dict[str, bytes] = {}
        for record_id, task in tasks.items():
            index = self._lists.get((task.project_id, task.instance_id, ALL, ALL), _EMPTY)
            position = index.find(record_id)
            body = index.bodies[position] if position is not None else None
            if body is None:
                missing.append(record_id)
            else:
                cached[record_id] = body
        cached.update(self._render(missing, tasks))
        return [cached[rid] for rid in record_ids]

    def _render(self, record_ids: Sequence[str], tasks: dict[str, Task] | None = None) -> dict[str, bytes]:
        """Render the tasks now; cache the body of each finished one in every index that lists it."""
        if not record_ids:
            return {}
        if tasks is None:
            tasks = {task.record_id: task for task in self._fetch(record_ids)}
        now = self.now_ms()
        rendered: dict[str, bytes] = {}
        for record_id in record_ids:
            task = tasks[record_id]
            body = task.render(now)
            rendered[record_id] = body
            if task.finished(now):
                for key in _keys(task):
                    index = self._lists.get(key)
                    position = index.find(record_id) if index is not None else None
                    if index is not None and position is not None:
                        index.bodies[position] = body
        return rendered

    def _fetch(self, record_ids: Sequence[str]) -> list[Task]:
        marks = ",".join("?" * len(record_ids))
        rows = self._db.execute(f"{_SELECT} WHERE record_id IN ({marks})", tuple(record_ids))
        return [Task.from_row(row) for row in rows]

    def find(self, project_id: str, instance_id: str, export_task_id: str) -> Task | None:
        row = self._db.execute(
            f"{_SELECT} WHERE project_id = ? AND instance_id = ? AND export_task_id = ?",
            (project_id, instance_id, export_task_id),
        ).fetchone()
        return Task.from_row(row) if row is not None else None

    def overwritten(self, task: Task) -> bool:
        """Whether a newer task of the scope has the same conditions: its file replaced ``task``'s.

        The conditions are what a create states: resource_type, resource_condition (task_id),
        export_format, app_type and app_id.
        """
        row = self._db.execute(
            "SELECT 1 FROM export_tasks WHERE project_id = ? AND instance_id = ? AND record_id > ?"
            " AND resource_type = ? AND task_id IS ? AND export_format = ? AND app_type = ? AND app_id IS ?"
            " LIMIT 1",
            (task.project_id, task.instance_id, task.record_id, task.resource_type, task.task_id,
             task.export_format, task.app_type, task.app_id),
        ).fetchone()  # fmt: skip
        return row is not None

    def unfinished(self, project_id: str, instance_id: str) -> int:
        """How many tasks of the scope are Processing now."""
        bucket = self._unfinished.get((project_id, instance_id))
        return bucket.prune(self.now_ms()) if bucket is not None else 0

    # -- writing ---------------------------------------------------------------------------

    def next_record_id(self, now_ms: int) -> str:
        return self._ids.next(now_ms)

    def can_start(self, project_id: str, instance_id: str) -> bool:
        """Whether one more Processing task is allowed in the scope (``--max-unfinished``)."""
        limit = self.limits.max_unfinished
        return limit <= 0 or self.unfinished(project_id, instance_id) < limit

    def add(self, task: Task) -> list[Task]:
        """Store ``task`` (committed before returning) and evict beyond ``--max-tasks``; the evicted."""
        scope = (task.project_id, task.instance_id)
        everything = self._lists.get((*scope, ALL, ALL), _EMPTY)
        excess = len(everything) + 1 - self.limits.max_tasks if self.limits.max_tasks > 0 else 0
        victims = self._fetch(everything[:excess]) if excess > 0 else []
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            if victims:
                db.executemany(
                    "DELETE FROM export_tasks WHERE record_id = ?", [(v.record_id,) for v in victims]
                )
            db.execute(_INSERT, task.row())
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        for victim in victims:
            self._forget(victim)
        self._remember(task)
        return victims

    def remove(self, project_id: str, instance_id: str, export_task_id: str) -> bool:
        """Delete a task of the scope by its export_task_id; False when there is none."""
        task = self.find(project_id, instance_id, export_task_id)
        if task is None:
            return False
        self._db.execute("DELETE FROM export_tasks WHERE record_id = ?", (task.record_id,))
        self._forget(task)
        return True

    def bulk_load(self, tasks: Iterable[Task]) -> int:
        """Insert many tasks in one transaction (seeding), streaming; they must come in record-id order."""
        db = self._db
        now = self.now_ms()
        added = 0
        last = self._ids.last

        empty = not self._lists
        # into an empty store, ids are gathered in lists and converted to indexes once at the end
        gathered: dict[FilterKey, list[str]] = {}

        def rows() -> Iterator[tuple[Any, ...]]:
            nonlocal added, last
            for task in tasks:
                if empty:
                    for key in _keys(task):
                        bucket = gathered.get(key)
                        if bucket is None:
                            gathered[key] = [task.record_id]
                        else:
                            bucket.append(task.record_id)
                    self._track(task, now)
                else:
                    self._remember(task, now)
                added += 1
                last = max(last, task.record_id)
                yield task.row()

        db.execute("BEGIN")
        try:
            if empty:  # building the index once after the rows is much faster than row by row
                db.execute("DROP INDEX IF EXISTS export_tasks_by_id")
            db.executemany(_INSERT, rows())
            if empty:
                db.execute(_INDEX)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            self._reload()
            raise
        if empty:
            try:
                self._lists = {key: IdIndex.from_sorted(ids) for key, ids in gathered.items()}
            except InvalidIds:  # not in record-id order after all: read them back sorted
                self._reload()
        self._ids = RecordIds(last)
        return added

    def _reload(self) -> None:
        self._lists.clear()
        self._unfinished.clear()
        self._load()

    def _remember(self, task: Task, now: int | None = None) -> None:
        for key in _keys(task):
            bucket = self._lists.get(key)
            if bucket is None:
                bucket = self._lists[key] = IdIndex()
            bucket.insert(task.record_id)
        self._track(task, now)

    def _track(self, task: Task, now: int | None = None) -> None:
        """Count ``task`` against --max-unfinished while it is Processing."""
        if task.processing(self.now_ms() if now is None else now):
            scope = (task.project_id, task.instance_id)
            self._unfinished.setdefault(scope, _Unfinished()).ends[task.record_id] = task.end_ms

    def _forget(self, task: Task) -> None:
        for key in _keys(task):
            bucket = self._lists.get(key)
            if bucket is None:
                continue
            bucket.remove(task.record_id)
            if not bucket:
                del self._lists[key]
        bucket_u = self._unfinished.get((task.project_id, task.instance_id))
        if bucket_u is not None:
            bucket_u.ends.pop(task.record_id, None)

    def close(self) -> None:
        self._db.close()
        self._unlock()
