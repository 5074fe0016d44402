"""What a default read-only ``check`` costs against a backend of N records: requests and wall time.

Issue "Fast and polite against remote backends": requests should grow with pages (N / the limit's maximum),
not with N x examples; a run against a slow backend should stay short; ``--rate-limit`` is obeyed exactly.
This prints the table latency (``serve --latency-ms``) x records -> requests, wall time, and the most
requests the backend saw within one second under ``--rate-limit 10/s`` (by the server's own clock).

    .venv/bin/python bench/check_cost.py                       # latency 0 and 10 ms x 50, 250, 1000 records
    .venv/bin/python bench/check_cost.py --latency 0 10 50     # the issue's full table (slow at 50 ms)

Each cell is one ``check`` (in process, schemathesis on, ``--seed 0``) against a fresh mock whose default
instance holds exactly N tasks (seeded through the control API).
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Sequence
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.console import Console

from iotda_contract.conformance.runner import CheckOptions, RunStopped, run_check
from iotda_contract.mock.control import ControlledMock
from iotda_contract.mock.settings import Settings
from iotda_contract.mock.testing import serve_app


def seeded(records: int, latency_ms: float) -> ControlledMock:
    """A mock whose default instance of demo-project holds ``records`` tasks (the seed spreads over two)."""
    total = records * 2
    for _ in range(8):
        mock = ControlledMock(Settings(seed=total, max_tasks=0, latency_ms=latency_ms, control=True))
        held = len(mock.app.store.ids(("demo-project", "", "*", "*")))
        if held == records:
            return mock
        mock.app.store.close()
        total += records - held
    return mock


def one(records: int, latency_ms: float, rate: float | None = None) -> tuple[int, int, float, int]:
    """(law requests, all requests the server saw, seconds, most in one second) of one default check."""
    mock = seeded(records, latency_ms)
    seen: list[float] = []
    app = mock

    async def counting(scope, receive, send):  # type: ignore[no-untyped-def]
        if scope["type"] == "http":
            seen.append(time.monotonic())
        await app(scope, receive, send)

    with serve_app(counting) as url:  # type: ignore[arg-type]
        options = CheckOptions(base_url=url, project_id="demo-project", token="t", seed=0, rate_limit=rate)
        started = time.monotonic()
        try:
            result = run_check(options, Console(file=io.StringIO()))
        except RunStopped as stop:
            result = stop.result
        seconds = time.monotonic() - started
    mock.app.store.close()
    return result.requests, len(seen), seconds, _most_in_a_second(seen)


def _most_in_a_second(times: list[float]) -> int:
    most, start = 0, 0
    for end, stamp in enumerate(times):
        while stamp - times[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--latency", type=float, nargs="+", default=[0.0, 10.0], help="ms (default 0 10)")
    parser.add_argument("--records", type=int, nargs="+", default=[50, 250, 1000])
    parser.add_argument("--rate", type=float, default=10.0, help="the --rate-limit measured (default 10/s)")
    args = parser.parse_args(argv)
    print("| latency (ms) | records | requests (laws) | requests (all, server) | all / record | wall (s) |")
    print("|---|---|---|---|---|---|")
    for latency in args.latency:
        for records in args.records:
            laws, total, seconds, _ = one(records, latency)
            print(f"| {latency:g} | {records} | {laws} | {total} | {total / records:.1f} | {seconds:.1f} |",
                  flush=True)  # fmt: skip
    laws, total, seconds, most = one(50, 0.0, rate=args.rate)
    print(f"\n--rate-limit {args.rate:g}/s, 50 records: {most} requests in the busiest second "
          f"(server clock; {total} in all) in {seconds:.1f} s")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
