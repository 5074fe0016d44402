"""Timing of ``iotda-contract check`` against the local mock (issue 4): wall time, and time to the
first violation for each fault profile."""

from __future__ import annotations

import json
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.probe import AUTH_HEADERS
from bench.report import Figure, Results
from bench.servers import VENV_BIN, Server, free_port
from bench.stats import summarize
from bench.workload import PROJECT, Workload
from iotda_contract.commands import MODULES

#: Tasks the mock seeds for a check run (as ``iotda-contract demo`` does).
SEED = 200
#: Target of the issue: wall time of ``check`` with defaults against the local mock.
WALL_TARGET_S = 30.0


def available() -> bool:
    """Whether this checkout has the ``check`` subcommand."""
    return "check" in MODULES


@dataclass(frozen=True)
class CheckRun:
    """One ``check`` process: its exit code, wall time and what its report.json says."""

    fault: str | None
    allow_writes: bool
    exit_code: int
    wall_s: float
    reported_s: float | None
    first_violation_s: float | None
    violated: list[str]


def parse_report(report: dict[str, Any]) -> tuple[float | None, float | None, list[str]]:
    """(run seconds, first violation seconds, violated law ids) from a check report.json."""
    seconds = report.get("seconds")
    first = report.get("first_violation_at")
    violated = [str(law) for law in report.get("violated", [])]
    st = report.get("schemathesis") or {}
    violated += [f"schemathesis:{name}" for name in (st.get("failures") or {})]
    return (
        float(seconds) if seconds is not None else None,
        float(first) if first is not None else None,
        violated,
    )


def _credentials(work: Path) -> Path:
    path = work / "check-credentials.json"
    token = AUTH_HEADERS["X-Auth-Token"]
    path.write_text(json.dumps({"credentials": [{"token": token, "projects": [PROJECT]}]}), encoding="utf-8")
    return path


def _one(
    work: Path, workload: Workload, cpu: int | None, fault: str | None, *, allow_writes: bool, tag: str
) -> CheckRun:
    """Start a fresh mock (``--auth verify``, seeded), run ``check`` on it, stop the mock."""
    port = free_port()
    serve = [str(VENV_BIN / "iotda-contract"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    serve += ["--db", ":memory:", "--seed", str(SEED), "--seed-project", PROJECT]
    serve += ["--auth", "verify", "--credentials", str(_credentials(work))]
    if fault:
        serve += ["--fault", fault]
    server = Server(
        f"check-{tag}", serve, port, workload.list_path(limit=1), cpu=cpu, log_path=work / f"check-{tag}.log"
    )
    report_dir = work / f"check-{tag}"
    command = [str(VENV_BIN / "iotda-contract"), "check", "--base-url", server.url, "--project-id", PROJECT]
    command += ["--token", AUTH_HEADERS["X-Auth-Token"], "--report-dir", str(report_dir)]
    if allow_writes:
        command.append("--allow-writes")
    server.start()
    try:
        started = time.perf_counter()
        with open(work / f"check-{tag}.out", "wb") as out:
            done = subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, timeout=600, check=False)
        wall = time.perf_counter() - started
    finally:
        server.stop()
    report_path = report_dir / "report.json"
    report = json.loads(report_path.read_text(encoding="utf-8")) if report_path.exists() else {}
    reported, first, violated = parse_report(report)
    return CheckRun(fault, allow_writes, done.returncode, wall, reported, first, violated)


def run(
    results: Results,
    *,
    work: Path,
    workload: Workload,
    cpu: int | None,
    runs: int,
    faults: list[str],
) -> None:
    """Add the wall time of ``check`` (defaults, clean mock, ``runs`` times) and, for each fault,
    the time to its first violation; note the omission when ``check`` does not exist yet.

    A fault that ``check`` with defaults (read-only) does not catch is run again with
    ``--allow-writes``, and the figure says so.
    """
    if not available():
        results.notes.append("`iotda-contract check` does not exist yet: its timings were not measured")
        return
    clean = [_one(work, workload, cpu, None, allow_writes=False, tag=f"clean-{i}") for i in range(runs)]
    for item in clean:
        results.add_raw("check_clean", item)
    false_positives = [item for item in clean if item.exit_code != 0]
    results.figures.append(
        Figure(
            "check_wall_s",
            f"`iotda-contract check` wall time, defaults, clean mock ({SEED} tasks)",
            "s",
            summarize([item.wall_s for item in clean]),
            target=WALL_TARGET_S,
            at_least=False,
            note="process start to exit, as a user waits for it"
            + (
                f"; EXIT {false_positives[0].exit_code} on the clean mock: {false_positives[0].violated}"
                if false_positives
                else "; exit 0 every time"
            ),
        )
    )
    for fault in faults:
        item = _one(work, workload, cpu, fault, allow_writes=False, tag=fault)
        if item.exit_code == 0:
            item = _one(work, workload, cpu, fault, allow_writes=True, tag=f"{fault}-writes")
        results.add_raw("check_faults", item)
        writes = " (--allow-writes)" if item.allow_writes else ""
        if item.exit_code != 1:
            results.notes.append(f"check did not exit 1 on fault {fault}{writes}: exit {item.exit_code}")
        value = item.first_violation_s if item.first_violation_s is not None else item.wall_s
        how = "from check's report.json" if item.first_violation_s is not None else "no per-law time: wall"
        results.figures.append(
            Figure(
                f"first_violation_{fault}",
                f"time to first violation, fault {fault}{writes}",
                "s",
                summarize([value]),
                note=f"{how}; exit {item.exit_code}, wall {item.wall_s:.1f} s, violated: "
                + (", ".join(item.violated) or "none"),
            )
        )
