"""Server processes under test: start pinned to a core, wait for the first good answer, stop."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from bench.probe import get

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
VENV_BIN = Path(sys.executable).parent


class ServerError(RuntimeError):
    """A server under test did not come up, or died."""


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def pinned(command: Sequence[str], cpu: int | None) -> list[str]:
    """The command prefixed with ``taskset -c CPU`` when a core is given."""
    return [*command] if cpu is None else ["taskset", "-c", str(cpu), *command]


@dataclass
class Server:
    """One server process: ``command`` must make it listen on ``port`` of 127.0.0.1."""

    name: str
    command: list[str]
    port: int
    ready_path: str
    cpu: int | None = None
    log_path: Path | None = None
    startup_s: float | None = field(default=None, init=False)
    _process: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout_s: float = 120.0) -> float:
        """Start the process and wait for a ``200`` on ``ready_path``; return the seconds it took.

        The clock starts just before the process is spawned and stops at the first successful
        response, so the figure is "process start to first successful response".
        """
        started = time.perf_counter()
        if self.log_path is None:
            self._process = subprocess.Popen(
                pinned(self.command, self.cpu), stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, cwd=ROOT
            )
        else:
            with open(self.log_path, "ab") as log:
                self._process = subprocess.Popen(
                    pinned(self.command, self.cpu), stdout=log, stderr=subprocess.STDOUT, cwd=ROOT
                )
        deadline = started + timeout_s
        while True:
            if self._process.poll() is not None:
                raise ServerError(f"{self.name} exited with {self._process.returncode}; see {self.log_path}")
            try:
                if get(self.url, self.ready_path, timeout=2.0).status == 200:
                    self.startup_s = time.perf_counter() - started
                    return self.startup_s
            except OSError:
                pass
            if time.perf_counter() > deadline:
                self.stop()
                raise ServerError(f"{self.name} gave no 200 on {self.ready_path} within {timeout_s} s")
            time.sleep(0.002)

    @property
    def pid(self) -> int:
        if self._process is None:
            raise ServerError(f"{self.name} is not running")
        return self._process.pid

    def stop(self) -> None:
        """Stop the process (SIGTERM, then SIGKILL after 10 s)."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def bare_app_command(port: int, uvicorn_flags: Sequence[str]) -> list[str]:
    """uvicorn serving bench/bare_app.py with the same flags as the server it is compared to."""
    return [
        str(VENV_BIN / "uvicorn"),
        "--app-dir",
        str(ROOT),
        "bench.bare_app:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *uvicorn_flags,
    ]


def cpu_count() -> int:
    return len(os.sched_getaffinity(0))
