"""Every class of bad input gets a documented 4xx in the API's format, with X-Request-Id, data intact."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import httpx
import pytest

from iotda_contract.mock.settings import Settings
from iotda_contract.mock.testing import serve_in_thread

LIST = "/v5/iot/demo-project/export-tasks"
AUTH = b"X-Auth-Token: t\r\n"
OK_QUERY = b"resource_type=BatchTask"


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serve_in_thread(Settings(seed=40, seed_random=3)) as url:
        yield url


def _raw(base_url: str, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send ``request`` as raw bytes; (status, headers, body)."""
    host, port = base_url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        length = 0 if request.startswith(b"HEAD") else int(headers.get("content-length", "0"))
        while len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
    return int(lines[0].split()[1]), headers, body


def _snapshot(base_url: str) -> object:
    response = httpx.get(
        f"{base_url}{LIST}", params={"resource_type": "BatchTask", "limit": 50}, headers={"X-Auth-Token": "t"}
    )
    assert response.status_code == 200
    return response.json()


GET = b"GET %s HTTP/1.1\r\nHost: x\r\n" + AUTH + b"%s\r\n"

CASES: list[tuple[str, bytes, int, str]] = [
    # JSON Schema's `$` is the end of the text: a final newline breaks every anchored pattern
    (
        "app_id with a final newline",
        GET % (LIST.encode() + b"?" + OK_QUERY + b"&app_id=app_01%0A", b""),
        400,
        "IOTDA.000006",
    ),
    (
        "marker with a final newline",
        GET % (LIST.encode() + b"?" + OK_QUERY + b"&marker=5c90fa7d3c4e4405e8525079%0A", b""),
        400,
        "IOTDA.000006",
    ),
    (
        "project_id with a final newline",
        GET % (b"/v5/iot/demo-project%0A/export-tasks?" + OK_QUERY, b""),
        400,
        "IOTDA.000006",
    ),
    (
        "broken chunked body",
        b"POST "
        + LIST.encode()
        + b" HTTP/1.1\r\nHost: x\r\n"
        + AUTH
        + b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
        400,
        "IOTDA.000008",
    ),
    ("limit below range", GET % (LIST.encode() + b"?" + OK_QUERY + b"&limit=0", b""), 400, "IOTDA.000017"),
    ("limit above range", GET % (LIST.encode() + b"?" + OK_QUERY + b"&limit=51", b""), 400, "IOTDA.000017"),
    (
        "huge limit",
        GET % (LIST.encode() + b"?" + OK_QUERY + b"&limit=" + b"9" * 5000, b""),
        400,
        "IOTDA.000017",
    ),
    (
        "limit not an integer",
        GET % (LIST.encode() + b"?" + OK_QUERY + b"&limit=ten", b""),
        400,
        "IOTDA.000006",
    ),
    ("limit empty", GET % (LIST.encode() + b"?" + OK_QUERY + b"&limit=", b""), 400, "IOTDA.000006"),
    ("limit as float", GET % (LIST.encode() + b"?" + OK_QUERY + b"&limit=1.5", b""), 400, "IOTDA.000006"),
    ("offset negative", GET % (LIST.encode() + b"?" + OK_QUERY + b"&offset=-1", b""), 400, "IOTDA.000017"),
    (
        "offset above range",
        GET % (LIST.encode() + b"?" + OK_QUERY + b"&offset=501", b""),
        400,
        "IOTDA.000017",
    ),
    ("marker not hex", GET % (LIST.encode() + b"?" + OK_QUERY + b"&marker=xyz", b""), 400, "IOTDA.000006"),
    (
        "marker too long",
        GET % (LIST.encode() + b"?" + OK_QUERY + b"&marker=" + b"f" * 25, b""),
        400,
        "IOTDA.000006",
    ),
    ("resource_type missing", GET % (LIST.encode(), b""), 400, "IOTDA.000006"),
    ("resource_type plural", GET % (LIST.encode() + b"?resource_type=BatchTasks", b""), 400, "IOTDA.000006"),
    (
        "app_type unknown",
        GET % (LIST.encode() + b"?" + OK_QUERY + b"&app_type=FOO", b""),
        400,
        "IOTDA.000006",
    ),
    (
        "app_id too long",
        GET % (LIST.encode() + b"?" + OK_QUERY + b"&app_id=" + b"a" * 37, b""),
        400,
        "IOTDA.000006",
    ),
    (
        "resource_condition not JSON",
        GET % (LIST.encode() + b"?" + OK_QUERY + b"&resource_condition=%7Bnope", b""),
        400,
        "IOTDA.000006",
    ),
    (
        "resource_condition extra key",
        GET % (LIST.encode() + b"?" + OK_QUERY + b"&resource_condition=%7B%22x%22%3A1%7D", b""),
        400,
        "IOTDA.000006",
    ),
    (
        "resource_condition a list",
        GET % (LIST.encode() + b"?" + OK_QUERY + b"&resource_condition=%5B%5D", b""),
        400,
        "IOTDA.000006",
    ),
    (
        "repeated parameter",
        GET % (LIST.encode() + b"?" + OK_QUERY + b"&limit=1&limit=2", b""),
        400,
        "IOTDA.000008",
    ),
    (
        "bad percent escape",
        GET % (LIST.encode() + b"?" + OK_QUERY + b"&app_id=%zz", b""),
        400,
        "IOTDA.000008",
    ),
    (
        "invalid UTF-8 escape",
        GET % (LIST.encode() + b"?" + OK_QUERY + b"&app_id=%ff", b""),
        400,
        "IOTDA.000008",
    ),
    (
        "raw non-ASCII in query",
        GET % (LIST.encode() + b"?" + OK_QUERY + b"&app_id=\xff", b""),
        400,
        "IOTDA.000008",
    ),
    ("raw non-ASCII in path", GET % (b"/v5/iot/d\xffp/export-tasks?" + OK_QUERY, b""), 400, "IOTDA.000008"),
    ("invalid UTF-8 in path", GET % (b"/v5/iot/d%ffp/export-tasks?" + OK_QUERY, b""), 400, "IOTDA.000008"),
    ("project id bad pattern", GET % (b"/v5/iot/a.b/export-tasks?" + OK_QUERY, b""), 400, "IOTDA.000006"),
    (
        "project id too long",
        GET % (b"/v5/iot/" + b"p" * 65 + b"/export-tasks?" + OK_QUERY, b""),
        400,
        "IOTDA.000006",
    ),
    (
        "Instance-Id bad",
        GET % (LIST.encode() + b"?" + OK_QUERY, b"Instance-Id: a b\r\n"),
        400,
        "IOTDA.000006",
    ),
    (
        "Instance-Id twice",
        GET % (LIST.encode() + b"?" + OK_QUERY, b"Instance-Id: a\r\nInstance-Id: b\r\n"),
        400,
        "IOTDA.000008",
    ),
    (
        "query of a megabyte",
        GET % (LIST.encode() + b"?" + OK_QUERY + b"&app_id=" + b"a" * 1_000_000, b""),
        400,
        "IOTDA.000008",
    ),
    ("unknown path", GET % (b"/v5/iot/demo-project/exports", b""), 404, "IOTDA.000404"),
    ("root path", GET % (b"/", b""), 404, "IOTDA.000404"),
    ("trailing slash", GET % (LIST.encode() + b"/?" + OK_QUERY, b""), 405, "IOTDA.000405"),
    (
        "PUT on the list",
        b"PUT " + LIST.encode() + b" HTTP/1.1\r\nHost: x\r\n" + AUTH + b"Content-Length: 0\r\n\r\n",
        405,
        "IOTDA.000405",
    ),
    ("GET on a task", GET % (LIST.encode() + b"/abc", b""), 405, "IOTDA.000405"),
    (
        "HEAD on the list",
        b"HEAD " + LIST.encode() + b" HTTP/1.1\r\nHost: x\r\n" + AUTH + b"\r\n",
        405,
        "IOTDA.000405",
    ),
    (
        "unknown method token",
        b"BREW " + LIST.encode() + b" HTTP/1.1\r\nHost: x\r\n" + AUTH + b"\r\n",
        400,
        "IOTDA.000008",
    ),
    (
        "export_task_id bad",
        b"DELETE " + LIST.encode() + b"/a.b HTTP/1.1\r\nHost: x\r\n" + AUTH + b"\r\n",
        400,
        "IOTDA.000006",
    ),
    (
        "unknown export_task_id",
        b"DELETE " + LIST.encode() + b"/nope HTTP/1.1\r\nHost: x\r\n" + AUTH + b"\r\n",
        404,
        "IOTDA.000404",
    ),
    (
        "no credentials",
        b"GET " + LIST.encode() + b"?" + OK_QUERY + b" HTTP/1.1\r\nHost: x\r\n\r\n",
        401,
        "IOTDA.000002",
    ),
    (
        "empty credentials",
        b"GET " + LIST.encode() + b"?" + OK_QUERY + b" HTTP/1.1\r\nHost: x\r\nX-Auth-Token: \r\n\r\n",
        401,
        "IOTDA.000002",
    ),
]


