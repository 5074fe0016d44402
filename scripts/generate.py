"""Regenerate generated/iotda_client from the spec, or (``--check``) fail with a diff when it has drifted."""

from __future__ import annotations

import argparse
import difflib
import filecmp
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from iotda_contract import codegen

_IGNORED = ["__pycache__", ".mypy_cache", ".ruff_cache"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="generate into a temporary folder and compare")
    parser.add_argument("--spec", type=Path, default=codegen.DEFAULT_SPEC, help="the OpenAPI document")
    parser.add_argument(
        "--output", type=Path, default=codegen.DEFAULT_OUTPUT, help="the client package folder"
    )
    parser.add_argument("--config", type=Path, default=codegen.DEFAULT_CONFIG, help="the generator's config")
    parser.add_argument("--templates", type=Path, default=codegen.DEFAULT_TEMPLATES, help="custom templates")
    args = parser.parse_args(argv)
    options = {"config_path": args.config, "templates": args.templates}
    try:
        if not args.check:
            codegen.generate(args.spec, args.output, **options)
            print(f"generated {args.output}")
            return 0
        if not args.output.is_dir():
            print(f"{args.output} does not exist: run `make generate`", file=sys.stderr)
            return 1
        with tempfile.TemporaryDirectory(prefix="iotda-generate-") as tmp:
            fresh = codegen.generate(args.spec, Path(tmp) / args.output.name, **options)
            drift = list(diff_trees(args.output, fresh))
    except codegen.CodegenError as err:
        print(f"generation failed: {err}", file=sys.stderr)
        return 2
    if drift:
        sys.stdout.writelines(drift)
        print(f"\n{args.output} differs from a fresh generation: run `make generate`", file=sys.stderr)
        return 1
    print(f"{args.output} matches a fresh generation")
    return 0


def diff_trees(committed: Path, fresh: Path) -> Iterator[str]:
    """Unified-diff lines for every file that differs, is missing or is extra (recursively)."""
    yield from _diff(filecmp.dircmp(committed, fresh, ignore=_IGNORED), committed, fresh, Path())


def _diff(cmp: filecmp.dircmp[str], old_root: Path, new_root: Path, rel: Path) -> Iterator[str]:
    # dircmp compares by os.stat signature first; compare contents ourselves to be exact.
    for name in sorted(cmp.common_files):
        old, new = old_root / rel / name, new_root / rel / name
        if old.read_bytes() != new.read_bytes():
            yield from _unified(old, new, rel / name)
    for name in sorted(cmp.left_only):
        yield from _unified(old_root / rel / name, None, rel / name)
    for name in sorted(cmp.right_only):
        yield from _unified(None, new_root / rel / name, rel / name)
    for name in sorted(cmp.common_funny):
        yield f"--- {rel / name}: a file on one side, a folder on the other\n"
    for name, sub in sorted(cmp.subdirs.items()):
        yield from _diff(sub, old_root, new_root, rel / name)


def _unified(old: Path | None, new: Path | None, rel: Path) -> Iterator[str]:
    if (old is not None and old.is_dir()) or (new is not None and new.is_dir()):
        side = "committed only" if new is None else "fresh only"
        yield f"--- {rel}/: folder present in {side}\n"
        return
    old_lines = old.read_text(encoding="utf-8").splitlines(keepends=True) if old else []
    new_lines = new.read_text(encoding="utf-8").splitlines(keepends=True) if new else []
    yield from difflib.unified_diff(
        old_lines,
        new_lines,
        fromfile=f"committed/{rel}" if old else "/dev/null",
        tofile=f"fresh/{rel}" if new else "/dev/null",
    )


if __name__ == "__main__":
    sys.exit(main())
