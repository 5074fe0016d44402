"""No input produces a 5xx: random paths, queries, headers and bodies straight into the ASGI app."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iotda_contract.mock.app import MockApp
from iotda_contract.mock.server import build_app
from iotda_contract.mock.settings import Settings

ALLOWED = {200, 201, 204, 400, 401, 403, 404, 405}
PIECES = [
    b"/",
    b"v5",
    b"iot",
    b"demo-project",
    b"export-tasks",
    b"%",
    b"%2F",
    b"%ff",
    b"%zz",
    b"..",
    b"\x00",
    b"a",
]
QUERY_PIECES = [
    b"resource_type=BatchTask",
    b"limit=",
    b"limit=50",
    b"limit=-0",
    b"offset=500",
    b"marker=",
    b"marker=FFFFFFFFFFFFFFFFFFFFFFFF",
    b"app_type=APP",
    b"app_id=app_01",
    b"resource_condition=%7B%22task_id%22%3A%2261b7ed6a66a1a5f5d5e26c8f%22%7D",
    b"resource_condition=%7B%7D",
    b"&",
    b"=",
    b"%",
    b"+",
    b"\xff",
]


@pytest.fixture(scope="module")
def app() -> Iterator[MockApp]:
    built = build_app(Settings(seed=30, max_unfinished=0))
    yield built
    built.store.close()


def _call(
    app: MockApp, method: str, path: bytes, query: bytes, headers: list[tuple[bytes, bytes]], body: bytes
) -> tuple[int, dict[bytes, bytes], bytes]:
    sent: list[dict[str, Any]] = []
    chunks = [body[: len(body) // 2], body[len(body) // 2 :]]

    async def receive() -> dict[str, Any]:
        chunk = chunks.pop(0) if chunks else b""
        return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": method,
        "path": path.decode("latin-1"),
        "raw_path": path,
        "query_string": query,
        "headers": headers,
    }
    asyncio.run(app(scope, receive, send))
    start, payload = sent
    return start["status"], dict(start["headers"]), payload["body"]


paths = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=12).map(b"".join),
    st.binary(max_size=60),
    st.builds(
        lambda p, t: b"/v5/iot/" + p + b"/export-tasks" + t,
        st.binary(max_size=70),
        st.sampled_from([b"", b"/x", b"/", b"/a/b"]),
    ),
)
queries = st.one_of(
    st.lists(st.sampled_from(QUERY_PIECES), max_size=8).map(b"&".join), st.binary(max_size=80)
)
header_lists = st.lists(
    st.tuples(
        st.sampled_from([b"instance-id", b"x-auth-token", b"authorization", b"content-type"]),
        st.binary(max_size=40),
    ),
    max_size=4,
)
bodies = st.one_of(
    st.binary(max_size=100),
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=10),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "resource_type",
                        "app_id",
                        "app_type",
                        "export_format",
                        "resource_condition",
                        "task_id",
                        "x",
                    ]
                ),
                inner,
                max_size=4,
            )
        ),
        max_leaves=8,
    ).map(lambda v: json.dumps(v).encode()),
)


@given(
    method=st.sampled_from(["GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS", "TRACE"]),
    path=paths,
    query=queries,
    headers=header_lists,
    body=bodies,
    authenticated=st.booleans(),
)
def test_no_input_gets_a_5xx(
    app: MockApp,
    method: str,
    path: bytes,
    query: bytes,
    headers: list[tuple[bytes, bytes]],
    body: bytes,
    authenticated: bool,
) -> None:
    if authenticated:
        headers = [(b"x-auth-token", b"t"), *headers]
    status, response_headers, payload = _call(app, method, path, query, headers, body)
    assert status in ALLOWED
    assert response_headers[b"x-request-id"]
    if status >= 400:
        error = json.loads(payload)
        assert set(error) == {"error_code", "error_msg"}
        assert error["error_code"].startswith("IOTDA.") or error["error_code"] == "APIGW.0301"
    elif status == 200:
        page = json.loads(payload)
        assert set(page) == {"export_tasks", "page"}
