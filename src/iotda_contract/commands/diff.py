"""``iotda-contract diff OLD NEW``: list the changes between two spec versions and fail on a breaking one."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from iotda_contract import governance

NAME = "diff"
HELP = "compare two versions of the spec and exit 1 when a change breaks clients"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "old", metavar="OLD", help="the base version: a file, or REF:path in git (origin/main:spec.yaml)"
    )
    parser.add_argument("new", metavar="NEW", help="the proposed version: a file, or REF:path in git")
    parser.add_argument(
        "--format",
        choices=governance.FORMATS,
        default="text",
        help="output format (default: text); github: workflow annotations; changelog: release notes",
    )
    parser.add_argument(
        "--fail-on",
        choices=[s.value for s in governance.Severity],
        default=governance.Severity.BREAKING.value,
        help="the least level that fails the gate (default: breaking; 'warning' also fails on warnings)",
    )
    parser.add_argument(
        "--accept-file",
        type=Path,
        default=None,
        help=f"approved breaks (default: {governance.DEFAULT_ACCEPT_FILE} when it exists)",
    )


def run(args: argparse.Namespace) -> int:
    try:
        old = governance.read_source(args.old)
        new = governance.read_source(args.new)
        accept_file = args.accept_file or Path(governance.DEFAULT_ACCEPT_FILE)
        acceptances = (
            governance.read_acceptances(accept_file) if args.accept_file or accept_file.is_file() else []
        )
    except (governance.SourceError, governance.PolicyError) as err:
        print(f"iotda-contract diff: {err}", file=sys.stderr)
        return 2
    changes = governance.apply(governance.diff_specs(old.spec, new.spec), acceptances)
    fail_on = governance.Severity(args.fail_on)
    print(governance.render(changes, args.format, old.label, new.label, fail_on))
    for stale in governance.unused(changes, acceptances):
        print(
            f"iotda-contract diff: {accept_file}: {stale.rule} at {stale.path} matches no change",
            file=sys.stderr,
        )
    return 1 if governance.failing(changes, fail_on) else 0
