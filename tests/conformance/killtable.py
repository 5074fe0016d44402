"""Proof of power: run ``check`` against the mock with each fault and see which law catches it.

Test code, outside the runtime package: ``test_kill_table.py`` runs it; so does
``.venv/bin/python tests/conformance/killtable.py`` (the table in Markdown).
"""

from __future__ import annotations

import io
import multiprocessing
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from rich.console import Console

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


def run_one(fault: str | None, *, max_examples: int, seed: int, profile: str) -> KillRow:
    """The demo's check (writes allowed) on the mock with ``fault``, in this process: no argv, no files."""
    from iotda_contract.commands.check import exit_code
    from iotda_contract.commands.demo import demo_mock, options
    from iotda_contract.conformance.runner import RunStopped, run_check

    started = time.monotonic()
    with demo_mock(200, [fault] if fault else []) as (url, token):
        chosen = options(url, token, allow_writes=True, max_examples=max_examples, seed=seed, profile=profile)
        quiet = Console(file=io.StringIO())
        try:
            result = run_check(chosen, quiet)
            code = exit_code(result)
        except RunStopped as stop:
            result, code = stop.result, 2
    st = result.schemathesis
    return KillRow(
        fault=fault,
        profile=profile,
        expected=EXPECTED.get(fault) if fault else None,
        exit_code=code,
        violated=tuple(r.law_id for r in result.violated),
        schemathesis_failures=tuple(st.failures) if st else (),
        deviated=tuple(d.decision_id for d in result.deviations),
        first_violation_at=result.first_violation_at,
        seconds=time.monotonic() - started,
    )


def run_kill_table(
    *, max_examples: int = 10, seed: int = 0, workers: int = 2, profiles: tuple[str, ...] = PROFILES
) -> list[KillRow]:
    """The clean mock and every fault under each profile, ``workers`` at a time."""
    faults: list[str | None] = [None, *EXPECTED]
    # one process per worker (hypothesis runs one test at a time per process); each calls the runner itself
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [
            pool.submit(run_one, f, max_examples=max_examples, seed=seed, profile=p)
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
