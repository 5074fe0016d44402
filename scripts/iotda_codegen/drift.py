"""Compare a committed generation with a fresh one: unified diffs of every changed, missing or extra file."""

from __future__ import annotations

import difflib
import filecmp
from collections.abc import Iterator
from pathlib import Path

#: Never compared: caches, and build outputs (the generated .gitignore ignores them too).
IGNORED = ["__pycache__", ".mypy_cache", ".ruff_cache", "build", "dist"]


def diff_trees(committed: Path, fresh: Path) -> Iterator[str]:
    """Unified-diff lines for every file that differs, is missing or is extra (recursively)."""
    yield from _diff(filecmp.dircmp(committed, fresh, ignore=IGNORED), committed, fresh, Path())


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
