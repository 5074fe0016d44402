"""Shared by the official-SDK tests: the credentials the mock is started with, and a recording server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

AK, SK = "HPUAINTEROPAK0001", "interop-secret-0001"
OTHER_AK, OTHER_SK = "HPUAINTEROPAK0002", "interop-secret-0002"
TOKEN = "iam-token-interop"
#: Temporary credentials (AK/SK with a security token): one valid for years, one already expired.
TEMP_AK, TEMP_SK, SECURITY_TOKEN = "HPUATEMPORARYAK01", "temporary-secret-01", "sts-security-token-interop-01"
EXPIRED_AK, EXPIRED_SK, EXPIRED_TOKEN = (
    "HPUATEMPORARYAK02",
    "temporary-secret-02",
    "sts-security-token-expired",
)
TEMP_EXPIRES_AT, EXPIRED_AT = "2099-01-01T00:00:00Z", "2020-01-01T00:00:00+00:00"
#: Projects the main AK and the token may use; each test takes a fresh one.
PROJECTS = tuple(f"p-sdk-{n:02d}" for n in range(60))
OTHER_PROJECT = "p-other"
REGION = "cn-north-4"


@dataclass(frozen=True)
class Recorded:
    """One request as it reached the server's socket."""

    method: str
    raw_path: str
    raw_query: str
    headers: dict[str, str]  # lower-case names
    body: bytes


@dataclass
class Recorder:
    """A real HTTP server on 127.0.0.1 that records each request and answers with ``answer``."""

    requests: list[Recorded] = field(default_factory=list)
    answer: tuple[int, dict[str, str], bytes] = (200, {}, b"{}")
    url: str = ""

    def reply(self, status: int, body: Any = None, headers: dict[str, str] | None = None) -> None:
        content = b"" if body is None else json.dumps(body).encode()
        self.answer = (status, {"Content-Type": "application/json", **(headers or {})}, content)


@contextmanager
def recording_server() -> Iterator[Recorder]:
    recorder = Recorder()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            raw_path, _, raw_query = self.path.partition("?")
            headers = {name.lower(): value for name, value in self.headers.items()}
            recorder.requests.append(Recorded(self.command, raw_path, raw_query, headers, body))
            status, answer_headers, content = recorder.answer
            self.send_response(status)
            for name, value in answer_headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        do_GET = do_POST = do_DELETE = _handle

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    recorder.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield recorder
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
