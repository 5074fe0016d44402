"""``iotda-contract replay REPORT``: run each failure of a report again and say FIXED or STILL FAILING.

A report's failure is its law, the run's seed and options, and the requests that showed it. Replaying runs
that law again with the same seed (so hypothesis draws the same cases, the failing one first) against the
report's backend or ``--base-url``; credentials come from the flags or the environment, never the report.
"""

from __future__ import annotations

import argparse
import io
import json
import os
from pathlib import Path
from typing import Any

from rich.console import Console

from iotda_contract.commands.check import error_line

NAME = "replay"
HELP = "run the failures of a check report again: FIXED or STILL FAILING each (exit 0 when all are fixed)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "report", type=Path, help="a report.json written by check --report-dir (or its folder)"
    )
    parser.add_argument("--base-url", help="replay against this backend instead of the report's")
    parser.add_argument("--token", default=os.environ.get("IOTDA_TOKEN"), help="IAM token (or IOTDA_TOKEN)")
    parser.add_argument("--ak", default=os.environ.get("IOTDA_AK"), help="access key (or IOTDA_AK)")
    parser.add_argument("--sk", default=os.environ.get("IOTDA_SK"), help="secret key (or IOTDA_SK)")


def failures(report: dict[str, Any]) -> list[str]:
    """The laws a report found violated, deviating or in error."""
    return [
        law["law_id"]
        for law in report.get("laws", [])
        if law.get("status") in ("violated", "deviated", "error")
    ]


def run(args: argparse.Namespace) -> int:
    from iotda_contract.conformance.errors import TargetError
    from iotda_contract.conformance.runner import CheckOptions, RunStopped, run_check

    path = args.report / "report.json" if args.report.is_dir() else args.report
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
        laws, seed = failures(report), int(report["seed"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
        error_line(f"{path} is not a check report: {err}")
        return 2
    if not laws:
        print(f"{path}: no failure to replay")
        return 0
    base_url = args.base_url or report["base_url"]
    fixed = 0
    for law_id in laws:
        writes = bool(report.get("allow_writes"))
        options = CheckOptions(
            base_url=base_url,
            project_id=report["project_id"],
            instance_id=report.get("instance_id"),
            token=args.token,
            ak=args.ak,
            sk=args.sk,
            allow_writes=writes,
            accept_eviction=writes,
            seed=seed,
            max_examples=int(report.get("max_examples", 25)),
            max_write_examples=int(report.get("max_write_examples", 10)),
            laws=[law_id],
            schemathesis=False,
            profile=report.get("profile", "contract"),
            accept=tuple(report.get("accepted", [])),
        )
        try:
            result = run_check(options, Console(file=io.StringIO()))
        except RunStopped as stop:
            error_line(f"{law_id}: the replay stopped: {stop.cause}")
            return 2
        except TargetError as err:
            error_line(f"{err}")
            return 2
        outcome = result.laws[0] if result.laws else None
        if outcome is not None and outcome.status == "held":
            fixed += 1
            print(f"FIXED          {law_id}")
        else:
            print(f"STILL FAILING  {law_id}: {outcome.reason if outcome else 'not run'}")
    print(f"{fixed} of {len(laws)} fixed (seed {seed}, against {base_url})")
    return 0 if fixed == len(laws) else 1
