"""The backend under test: HTTP exchanges recorded for reproduction, pages parsed by the spec's pointers."""

from __future__ import annotations

import json
import shlex
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote, urlencode

import httpx

from iotda_contract.conformance.contract import PagingContract
from iotda_contract.conformance.errors import RateLimited, TargetError, UnexpectedResponse
from iotda_contract.conformance.pacing import Pace
from iotda_contract.conformance.wire import MAX_BODY, REQUEST_DEADLINE, Answer, Wire
from iotda_contract.spec import SpecError, json_pointer_get

Query = tuple[tuple[str, str], ...]
INSTANCE_HEADER = "Instance-Id"
TOKEN_HEADER = "X-Auth-Token"
_SECRET_HEADERS = frozenset({"authorization", "x-auth-token", "x-sdk-date"})


@dataclass(frozen=True)
class Exchange:
    """One request and its answer, enough to replay it with curl."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    status: int
    response_headers: tuple[tuple[str, str], ...]
    response_text: str
    seconds: float
    #: Set when the body was larger than the cap (it is then empty here).
    cut: str | None = None
    #: The body's bytes, kept only for a download (``response_text`` then describes them).
    content: bytes = b""

    def json(self) -> Any:
        """The body as JSON; None when it is not JSON, was cut at the cap, or nests too deep to read."""
        if self.cut is not None:
            return None
        try:
            return json.loads(self.response_text)
        except (ValueError, RecursionError):
            return None

    def header(self, name: str) -> str | None:
        for key, value in self.response_headers:
            if key.lower() == name.lower():
                return value
        return None

    def curl(self) -> str:
        """The request as a curl command; credentials are left as environment variables."""
        parts = ["curl", "-sS", "-X", self.method, shlex.quote(self.url)]
        signed = False
        for name, value in self.headers:
            lowered = name.lower()
            if lowered == "x-auth-token":
                parts += ["-H", f'"{name}: $IOTDA_TOKEN"']
            elif lowered in ("authorization", "x-sdk-date"):
                signed = True
            else:
                parts += ["-H", shlex.quote(f"{name}: {value}")]
        if self.body:
            parts += ["--data-binary", shlex.quote(self.body.decode("utf-8", "replace"))]
        text = " ".join(parts)
        if signed:
            text += "  # AK/SK-signed: re-sign before replaying"
        return text

    def summary(self) -> str:
        return f"{self.method} {self.url} -> {self.status}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "url": self.url,
            "status": self.status,
            "curl": self.curl(),
            "request_id": self.header("X-Request-Id"),
            "response": self.cut or self.response_text[:2000],
        }


@dataclass(frozen=True)
class Page:
    """A 200 answer of the list operation, read through the spec's paging pointers."""

    exchange: Exchange
    items: tuple[dict[str, Any], ...]
    count: int | None
    marker: str | None
    #: The field that identifies an item (the paging extension's itemKey).
    key_field: str = "id"

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(str(item.get(self.key_field)) for item in self.items)

    def __len__(self) -> int:
        return len(self.items)


