"""``iotda-contract check``: run the paging laws and schemathesis against any backend of the API."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from rich.console import Console

from iotda_contract import spec
from iotda_contract.commands import config as config_module
from iotda_contract.conformance.contract import load_contract
from iotda_contract.conformance.errors import TargetError
from iotda_contract.conformance.pacing import parse_rate
from iotda_contract.conformance.progress import summary_table
from iotda_contract.conformance.redact import Redactor, scrub
from iotda_contract.conformance.registry import select
from iotda_contract.conformance.report import write_reports
from iotda_contract.conformance.results import PROFILE_CONTRACT, PROFILES, VIOLATED, RunResult
from iotda_contract.conformance.runner import MAX_RECORDS_CAP, CheckOptions, RunStopped, run_check
from iotda_contract.conformance.wire import MAX_BODY, REQUEST_DEADLINE

NAME = "check"
HELP = "check that a backend keeps the paging contract and the spec (exit 0 holds, 1 violated, 2 usage)"
WRITE_WARNING = (
    "warning: --allow-writes creates and deletes export tasks. The platform keeps at most {max_tasks} tasks "
    "per project and instance and removes the OLDEST ones beyond that: do not use it on an account whose "
    "tasks you need."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--base-url",
        help="the backend, e.g. https://iotda.cn-north-4.myhuaweicloud.com (needed)",
    )
    parser.add_argument("--project-id", help="the project whose export tasks to list (needed)")
    parser.add_argument(
        "--config",
        metavar="PATH",
        help=f"a configuration file of these flags (default: ./{config_module.FILE}, else "
        "[tool.iotda-contract] in ./pyproject.toml); ${ENV} is substituted; flags given here win",
    )
    parser.add_argument("--print-config", action="store_true", help="print the options in force and exit")
    parser.add_argument(
        "-H",
        "--header",
        action="append",
        default=[],
        type=_header,
        metavar="NAME:VALUE",
        help="a header sent with every request (repeatable); never a credential",
    )
    parser.add_argument("--insecure", action="store_true", help="do not verify the backend's TLS certificate")
    parser.add_argument("--ca-bundle", metavar="PATH", help="verify TLS with this CA bundle (PEM)")
    parser.add_argument(
        "--rate-limit",
        type=_rate,
        metavar="N/s",
        help="send at most this many requests (N/s, N/m, N/h), schemathesis' included (default: no limit)",
    )
    parser.add_argument(
        "--concurrency",
        default=1,
        metavar="N",
        help="requests under way at once (schemathesis calls it --workers): the read-only laws and "
        "schemathesis side by side, within --rate-limit; writes stay one at a time (default: 1, one "
        "request after another)",
    )
    parser.add_argument("--instance-id", help="the Instance-Id header (default: none, the default instance)")
    parser.add_argument("--token", default=os.environ.get("IOTDA_TOKEN"), help="IAM token (or IOTDA_TOKEN)")
    parser.add_argument("--ak", default=os.environ.get("IOTDA_AK"), help="access key (or IOTDA_AK)")
    parser.add_argument("--sk", default=os.environ.get("IOTDA_SK"), help="secret key (or IOTDA_SK)")
    parser.add_argument(
        "--security-token",
        default=os.environ.get("IOTDA_SECURITY_TOKEN"),
        help="with --ak/--sk: temporary credentials' security token, sent signed in X-Security-Token "
        "(or IOTDA_SECURITY_TOKEN)",
    )
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
        "--max-write-examples",
        type=int,
        default=10,
        help="examples of each law that creates tasks, and of schemathesis' creates and deletes; each "
        "one creates export tasks on the backend (default: 10, never more than --max-examples)",
    )
    parser.add_argument(
        "--max-records",
        type=int,
        default=None,
        help="the most records a walk visits before it is cut and its laws skipped (default: what the "
        f"first page's page.count needs, at most {MAX_RECORDS_CAP})",
    )
    parser.add_argument(
        "--request-timeout",
        type=float,
        default=REQUEST_DEADLINE,
        metavar="SECONDS",
        help=f"the longest one request may take, answer read in full (default: {REQUEST_DEADLINE:g})",
    )
    parser.add_argument(
        "--max-time",
        type=float,
        metavar="SECONDS",
        help="stop the run after this long, report what it checked and clean up (exit 2; default: none)",
    )
    parser.add_argument(
        "--max-body-bytes",
        type=int,
        default=MAX_BODY,
        help=f"the largest answer body read, inflated (default: {MAX_BODY}); a larger one is a violation",
    )
    parser.add_argument(
        "--profile",
        choices=PROFILES,
        default=PROFILE_CONTRACT,
        help="platform: judge only what the platform's description states, accepting every reading it "
        "leaves open; contract (default): also hold the backend to this contract's decisions "
        "(docs/decisions.md) and report each deviation apart from violations",
    )
    parser.add_argument(
        "--accept",
        action="append",
        default=[],
        metavar="DECISION",
        help="waive one decision of the contract (repeatable), e.g. --accept delete-204",
    )
    parser.add_argument(
        "--i-accept-eviction",
        action="store_true",
        help="with --allow-writes: run even when the project holds so many tasks that the platform's "
        "per-project cap could remove the oldest of them",
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


def _header(text: str) -> tuple[str, str]:
    name, sep, value = text.partition(":")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"a header is NAME:VALUE, not {text!r}")
    return name.strip(), value.strip()


def concurrency(value: object) -> int:
    """``--concurrency`` (a flag's text or a configuration file's number): a whole number, at least 1."""
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or int(text) < 1:
        raise ValueError(f"--concurrency is the number of requests under way at once, a whole number of at "
                         f"least 1, not {value!r}")  # fmt: skip
    return int(text)


def _rate(text: str) -> float:
    try:
        return parse_rate(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def run(args: argparse.Namespace) -> int:
    console = Console(stderr=True)
    parser = argparse.ArgumentParser(prog="iotda-contract check")
    add_arguments(parser)
    try:
        found = config_module.find(args.config)
        if found is not None:
            config_module.apply(args, parser, found[1], found[0])
        args.concurrency = concurrency(args.concurrency)
    except (config_module.ConfigError, argparse.ArgumentTypeError, ValueError) as err:
        error_line(str(err))
        return 2
    if args.print_config:
        print(config_module.render(args, parser, secret={"token", "ak", "sk", "security_token"}))
        return 0
    if args.list_laws:
        for law in select():
            print(f"{law.id:26} {'(writes) ' if law.writes else ''}{law.statement}")
        return 0
    missing = [
        flag
        for flag, value in (("--base-url", args.base_url), ("--project-id", args.project_id))
        if not value
    ]
    if missing:
        console.print(
            f"error: {' and '.join(missing)} needed (a flag, or the configuration file)", markup=False
        )
        return 2
    if args.allow_writes:
        console.print(f"[bold yellow]{write_warning(args.spec)}[/]")
    return execute(options_from(args), console, args.report_dir)


def write_warning(spec_path: str) -> str:
    """The warning before a write run, with the cap the spec states."""
    try:
        limits = load_contract(spec.load(spec_path)).limits
    except spec.SpecError:
        limits = None
    return WRITE_WARNING.format(max_tasks=limits.max_tasks if limits else "a fixed number of")


def options_from(args: argparse.Namespace) -> CheckOptions:
    return CheckOptions(
        base_url=args.base_url,
        project_id=args.project_id,
        instance_id=args.instance_id,
        token=args.token,
        ak=args.ak,
        sk=args.sk,
        security_token=args.security_token,
        region=args.region,
        allow_writes=args.allow_writes,
        seed=args.seed,
        max_examples=args.max_examples,
        max_write_examples=args.max_write_examples,
        max_records=args.max_records,
        laws=args.law,
        schemathesis=not args.no_schemathesis,
        exclude_checks=tuple(args.exclude_check),
        other_instance_id=args.other_instance_id,
        spec_path=args.spec,
        report_dir=args.report_dir,
        profile=args.profile,
        accept=tuple(args.accept),
        accept_eviction=args.i_accept_eviction,
        timeout=args.request_timeout,
        max_time=args.max_time,
        max_body=args.max_body_bytes,
        headers=tuple(args.header),
        verify=False if args.insecure else (args.ca_bundle or True),
        rate_limit=args.rate_limit,
        concurrency=concurrency(args.concurrency),
    )


def execute(options: CheckOptions, console: Console, report_dir: Path | None) -> int:
    """Run the check, print and write what it found; the exit code (0, 1, 2, or 130 when interrupted)."""
    redact = Redactor.of(
        token=options.token, ak=options.ak, sk=options.sk, security_token=options.security_token
    )
    try:
        result = run_check(options, console)
    except TargetError as err:
        error_line(redact(str(err)))
        return 2
    except RunStopped as stop:
        interrupted = isinstance(stop.cause, KeyboardInterrupt)
        why = "interrupted" if interrupted else redact(str(stop.cause))
        partial = scrub(stop.result, redact)
        print_summary(partial, Console())
        _write(partial, report_dir, console, redact)
        error_line(f"the run stopped: {why}; what it checked is reported above")
        return 130 if interrupted else 2
    except Exception as err:  # a bug or an answer nothing expected: one line, never a traceback
        error_line(f"unexpected {type(err).__name__}: {redact(str(err))[:300]}")
        return 2
    result = scrub(result, redact)
    print_summary(result, Console())
    _write(result, report_dir, console, redact)
    return exit_code(result)


def exit_code(result: RunResult) -> int:
    """0: nothing found; 1: a violation or a deviation; 2: only errors (the run could not judge)."""
    if result.ok:
        return 0
    st = result.schemathesis
    found = result.violated or result.deviations or (st is not None and st.status == VIOLATED)
    return 1 if found else 2


def error_line(text: str) -> None:
    """A command that cannot do its job says why in one line (never wrapped) on stderr."""
    print(f"error: {' '.join(text.split())}", file=sys.stderr, flush=True)


def _write(result: RunResult, folder: Path | None, console: Console, redact: Redactor) -> None:
    if folder is None:
        return
    try:
        paths = write_reports(result, folder, redact)
    except OSError as err:
        error_line(f"cannot write the reports to {folder}: {err}")
        return
    for path in paths:
        console.print(f"wrote {path}", markup=False)


def print_summary(result: RunResult, console: Console) -> None:
    console.print(summary_table(result))
    st = result.schemathesis
    if st is not None:
        console.print(f"schemathesis: {st.status} ({st.cases} cases, {st.seconds:.1f} s) {st.reason}",
                      markup=False)  # fmt: skip
        for check, messages in st.failures.items():
            console.print(f"  {check}: {messages[0].splitlines()[0]}", markup=False)
        for note in st.notes:
            console.print(f"  note: {note}", markup=False)
    for law in result.violated:
        console.print(f"\n[bold red]VIOLATED {law.law_id}[/]: {law.statement}")
        console.print(f"  {law.reason}", markup=False)
        for curl in law.curl[:4]:
            console.print(f"  {curl}", soft_wrap=True, markup=False, highlight=False)
    for deviation in result.deviations:
        console.print(f"\n[bold yellow]DEVIATES from decision {deviation.decision_id}[/] (found by "
                      f"{deviation.law_id}): {deviation.rule}", markup=True)  # fmt: skip
        console.print(f"  {deviation.message}\n  why the contract decided so: {deviation.why}", markup=False)
        for curl in deviation.curl[:2]:
            console.print(f"  {curl}", soft_wrap=True, markup=False, highlight=False)
    console.print(f"\n{verdict(result)}", markup=False)
    first = result.first_violation_at
    timing = f"; first violation after {first:.2f} s" if first is not None else ""
    retries = f", {result.rate_limit_retries} rate-limit retries" if result.rate_limit_retries else ""
    console.print(f"{result.closing_line()} ({result.requests} requests{retries}, {result.seconds:.1f} s"
                  f"{timing}; profile {result.profile}; seed {result.seed})", markup=False)  # fmt: skip


def verdict(result: RunResult) -> str:
    """One sentence: what the run found, with violations and deviations named apart."""
    st = result.schemathesis
    parts: list[str] = []
    if result.violated:
        parts.append("violates the description: " + ", ".join(r.law_id for r in result.violated))
    if result.schemathesis_failed and st is not None:
        parts.append("schemathesis found: " + (", ".join(st.failures) or st.reason))
    if result.deviations:
        parts.append("deviates from the contract's decisions (not from the platform's API): "
                     + ", ".join(d.decision_id for d in result.deviations))  # fmt: skip
    if any(r.status == "error" for r in result.laws):
        parts.append("errors: " + ", ".join(r.law_id for r in result.laws if r.status == "error"))
    if result.stopped:
        parts.append(f"stopped early ({result.stopped})")
    if parts:
        return "; ".join(parts)
    skipped = f" ({len(result.skipped)} laws skipped: see above)" if result.skipped else ""
    return f"every law that ran holds{skipped}"
