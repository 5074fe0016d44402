"""The machine: which cores to pin to, and what to record about the environment of a run."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

from bench.servers import ROOT


def choose_cpus(server_cpu: int | None, load_cpu: int | None) -> tuple[int | None, int | None, str]:
    """The servers' core, the load generator's core, and a sentence saying so (defaults: first two)."""
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        return None, None, f"only {len(cores)} core available: server and load generator are not pinned"
    server = server_cpu if server_cpu is not None else cores[0]
    load = load_cpu if load_cpu is not None else cores[1]
    if server == load:
        raise SystemExit("--server-cpu and --load-cpu must differ")
    return server, load, f"servers pinned to core {server}, wrk and the harness to core {load} (taskset)"


def environment(wrk_path: str) -> dict[str, object]:
    """Versions, machine and load, for the report."""

    def version(dist: str) -> str:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return "absent"

    wrk_version = subprocess.run([wrk_path, "-v"], capture_output=True, text=True, check=False)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT)
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", "src", "bench", "openapi"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {model}, {os.cpu_count()} cores",
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "wrk": (wrk_version.stdout or wrk_version.stderr).splitlines()[0] if wrk_version else "?",
        "uvicorn": version("uvicorn"),
        "uvloop": version("uvloop"),
        "httptools": version("httptools"),
        "git commit": (commit.stdout.strip() or "?")
        + (" with uncommitted changes in src/, bench/ or openapi/" if dirty.stdout.strip() else ""),
    }
