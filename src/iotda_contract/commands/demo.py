"""``iotda-contract demo``: start the mock on seeded data, run ``check`` on it, show the summary, stop it."""

from __future__ import annotations

import argparse
import json
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console

from iotda_contract.commands import check
from iotda_contract.conformance.results import PROFILE_CONTRACT, PROFILES
from iotda_contract.conformance.runner import CheckOptions
from iotda_contract.mock.faults import UnknownFault, parse
from iotda_contract.spec import DEFAULT_SPEC_PATH

NAME = "demo"
HELP = "start the mock on seeded data, run check against it, print the summary, stop the mock"
PROJECT = "demo-project"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, default=200, help="tasks the mock seeds (default: 200)")
    parser.add_argument(
        "--fault", action="append", default=[], metavar="NAME", help="a mock fault (repeatable)"
    )
    parser.add_argument(
        "--allow-writes", action="store_true", help="also run the laws that create and delete"
    )
    parser.add_argument("--max-examples", type=int, default=25, help="examples per law (default: 25)")
    parser.add_argument("--check-seed", type=int, default=0, help="seed of the check (default: 0)")
    parser.add_argument("--report-dir", type=Path, help="write the reports here")
    parser.add_argument(
        "--profile",
        choices=PROFILES,
        default=PROFILE_CONTRACT,
        help="the check's profile (default: contract)",
    )


def mock_arguments(seed: int, faults: list[str], credentials: Path) -> list[str]:
    """The mock's flags for the same set-up, for tests that run it as a subprocess."""
    args = ["--seed", str(seed), "--auth", "verify", "--credentials", str(credentials)]
    for fault in faults:
        args += ["--fault", fault]
    return args


@contextmanager
def demo_mock(seed: int, faults: list[str] | tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """The mock on seeded data, served in a thread, checking a fresh token as the platform would.

    Real token checking keeps schemathesis' ignored_auth meaningful. Yields (base URL, token).
    """
    from iotda_contract.mock.settings import Settings
    from iotda_contract.mock.testing import serve_in_thread

    token = secrets.token_hex(16)
    with tempfile.TemporaryDirectory() as folder:
        credentials = Path(folder) / "credentials.json"
        credentials.write_text(json.dumps({"credentials": [{"token": token, "projects": [PROJECT]}]}))
        settings = Settings(seed=seed, faults=tuple(faults), auth="verify", credentials=str(credentials))
        with serve_in_thread(settings) as url:
            yield url, token


def options(url: str, token: str, *, allow_writes: bool, max_examples: int, seed: int,
            profile: str) -> CheckOptions:  # fmt: skip
    """The check a demo runs: writes allowed with eviction accepted, since the mock is the run's own."""
    return CheckOptions(base_url=url, project_id=PROJECT, token=token, allow_writes=allow_writes,
                        accept_eviction=allow_writes, max_examples=max_examples, seed=seed,
                        profile=profile)  # fmt: skip


def run(args: argparse.Namespace) -> int:
    console = Console(stderr=True)
    try:
        faults = parse(args.fault)
    except UnknownFault as err:
        check.error_line(f"{err}")
        return 2
    with demo_mock(args.seed, sorted(faults)) as (url, token):
        print(f"mock serving on {url} ({args.seed} seeded tasks, faults: {sorted(faults) or 'none'})")
        if args.allow_writes:
            console.print(f"[bold yellow]{check.write_warning(str(DEFAULT_SPEC_PATH))}[/]")
        chosen = options(url, token, allow_writes=args.allow_writes, max_examples=args.max_examples,
                         seed=args.check_seed, profile=args.profile)  # fmt: skip
        return check.execute(chosen, console, args.report_dir)
