"""HTTP to the backend under test, which is hostile: each request within a total deadline, each body capped.

httpx's timeouts are per read, so a backend that sends one byte every few seconds never trips them; here each
request runs in a daemon thread and is abandoned (its connection closed) when its total deadline passes. A
body is read as a stream and cut at ``max_body`` bytes, compressed and inflated both, so neither a huge body
nor a gzip bomb can exhaust memory. Redirects are never followed: nothing a backend returns steers a request.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from iotda_contract.conformance.errors import TargetError
from iotda_contract.conformance.pacing import Pace

#: The largest body read from the backend, after inflation (bytes); a larger one is cut and reported.
MAX_BODY = 8 * 1024 * 1024
#: The longest a single request may take, from sending to the last byte of its answer (seconds).
REQUEST_DEADLINE = 30.0


@dataclass(frozen=True)
class Answer:
    """What came back: status, headers, the body (cut at the cap), and why it was cut."""

    url: str
    request_headers: tuple[tuple[str, str], ...]
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    #: Set when the body was larger than the cap: the answer is judged as a body that is not the API's.
    cut: str | None = None

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


class Wire:
    """Sends requests to one backend; a deadline passed or a dead connection makes it unusable (exit 2)."""

    def __init__(self, base_url: str, *, auth: httpx.Auth | None = None,
                 transport: httpx.BaseTransport | None = None, timeout: float = REQUEST_DEADLINE,
                 max_body: int = MAX_BODY, verify: bool | str = True, pace: Pace | None = None,
                 ) -> None:  # fmt: skip
        self.base_url = base_url.rstrip("/")
        self.auth, self.transport = auth, transport
        #: TLS: True (the system's CAs), False (``--insecure``) or a CA bundle's path (``--ca-bundle``).
        self.verify = verify
        self.pace = pace
        self.deadline, self.max_body = timeout, max_body
        self._client: httpx.Client | None = None
        #: Why the backend can no longer be used (every later request fails at once with it).
        self.dead: str | None = None

    def client(self) -> httpx.Client:
        """The connection pool, built on first use (build it before threads share the wire)."""
        if self._client is None:
            # httpx's per-read timeout only backs up the total deadline, which must fire first
            timeout = httpx.Timeout(self.deadline + 5.0, connect=min(self.deadline, 10.0))
            # proxies come from the standard environment variables (httpx's trust_env)
            self._client = httpx.Client(base_url=self.base_url, auth=self.auth, transport=self.transport,
                                        timeout=timeout, follow_redirects=False,
                                        verify=self.verify)  # fmt: skip
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def request(self, method: str, url: str, headers: Mapping[str, str], body: bytes) -> Answer:
        """One request, answered within the deadline, its body within the cap; TargetError otherwise."""
        if self.dead is not None:
            raise TargetError(self.dead)
        if self.pace is None:
            return self._request(method, url, headers, body)
        with self.pace.slot():  # the rate, and a place among the requests under way at once
            return self._request(method, url, headers, body)

    def _request(self, method: str, url: str, headers: Mapping[str, str], body: bytes) -> Answer:
        if self.dead is not None:  # it died while this request waited for its turn
            raise TargetError(self.dead)
        outcome: list[Answer | BaseException] = []
        worker = threading.Thread(target=self._run, args=(method, url, dict(headers), body, outcome),
                                  name="iotda-request", daemon=True)  # fmt: skip
        worker.start()
        worker.join(self.deadline)
        stuck = worker.is_alive() or not outcome or isinstance(outcome[0], httpx.TimeoutException)
        if stuck:
            self.dead = (f"the backend at {self.base_url} gave no complete answer to {method} within "
                         f"{self.deadline:g} s (one request's deadline); the run stops here")  # fmt: skip
            client, self._client = self._client, None
            if client is not None:
                threading.Thread(target=client.close, daemon=True).start()  # never wait for a stuck read
            raise TargetError(self.dead)
        result = outcome[0]
        if isinstance(result, httpx.HTTPError):
            raise TargetError(f"cannot reach {self.base_url}: {type(result).__name__}: {result}") from result
        if isinstance(result, BaseException):
            raise result
        return result

    def _run(self, method: str, url: str, headers: dict[str, str], body: bytes,
             outcome: list[Answer | BaseException]) -> None:  # fmt: skip
        try:
            outcome.append(self._exchange(method, url, headers, body))
        except BaseException as err:  # handed to the waiting thread, which decides
            outcome.append(err)

    def _exchange(self, method: str, url: str, headers: dict[str, str], body: bytes) -> Answer:
        headers = {**headers, "Accept-Encoding": "gzip, deflate"}
        with self.client().stream(method, url, headers=headers, content=body or None) as response:
            declared = response.headers.get("Content-Length", "")
            cut: str | None
            if declared.isdigit() and int(declared) > self.max_body:
                data, cut = b"", f"the body declares {declared} bytes, more than the cap of {self.max_body}"
            else:
                data, cut = self._read(response)
            return Answer(
                url=str(response.request.url),
                request_headers=tuple(response.request.headers.items()),
                status=response.status_code,
                headers=tuple(response.headers.items()),
                body=data,
                cut=cut,
            )

    def _read(self, response: httpx.Response) -> tuple[bytes, str | None]:
        """The body, inflated here (never by httpx) so that no single chunk can inflate past the cap."""
        encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
        if encoding not in ("identity", "gzip", "deflate", "x-gzip"):
            return b"", f"the body is sent with Content-Encoding {encoding!r}, which was not asked for"
        inflate = zlib.decompressobj(wbits=47) if encoding != "identity" else None  # 47: gzip or zlib
        out, raw = bytearray(), 0
        over = f"the body is over the cap of {self.max_body} bytes (as sent or inflated)"
        try:
            for chunk in response.iter_raw():
                raw += len(chunk)
                if raw > self.max_body:
                    return b"", over
                if inflate is None:
                    out += chunk
                else:
                    out += inflate.decompress(chunk, self.max_body + 1 - len(out))
                    if inflate.unconsumed_tail:
                        return b"", over
                if len(out) > self.max_body:
                    return b"", over
        except zlib.error as err:
            return b"", f"the body is not valid {encoding}: {err}"
        except httpx.StreamConsumed:  # an in-memory transport (tests) hands over a body already read
            content = response.content
            return (b"", over) if len(content) > self.max_body else (content, None)
        return bytes(out), None
