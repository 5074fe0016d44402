"""The mock's settings: one value per ``iotda-contract serve`` flag."""

from __future__ import annotations

from dataclasses import dataclass

from iotda_contract.spec import DEFAULT_SPEC_PATH

#: The ``--auth`` modes.
AUTH_MODES = ("any", "verify")


@dataclass(frozen=True)
class Settings:
    """How to run the mock; the defaults are the CLI's, except ``port`` (0: any free port)."""

    host: str = "127.0.0.1"
    port: int = 0
    #: A SQLite file (created if missing) or ``:memory:``.
    db: str = ":memory:"
    #: How many synthetic tasks to seed into an empty store (0: none).
    seed: int = 0
    seed_random: int = 0
    seed_project: str = "demo-project"
    #: Tasks kept per project and instance (0: no limit; None: the spec's x-iotda-platform-limits);
    #: a create beyond it evicts the earliest.
    max_tasks: int | None = None
    #: Processing tasks allowed per project and instance (0: no limit; None: the spec's).
    max_unfinished: int | None = None
    #: How long a new task takes to finish, in seconds (0: at once).
    task_seconds: float = 0.0
    #: Seconds between two export-file downloads of one project (None: the spec's, 30; 0: no limit).
    download_interval: float | None = None
    auth: str = "any"
    credentials: str | None = None
    faults: tuple[str, ...] = ()
    #: Milliseconds added before every answer: a slow remote backend, on loopback (benchmarks, tests).
    latency_ms: float = 0.0
    #: Serve the control API (``mock/control.py``: /__iotda/reset, /seed, /advance, /state).
    control: bool = False
    spec_path: str = str(DEFAULT_SPEC_PATH)
    # -- limits (docs/mock.md, "Limits"): what one client may cost everyone else -------------------
    #: Connections served at once; one more gets 503 IOTDA.000503 and is closed.
    max_connections: int = 256
    #: Header fields in one request; more get 431 IOTDA.000431.
    max_headers: int = 100
    #: Bytes of a request head (request line, header lines, line ends); more get 431 IOTDA.000431
    #: (400 IOTDA.000008 when the request line alone is too long), cut off while being read.
    max_header_bytes: int = 16 * 1024
    #: Bytes of the query string (as sent, percent-escaped); more get 400 IOTDA.000008.
    max_query_bytes: int = 8 * 1024
    #: Bytes of a request body (declared or received); more get 413 IOTDA.000413.
    max_body_bytes: int = 64 * 1024
    #: Seconds for a request head to arrive, counted from the connection's opening or the end of the
    #: previous request; then 408 IOTDA.000408 (or, with nothing of a request received, the connection
    #: is closed).
    head_timeout: float = 10.0
    #: Seconds for a request body to arrive, counted from the end of its head; then 408 IOTDA.000408.
    body_timeout: float = 30.0
