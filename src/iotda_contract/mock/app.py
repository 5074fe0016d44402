"""The HTTP layer: a raw ASGI app that parses a request, calls the store and serialises the answer."""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from iotda_contract.mock import errors, workbook
from iotda_contract.mock.auth import Authenticator
from iotda_contract.mock.paging import PageQuery, PositionalCursors, faulty_page, span
from iotda_contract.mock.store import ALL, DEFAULT_APP, Store
from iotda_contract.mock.tasks import new_export_task_id, new_live_task
from iotda_contract.mock.validation import CompiledOperation, Convert, parse_json_body
from iotda_contract.mock.wire import Router, parse_query
from iotda_contract.spec import Paging

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_log = logging.getLogger("iotda_contract.mock")
_JSON = (b"content-type", b"application/json")
_ITEMS = b'{"export_tasks":['


class MockApp:
    """The reference mock as an ASGI application over a :class:`Store`."""

    def __init__(
        self,
        store: Store,
        router: Router,
        operations: dict[str, CompiledOperation],
        paging: Paging,
        headers: dict[str, Convert],
        create_defaults: dict[str, Any],
        authenticator: Authenticator,
        faults: frozenset[str] = frozenset(),
        max_body_bytes: int = 64 * 1024,
        latency: float = 0.0,
        download_interval: float = 0.0,
    ) -> None:
        self.store = store
        self.router = router
        self.operations = operations
        self.faults = faults
        self.authenticator = authenticator
        self.max_body_bytes = max_body_bytes
        #: Seconds added before every answer (``serve --latency-ms``): a remote backend, on loopback.
        self.latency = latency
        #: Seconds between two export-file downloads of one user (the mock's user is the project); 0: none.
        self.download_interval = download_interval
        self._last_download_ms: dict[str, int] = {}
        self._list = operations["ListExportTasks"]
        self._create = operations["CreateExportTask"]
        self._delete = operations["DeleteExportTask"]
        self._show = operations.get("ShowExportTask")
        self._marker_name = paging.marker_parameter
        self._limit_name = paging.limit_parameter
        self._offset_name = paging.offset_parameter or ""
        offset_schema = self._list.parameter(self._offset_name).schema if self._offset_name else {}
        self._max_offset = offset_schema.get("maximum")
        self._instance = headers["instance-id"]
        self._project = self._list.parameter("project_id").convert
        self._create_defaults = create_defaults
        self._cursors = PositionalCursors()
        self._nonstandard = "error-body-nonstandard" in faults
        self._prefix = os.urandom(8).hex()
        self._counter = itertools.count(1)
        self._error_cache: dict[tuple[str, str], bytes] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            await self._http(scope, receive, send)
        elif kind == "lifespan":
            await _lifespan(receive, send)
        elif kind == "websocket":
            await self._refuse_websocket(scope, receive, send)
        # Any other scope type names a protocol the mock does not speak, and ASGI gives it no way to
        # answer one: it is left unanswered (the mock's own server never sends one).

    async def _refuse_websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A WebSocket handshake (from a server that upgrades; the mock's own refuses upgrades itself):
        400 ``IOTDA.000008`` in the API's format where the server can send an HTTP answer, else closed."""
        message = await receive()
        if message["type"] != "websocket.connect":
            return
        if "websocket.http.response" not in scope.get("extensions", {}):
            await send({"type": "websocket.close", "code": 1008})
            return
        error = errors.MalformedRequest("Invalid input. WebSocket upgrades are not supported.")
        payload = self._error_body(error)
        request_id = f"{self._prefix}{next(self._counter):016x}".encode()
        headers = [_JSON, (b"content-length", str(len(payload)).encode()), (b"x-request-id", request_id)]
        await send({"type": "websocket.http.response.start", "status": error.status, "headers": headers})
        await send({"type": "websocket.http.response.body", "body": payload})

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        request_id = f"{self._prefix}{next(self._counter):016x}".encode()
        extra: list[tuple[bytes, bytes]] = []
        media: str | None = None  # None: JSON
        try:
            method: str = scope["method"]
            raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
            operation_id, path = self.router.resolve(raw_path, method)
            body = await self._read_body(receive) if operation_id == "CreateExportTask" else b""
            headers = scope["headers"]
            project = path["project_id"]
            self.authenticator.check(method, raw_path, scope["query_string"], headers, body, project)
            instance = self._instance_of(headers)
            if operation_id == "ListExportTasks":
                status, payload = 200, self._list_tasks(path, instance, scope["query_string"])
            elif operation_id == "CreateExportTask":
                status, payload = 201, self._create_task(path, instance, body)
            elif operation_id == "ShowExportTask":
                status, payload, media = 200, await self._show_file(path, instance), workbook.MEDIA_TYPE
                name = f'attachment; filename="{path["export_task_id"]}.xls"'
                extra.append((b"content-disposition", name.encode("ascii")))
            else:
                status, payload = 204, self._delete_task(path, instance)
        except errors.ApiError as error:
            status, payload, media = error.status, self._error_body(error), None
            extra.clear()
            if isinstance(error, errors.DownloadLimited):
                extra.append((b"retry-after", str(error.retry_after).encode()))
            if isinstance(error, errors.MethodNotAllowed):
                extra.append((b"allow", ", ".join(error.allowed).encode()))
            elif isinstance(error, errors.PayloadTooLarge):  # the rest of the body is not read
                extra.append((b"connection", b"close"))
        except Exception:  # a defect of the mock: still answer in the API's format
            _log.exception("unexpected error")
            defect = errors.InjectedServerError("Internal server error.")
            status, payload, media = defect.status, self._error_body(defect), None
            extra.clear()
        if status == 204:
            start_headers = [(b"x-request-id", request_id)]
        else:
            start_headers = [
                _JSON if media is None else (b"content-type", media.encode()),
                (b"content-length", str(len(payload)).encode()),
                (b"x-request-id", request_id),
            ]
        start_headers.extend(extra)
        if self.latency > 0:
            await asyncio.sleep(self.latency)
        await send({"type": "http.response.start", "status": status, "headers": start_headers})
        await send({"type": "http.response.body", "body": payload})

    def _error_body(self, error: errors.ApiError) -> bytes:
        key = (error.code, error.msg)
        body = self._error_cache.get(key)
        if body is None:
            body = error.body(self._nonstandard)
            if len(self._error_cache) < 1024:
                self._error_cache[key] = body
        return body

    async def _read_body(self, receive: Receive) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                raise errors.MalformedRequest()
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:  # the mock's protocol refuses it first; other servers may not
                raise errors.PayloadTooLarge(f"The request body is longer than {self.max_body_bytes} bytes.")
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def _instance_of(self, headers: list[tuple[bytes, bytes]]) -> str:
        found: bytes | None = None
        for name, value in headers:
            if name == b"instance-id":
                if found is not None:
                    raise errors.MalformedRequest()
                found = value
        if found is None:
            return ""
        try:
            text = found.decode("ascii")
        except UnicodeDecodeError:
            raise errors.InvalidData() from None
        value_ok: str = self._instance(text)
        return value_ok

    # -- operations ------------------------------------------------------------------------

    def _list_tasks(self, path: dict[str, str], instance: str, query_string: bytes) -> bytes:
        op = self._list
        project = self._project(path["project_id"])
        raw_query = parse_query(query_string)
        values = op.query_values(raw_query)
        offset = values.get(self._offset_name) or 0
        if (
            "server-error-at-max-offset" in self.faults
            and self._max_offset is not None
            and offset == self._max_offset
        ):
            raise errors.InjectedServerError()
        marker_given = self._marker_name in raw_query
        query = PageQuery(
            marker=str(values[self._marker_name]).lower(),
            offset=offset,
            limit=max(0, values[self._limit_name]),
            marker_given=marker_given,
        )
        app_id = values.get("app_id")
        if "filter-leak" in self.faults and marker_given:
            app_key = ALL
        elif app_id is not None:
            app_key = app_id
        elif values.get("app_type") == "APP":
            app_key = DEFAULT_APP
        else:
            app_key = ALL
        condition = values.get("resource_condition")
        task_key = condition.get("task_id", ALL) if condition else ALL
        key = (project, instance, app_key, task_key)
        store = self.store
        ids = store.index(key)
        if self.faults:
            page = faulty_page(ids, query, self.faults, key, self._cursors)
            start, stop, count, marker = page.start, page.stop, page.count, page.marker
            ascending = page.ascending
        else:
            found = span(ids, query)
            start, stop, ascending, count, marker = found.start, found.stop, False, found.total, found.marker
        tail = b"}}" if marker is None else b',"marker":"' + marker.encode() + b'"}}'
        suffix = b'],"page":{"count":' + str(count).encode() + tail
        if start >= stop:
            return _ITEMS + suffix
        parts = store.page_bodies(key, start, stop, ascending)
        # one copy of the page: the opening and closing text join the first and last bodies
        parts[0] = _ITEMS + parts[0]
        parts[-1] += suffix
        return b",".join(parts)

    def _create_task(self, path: dict[str, str], instance: str, body: bytes) -> bytes:
        op = self._create
        project = self._project(path["project_id"])
        document = parse_json_body(body)
        op.check_body(document)
        store = self.store
        if not store.can_start(project, instance):
            raise errors.TooManyUnfinished()
        now = store.now_ms()
        task = new_live_task(
            record_id=store.next_record_id(now),
            project_id=project,
            instance_id=instance,
            body=document,
            defaults=self._create_defaults,
            now_ms=now,
            task_ms=int(store.limits.task_ms),
            export_task_id=new_export_task_id(),
        )
        store.add(task)
        return task.render(now)

    async def _show_file(self, path: dict[str, str], instance: str) -> bytes:
        """The task's export file: only a Success task's, not overwritten, within the download rate."""
        op = self._show
        if op is None:  # a spec without the operation routes nothing here
            raise errors.PathNotFound()
        project = self._project(path["project_id"])
        export_task_id = op.parameter("export_task_id").convert(path["export_task_id"])
        store = self.store
        task = store.find(project, instance, export_task_id)
        if task is None:
            raise errors.NotFound()
        now = store.now_ms()
        status = task.view(now)["status"]
        if status != "Success" and "file-for-unfinished" not in self.faults:
            raise errors.FileNotReady(status)
        if store.overwritten(task):
            raise errors.FileOverwritten()
        if self.download_interval > 0:
            interval_ms = int(self.download_interval * 1000)
            last = self._last_download_ms.get(project)
            if last is not None and now - last < interval_ms:
                if "download-limit-500" in self.faults:
                    raise errors.InjectedServerError()
                wait_ms = interval_ms - (now - last)
                raise errors.DownloadLimited(-(-wait_ms // 1000), self.download_interval)
            self._last_download_ms[project] = now
        # up to 10 000 rows: written off the event loop, so that other requests go on meanwhile
        results = workbook.FIRST_PAGE if "file-first-page-only" in self.faults else None
        return await asyncio.to_thread(workbook.export_file, task, results)

    def _delete_task(self, path: dict[str, str], instance: str) -> bytes:
        op = self._delete
        project = self._project(path["project_id"])
        export_task_id = op.parameter("export_task_id").convert(path["export_task_id"])
        if not self.store.remove(project, instance, export_task_id):
            raise errors.NotFound()
        return b""


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
