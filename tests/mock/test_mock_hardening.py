"""One client cannot harm the others: bounded requests, timeouts, a connection cap, safe start-up.

Each test is a case of the attack run of issue "Hardened on both sides" (numbered 6 to 9 there), and
fails on the mock before it. Slow clients are played over raw sockets against small timeouts
(1.5 s); nothing here asserts how fast anything is (bench/hostile.py measures that).
"""

from __future__ import annotations

import ctypes
import json
import logging
import os
import resource
import select
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from iotda_contract import signing
from iotda_contract.mock.app import MockApp
from iotda_contract.mock.seed import seed_tasks
from iotda_contract.mock.server import build_app
from iotda_contract.mock.settings import Settings
from iotda_contract.mock.store import Limits, Store
from iotda_contract.mock.testing import AUTH_HEADERS, serve_command, serve_in_thread, serve_subprocess

LIST = "/v5/iot/demo-project/export-tasks"
QUERY = "resource_type=BatchTask&limit=5"
#: Timeouts of the slow-client tests: short, so that each takes a second or two, and long enough that a
#: loaded machine still sends a whole normal request in time.
FAST = Settings(seed=20, head_timeout=1.5, body_timeout=1.5)
#: How long a test waits for an answer that must come (a bound on the test, not a measurement).
PATIENCE = 10.0
SRC = str(Path(__file__).resolve().parents[2] / "src")


# -- raw HTTP ------------------------------------------------------------------------------------


def _address(url: str) -> tuple[str, int]:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    return host, int(port)


def _connect(url: str) -> socket.socket:
    sock = socket.create_connection(_address(url), timeout=PATIENCE)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def _read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (a recv waits at most PATIENCE)."""
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            return data
        if not chunk:
            return data
        data += chunk


def _parse(data: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body[: int(headers.get("content-length", len(body)))]


def _assert_api_error(data: bytes, status: int, code: str) -> dict[str, str]:
    """``data`` is one answer: ``status`` with ``code`` in the API's error format, and X-Request-Id."""
    assert data, "the connection was closed without an answer"
    got, headers, body = _parse(data)
    assert (got, headers.get("content-type")) == (status, "application/json"), data[:300]
    assert headers.get("x-request-id")
    error = json.loads(body)
    assert set(error) == {"error_code", "error_msg"}
    assert error["error_code"] == code
    return headers


def _readable(sock: socket.socket, timeout: float) -> bool:
    poller = select.poll()
    poller.register(sock, select.POLLIN)
    return bool(poller.poll(timeout * 1000))


def _drip(sock: socket.socket, pieces: Iterable[bytes], interval: float) -> None:
    """Send ``pieces`` one every ``interval`` seconds, stopping early once the server answers or closes."""
    for piece in pieces:
        if _readable(sock, interval):
            return
        try:
            sock.sendall(piece)
        except (BrokenPipeError, ConnectionResetError):
            return


