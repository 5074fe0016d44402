"""The checker's peak memory against hostile backends (a 50 MB body, a gzip bomb), against a plain one.

Issue "Hardened on both sides", case 4: a 50 MB body on every answer took ``check`` to 5.5 GB, and a 1 MB
gzip body that inflates to 1 GB ended in a MemoryError. Each run starts ``iotda-contract check`` in a fresh
subprocess against one backend of ``tests/conformance/hostile.py`` (served by this process) and reads the
child's peak resident set (``ru_maxrss``); the ratio is taken against the same command on a backend that
answers small correct pages, run by run.

    .venv/bin/python bench/checker_memory.py            # 3 runs, median (min-max); also part of `make bench`
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "conformance"))

from hostile import PROJECT, hostile  # noqa: E402

#: The plain backend, then the hostile ones.
MODES = ("path-injection", "huge-body", "gzip-bomb")


def peak_rss_mib(url: str) -> float:
    """Run one read-only check (walk-complete only, no schemathesis) in a child; its peak RSS in MiB."""
    command = [sys.executable, "-m", "iotda_contract.cli", "check", "--base-url", url,
               "--project-id", PROJECT, "--token", "bench", "--law", "walk-complete", "--no-schemathesis",
               "--max-examples", "5", "--seed", "1"]  # fmt: skip
    code = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], capture_output=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    done = subprocess.run([sys.executable, "-c", code, *command], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "src")})  # fmt: skip
    return int(done.stdout.strip()) / 1024


def measure(runs: int) -> dict[str, list[float]]:
    found: dict[str, list[float]] = {mode: [] for mode in MODES}
    for _ in range(runs):
        for mode in MODES:
            with hostile(mode) as server:
                found[mode].append(peak_rss_mib(server.url))
    return found


def table(found: dict[str, list[float]]) -> str:
    plain = found[MODES[0]]
    lines = [
        "| backend | peak RSS MiB, median (min-max) | / plain backend, median (min-max) |",
        "|---|---|---|",
    ]
    for mode, values in found.items():
        ratios = [v / p for v, p in zip(values, plain, strict=True)]
        lines.append(f"| {mode if mode != MODES[0] else 'plain (small pages)'} | "
                     f"{statistics.median(values):.0f} ({min(values):.0f}-{max(values):.0f}) | "
                     f"{statistics.median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f}) |")  # fmt: skip
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="repetitions (default %(default)s)")
    args = parser.parse_args(argv)
    print(table(measure(args.runs)))
    return 0


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    sys.exit(main())
