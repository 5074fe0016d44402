"""Run the mock for tests: in a background thread, or as the real CLI in a subprocess.

In-process::

    with serve_in_thread(Settings(seed=100)) as base_url:
        httpx.get(f"{base_url}/v5/iot/demo-project/export-tasks?resource_type=BatchTask",
                  headers={"X-Auth-Token": "any"})

Subprocess (end-to-end, ``kill -9``)::

    with serve_subprocess(["--db", str(path), "--seed", "100"]) as server:
        ...  # server.url, server.process; server.kill() sends SIGKILL
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from iotda_contract.mock.app import MockApp
from iotda_contract.mock.server import bind, build_app, url_of, uvicorn_config
from iotda_contract.mock.settings import Settings

#: Headers that pass ``--auth any``.
AUTH_HEADERS = {"X-Auth-Token": "test-token"}


@contextmanager
def serve_app(
    app: MockApp, host: str = "127.0.0.1", timeout: float = 10.0, settings: Settings | None = None
) -> Iterator[str]:
    """Serve an already built app with uvicorn in a background thread; yields the base URL.

    ``settings`` gives the connection limits and timeouts (default: the CLI's)."""
    import uvicorn

    sock = bind(host, 0)
    server = uvicorn.Server(uvicorn_config(app, settings))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    try:
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the mock did not start")
            time.sleep(0.005)
        yield url_of(sock)
    finally:
        server.should_exit = True
        thread.join(timeout)
        sock.close()


@contextmanager
def serve_in_thread(
    settings: Settings | None = None,
    clock: Callable[[], float] | None = None,
) -> Iterator[str]:
    """Build the mock for ``settings`` and serve it on 127.0.0.1 (a free port); yields the base URL.

    The server is shut down and its store closed when the block ends. ``clock`` (seconds since
    the epoch) replaces ``time.time`` for task progress and create times.
    """
    settings = settings or Settings()
    app = build_app(settings, clock=clock) if clock is not None else build_app(settings)
    try:
        with serve_app(app, settings.host, settings=settings) as url:
            yield url
    finally:
        app.store.close()


@dataclass
class ServerProcess:
    """The CLI ``iotda-contract serve`` running in a subprocess."""

    process: subprocess.Popen[str]
    url: str

    def kill(self) -> None:
        """SIGKILL, as a crash would; waits for the process to end."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        """SIGINT, as Ctrl-C would; waits for the process to end (SIGKILL after 10 s)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


def serve_command(args: Sequence[str]) -> list[str]:
    """The command line that runs ``iotda-contract serve ARGS`` with this interpreter."""
    return [sys.executable, "-m", "iotda_contract.cli", "serve", "--port", "0", *args]


@contextmanager
def serve_subprocess(args: Sequence[str] = (), timeout: float = 30.0) -> Iterator[ServerProcess]:
    """Start ``iotda-contract serve --port 0 ARGS`` and wait for the URL it prints; stop it at the end.

    Pass ``--port N`` in ``args`` to override port 0 (the last flag wins).
    """
    env = dict(os.environ)
    src = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
    with tempfile.TemporaryFile("w+") as errors:
        process = subprocess.Popen(
            serve_command(args), stdout=subprocess.PIPE, stderr=errors, text=True, env=env
        )
        server = ServerProcess(process=process, url="")
        try:
            server.url = _read_url(process, timeout, errors)
            yield server
        finally:
            server.stop()
            if process.stdout is not None:
                process.stdout.close()


def _read_url(process: subprocess.Popen[str], timeout: float, errors: IO[str]) -> str:
    assert process.stdout is not None
    result: list[str] = []
    stdout = process.stdout
    reader = threading.Thread(target=lambda: result.append(stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    line = result[0].strip() if result else ""
    if not line.startswith("http"):
        process.kill()
        process.wait(10)
        errors.seek(0)
        stderr = errors.read()
        raise RuntimeError(f"the mock did not start: {line!r} {stderr}")
    return line