def _get(url: str, path: str = f"{LIST}?{QUERY}", headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.get(url + path, headers=headers or AUTH_HEADERS, timeout=PATIENCE)


@pytest.fixture(scope="module")
def fast_url() -> Iterator[str]:
    with serve_in_thread(FAST) as url:
        yield url


@contextmanager
def _captured(*names: str) -> Iterator[list[logging.LogRecord]]:
    """The log records of the named loggers (uvicorn's own do not propagate to the root)."""
    records: list[logging.LogRecord] = []

    class _Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = _Keep(logging.DEBUG)
    loggers = [logging.getLogger(name) for name in names]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield records
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


# -- 6. the signature check costs what the request costs to read --------------------------------

AK, SK = "HARDENED-AK", "hardened-secret"


def _credentials(tmp_path: Path) -> str:
    path = tmp_path / "credentials.json"
    path.write_text(json.dumps({"credentials": [{"ak": AK, "sk": SK, "projects": ["*"]}]}), encoding="utf-8")
    return str(path)


def _netloc(url: str) -> str:
    return url.removeprefix("http://")


def _signed_get(url: str) -> httpx.Response:
    """A list request signed with the known AK: a normal client of a ``--auth verify`` mock."""
    headers = {"Host": _netloc(url)}
    headers.update(signing.sign_request("GET", LIST, QUERY, headers, b"", access_key=AK, secret_key=SK))
    return httpx.get(f"{url}{LIST}?{QUERY}", headers=headers, timeout=PATIENCE)


def _many_signed_headers(host: str, count: int, access_key: str) -> bytes:
    """A GET with ``count`` extra headers, every one named in SignedHeaders (about 494 KB at 24,000)."""
    names = [f"x-h{i:05d}" for i in range(count)]
    date = signing.format_date(datetime.now(UTC))
    signed = ";".join(sorted(["host", "x-sdk-date", *names]))
    authorization = f"SDK-HMAC-SHA256 Access={access_key}, SignedHeaders={signed}, Signature={'0' * 64}"
    lines = [f"GET {LIST}?{QUERY} HTTP/1.1", f"Host: {host}", f"X-Sdk-Date: {date}", "Connection: close"]
    lines += [f"{name}: v" for name in names]
    lines.append(f"Authorization: {authorization}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _send_and_read(url: str, request: bytes) -> bytes:
    with _connect(url) as sock:
        with suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(request)
        return _read_until_closed(sock)


def _while_hostile(
    hostile: Callable[[], bytes], normal: Callable[[], httpx.Response]
) -> tuple[list[bytes], list[httpx.Response]]:
    """``hostile`` three times in a thread and, meanwhile, ``normal`` three times; the answers of each."""
    with ThreadPoolExecutor(1) as pool:
        answers = pool.submit(lambda: [hostile() for _ in range(3)])
        served = [normal() for _ in range(3)]
        return answers.result(timeout=120), served


def test_24000_signed_headers_under_an_unknown_ak_are_refused_while_others_are_served(tmp_path: Path) -> None:
    settings = Settings(seed=20, auth="verify", credentials=_credentials(tmp_path))
    with serve_in_thread(settings) as url:
        request = _many_signed_headers(_netloc(url), 24_000, "UNKNOWN-AK")
        assert len(request) > 400_000
        answers, served = _while_hostile(lambda: _send_and_read(url, request), lambda: _signed_get(url))
        for answer in answers:
            headers = _assert_api_error(answer, 431, "IOTDA.000431")
            assert headers["connection"] == "close"
        assert [response.status_code for response in served] == [200, 200, 200]


def test_24000_signed_headers_within_raised_limits_reach_the_verifier_and_are_refused(tmp_path: Path) -> None:
    settings = Settings(
        seed=20,
        auth="verify",
        credentials=_credentials(tmp_path),
        max_headers=30_000,
        max_header_bytes=2 * 1024 * 1024,
    )
    with serve_in_thread(settings) as url:
        request = _many_signed_headers(_netloc(url), 24_000, "UNKNOWN-AK")
        answers, served = _while_hostile(lambda: _send_and_read(url, request), lambda: _signed_get(url))
        for answer in answers:
            _assert_api_error(answer, 401, "APIGW.0301")
        assert [response.status_code for response in served] == [200, 200, 200]


def test_a_header_repeated_60000_times_is_refused() -> None:
    with serve_in_thread(Settings(seed=20, max_header_bytes=1024 * 1024)) as url:
        request = f"GET {LIST}?{QUERY} HTTP/1.1\r\nHost: x\r\nX-Auth-Token: t\r\n".encode()
        request += b"X-Same: v\r\n" * 60_000 + b"\r\n"
        answers, served = _while_hostile(lambda: _send_and_read(url, request), lambda: _get(url))
        for answer in answers:
            _assert_api_error(answer, 431, "IOTDA.000431")
        assert [response.status_code for response in served] == [200, 200, 200]


class _CountingName(str):
    """A header name that counts how often the verifier lower-cases it."""

    calls = 0

    def lower(self) -> str:
        _CountingName.calls += 1
        return str.lower(self)


def test_verify_reads_each_header_a_bounded_number_of_times() -> None:
    count = 2_000
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    headers = {"Host": "h", **{f"X-H{i:05d}": "v" for i in range(count)}}
    added = signing.sign_request(
        "GET", LIST, QUERY, headers, b"", access_key=AK, secret_key=SK, now=moment, signed_headers=headers
    )
    wire = {_CountingName(name): value for name, value in {**headers, **added}.items()}
    credentials = signing.Credentials.from_json({"credentials": [{"ak": AK, "sk": SK, "projects": ["*"]}]})
    _CountingName.calls = 0
    principal = signing.verify_request("GET", LIST, QUERY, wire, b"", credentials, moment)
    assert principal.access_key_or_token_id == AK
    # once per header when they are read into a dict; the old check scanned them all per signed header
    assert _CountingName.calls <= 2 * len(wire)


def test_an_unknown_access_key_is_refused_before_the_rest_is_checked() -> None:
    credentials = signing.Credentials.from_json({"credentials": [{"ak": AK, "sk": SK, "projects": ["*"]}]})
    authorization = f"SDK-HMAC-SHA256 Access=NOPE, SignedHeaders=host;x-sdk-date, Signature={'0' * 64}"
    with pytest.raises(signing.SignatureError, match="unknown access key"):  # not "X-Sdk-Date is missing"
        signing.verify_request(
            "GET",
            LIST,
            QUERY,
            {"Host": "h", "Authorization": authorization},
            b"",
            credentials,
            datetime.now(UTC),
        )


def test_repeated_headers_are_joined_as_before() -> None:
    lowered = signing._lower_headers([("A", "1"), ("a", "2"), ("A", "1,2"), ("B", "x"), ("b", "x")])
    assert lowered == {"a": "1,2", "b": "x"}
    many = signing._lower_headers([("X", str(i)) for i in range(60_000)])
    assert many["x"] == ",".join(str(i) for i in range(60_000))


# -- 7. slow, partial and oversized requests ------------------------------------------------------


def test_an_idle_connection_is_closed(fast_url: str) -> None:
    with _connect(fast_url) as sock:
        assert _read_until_closed(sock) == b""  # closed, and nothing to answer


def test_a_head_never_finished_gets_408_and_is_closed(fast_url: str) -> None:
    with _connect(fast_url) as sock:
        sock.sendall(f"GET {LIST}?{QUERY} HTTP/1.1\r\nHost: x\r\n".encode())
        headers = _assert_api_error(_read_until_closed(sock), 408, "IOTDA.000408")
        assert headers["connection"] == "close"


@pytest.mark.parametrize(
    "pieces",
    [
        # a 1 byte/s trickle, sped up: a complete, valid head, one byte at a time
        [bytes([b]) for b in f"GET {LIST}?{QUERY} HTTP/1.1\r\nHost: x\r\nX-Auth-Token: t\r\n\r\n".encode()],
        # slowloris: one more header line at a time, the head never ends
        [f"GET {LIST}?{QUERY} HTTP/1.1\r\n".encode()] + [b"X-A: b\r\n"] * 100,
    ],
    ids=["trickle", "slowloris"],
)
def test_a_slow_head_gets_408_and_is_closed(fast_url: str, pieces: list[bytes]) -> None:
    with _connect(fast_url) as sock:
        _drip(sock, pieces, interval=0.05)
        _assert_api_error(_read_until_closed(sock), 408, "IOTDA.000408")


def _post_head(extra: str) -> bytes:
    head = f"POST {LIST} HTTP/1.1\r\nHost: x\r\nX-Auth-Token: t\r\nContent-Type: application/json\r\n"
    return f"{head}{extra}\r\n".encode()


def test_a_body_shorter_than_its_content_length_gets_408(fast_url: str) -> None:
    with _connect(fast_url) as sock:
        sock.sendall(_post_head("Content-Length: 100\r\n") + b'{"resource_')
        _assert_api_error(_read_until_closed(sock), 408, "IOTDA.000408")
    assert _get(fast_url).status_code == 200


def test_a_list_answered_before_its_short_body_is_closed_without_a_second_answer(fast_url: str) -> None:
    head = f"GET {LIST}?{QUERY} HTTP/1.1\r\nHost: x\r\nX-Auth-Token: t\r\nContent-Length: 100\r\n\r\n"
    with _connect(fast_url) as sock:
        sock.sendall(head.encode() + b"0123456789")
        data = _read_until_closed(sock)
    status, _, body = _parse(data)  # the body as long as its Content-Length
    assert status == 200
    assert data.endswith(body)  # and nothing after it: no 408 for a request already answered


@pytest.mark.parametrize("interval", [0.05, 0.0], ids=["slow", "fast"])
def test_a_chunked_body_that_never_ends_is_refused(fast_url: str, interval: float) -> None:
    # slow: 408 at the body timeout; fast: 413 once more than --max-body-bytes arrived
    chunk = b"%x\r\n%s\r\n" % (1000, b" " * 1000)
    with _connect(fast_url) as sock:
        sock.sendall(_post_head("Transfer-Encoding: chunked\r\n"))
        _drip(sock, [chunk] * 1000, interval)
        data = _read_until_closed(sock)
    if interval:
        _assert_api_error(data, 408, "IOTDA.000408")
    else:
        _assert_api_error(data, 413, "IOTDA.000413")


def test_a_content_length_beyond_the_body_limit_gets_413_before_the_body(fast_url: str) -> None:
    with _connect(fast_url) as sock:
        sock.sendall(_post_head("Content-Length: 1000000000\r\n"))
        _assert_api_error(_read_until_closed(sock), 413, "IOTDA.000413")


def test_a_huge_header_is_cut_off_while_it_is_read(fast_url: str) -> None:
    # The attack run sent 256 MB; a mock that reads on is given the end of the head after 32 MiB.
    chunk, most = b"a" * 65536, 32 * 1024 * 1024
    sent = 0
    answered = False
    with _connect(fast_url) as sock:
        sock.sendall(f"GET {LIST}?{QUERY} HTTP/1.1\r\nHost: x\r\nX-Auth-Token: t\r\nX-Big: ".encode())
        while sent < most and not answered:
            answered = _readable(sock, 0)
            if not answered:
                try:
                    sock.sendall(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    answered = True
                sent += len(chunk)
        if not answered:
            sock.sendall(b"\r\n\r\n")
        _assert_api_error(_read_until_closed(sock), 431, "IOTDA.000431")
    assert sent < most  # answered while the header was still coming
    assert _get(fast_url).status_code == 200


@pytest.mark.parametrize(
    ("request_bytes", "status", "code"),
    [
        (f"GET {LIST}?{QUERY}&app_id={'a' * 9000} HTTP/1.1\r\nHost: x\r\n\r\n".encode(), 400, "IOTDA.000008"),
        (
            f"GET {LIST}?{QUERY} HTTP/1.1\r\nHost: x\r\n".encode() + b"X-A: b\r\n" * 101 + b"\r\n",
            431,
            "IOTDA.000431",
        ),
        (
            f"GET {LIST}?{QUERY} HTTP/1.1\r\nHost: x\r\nX-Big: {'b' * 17000}\r\n\r\n".encode(),
            431,
            "IOTDA.000431",
        ),
    ],
    ids=["query over 8 KiB", "101 headers", "head over 16 KiB"],
)
def test_requests_beyond_the_limits_are_refused(
    fast_url: str, request_bytes: bytes, status: int, code: str
) -> None:
    _assert_api_error(_send_and_read(fast_url, request_bytes), status, code)


def test_requests_at_the_limits_are_served(fast_url: str) -> None:
    query = f"{QUERY}&unknown={'a' * (8 * 1024 - len(QUERY) - len('&unknown='))}"
    assert len(query) == 8 * 1024
    head = f"GET {LIST}?{query} HTTP/1.1\r\nHost: x\r\nX-Auth-Token: t\r\nConnection: close\r\n"
    head += "".join(f"X-A{i}: b\r\n" for i in range(96))
    head += f"X-Pad: {'p' * (16 * 1024 - len(head) - len('X-Pad: ') - 4)}\r\n\r\n"
    assert (len(head), head.count("\r\n") - 2) == (16 * 1024, 100)  # bytes of the head, header fields
    status, _, _ = _parse(_send_and_read(fast_url, head.encode()))
    assert status == 200


def test_connections_beyond_the_cap_get_503_in_the_api_format() -> None:
    settings = Settings(seed=20, max_connections=4, head_timeout=30)
    with serve_in_thread(settings) as url, ExitStack() as held:
        clients = [held.enter_context(httpx.Client(base_url=url, headers=AUTH_HEADERS)) for _ in range(4)]
        for client in clients:  # four kept-alive connections, each known to the server
            assert client.get(f"{LIST}?{QUERY}").status_code == 200
        request = f"GET {LIST}?{QUERY} HTTP/1.1\r\nHost: x\r\nX-Auth-Token: t\r\nConnection: close\r\n\r\n"
        headers = _assert_api_error(_send_and_read(url, request.encode()), 503, "IOTDA.000503")
        assert headers["retry-after"] == "1"
        clients[0].close()
        for _ in range(100):  # the server sees the close soon after
            got, _, _ = _parse(_send_and_read(url, request.encode()))
            if got == 200:
                break
        assert got == 200


def _unlimited_files(wanted: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        if hard != resource.RLIM_INFINITY and hard < wanted:
            pytest.skip(f"this test needs {wanted} open files; the hard limit is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def _limit_files_to_1024() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))


def test_1100_slow_connections_on_1024_descriptors_do_not_lock_new_clients_out() -> None:
    _unlimited_files(4096)
    env = {**os.environ, "PYTHONPATH": SRC}
    command = serve_command(["--seed", "20", "--head-timeout", "0.5"])
    with subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
        preexec_fn=_limit_files_to_1024,
    ) as process:
        try:
            assert process.stdout is not None
            url = process.stdout.readline().strip()
            assert url.startswith("http://"), url
            slow: list[socket.socket] = []
            try:
                for _ in range(1100):  # each sends half a head and waits: held open by the client
                    sock = socket.create_connection(_address(url), timeout=PATIENCE)
                    slow.append(sock)
                    with suppress(OSError):
                        sock.send(b"GET / HTTP/1.1\r\nHost: x\r\n")
                answered = None
                for _ in range(200):
                    try:
                        answered = _get(url)
                        if answered.status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
                    time.sleep(0.05)
                assert answered is not None
                assert answered.status_code == 200
            finally:
                for sock in slow:
                    sock.close()
        finally:
            process.terminate()
            process.wait(10)


# -- 8. storage problems at start-up --------------------------------------------------------------


def _run_serve(
    db: str | Path, preexec_fn: Callable[[], None] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "iotda_contract.cli", "serve", "--port", "0", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": SRC},
        preexec_fn=preexec_fn,
    )


def _assert_refused(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    for word in words:
        assert word in lines[0]


def _seeded_file(path: Path, count: int = 2000) -> bytes:
    store = Store(path, Limits(max_tasks=0))
    store.bulk_load(seed_tasks(count, 1, "p", "BatchTask", "xls"))
    store.close()
    return path.read_bytes()


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (lambda data: os.urandom(len(data)), ("not a SQLite database",)),
        (lambda data: data[: len(data) // 2], ("corrupt",)),
        (lambda data: data[: len(data) - 8 * 4096], ("corrupt",)),  # only the end: the unique index
        (lambda data: data[:8192] + b"\x41" * (len(data) // 2) + data[8192 + len(data) // 2 :], ("corrupt",)),
    ],
    ids=["random", "truncated", "truncated tail", "corrupt"],
)
def test_a_damaged_file_is_one_line_and_exit_2(
    tmp_path: Path, damage: Callable[[bytes], bytes], words: tuple[str, ...]
) -> None:
    db = tmp_path / "tasks.db"
    db.write_bytes(damage(_seeded_file(db)))
    _assert_refused(_run_serve(db), str(db), *words)


def test_a_missing_folder_or_a_directory_is_one_line_and_exit_2(tmp_path: Path) -> None:
    _assert_refused(_run_serve(tmp_path / "nope" / "tasks.db"), "does not exist")
    _assert_refused(_run_serve(tmp_path), "is a directory")


def _without_root_file_access() -> None:
    """In the child: drop the capabilities that let root read and write any file (CAP_DAC_OVERRIDE,
    CAP_DAC_READ_SEARCH) from its bounding set, so that the file's mode bits apply to it too."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):
        if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


_PR_CAPBSET_DROP = 24


@pytest.mark.parametrize(
    ("file_mode", "folder_mode", "words"),
    [
        (0o444, 0o755, ("read-only",)),
        (0o000, 0o755, ("cannot be read",)),
        (0o644, 0o555, ("folder", "not writable")),  # SQLite could not write its -wal and -shm files
    ],
    ids=["read-only file", "unreadable file", "read-only folder"],
)
def test_a_read_only_or_unreadable_file_is_one_line_and_exit_2(
    tmp_path: Path, file_mode: int, folder_mode: int, words: tuple[str, ...]
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "tasks.db"
    _seeded_file(db, 50)
    db.chmod(file_mode)
    folder.chmod(folder_mode)
    try:
        result = _run_serve(db, _without_root_file_access)
    except OSError as err:  # a root without CAP_SETPCAP cannot give up reading everything
        pytest.skip(f"cannot run the mock without root's file access: {err}")
    finally:
        folder.chmod(0o755)
    _assert_refused(result, str(db), *words)


def test_a_second_mock_on_the_same_file_refuses_to_start(tmp_path: Path) -> None:
    db = tmp_path / "tasks.db"
    with serve_subprocess(["--db", str(db), "--seed", "20"]) as first:
        _assert_refused(_run_serve(db), str(db), "in use by another mock", f"pid {first.process.pid}")
        with httpx.Client(base_url=first.url, headers=AUTH_HEADERS) as client:
            assert client.post(LIST, json={"resource_type": "BatchTask"}).status_code == 201
        before = _get(first.url).json()["page"]["count"]
    with serve_subprocess(["--db", str(db)]) as again:  # the lock went with the first mock
        assert _get(again.url).json()["page"]["count"] == before


# -- 9. WebSocket upgrades and other scopes -------------------------------------------------------

WEBSOCKET = (
    "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
    "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
)


@pytest.mark.parametrize("path", ["/", LIST, "/anything/else"])
def test_a_websocket_upgrade_gets_400_in_the_api_format_without_an_error_log(
    fast_url: str, path: str
) -> None:
    with _captured("uvicorn.error", "iotda_contract.mock") as records:
        answer = _send_and_read(fast_url, WEBSOCKET.format(path=path).encode())
        # the capture works: a request the parser refuses is logged as a warning
        _send_and_read(fast_url, f"BREW {LIST} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    headers = _assert_api_error(answer, 400, "IOTDA.000008")
    assert headers["connection"] == "close"
    assert [r.levelname for r in records] == ["WARNING"]


def test_an_h2c_upgrade_is_answered_as_http_1_1_and_closed(fast_url: str) -> None:
    request = (
        f"GET {LIST}?{QUERY} HTTP/1.1\r\nHost: x\r\nX-Auth-Token: t\r\n"
        "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
        "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n"
    ).encode()
    status, headers, _ = _parse(_send_and_read(fast_url, request))
    assert (status, headers["connection"]) == (200, "close")


def _scope(kind: str, **extra: Any) -> dict[str, Any]:
    return {"type": kind, "path": "/", "raw_path": b"/", "query_string": b"", "headers": [], **extra}


async def _call(app: MockApp, scope: dict[str, Any], incoming: list[dict[str, Any]]) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return incoming.pop(0) if incoming else {"type": "websocket.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


@pytest.mark.asyncio
async def test_the_app_refuses_a_websocket_scope_and_ignores_unknown_ones() -> None:
    app = build_app(Settings())
    try:
        connect = [{"type": "websocket.connect"}]
        sent = await _call(
            app, _scope("websocket", extensions={"websocket.http.response": {}}), list(connect)
        )
        assert [m["type"] for m in sent] == ["websocket.http.response.start", "websocket.http.response.body"]
        assert sent[0]["status"] == 400
        assert dict(sent[0]["headers"])[b"x-request-id"]
        assert json.loads(sent[1]["body"])["error_code"] == "IOTDA.000008"
        assert await _call(app, _scope("websocket"), list(connect)) == [
            {"type": "websocket.close", "code": 1008}
        ]
        assert await _call(app, _scope("webtransport"), []) == []
    finally:
        app.store.close()
