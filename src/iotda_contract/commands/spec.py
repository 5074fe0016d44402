"""``iotda-contract spec``: show the operations, parameters and paging declared in the spec."""

from __future__ import annotations

import argparse

from iotda_contract import spec

NAME = "spec"
HELP = "show the operations, parameters and paging declared in the spec"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--spec", default=str(spec.DEFAULT_SPEC_PATH), help="OpenAPI document (default: the bundled one)"
    )


def run(args: argparse.Namespace) -> int:
    document = spec.load(args.spec)
    for op in document.operations.values():
        print(f"{op.operation_id}: {op.method} {op.path}")
        for param in op.parameters:
            rules = {k: v for k, v in param.schema.items() if k not in ("description", "example")}
            flag = "required" if param.required else "optional"
            print(f"  {param.location:6} {param.name:20} {flag:8} {rules}")
        if op.paging is not None:
            print(f"  paging: {op.paging}")
    return 0
