"""A tiny HTTP client for the harness: one GET on the loopback, status and parsed JSON body."""

from __future__ import annotations

import http.client
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

#: The header the mock's auth mode "any" accepts; the bare app ignores it.
AUTH_HEADERS = {"X-Auth-Token": "anything"}


@dataclass(frozen=True)
class Reply:
    """The status and body of one response."""

    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def get(base_url: str, path: str, *, timeout: float = 5.0) -> Reply:
    """GET ``path`` from ``base_url`` (``http://127.0.0.1:PORT``); connection errors propagate."""
    parts = urlsplit(base_url)
    if parts.hostname not in ("127.0.0.1", "localhost"):
        raise ValueError(f"the harness only talks to the loopback: {base_url}")
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request("GET", path, headers=AUTH_HEADERS)
        response = conn.getresponse()
        return Reply(response.status, response.read())
    finally:
        conn.close()
