"""The servers under test: the mock (``iotda-contract serve``) on a SQLite file, and the bare app."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bench.servers import BENCH_DIR, VENV_BIN, Server, free_port
from bench.workload import PROJECT, Workload

_READY_IN = re.compile(r"ready in ([0-9.]+)s")


def mock_command(port: int, db: Path, *, seed: int = 0, seed_random: int = 0) -> list[str]:
    """``iotda-contract serve`` on ``db``; ``--max-tasks 0`` so that nothing is ever evicted."""
    command = [
        str(VENV_BIN / "iotda-contract"),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--db",
        str(db),
        "--max-tasks",
        "0",
        "--seed-project",
        PROJECT,
    ]
    if seed:
        command += ["--seed", str(seed), "--seed-random", str(seed_random)]
    return command


def mock_server(name: str, db: Path, workload: Workload, *, cpu: int | None, log_dir: Path) -> Server:
    """The mock serving an existing (seeded) SQLite file, ready when a typical page answers."""
    port = free_port()
    return Server(
        name=name,
        command=mock_command(port, db),
        port=port,
        ready_path=workload.list_path(limit=workload.page_limit),
        cpu=cpu,
        log_path=log_dir / f"{name}.log",
    )


def bare_server(workload: Workload, *, cpu: int | None, log_dir: Path) -> Server:
    """The bare app under the mock's own uvicorn configuration (bench/bare_server.py)."""
    port = free_port()
    return Server(
        name="bare",
        command=[str(VENV_BIN / "python"), str(BENCH_DIR / "bare_server.py"), "--port", str(port)],
        port=port,
        ready_path=workload.list_path(limit=workload.page_limit),
        cpu=cpu,
        log_path=log_dir / "bare.log",
    )


@dataclass(frozen=True)
class Seeding:
    """How long seeding a file took: to the first answer, and as the mock itself reports it."""

    records: int
    path: str
    to_first_response_s: float
    reported_ready_s: float | None
    file_bytes: int


def seed_file(
    db: Path, records: int, workload: Workload, *, seed_random: int, cpu: int | None, log_dir: Path
) -> Seeding:
    """Seed ``records`` tasks into a new SQLite file with ``serve --seed``, then stop the server.

    The clock runs from process start to the first successful list response, so the figure
    includes the interpreter's and the app's start-up; the mock's own "ready in" line (spec,
    store, seeding and index, without the interpreter) is kept beside it.
    """
    if db.exists():
        raise FileExistsError(f"{db} exists: seeding needs a new file")
    port = free_port()
    log = log_dir / f"seed-{records}.log"
    server = Server(
        name=f"seed-{records}",
        command=mock_command(port, db, seed=records, seed_random=seed_random),
        port=port,
        ready_path=workload.list_path(limit=1),
        cpu=cpu,
        log_path=log,
    )
    try:
        elapsed = server.start(timeout_s=900.0)
    finally:
        server.stop()
    match = _READY_IN.search(log.read_text(encoding="utf-8", errors="replace"))
    size = sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))
    return Seeding(
        records=records,
        path=str(db),
        to_first_response_s=elapsed,
        reported_ready_s=float(match[1]) if match else None,
        file_bytes=size,
    )
