"""``iotda-contract check``: run the paging laws and schemathesis against any backend of the API."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from rich.console import Console

from iotda_contract import spec
from iotda_contract.conformance.errors import TargetError
from iotda_contract.conformance.progress import summary_table
from iotda_contract.conformance.registry import select
from iotda_contract.conformance.report import write_reports
from iotda_contract.conformance.results import RunResult
from iotda_contract.conformance.runner import CheckOptions, run_check

NAME = "check"
HELP = "check that a backend keeps the paging contract and the spec (exit 0 holds, 1 violated, 2 usage)"
WRITE_WARNING = (
    "warning: --allow-writes creates and deletes export tasks. The platform keeps at most 50 tasks per "
    "project and instance and removes the OLDEST ones beyond that: do not use it on an account whose "
    "tasks you need."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--base-url", required=True, help="the backend, e.g. https://iotda.cn-north-4.myhuaweicloud.com"
    )
    parser.add_argument("--project-id", required=True, help="the project whose export tasks to list")
    parser.add_argument("--instance-id", help="the Instance-Id header (default: none, the default instance)")
    parser.add_argument("--token", default=os.environ.get("IOTDA_TOKEN"), help="IAM token (or IOTDA_TOKEN)")
    parser.add_argument("--ak", default=os.environ.get("IOTDA_AK"), help="access key (or IOTDA_AK)")
    parser.add_argument("--sk", default=os.environ.get("IOTDA_SK"), help="secret key (or IOTDA_SK)")
    parser.add_argument("--region", help="with --ak/--sk: sign with the derived V11-HMAC-SHA256 scheme")
    parser.add_argument(
        "--allow-writes", action="store_true", help="also run the laws that create and delete tasks"
    )
    parser.add_argument("--seed", type=int, help="seed for hypothesis and schemathesis (default: random)")
    parser.add_argument(
        "--max-examples",
        type=int,
        default=25,
        help="examples per law and per schemathesis phase (default: 25)",
    )
    parser.add_argument(
        "--max-records",
        type=int,
        default=1000,
        help="longest walk before a walk is called endless (default: 1000)",
    )
    parser.add_argument(
        "--law", action="append", default=[], metavar="ID", help="run only this law (repeatable)"
    )
    parser.add_argument("--no-schemathesis", action="store_true", help="run the paging laws only")
    parser.add_argument(
        "--exclude-check",
        action="append",
        default=[],
        metavar="NAME",
        help="a schemathesis check to leave out, e.g. ignored_auth against a mock that takes any token",
    )
    parser.add_argument(
        "--other-instance-id",
        default="iotda-contract-other-instance",
        help="with --allow-writes: an instance where the isolation law looks for leaks",
    )
    parser.add_argument("--report-dir", type=Path, help="write report.json, junit.xml and summary.md here")
    parser.add_argument(
        "--spec", default=str(spec.DEFAULT_SPEC_PATH), help="OpenAPI document (default: the bundled one)"
    )
    parser.add_argument("--list-laws", action="store_true", help="print the laws and exit")  # fmt: skip


def run(args: argparse.Namespace) -> int:
    console = Console(stderr=True)
    if args.list_laws:
        for law in select():
            print(f"{law.id:26} {'(writes) ' if law.writes else ''}{law.statement}")
        return 0
    if args.max_examples < 1:
        console.print("[red]error:[/] --max-examples must be at least 1")
        return 2
    if args.allow_writes:
        console.print(f"[bold yellow]{WRITE_WARNING}[/]")
    options = CheckOptions(
        base_url=args.base_url,
        project_id=args.project_id,
        instance_id=args.instance_id,
        token=args.token,
        ak=args.ak,
        sk=args.sk,
        region=args.region,
        allow_writes=args.allow_writes,
        seed=args.seed,
        max_examples=args.max_examples,
        max_records=args.max_records,
        laws=args.law,
        schemathesis=not args.no_schemathesis,
        exclude_checks=tuple(args.exclude_check),
        other_instance_id=args.other_instance_id,
        spec_path=args.spec,
        report_dir=args.report_dir,
    )
    try:
        result = run_check(options, console)
    except (TargetError, KeyError) as err:
        console.print(f"[red]error:[/] {err}")
        return 2
    print_summary(result, Console())
    if args.report_dir is not None:
        for path in write_reports(result, args.report_dir):
            console.print(f"wrote {path}")
    return 0 if result.ok else 1


def print_summary(result: RunResult, console: Console) -> None:
    console.print(summary_table(result))
    st = result.schemathesis
    if st is not None:
        console.print(f"schemathesis: {st.status} ({st.cases} cases, {st.seconds:.1f} s) {st.reason}")
        for check, messages in st.failures.items():
            console.print(f"  [red]{check}[/]: {messages[0].splitlines()[0]}")
    for law in result.violated:
        console.print(f"\n[bold red]VIOLATED {law.law_id}[/]: {law.statement}\n  {law.reason}")
        for curl in law.curl[:4]:
            console.print(f"  {curl}", soft_wrap=True, markup=False, highlight=False)
    first = result.first_violation_at
    timing = f"; first violation after {first:.2f} s" if first is not None else ""
    verdict = (
        "every law holds"
        if result.ok
        else "violated: "
        + ", ".join(
            [r.law_id for r in result.violated]
            + ([f"schemathesis ({', '.join(st.failures)})"] if st and st.failures else [])
        )
    )
    console.print(f"\n{verdict} ({result.requests} requests, {result.seconds:.1f} s{timing})")
