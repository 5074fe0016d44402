"""What a default ``check`` costs against a backend of N records: requests and wall time.

Issue "Fast and polite against remote backends": requests should grow with pages (N / the limit's maximum),
not with N x examples; a run against a slow backend should stay short; ``--rate-limit`` is obeyed exactly.
This prints the table latency (``serve --latency-ms``) x records x ``--concurrency`` -> requests, wall time;
the same with ``--allow-writes`` for the cells of ``--writes``; and the most requests the backend saw within
one second under ``--rate-limit 10/s`` (by the server's own clock).

    .venv/bin/python bench/check_cost.py                          # latency 0 and 10 ms x 50, 250, 1000
    .venv/bin/python bench/check_cost.py --latency 0 10 50        # the issue's full table (slow at 50 ms)
    .venv/bin/python bench/check_cost.py --latency 50 --records 250 --concurrency 1 4 --runs 3

Each cell is one ``check`` (in this process, schemathesis on, ``--seed 0``) against a fresh mock in a
process of its own (a remote backend: its CPU is not the checker's), whose default instance holds exactly N
tasks (seeded through the control API). The mock counts the requests it gets, stamped by its own clock.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

#: The path on which the bench's mock tells what it saw (never a path of the API).
SEEN_PATH = "/__bench/seen"
PROJECT, TOKEN = "demo-project", "check-cost-token"


@dataclass(frozen=True)
class Cell:
    """One ``check``: its requests (the laws', and every one the server saw), wall time, busiest second."""

    latency_ms: float
    records: int
    concurrency: int
    #: Examples per law that writes (``--max-write-examples``); 0: a read-only run.
    writes: int
    law_requests: int
    server_requests: int
    seconds: float
    most_in_a_second: int
    verdict: str


def seeded(records: int, latency_ms: float, credentials: str | None = None) -> Any:
    """A mock whose default instance of demo-project holds ``records`` tasks (the seed spreads over two);
    with ``credentials`` (a file) it checks the token, as the platform does."""
    from iotda_contract.mock.control import ControlledMock
    from iotda_contract.mock.settings import Settings

    auth: dict[str, Any] = {"auth": "verify", "credentials": credentials} if credentials else {}
    total = records * 2
    for _ in range(8):
        mock = ControlledMock(Settings(seed=total, max_tasks=0, latency_ms=latency_ms, control=True, **auth))
        held = len(mock.app.store.ids(("demo-project", "", "*", "*")))
        if held == records:
            return mock
        mock.app.store.close()
        total += records - held
    return mock


def serve(records: int, latency_ms: float) -> None:
    """The bench's backend (``--serve``): the seeded mock, counting requests; prints its URL, then serves."""
    from iotda_contract.mock.testing import serve_app

    folder = Path(tempfile.mkdtemp(prefix="check-cost-"))
    credentials = folder / "credentials.json"
    credentials.write_text(json.dumps({"credentials": [{"token": TOKEN, "projects": [PROJECT]}]}))
    mock = seeded(records, latency_ms, str(credentials))
    seen: list[float] = []

    async def counting(scope, receive, send):  # type: ignore[no-untyped-def]
        if scope["type"] == "http" and scope["path"] == SEEN_PATH:
            body = json.dumps(seen).encode()
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"application/json")]})  # fmt: skip
            await send({"type": "http.response.body", "body": body})
            return
        if scope["type"] == "http":
            seen.append(time.monotonic())
        await mock(scope, receive, send)

    with serve_app(counting) as url:  # type: ignore[arg-type]
        print(url, flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


@contextmanager
def backend(records: int, latency_ms: float) -> Iterator[str]:
    """The bench's backend in a process of its own; yields its base URL."""
    command = [sys.executable, str(Path(__file__).resolve()), "--serve", str(records), str(latency_ms)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        if not url.startswith("http"):
            raise RuntimeError(f"the bench's mock did not start ({process.poll()})")
        yield url
    finally:
        process.terminate()
        process.wait(30)


def one(records: int, latency_ms: float, *, concurrency: int = 1, writes: int = 0,
        rate: float | None = None) -> Cell:  # fmt: skip
    """One default check of a fresh backend of ``records`` tasks: read-only, or with ``--allow-writes`` and
    ``writes`` examples per law that writes."""
    from rich.console import Console

    from iotda_contract.commands.check import exit_code
    from iotda_contract.conformance.runner import CheckOptions, RunStopped, run_check

    extra: dict[str, Any] = {"concurrency": concurrency} if concurrency != 1 else {}
    if writes:
        extra["max_write_examples"] = writes
    with backend(records, latency_ms) as url:
        options = CheckOptions(base_url=url, project_id=PROJECT, token=TOKEN, seed=0, rate_limit=rate,
                               allow_writes=bool(writes), accept_eviction=bool(writes), **extra)  # fmt: skip
        started = time.monotonic()
        try:
            result = run_check(options, Console(file=io.StringIO()))
            verdict = f"exit {exit_code(result)}"
        except RunStopped as stop:
            result, verdict = stop.result, f"stopped: {stop.cause}"[:60]
        seconds = time.monotonic() - started
        seen = sorted(httpx.get(url + SEEN_PATH).json())
    return Cell(latency_ms, records, concurrency, writes, result.requests, len(seen), seconds,
                most_in_a_second(seen), verdict)  # fmt: skip


def most_in_a_second(times: Sequence[float]) -> int:
    """The most requests that arrived within any one second (``times`` in order)."""
    most, start = 0, 0
    for end, stamp in enumerate(times):
        while stamp - times[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def spread(values: Sequence[float], digits: int = 1) -> str:
    """``median (min-max)`` of several runs, or the one value."""
    if len(values) == 1:
        return f"{values[0]:.{digits}f}"
    return f"{statistics.median(values):.{digits}f} ({min(values):.{digits}f}-{max(values):.{digits}f})"


def row(cells: Sequence[Cell]) -> str:
    """One table row from the runs of one cell."""
    first = cells[0]
    law = spread([c.law_requests for c in cells], 0)
    server = spread([c.server_requests for c in cells], 0)
    return (f"| {first.latency_ms:g} | {first.records} | {first.concurrency} | "
            f"{f'yes, {first.writes} examples' if first.writes else 'no'} | {law} | {server} | "
            f"{first.server_requests / first.records:.1f} | {spread([c.seconds for c in cells])} | "
            f"{first.verdict} |")  # fmt: skip


HEADER = ("| latency (ms) | records | concurrency | writes | requests (laws) | requests (all, server) "
          "| all / record | wall (s) | verdict |\n|---|---|---|---|---|---|---|---|---|")  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--latency", type=float, nargs="+", default=[0.0, 10.0], help="ms (default 0 10)")
    parser.add_argument("--records", type=int, nargs="+", default=[50, 250, 1000])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4], help="(default 1 4)")
    parser.add_argument("--writes", nargs="*", default=["250:50"], metavar="RECORDS:MS",
                        help="cells run with --allow-writes (default 250:50; none: --writes)")  # fmt: skip
    parser.add_argument("--write-examples", type=int, nargs="+", default=[10], metavar="N",
                        help="--max-write-examples of the --writes cells (default: 10)")  # fmt: skip
    parser.add_argument("--runs", type=int, default=1, help="runs per cell: median (min-max) (default 1)")
    parser.add_argument("--rate", type=float, default=10.0, help="the --rate-limit measured (default 10/s)")
    parser.add_argument("--serve", nargs=2, metavar=("RECORDS", "MS"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(int(args.serve[0]), float(args.serve[1]))
        return 0
    print(HEADER, flush=True)
    cells = [(latency, records, 0) for latency in args.latency for records in args.records]
    cells += [(float(ms), int(n), examples) for n, _, ms in (w.partition(":") for w in args.writes)
              for examples in args.write_examples]  # fmt: skip
    for latency, records, writes in cells:
        for concurrency in args.concurrency:
            runs = [one(records, latency, concurrency=concurrency, writes=writes) for _ in range(args.runs)]
            print(row(runs), flush=True)
    at_once = max(args.concurrency)
    cell = one(50, 0.0, concurrency=at_once, rate=args.rate)
    print(f"\n--rate-limit {args.rate:g}/s, --concurrency {at_once}, 50 records: {cell.most_in_a_second} "
          f"requests in the busiest second (server clock; {cell.server_requests} in all) in "
          f"{cell.seconds:.1f} s")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
