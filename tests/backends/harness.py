"""Start an independent backend (alpha or beta) on a real socket for a test.

    with serve("alpha", seed=30, rate_limit_every=5) as backend:
        httpx.get(f"{backend.url}/v5/iot/{backend.project_id}/export-tasks",
                  params={"resource_type": "BatchTask"}, headers={"X-Auth-Token": backend.token})

Options (keyword arguments): ``seed`` (tasks pre-filled into ``project_id``), ``rate_limit_every``,
``retry_after``, ``app_id_max``, ``frozen_count``, ``finish_after``, ``download_interval`` (seconds
between two export-file downloads of one user, default 30, 0 = no limit); beta also ``default_app``.
An unknown option raises TypeError.
"""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import alpha, beta
from .common import CountingServer, Running

BACKENDS = ("alpha", "beta")
#: tasks pre-filled into ``other_project_id`` (so that "may not see" hides something real)
OTHER_SEED = 3


@dataclass(frozen=True)
class Backend:
    """A running backend: where it is and who may call it."""

    name: str
    url: str
    project_id: str
    token: str
    #: a project that exists (holds tasks) but ``token`` may not see
    other_project_id: str
    #: the token that may see ``other_project_id`` only
    other_token: str
    db_path: Path
    server: CountingServer

    @property
    def requests(self) -> int:
        """How many requests the backend has served so far (429 answers included)."""
        return self.server.requests


def _build(
    backend: str, db_path: str, tokens: Mapping[str, frozenset[str]], seed: Mapping[str, int], options: Any
) -> CountingServer:
    if backend == "alpha":
        return alpha.make_server(db_path, alpha.Settings(tokens=tokens, seed=seed, **options))
    if backend == "beta":
        return beta.make_server(db_path, beta.Settings(tokens=tokens, seed=seed, **options))
    raise ValueError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")


@contextmanager
def serve(backend: str, **options: Any) -> Iterator[Backend]:
    """Run ``backend`` on 127.0.0.1 (a free port) with a temporary SQLite file; stop it on exit."""
    seed = int(options.pop("seed", 0))
    project_id, other_project_id = secrets.token_hex(16), secrets.token_hex(16)
    token, other_token = f"tok-{secrets.token_hex(12)}", f"tok-{secrets.token_hex(12)}"
    tokens = {token: frozenset({project_id}), other_token: frozenset({other_project_id})}
    with tempfile.TemporaryDirectory(prefix=f"backend-{backend}-") as tmp:
        db_path = Path(tmp) / f"{backend}.sqlite3"
        server = _build(
            backend, str(db_path), tokens, {project_id: seed, other_project_id: OTHER_SEED}, options
        )
        running = Running(server)
        try:
            yield Backend(
                name=backend,
                url=server.url,
                project_id=project_id,
                token=token,
                other_project_id=other_project_id,
                other_token=other_token,
                db_path=db_path,
                server=server,
            )
        finally:
            running.stop()
