"""Calls per second of the generated client against the mock in-process (ASGI transport) and over a socket.

Issue "A pytest plugin": the in-process mode (``@pytest.mark.iotda(in_process=True)``, the fixture
``iotda_inprocess_client``) is for the fastest unit tests. Both clients are ``make_client`` with the same
token; the mock is the plugin's (control API, 200 seeded tasks); each run makes ``--calls`` list calls
(``limit=10``) with each client, interleaved run by run, and the ratio is taken run by run.

    .venv/bin/python bench/inprocess.py              # 3 runs of 2,000 calls, median (min-max)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from iotda_client.api.export_tasks import list_export_tasks
from iotda_client.models import ResourceType

from iotda_contract.client import make_client
from iotda_contract.mock.control import ControlledMock
from iotda_contract.mock.inprocess import SyncASGITransport
from iotda_contract.mock.settings import Settings
from iotda_contract.mock.testing import serve_app


def calls_per_second(client: Any, calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        list_export_tasks.sync("demo-project", client=client, resource_type=ResourceType.BATCHTASK, limit=10)
    return calls / (time.perf_counter() - started)


def measure(runs: int, calls: int) -> dict[str, list[float]]:
    controlled = ControlledMock(Settings(seed=200, control=True))
    found: dict[str, list[float]] = {"in-process": [], "socket": []}
    with serve_app(controlled) as url:  # type: ignore[arg-type]
        inprocess = make_client(
            url, "demo-project", token="t", retries=0, transport=SyncASGITransport(controlled)
        )
        socket = make_client(url, "demo-project", token="t", retries=0)
        for _ in range(runs):
            found["in-process"].append(calls_per_second(inprocess, calls))
            found["socket"].append(calls_per_second(socket, calls))
    controlled.app.store.close()
    return found


def table(found: dict[str, list[float]]) -> str:
    ratios = [a / b for a, b in zip(found["in-process"], found["socket"], strict=True)]
    lines = ["| client | calls/s, median (min-max) |", "|---|---|"]
    for name, values in found.items():
        lines.append(f"| {name} | {statistics.median(values):.0f} ({min(values):.0f}-{max(values):.0f}) |")
    lines.append(
        f"| in-process / socket | {statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f}) |"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="repetitions (default %(default)s)")
    parser.add_argument(
        "--calls", type=int, default=2000, help="calls per client and run (default %(default)s)"
    )
    args = parser.parse_args(argv)
    print(table(measure(args.runs, args.calls)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
