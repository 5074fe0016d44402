"""A local HTTP front for schemathesis: each request it sends goes on to the backend through our session.

schemathesis 4.32.5 builds its own ``requests`` sessions and has no seam for another one: ``before_call`` is
dispatched to global hooks only, its auth API sets a case's fields before the request is serialised (so it
cannot sign the final request), and its retries cover network errors only. Its public configuration does
take a base URL: it is given the relay's, and the relay sends each request on, unchanged, with a session
that :func:`configure` fits out (AK/SK signing over the final request, the run's pace, waiting out 429
answers, reading each answer within the caps, the watch on created tasks). The answer goes back as it came,
its body as read (decoded, so without ``Content-Encoding``).

A request the backend could not be asked (unreachable, too slow) ends the relay's connection without an
answer, as the backend's own failure would; a redirect to the backend itself is pointed back at the relay.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import requests

#: Headers of one connection, not of the request or answer (RFC 9110, 7.6.1), and those recomputed here.
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding",
                        "upgrade", "host", "content-length", "content-encoding"})  # fmt: skip


class Relay:
    """Serves on 127.0.0.1 (a free port) while the block runs; :attr:`url` is schemathesis' base URL."""

    def __init__(self, base_url: str, configure: Callable[[requests.Session], None], *, timeout: float,
                 verify: bool | str = True) -> None:  # fmt: skip
        self.base_url = base_url.rstrip("/")
        self.configure, self.timeout, self.verify = configure, timeout, verify
        self._sessions = threading.local()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.relay = self
        self._thread = threading.Thread(target=self._server.serve_forever, name="iotda-relay", daemon=True)
        port = self._server.server_address[1]
        #: The relay's base URL: the backend's path prefix on the relay's origin.
        self.url = f"http://127.0.0.1:{port}{urlsplit(self.base_url).path}"
        self._origin = f"http://127.0.0.1:{port}"

    def __enter__(self) -> Relay:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def backend_view(self, text: str) -> str:
        """``text`` (a failure, a curl command) with the relay's URLs written as the backend's."""
        return text.replace(self.url, self.base_url).replace(self._origin, self.base_url)

    def session(self) -> requests.Session:
        """This thread's session (a session is not shared by threads), fitted out by ``configure``."""
        session: requests.Session | None = getattr(self._sessions, "session", None)
        if session is None:
            session = requests.Session()
            session.headers.clear()  # the request's own headers, and no others
            session.verify = self.verify
            self.configure(session)
            self._sessions.session = session
        return session

    def send(self, method: str, target: str, headers: list[tuple[str, str]],
             body: bytes) -> requests.Response:  # fmt: skip
        """Send one request on to the backend; ``target`` is the request's path and query on the relay."""
        prefix = urlsplit(self.base_url).path
        rest = target[len(prefix) :] if prefix and target.startswith(prefix) else target
        merged: dict[str, str] = {}
        for name, value in headers:
            if name.lower() not in HOP_BY_HOP:
                merged[name] = f"{merged[name]}, {value}" if name in merged else value
        return self.session().request(method, self.base_url + rest, headers=merged, data=body or None,
                                      allow_redirects=False, timeout=self.timeout)  # fmt: skip

    def relocated(self, location: str) -> str:
        """A ``Location`` on the backend itself, on the relay (any other is left as it is)."""
        return self.url + location[len(self.base_url) :] if location.startswith(self.base_url) else location


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    relay: Relay

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet: a connection schemathesis dropped (its own timeout) ends here, without a traceback."""


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def setup(self) -> None:
        super().setup()
        # an answer's head and body are two writes: without this, the second waits for the client's
        # delayed acknowledgement of the first (up to 40 ms an answer)
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    protocol_version = "HTTP/1.1"

    def __getattr__(self, name: str) -> Any:
        if name.startswith("do_"):  # every method, the unsupported ones schemathesis tries included
            return self._forward
        raise AttributeError(name)

    def _forward(self) -> None:
        relay = self.server.relay
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        try:
            answer = relay.send(self.command, self.path, list(self.headers.items()), body)
        except (requests.RequestException, ValueError):
            self.close_connection = True  # no answer: as the backend's own failure would end the request
            return
        content = answer.content
        self.send_response_only(answer.status_code, answer.reason)
        for name, value in answer.raw.headers.items():
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, relay.relocated(value) if name.lower() == "location" else value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(content)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: what the relay sends is reported by schemathesis and the run."""
