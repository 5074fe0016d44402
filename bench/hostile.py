"""A normal client's p99 while another client sends the 24,000-header signed request, against its idle p99.

Issue "Hardened on both sides", case 6: one 494 KB request of 24,000 headers, all named in SignedHeaders,
under an unknown AK, blocked the mock's event loop for 15.7 s. Target: the normal client's p99 under that
load stays within 2x of its idle p99.

    .venv/bin/python bench/hostile.py                # 3 runs, median (min-max); also part of `make bench`
    .venv/bin/python bench/hostile.py --runs 5 --requests 5000

Each run starts a fresh mock (``--auth verify``, 1,000 seeded tasks) pinned to the server core. The normal
client (this process, on the load core) sends ``--requests`` signed list requests one after another on one
kept-alive connection, first alone, then while a hostile process (on the load core too) sends the hostile
request back to back on new connections; p99 of each phase, their ratio run by run. Two scenarios:

- ``limits``: the mock's default limits; the hostile request is refused (431) after its first 16 KiB.
- ``verifier``: limits raised (``--max-headers 30000 --max-header-bytes 2097152``) so that the hostile
  request is parsed in full and reaches the signature check (401): what the check itself costs. One event
  loop serves both clients, so this p99 is bounded by the time to read and check 494 KB, and it is reported
  without a target (a quarter of ``--requests``, at least 200).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.machine import choose_cpus
from bench.report import Figure, Results, text_table
from bench.servers import VENV_BIN, free_port, pinned
from bench.stats import ratios, summarize
from iotda_contract import signing

PROJECT = "demo-project"
PATH = f"/v5/iot/{PROJECT}/export-tasks"
QUERY = "resource_type=BatchTask&limit=50"
AK, SK = "BENCH-AK", "bench-secret"
#: How many headers the hostile request carries, every one named in SignedHeaders.
HOSTILE_HEADERS = 24_000
#: Target: p99 under the hostile client / idle p99.
TARGET = 2.0
#: The scenarios: name -> extra ``serve`` flags.
SCENARIOS = {
    "limits": [],
    "verifier": ["--max-headers", "30000", "--max-header-bytes", str(2 * 1024 * 1024)],
}


def hostile_request(host: str, count: int = HOSTILE_HEADERS) -> bytes:
    """A GET with ``count`` headers, all named in SignedHeaders, signed (badly) under an unknown AK."""
    names = [f"x-h{i:05d}" for i in range(count)]
    signed = ";".join(sorted(["host", "x-sdk-date", *names]))
    lines = [
        f"GET {PATH}?{QUERY} HTTP/1.1",
        f"Host: {host}",
        f"X-Sdk-Date: {signing.format_date(datetime.now(UTC))}",
        "Connection: close",
        *(f"{name}: v" for name in names),
        f"Authorization: SDK-HMAC-SHA256 Access=UNKNOWN-AK, SignedHeaders={signed}, Signature={'0' * 64}",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def normal_request(host: str) -> bytes:
    """A list request signed with the known AK (valid for 15 minutes: it is signed once and replayed)."""
    headers = {"Host": host}
    headers.update(signing.sign_request("GET", PATH, QUERY, headers, b"", access_key=AK, secret_key=SK))
    lines = [f"GET {PATH}?{QUERY} HTTP/1.1", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


class _Connection:
    """One kept-alive connection that sends a request and reads one Content-Length response."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=60)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""

    def exchange(self, request: bytes) -> int:
        self.sock.sendall(request)
        while b"\r\n\r\n" not in self.buffer:
            self._more()
        head, _, rest = self.buffer.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(rest) < length:
            self.buffer = rest
            self._more()
            rest = self.buffer
        self.buffer = rest[length:]
        return int(lines[0].split()[1])

    def _more(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self.buffer += chunk

    def close(self) -> None:
        self.sock.close()


def latencies(port: int, request: bytes, count: int) -> list[float]:
    """Seconds of each of ``count`` exchanges on one connection; every answer must be 200."""
    conn = _Connection(port)
    try:
        for _ in range(50):  # warm-up: caches, the connection
            conn.exchange(request)
        times: list[float] = []
        for _ in range(count):
            started = time.perf_counter()
            status = conn.exchange(request)
            times.append(time.perf_counter() - started)
            if status != 200:
                raise RuntimeError(f"the normal client got {status}")
        return times
    finally:
        conn.close()


def p99(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


@dataclass(frozen=True)
class Run:
    """One run of one scenario: the normal client's p99 idle and under the hostile client."""

    scenario: str
    idle_p99_ms: float
    hostile_p99_ms: float
    hostile_max_ms: float
    hostile_requests: int
    hostile_statuses: dict[str, int]


def _credentials(work: Path) -> Path:
    path = work / "hostile-credentials.json"
    path.write_text(json.dumps({"credentials": [{"ak": AK, "sk": SK, "projects": ["*"]}]}), encoding="utf-8")
    return path


def one_run(scenario: str, *, work: Path, requests: int, cpus: tuple[int | None, int | None]) -> Run:
    """A fresh mock; the normal client's latencies alone, then beside the hostile client."""
    server_cpu, load_cpu = cpus
    port = free_port()
    command = [str(VENV_BIN / "iotda-contract"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--db", ":memory:", "--seed", "1000", "--max-tasks", "0", "--seed-project", PROJECT]
    command += ["--auth", "verify", "--credentials", str(_credentials(work)), *SCENARIOS[scenario]]
    normal = normal_request(f"127.0.0.1:{port}")
    with open(work / f"hostile-{scenario}.log", "ab") as log:
        server = subprocess.Popen(pinned(command, server_cpu), stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_ready(server, port, normal)
        idle = latencies(port, normal, requests)
        attacker = subprocess.Popen(
            pinned([sys.executable, __file__, "--attack", str(port)], load_cpu),
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert attacker.stdout is not None
            attacker.stdout.readline()  # "started": its first request was answered
            loaded = latencies(port, normal, requests)
        finally:
            attacker.send_signal(signal.SIGTERM)
            out, _ = attacker.communicate(timeout=60)
        statuses: dict[str, int] = json.loads(out.strip().splitlines()[-1])
    finally:
        server.terminate()
        server.wait(timeout=10)
    return Run(
        scenario=scenario,
        idle_p99_ms=1000 * p99(idle),
        hostile_p99_ms=1000 * p99(loaded),
        hostile_max_ms=1000 * max(loaded),
        hostile_requests=sum(statuses.values()),
        hostile_statuses=statuses,
    )


def _wait_ready(server: subprocess.Popen[bytes], port: int, normal: bytes, timeout_s: float = 60.0) -> None:
    """Wait until the mock answers a signed list request."""
    deadline = time.perf_counter() + timeout_s
    while True:
        if server.poll() is not None:
            raise RuntimeError(f"the mock exited with {server.returncode}")
        try:
            conn = _Connection(port)
            try:
                if conn.exchange(normal) == 200:
                    return
            finally:
                conn.close()
        except OSError:
            pass
        if time.perf_counter() > deadline:
            raise RuntimeError("the mock did not answer")
        time.sleep(0.01)


def attack(port: int) -> int:
    """The hostile client: the hostile request back to back, each on a new connection, until SIGTERM;
    prints "started" after the first answer and, at the end, the answers' statuses as JSON."""
    request = hostile_request(f"127.0.0.1:{port}")
    statuses: dict[str, int] = {}
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    while not stopping:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
                with suppress(BrokenPipeError, ConnectionResetError):  # refused before it was all sent
                    sock.sendall(request)
                data = b""
                while True:
                    chunk = sock.recv(65536)
                    if not chunk:
                        break
                    data += chunk
            status = data.split(b" ", 2)[1].decode() if data.startswith(b"HTTP/") else "no answer"
        except OSError as err:
            status = type(err).__name__
        statuses[status] = statuses.get(status, 0) + 1
        if sum(statuses.values()) == 1:
            print("started", flush=True)
    print(json.dumps(statuses), flush=True)
    return 0


def run(
    results: Results, *, work: Path, cpus: tuple[int | None, int | None], runs: int, requests: int
) -> list[Figure]:
    """Measure both scenarios ``runs`` times; add the figures (and every run's raw data) to ``results``."""
    figures: list[Figure] = []
    for scenario in SCENARIOS:
        # beside the verifier a normal request waits tens of milliseconds: a quarter of them is enough
        count = requests if scenario == "limits" else max(200, requests // 4)
        done = [one_run(scenario, work=work, requests=count, cpus=cpus) for _ in range(runs)]
        for item in done:
            results.add_raw(f"hostile_{scenario}", item)
        ratio = summarize(ratios([r.hostile_p99_ms for r in done], [r.idle_p99_ms for r in done]))
        statuses = sorted({status for r in done for status in r.hostile_statuses})
        hostile = sum(r.hostile_requests for r in done) / len(done)
        note = (
            f"idle p99 {summarize([r.idle_p99_ms for r in done]).format('{:.3f}')} ms, under the hostile "
            f"client {summarize([r.hostile_p99_ms for r in done]).format('{:.3f}')} ms (max "
            f"{max(r.hostile_max_ms for r in done):.1f} ms); about {hostile:.0f} hostile requests a run, "
            f"answered {', '.join(statuses)}"
        )
        if scenario == "limits":
            label = (
                f"normal p99 while {HOSTILE_HEADERS:,} signed headers are sent / idle p99 (default limits)"
            )
            figure = Figure("hostile_p99_ratio", label, "", ratio, target=TARGET, at_least=False, note=note)
        else:
            label = (
                f"the same, limits raised so that the {HOSTILE_HEADERS:,} headers reach the signature check"
            )
            figure = Figure("hostile_verifier_p99_ratio", label, "", ratio, note=note)
        figures.append(figure)
    results.figures += figures
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3, help="runs of each scenario (default %(default)s)")
    parser.add_argument(
        "--requests", type=int, default=2000, help="normal requests per phase (default %(default)s)"
    )
    parser.add_argument("--attack", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.attack:
        return attack(args.attack)
    server_cpu, load_cpu, pinning = choose_cpus(None, None)
    if load_cpu is not None:
        os.sched_setaffinity(0, {load_cpu})
    results = Results(datetime.now(), "bench/hostile.py", {"runs": args.runs, "pinning": pinning}, {})
    with tempfile.TemporaryDirectory(prefix="iotda-hostile-") as tmp:
        figures = run(
            results, work=Path(tmp), cpus=(server_cpu, load_cpu), runs=args.runs, requests=args.requests
        )
    print(text_table(figures))
    for figure in figures:
        print(f"  {figure.label}: {figure.note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
