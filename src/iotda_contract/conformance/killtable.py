"""Proof of power: run ``check`` against the mock with each fault and see which law catches it."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from iotda_contract.conformance.results import PROFILES
from iotda_contract.mock.faults import FAULTS

#: Each mock fault and the law that must catch it (other laws may catch it too).
#: Each mock fault and the law that must catch it (other laws may catch it too): the fault registry's.
EXPECTED: dict[str, str] = {name: fault.caught_by for name, fault in FAULTS.items()}


@dataclass(frozen=True)
class KillRow:
    """One fault's outcome: exit code, laws violated, time to the first violation, wall time."""

    fault: str | None
    profile: str
    expected: str | None
    exit_code: int
    violated: tuple[str, ...]
    schemathesis_failures: tuple[str, ...]
    deviated: tuple[str, ...]
    first_violation_at: float | None
    seconds: float

    @property
    def killed(self) -> bool:
        if self.fault is None:
            return self.exit_code == 0 and not self.violated
        return self.exit_code == 1 and self.expected in self.violated


def run_one(fault: str | None, *, max_examples: int, seed: int, folder: Path, profile: str) -> KillRow:
    """``iotda-contract demo --allow-writes [--fault F]`` in a subprocess, read back its report.json."""
    report = folder / f"{fault or 'clean'}-{profile}"
    command = [sys.executable, "-m", "iotda_contract.cli", "demo", "--allow-writes", "--max-examples",
               str(max_examples), "--check-seed", str(seed), "--report-dir", str(report),
               "--profile", profile]  # fmt: skip
    if fault is not None:
        command += ["--fault", fault]
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    seconds = time.monotonic() - started
    try:
        data = json.loads((report / "report.json").read_text())
    except OSError:
        raise RuntimeError(f"no report for {fault}: exit {done.returncode}\n{done.stderr[-2000:]}") from None
    st = data.get("schemathesis") or {}
    return KillRow(
        fault=fault,
        profile=profile,
        expected=EXPECTED.get(fault) if fault else None,
        exit_code=done.returncode,
        violated=tuple(data["violated"]),
        schemathesis_failures=tuple(st.get("failures", {})),
        deviated=tuple(data.get("deviated", [])),
        first_violation_at=data.get("first_violation_at"),
        seconds=seconds,
    )


def run_kill_table(
    *, max_examples: int = 10, seed: int = 0, workers: int = 2, profiles: tuple[str, ...] = PROFILES
) -> list[KillRow]:
    """The clean mock and every fault under each profile, ``workers`` at a time."""
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(workers) as pool:
        faults: list[str | None] = [None, *EXPECTED]
        futures = [
            pool.submit(run_one, f, max_examples=max_examples, seed=seed, folder=Path(tmp), profile=p)
            for p in profiles
            for f in faults
        ]
        return [f.result() for f in futures]


def format_table(rows: list[KillRow]) -> str:
    lines = [
        "| fault | profile | law expected | caught by | exit | first violation (s) | wall (s) |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        first = f"{row.first_violation_at:.2f}" if row.first_violation_at is not None else "-"
        shown = row.violated + tuple(f"st:{c}" for c in row.schemathesis_failures)
        caught = ", ".join(shown + tuple(f"deviates:{d}" for d in row.deviated)) or "-"
        lines.append(f"| {row.fault or '(clean)'} | {row.profile} | {row.expected or '-'} | {caught} | "
                     f"{row.exit_code} | "
                     f"{first} | {row.seconds:.1f} |")  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":
    table = run_kill_table()
    print(format_table(table))
    sys.exit(0 if all(r.killed for r in table) else 1)
