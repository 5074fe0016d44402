"""Small hostile backends on real sockets: each answers well enough to be checked, then attacks."""

from __future__ import annotations

import gzip
import json
import socket
import socketserver
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

PROJECT = "hostile-project"
BASE = f"/v5/iot/{PROJECT}/export-tasks"


def task(n: int, task_id: str | None = None) -> dict[str, Any]:
    return {"export_task_id": task_id or f"task{n:04d}", "resource_type": "BatchTask",
            "resource_condition": {"task_id": "61b7ed6a66a1a5f5d5e26c8f"}, "export_format": "xls",
            "status": "Success", "export_count": 1, "progress": 100,
            "create_time": "2026-11-01T08:00:00.000Z", "end_time": "2026-11-01T08:00:01.000Z",
            "app_type": "GLOBAL"}  # fmt: skip


def page(records: int = 3) -> dict[str, Any]:
    """A correct first page of ``records`` records (marker paging is not the point here)."""
    items = [task(n) for n in range(records)]
    return {"export_tasks": items, "page": {"count": records, "marker": format(records, "024x")}}


@dataclass
class Hostile:
    """The server's state, as a test sees it."""

    mode: str
    url: str = ""
    paths: list[str] = field(default_factory=list)
    #: When each request arrived (time.monotonic(), on the server), and its headers.
    times: list[float] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        try:
            while self._one():
                pass
        except (ConnectionError, OSError):
            return

    def _one(self) -> bool:
        line = self.rfile.readline(65537).decode("latin-1")
        if not line.strip():
            return False
        method, target, _ = line.split(" ", 2)
        headers: dict[str, str] = {}
        while (header := self.rfile.readline(65537).decode("latin-1")) not in ("\r\n", "\n", ""):
            name, _, value = header.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0") or 0)
        if length:
            self.rfile.read(length)
        state = self.server.state
        with state.lock:
            state.requests += 1
            state.paths.append(f"{method} {target}")
            state.times.append(time.monotonic())
            state.headers.append(headers)
            number = state.requests
        return self._answer(state.mode, number, method, target, headers)

    def _send(self, status: int, body: bytes, extra: str = "") -> bool:
        head = (f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nX-Request-Id: r\r\n{extra}"
                f"Content-Length: {len(body)}\r\n\r\n")  # fmt: skip
        self.wfile.write(head.encode() + body)
        self.wfile.flush()
        return True

    def _json(self, status: int, data: Any) -> bool:
        return self._send(status, json.dumps(data).encode())

    def _answer(self, mode: str, number: int, method: str, target: str, headers: dict[str, str]) -> bool:
        if mode.startswith("redirect-to "):  # the laws get good pages, schemathesis is pointed elsewhere
            if "schemathesis" not in headers.get("user-agent", ""):
                return self._json(200, page())
            return self._send(307, b"{}", f"Location: {mode.removeprefix('redirect-to ')}{target}\r\n")
        if mode == "path-injection":
            if method == "POST":
                return self._json(201, task(9, "../../../../../admin/wipe?all=1#"))
            if method == "DELETE":
                return self._json(404, {"error_code": "IOTDA.000404", "error_msg": "no"})
            return self._json(200, page())
        if mode == "echo-headers":
            echoed = json.dumps(headers)
            if "limit=0" in target or "limit=51" in target or (number > 1 and "marker=" in target):
                return self._json(400, {"error_code": f"IOTDA.000006 {echoed}", "error_msg": f"bad {echoed}"})
            return self._json(200, {**page(), "debug": echoed})
        if mode == "echo-401":
            return self._json(401, {"error_code": "IOTDA.000002", "error_msg": f"who are you? {headers}"})
        if mode == "drip":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
            self.wfile.write(b"Content-Length: 100\r\n\r\n")
            for _ in range(100):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.5)
            return False
        if mode == "stall-after-probe":
            if number > 1:
                time.sleep(30)
                return False
            return self._json(200, page())
        if mode == "huge-body":
            return self._chunked(200, (b" " * 65536 for _ in range(800)), b"")  # 50 MB of blanks
        if mode == "gzip-bomb":
            return self._chunked(200, iter([self.server.bomb]), b"Content-Encoding: gzip\r\n")
        if mode == "nested":
            return self._send(200, b"[" * 200_000)
        if mode == "reset-mid-run":
            if number > 30:
                linger = b"\x01\x00\x00\x00\x00\x00\x00\x00"  # on, 0 s: close sends a reset
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
                self.connection.close()
                return False
            return self._json(200, page())
        raise ValueError(mode)

    def _chunked(self, status: int, chunks: Iterator[bytes], extra: bytes) -> bool:
        self.wfile.write(b"HTTP/1.1 %d X\r\nContent-Type: application/json\r\n" % status + extra
                         + b"Transfer-Encoding: chunked\r\n\r\n")  # fmt: skip
        for chunk in chunks:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()
        return True


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    state: Hostile
    bomb: bytes = b""


@contextmanager
def hostile(mode: str) -> Iterator[Hostile]:
    """Serve ``mode`` on 127.0.0.1 (a free port) until the block ends."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.state = Hostile(mode, url=f"http://127.0.0.1:{server.server_address[1]}")
    if mode == "gzip-bomb":
        server.bomb = gzip.compress(b"\0" * (100 * 1024 * 1024), compresslevel=9)  # 100 MiB inflated
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server.state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