def _post(body: bytes, content_type: bytes = b"application/json") -> bytes:
    return (
        b"POST "
        + LIST.encode()
        + b" HTTP/1.1\r\nHost: x\r\n"
        + AUTH
        + b"Content-Type: "
        + content_type
        + b"\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body
    )


BODY_CASES: list[tuple[str, bytes, int, str]] = [
    ("body not JSON", _post(b"{nope"), 400, "IOTDA.000008"),
    ("body empty", _post(b""), 400, "IOTDA.000008"),
    ("body invalid UTF-8", _post(b'{"resource_type": "\xff"}'), 400, "IOTDA.000008"),
    ("body NaN", _post(b'{"resource_type": NaN}'), 400, "IOTDA.000008"),
    (
        "body duplicate keys",
        _post(b'{"resource_type": "BatchTask", "resource_type": "BatchTask"}'),
        400,
        "IOTDA.000008",
    ),
    # 30,000 levels in 60,000 bytes: nested too deep, yet within the 64 KiB body limit
    ("body deeply nested", _post(b"[" * 30_000 + b"]" * 30_000), 400, "IOTDA.000008"),
    ("body too large", _post(b'{"resource_type": "' + b"x" * 70_000 + b'"}'), 413, "IOTDA.000413"),
    ("body a list", _post(b"[]"), 400, "IOTDA.000006"),
    ("body without resource_type", _post(b"{}"), 400, "IOTDA.000006"),
    ("body unknown key", _post(b'{"resource_type": "BatchTask", "x": 1}'), 400, "IOTDA.000006"),
    (
        "body bad task_id",
        _post(b'{"resource_type": "BatchTask", "resource_condition": {"task_id": "z"}}'),
        400,
        "IOTDA.000006",
    ),
    (
        "body bad export_format",
        _post(b'{"resource_type": "BatchTask", "export_format": "XLS"}'),
        400,
        "IOTDA.000006",
    ),
    (
        "body bad app_type",
        _post(b'{"resource_type": "BatchTask", "app_type": "string"}'),
        400,
        "IOTDA.000006",
    ),
    (
        "body app_id too long",
        _post(b'{"resource_type": "BatchTask", "app_id": "' + b"a" * 37 + b'"}'),
        400,
        "IOTDA.000006",
    ),
    ("body number as string", _post(b'{"resource_type": 1}'), 400, "IOTDA.000006"),
    (
        "body lone surrogate",
        _post(b'{"resource_type": "BatchTask", "app_id": "\\ud800"}'),
        400,
        "IOTDA.000006",
    ),
]


@pytest.mark.parametrize(
    ("request_bytes", "status", "code"),
    [c[1:] for c in CASES + BODY_CASES],
    ids=[c[0] for c in CASES + BODY_CASES],
)
def test_bad_input_gets_documented_4xx(base_url: str, request_bytes: bytes, status: int, code: str) -> None:
    before = _snapshot(base_url)
    got_status, headers, body = _raw(base_url, request_bytes)
    assert got_status == status
    assert headers.get("x-request-id")
    if request_bytes.startswith(b"HEAD"):
        assert body == b""
    else:
        assert headers["content-type"] == "application/json"
        error = json.loads(body)
        assert set(error) == {"error_code", "error_msg"}
        assert error["error_code"] == code
        if code == "IOTDA.000017":
            assert error["error_msg"] in {
                f"Invalid input. The specified parameter '{name}' is out of range."
                for name in ("limit", "offset")
            }
    if status == 405:
        assert headers["allow"]
    assert _snapshot(base_url) == before


def test_request_ids_differ(base_url: str) -> None:
    ids = {_raw(base_url, GET % (b"/", b""))[1]["x-request-id"] for _ in range(5)}
    assert len(ids) == 5
