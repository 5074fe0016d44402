"""The ``iotda-contract`` command line: dispatch to the subcommand modules."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from iotda_contract import __version__
from iotda_contract.commands import MODULES


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="iotda-contract",
        description="The IoTDA export-task API as a tested contract: a spec, a reference mock "
        "and a conformance suite for any backend.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in MODULES:
        module = importlib.import_module(f"iotda_contract.commands.{module_name}")
        command = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        module.add_arguments(command)
        command.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "_run"):
        parser.print_help(sys.stderr)
        return 2
    result: int = args._run(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
