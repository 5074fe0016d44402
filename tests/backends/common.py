"""The little machinery both backends share: a request-counting HTTP server and a background runner.

Nothing about the API lives here; each backend implements the API on its own.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class CountingServer(ThreadingHTTPServer):
    """A threading HTTP server that counts the requests it has begun to serve.

    Handler threads are not daemons, so ``server_close`` waits for them (no thread outlives the server).
    """

    daemon_threads = False
    block_on_close = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self._count_lock = threading.Lock()
        self._requests = 0

    def count_request(self) -> int:
        """Count one more request and return its number (the first request is 1)."""
        with self._count_lock:
            self._requests += 1
            return self._requests

    @property
    def requests(self) -> int:
        """How many requests have been served (or are being served) so far."""
        with self._count_lock:
            return self._requests

    @property
    def url(self) -> str:
        """The base URL, e.g. ``http://127.0.0.1:8600``."""
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"


class Running:
    """A server started in a background thread; ``stop`` shuts it down, closes it and joins the thread."""

    def __init__(self, server: CountingServer) -> None:
        self.server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="backend", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=10)
