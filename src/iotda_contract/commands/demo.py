"""``iotda-contract demo``: start the mock on seeded data, run ``check`` on it, show the summary, stop it."""

from __future__ import annotations

import argparse
import json
import secrets
import tempfile
from pathlib import Path

from iotda_contract.commands import check
from iotda_contract.conformance.results import PROFILE_CONTRACT, PROFILES

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
    """The mock's flags: seeded data, real token checking (so schemathesis' ignored_auth is meaningful)."""
    args = ["--seed", str(seed), "--auth", "verify", "--credentials", str(credentials)]
    for fault in faults:
        args += ["--fault", fault]
    return args


def run(args: argparse.Namespace) -> int:
    from iotda_contract.mock.testing import serve_subprocess

    token = secrets.token_hex(16)
    with tempfile.TemporaryDirectory() as folder:
        credentials = Path(folder) / "credentials.json"
        credentials.write_text(json.dumps({"credentials": [{"token": token, "projects": [PROJECT]}]}))
        with serve_subprocess(mock_arguments(args.seed, args.fault, credentials)) as server:
            print(f"mock serving on {server.url} ({args.seed} seeded tasks, faults: {args.fault or 'none'})")
            argv = ["--base-url", server.url, "--project-id", PROJECT, "--token", token,
                    "--max-examples", str(args.max_examples), "--seed", str(args.check_seed),
                    "--profile", args.profile]  # fmt: skip
            if args.allow_writes:  # the mock is this run's own: evicting its seeded tasks harms nobody
                argv += ["--allow-writes", "--i-accept-eviction"]
            if args.report_dir is not None:
                argv += ["--report-dir", str(args.report_dir)]
            parser = argparse.ArgumentParser()
            check.add_arguments(parser)
            return check.run(parser.parse_args(argv))
