"""The command line of ``scripts/generate.py``: regenerate generated/, or (``--check``) fail on drift."""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from iotda_codegen import build
from iotda_codegen.contract import CodegenError
from iotda_codegen.drift import diff_trees


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 done or no drift, 1 drift, 2 generation failed)."""
    parser = argparse.ArgumentParser(
        description="Regenerate the iotda-client distribution from the spec, or (--check) fail with a diff "
        "when the committed one has drifted."
    )
    parser.add_argument("--check", action="store_true", help="generate into a temporary folder and compare")
    parser.add_argument("--spec", type=Path, default=build.DEFAULT_SPEC, help="the OpenAPI document")
    parser.add_argument(
        "--output", type=Path, default=build.DEFAULT_OUTPUT, help="the distribution's folder (generated/)"
    )
    parser.add_argument("--config", type=Path, default=build.DEFAULT_CONFIG, help="the generator's config")
    parser.add_argument("--templates", type=Path, default=build.DEFAULT_TEMPLATES, help="custom templates")
    args = parser.parse_args(argv)
    options = {"config_path": args.config, "templates": args.templates}
    try:
        if not args.check:
            build.generate(args.spec, args.output, **options)
            print(f"generated {args.output}")
            return 0
        if not args.output.is_dir():
            print(f"{args.output} does not exist: run `make generate`", file=sys.stderr)
            return 1
        with tempfile.TemporaryDirectory(prefix="iotda-generate-") as tmp:
            fresh = build.generate(args.spec, Path(tmp) / args.output.name, **options)
            drift = list(diff_trees(args.output, fresh))
    except CodegenError as err:
        print(f"generation failed: {err}", file=sys.stderr)
        return 2
    if drift:
        sys.stdout.writelines(drift)
        print(f"\n{args.output} differs from a fresh generation: run `make generate`", file=sys.stderr)
        return 1
    print(f"{args.output} matches a fresh generation")
    return 0
