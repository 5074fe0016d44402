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
    #: Tasks kept per project and instance (0: no limit); a create beyond it evicts the earliest.
    max_tasks: int = 50
    #: Processing tasks allowed per project and instance (0: no limit).
    max_unfinished: int = 5
    #: How long a new task takes to finish, in seconds (0: at once).
    task_seconds: float = 0.0
    auth: str = "any"
    credentials: str | None = None
    faults: tuple[str, ...] = ()
    spec_path: str = str(DEFAULT_SPEC_PATH)
    #: Largest request body read, in bytes; a larger body is refused with 400 IOTDA.000008.
    max_body_bytes: int = 64 * 1024