@dataclass
class Target:
    """A backend of the API: base URL, project, instance, credentials; caches reads between writes."""

    base_url: str
    project_id: str
    contract: PagingContract
    instance_id: str | None = None
    token: str | None = None
    auth: httpx.Auth | None = None
    transport: httpx.BaseTransport | None = None
    timeout: float = REQUEST_DEADLINE
    #: The largest body read (bytes); a larger one is cut, and the answer judged as not the API's.
    max_body: int = MAX_BODY
    #: Headers added to every request (``-H NAME:VALUE``); they never replace the credentials.
    extra_headers: tuple[tuple[str, str], ...] = ()
    verify: bool | str = True
    pace: Pace | None = None
    #: ``time.monotonic()`` after which no request is sent (``--max-time``); None: no bound.
    run_deadline: float | None = None
    #: Rate-limit answers are waited out and the request sent again, at most this many times in a row.
    max_retries: int = 6
    #: The longest wait for one retry, whatever ``Retry-After`` asks (seconds).
    max_retry_wait: float = 30.0
    sleep: Callable[[float], None] = time.sleep
    #: Told (seconds, the answer's status) before each wait on a rate-limit answer (live progress).
    on_wait: Callable[[float, int], None] | None = None
    requests_sent: int = 0
    #: Requests sent again after a rate-limit answer.
    retries: int = 0
    journal: list[Exchange] = field(default_factory=list)
    _cache: dict[tuple[Query, Query], Page] = field(default_factory=dict)
    _wire: Wire | None = None

    @property
    def list_path(self) -> str:
        return self.contract.list_op.path.replace("{project_id}", quote(self.project_id, safe=""))

    @property
    def wire(self) -> Wire:
        if self._wire is None:
            self._wire = Wire(self.base_url, auth=self.auth, transport=self.transport, timeout=self.timeout,
                              max_body=self.max_body, verify=self.verify, pace=self.pace)  # fmt: skip
        return self._wire

    def close(self) -> None:
        if self._wire is not None:
            self._wire.close()

    def headers(self, instance: str | bool | None = True) -> dict[str, str]:
        """Default headers; ``instance`` True uses the target's instance, a string another one, None none."""
        headers: dict[str, str] = dict(self.extra_headers)
        if self.token is not None:
            headers[TOKEN_HEADER] = self.token
        chosen = self.instance_id if instance is True else instance
        if isinstance(chosen, str):
            headers[INSTANCE_HEADER] = chosen
        return headers

    def send(
        self,
        method: str,
        path: str,
        query: Sequence[tuple[str, str]] = (),
        *,
        headers: Mapping[str, str] | None = None,
        body: bytes = b"",
        retry: bool = True,
        binary: bool = False,
    ) -> Exchange:
        """Send one request and record it.

        ``retry`` False returns a rate-limit answer instead of waiting it out; ``binary`` keeps a 200 body's
        bytes (a download) in ``content``, with a one-line description of them as its text.
        """
        sent_headers = dict(self.headers() if headers is None else headers)
        if body:
            sent_headers["Content-Type"] = "application/json"
        url = path + ("?" + urlencode(list(query)) if query else "")
        started = time.perf_counter()
        for attempt in range(self.max_retries + 1):
            if self.run_deadline is not None and time.monotonic() > self.run_deadline:
                raise TargetError("the run's time (--max-time) is up; what it checked so far is reported")
            response = self.wire.request(method, url, sent_headers, body)
            self.requests_sent += 1
            if not retry or not self.rate_limited(response):
                break
            if attempt == self.max_retries:
                raise RateLimited(
                    f"the backend kept answering with its rate limit (HTTP {response.status}) after "
                    f"{self.max_retries} retries: it was rate-limited, not judged; try again later"
                )
            self.retries += 1
            wait = self.retry_wait(response, attempt)
            if self.on_wait is not None:
                self.on_wait(wait, response.status)
            self.sleep(wait)
        noise = ("accept", "accept-encoding", "connection", "user-agent", "host", "content-length")
        shown = tuple((k, v) for k, v in response.request_headers if k.lower() not in noise)
        exchange = Exchange(
            method=method,
            url=response.url,
            headers=shown,
            body=body,
            status=response.status,
            response_headers=response.headers,
            response_text=response.body.decode("utf-8", "replace"),
            seconds=time.perf_counter() - started,
            cut=response.cut,
        )
        if binary and response.status == 200 and response.cut is None:
            media = response.header("Content-Type") or "no Content-Type"
            exchange = replace(exchange, content=response.body,
                               response_text=f"({len(response.body)} bytes of {media[:80]})")  # fmt: skip
        self.journal.append(exchange)
        return exchange

    def rate_limited(self, response: Answer | Exchange) -> bool:
        """A 429, or a 403 carrying one of the platform's rate-limit codes."""
        if response.status == 429:
            return True
        if response.status != 403 or not self.contract.rate_limit_codes or response.cut:
            return False
        body = response.body if isinstance(response, Answer) else response.response_text
        try:
            code = json.loads(body).get("error_code")
        except (ValueError, AttributeError, RecursionError):
            return False
        return code in self.contract.rate_limit_codes

    def retry_wait(self, response: Answer, attempt: int) -> float:
        """Seconds to wait: ``Retry-After`` (seconds or an HTTP date) when given, else a doubling backoff."""
        backoff: float = min(self.max_retry_wait, 0.5 * 2.0**attempt)
        value = (response.header("Retry-After") or "").strip()
        if not value:
            return backoff
        try:
            wait = float(value)
        except ValueError:
            try:
                wait = float(parsedate_to_datetime(value).timestamp() - time.time())
            except (TypeError, ValueError):
                return backoff
        return float(max(0.0, min(self.max_retry_wait, wait)))

    def list_raw(
        self, query: Sequence[tuple[str, str]], *, headers: Mapping[str, str] | None = None
    ) -> Exchange:
        return self.send("GET", self.list_path, query, headers=headers)

    def list(
        self,
        query: Mapping[str, str | int] | Sequence[tuple[str, str]] = (),
        *,
        headers: Mapping[str, str] | None = None,
        fresh: bool = False,
        with_required: bool = True,
    ) -> Page:
        """One page; required parameters are added unless given. Cached until the next write."""
        pairs = _pairs(query)
        if with_required:
            given = {name for name, _ in pairs}
            pairs = tuple(p for p in self.contract.required_query if p[0] not in given) + pairs
        sent_headers = self.headers() if headers is None else dict(headers)
        key = (pairs, tuple(sorted(sent_headers.items())))
        if not fresh and key in self._cache:
            page = self._cache[key]
            self.journal.append(page.exchange)
            return page
        page = self.parse_page(self.list_raw(pairs, headers=sent_headers))
        self._cache[key] = page
        return page

    def parse_page(self, exchange: Exchange) -> Page:
        paging = self.contract.paging
        if exchange.status != 200:
            raise UnexpectedResponse(f"a valid list request got HTTP {exchange.status}", [exchange])
        if exchange.cut is not None:
            raise UnexpectedResponse(f"a valid list request got an answer too large to read: {exchange.cut}",
                                     [exchange])  # fmt: skip
        body = exchange.json()
        items = json_pointer_get(body, paging.items_pointer)
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise UnexpectedResponse(
                f"the answer has no list of objects at {paging.items_pointer}", [exchange]
            )
        count = json_pointer_get(body, paging.count_pointer) if paging.count_pointer else None
        if paging.count_pointer and (not isinstance(count, int) or isinstance(count, bool)):
            raise UnexpectedResponse(f"the answer has no integer at {paging.count_pointer}", [exchange])
        marker = json_pointer_get(body, paging.next_marker_pointer)
        if marker is not None and not isinstance(marker, str):
            raise UnexpectedResponse(f"{paging.next_marker_pointer} is not a string", [exchange])
        return Page(exchange=exchange, items=tuple(items), count=count, marker=marker,
                    key_field=self.contract.key_field)  # fmt: skip

    def create(self, body: Mapping[str, Any], *, headers: Mapping[str, str] | None = None) -> Exchange:
        self._cache.clear()
        create = self.contract.create_op
        path = (create.path if create else self.contract.list_op.path).replace(
            "{project_id}", quote(self.project_id, safe="")
        )
        return self.send("POST", path, headers=headers, body=json.dumps(dict(body)).encode())

    def delete(self, task_id: str, *, headers: Mapping[str, str] | None = None) -> Exchange:
        """Delete one task; the id (which came from the backend) is always one percent-encoded segment."""
        self._cache.clear()
        key = self.contract.delete_parameter.name  # SpecError when the spec has no delete
        assert self.contract.delete_op is not None
        path = self.contract.delete_op.path.replace("{project_id}", quote(self.project_id, safe=""))
        path = path.replace(f"{{{key}}}", quote(task_id, safe=""))
        return self.send("DELETE", path, headers=headers)

    def download(self, task_id: str, *, retry: bool = True) -> Exchange:
        """Download one task's export file (the spec's file operation); the id is one encoded segment."""
        file_op = self.contract.file_op
        if file_op is None:
            raise SpecError("the spec has no download operation under the list's item path")
        path = file_op.path.replace("{project_id}", quote(self.project_id, safe=""))
        path = path.replace(f"{{{self.contract.item_parameter(file_op).name}}}", quote(task_id, safe=""))
        return self.send("GET", path, retry=retry, binary=True)

    def forget(self) -> None:
        """Drop cached pages (the data may have changed)."""
        self._cache.clear()


def _pairs(query: Mapping[str, str | int] | Sequence[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    items = query.items() if isinstance(query, Mapping) else query
    return tuple((str(k), str(v)) for k, v in items)
