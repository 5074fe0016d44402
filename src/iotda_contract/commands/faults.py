"""``iotda-contract faults``: list the paging bugs that ``serve --fault NAME`` can inject."""

from __future__ import annotations

import argparse

from iotda_contract.mock.faults import FAULTS

NAME = "faults"
HELP = "list the named paging bugs that 'serve --fault NAME' injects"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--names", action="store_true", help="print only the names, one a line")


def run(args: argparse.Namespace) -> int:
    width = max(len(name) for name in FAULTS)
    for name, fault in FAULTS.items():
        print(name if args.names else f"{name:<{width}}  {fault.statement} (caught by {fault.caught_by})")
    return 0
