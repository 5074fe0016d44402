"""Durable storage (SQLite in WAL mode) behind an in-memory index of record ids per filter key."""

from __future__ import annotations

import sqlite3
import time
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
_EMPTY: list[str] = []


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
    """The platform's create rules; 0 means no limit."""

    max_tasks: int = 50
    max_unfinished: int = 5
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
    """Every export task, written through to SQLite, listed from sorted in-memory id lists.

    Each filter key maps to the ascending list of matching record ids, so a page is a bisect and
    a slice and ``page.count`` is a length, whatever the number of records. Serialised tasks are
    cached once they can no longer change.
    """

    def __init__(
        self,
        path: str | Path,
        limits: Limits | None = None,
        clock: Callable[[], float] = time.time,
        cache_size: int = 200_000,
    ) -> None:
        self.path = str(path)
        self.limits = limits or Limits()
        self.clock = clock
        self._cache_size = cache_size
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        if self.path != ":memory:":
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        self._db.execute(_INDEX)
        self._lists: dict[FilterKey, list[str]] = {}
        self._unfinished: dict[Scope, _Unfinished] = {}
        self._bodies: dict[str, bytes] = {}
        self._ids = RecordIds()
        self._load()

    # -- loading ---------------------------------------------------------------------------

    def _load(self) -> None:
        now = self.now_ms()
        last = None
        rows = self._db.execute(
            "SELECT record_id, project_id, instance_id, app_id, task_id, status, end_ms, live"
            " FROM export_tasks ORDER BY record_id"
        )
        lists = self._lists
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
        self._ids = RecordIds(last)

    # -- reading ---------------------------------------------------------------------------

    def now_ms(self) -> int:
        return int(self.clock() * 1000)

    def ids(self, key: FilterKey) -> list[str]:
        """The ascending record ids under ``key`` (do not modify)."""
        return self._lists.get(key, _EMPTY)

    def __len__(self) -> int:
        return int(self._db.execute("SELECT COUNT(*) FROM export_tasks").fetchone()[0])

    def bodies(self, record_ids: Sequence[str]) -> list[bytes]:
        """The serialised tasks, in the order asked."""
        cache = self._bodies
        try:
            return [cache[rid] for rid in record_ids]
        except KeyError:
            pass
        missing = [rid for rid in record_ids if rid not in cache]
        now = self.now_ms()
        fresh: dict[str, bytes] = {}
        for task in self._fetch(missing):
            body = task.render(now)
            fresh[task.record_id] = body
            if task.finished(now):
                if len(cache) >= self._cache_size:
                    cache.clear()
                cache[task.record_id] = body
        return [cache.get(rid) or fresh[rid] for rid in record_ids]

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

        def rows() -> Iterator[tuple[Any, ...]]:
            nonlocal added, last
            for task in tasks:
                self._remember(task, now)
                added += 1
                last = max(last, task.record_id)
                yield task.row()

        empty = not self._lists
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
        self._ids = RecordIds(last)
        return added

    def _reload(self) -> None:
        self._lists.clear()
        self._unfinished.clear()
        self._bodies.clear()
        self._load()

    def _remember(self, task: Task, now: int | None = None) -> None:
        for key in _keys(task):
            bucket = self._lists.get(key)
            if bucket is None:
                self._lists[key] = [task.record_id]
            elif not bucket or bucket[-1] < task.record_id:
                bucket.append(task.record_id)
            else:
                bucket.insert(bisect_left(bucket, task.record_id), task.record_id)
        if task.processing(self.now_ms() if now is None else now):
            scope = (task.project_id, task.instance_id)
            self._unfinished.setdefault(scope, _Unfinished()).ends[task.record_id] = task.end_ms

    def _forget(self, task: Task) -> None:
        for key in _keys(task):
            bucket = self._lists.get(key)
            if bucket is None:
                continue
            index = bisect_left(bucket, task.record_id)
            if index < len(bucket) and bucket[index] == task.record_id:
                del bucket[index]
            if not bucket:
                del self._lists[key]
        self._bodies.pop(task.record_id, None)
        bucket_u = self._unfinished.get((task.project_id, task.instance_id))
        if bucket_u is not None:
            bucket_u.ends.pop(task.record_id, None)

    def close(self) -> None:
        self._db.close()
