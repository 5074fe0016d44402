"""The relay schemathesis talks to: a request goes on unchanged, its answer comes back as it came."""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from iotda_contract.conformance.st_relay import Relay
from iotda_contract.mock.settings import Settings
from iotda_contract.mock.testing import serve_in_thread

SEEN: list[dict[str, Any]] = []


class Backend(BaseHTTPRequestHandler):
    """Echoes what it got; ``/gone`` redirects on itself, ``/away`` elsewhere, ``/zipped`` answers gzip."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._answer()

    def do_PATCH(self) -> None:
        self._answer()

    def _answer(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        SEEN.append({"method": self.command, "path": self.path, "headers": dict(self.headers.items()),
                     "body": body.decode()})  # fmt: skip
        origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        content, headers = json.dumps({"path": self.path}).encode(), [("X-Echo", "1"), ("X-Echo", "2")]
        if self.path.startswith("/prefix/gone"):
            headers.append(("Location", f"{origin}/prefix/here"))
        elif self.path.startswith("/prefix/away"):
            headers.append(("Location", "http://elsewhere.example/x"))
        elif self.path.startswith("/prefix/zipped"):
            content = gzip.compress(content)
            headers.append(("Content-Encoding", "gzip"))
        self.send_response(302 if "Location" in dict(headers) else 200)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def backend() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Backend)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/prefix"
    finally:
        server.shutdown()
        server.server_close()


def fitted(session: requests.Session) -> None:
    session.headers["X-Fitted"] = "by configure"


def test_a_request_goes_on_unchanged_and_its_answer_comes_back_as_it_came():
    SEEN.clear()
    with backend() as base, Relay(base, fitted, timeout=5) as relay:
        assert relay.url.endswith("/prefix")
        headers = {"X-Case": "7", "Content-Type": "application/json"}
        answer = requests.patch(relay.url + "/tasks/a%2Fb?marker=x&marker=y", data=b'{"a": 1}',
                                headers=headers, timeout=5)  # fmt: skip
    assert answer.status_code == 200
    assert answer.json() == {"path": "/prefix/tasks/a%2Fb?marker=x&marker=y"}
    assert answer.headers["X-Echo"] == "1, 2", "repeated headers come back repeated"
    sent = SEEN[-1]
    assert (sent["method"], sent["body"]) == ("PATCH", '{"a": 1}')
    assert sent["headers"]["X-Case"] == "7"
    assert sent["headers"]["X-Fitted"] == "by configure", "the configured session sent it"
    assert sent["headers"]["Host"] == base.split("/")[2], "the backend's own host, not the relay's"


def test_a_redirect_on_the_backend_points_at_the_relay_and_any_other_is_left_alone():
    with backend() as base, Relay(base, fitted, timeout=5) as relay:
        here = requests.get(relay.url + "/gone", allow_redirects=False, timeout=5)
        away = requests.get(relay.url + "/away", allow_redirects=False, timeout=5)
        assert here.headers["Location"] == relay.url + "/here"
        assert away.headers["Location"] == "http://elsewhere.example/x"
        assert relay.backend_view(f"curl {relay.url}/here") == f"curl {base}/here"


def test_a_compressed_answer_comes_back_decoded_without_its_encoding():
    with backend() as base, Relay(base, fitted, timeout=5) as relay:
        answer = requests.get(relay.url + "/zipped", timeout=5)
    assert "Content-Encoding" not in answer.headers
    assert answer.json() == {"path": "/prefix/zipped"}


def test_a_backend_that_cannot_be_reached_ends_the_connection_without_an_answer():
    with backend() as base:
        pass  # stopped: nothing listens there now
    with Relay(base, fitted, timeout=2) as relay, pytest.raises(requests.ConnectionError):
        requests.get(relay.url + "/x", timeout=5)


def test_the_mock_answers_through_the_relay_as_it_answers_directly():
    with serve_in_thread(Settings(seed=20)) as url, Relay(url, fitted, timeout=5) as relay:
        path = "/v5/iot/demo-project/export-tasks?limit=3"
        direct = requests.get(url + path, headers={"X-Auth-Token": "t"}, timeout=5)
        relayed = requests.get(relay.url + path, headers={"X-Auth-Token": "t"}, timeout=5)
    assert (relayed.status_code, relayed.json()) == (direct.status_code, direct.json())
