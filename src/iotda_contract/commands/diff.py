"""``iotda-contract diff OLD NEW``: list the changes between two spec versions and fail on a breaking one."""

from __future__ import annotations

import argparse
import sys

from iotda_contract import governance

NAME = "diff"
HELP = "compare two versions of the spec and exit 1 when a change breaks clients"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "old", metavar="OLD", help="the base version: a file, or REF:path in git (origin/main:spec.yaml)"
    )
    parser.add_argument("new", metavar="NEW", help="the proposed version: a file, or REF:path in git")
    parser.add_argument(
        "--format", choices=governance.FORMATS, default="text", help="output format (default: text)"
    )
    parser.add_argument(
        "--fail-on",
        choices=[s.value for s in governance.Severity if s is not governance.Severity.INFO],
        default=governance.Severity.BREAKING.value,
        help="the least severity that fails the gate (default: breaking; 'warning' also fails on warnings)",
    )


def run(args: argparse.Namespace) -> int:
    try:
        old = governance.read_source(args.old)
        new = governance.read_source(args.new)
    except governance.SourceError as err:
        print(f"iotda-contract diff: {err}", file=sys.stderr)
        return 2
    changes = governance.diff_specs(old.spec, new.spec)
    print(governance.render(changes, args.format, old.label, new.label))
    return 1 if governance.is_breaking(changes, governance.Severity(args.fail_on)) else 0
