"""Read a spec version given as a file or as ``REF:path`` in git (``origin/main:openapi/spec.yaml``)."""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from iotda_contract import spec as spec_module


class SourceError(ValueError):
    """The argument names no readable spec: no such file, unknown git ref or path, not OpenAPI."""


@dataclass(frozen=True)
class Source:
    """One version of the spec and how the user named it."""

    label: str
    spec: spec_module.Spec


def read_source(argument: str, cwd: Path | None = None) -> Source:
    """An existing file is read as such; otherwise ``REF:path`` is read with ``git show`` in ``cwd``."""
    folder = cwd or Path.cwd()
    path = Path(argument) if Path(argument).is_absolute() else folder / argument
    if path.is_file():
        return Source(argument, _load(path))
    ref, colon, inner = argument.partition(":")
    if not colon or not ref or not inner:
        raise SourceError(f"{argument}: no such file, and not of the form REF:path")
    completed = subprocess.run(
        ["git", "show", f"{ref}:{inner}"],
        cwd=folder,
        capture_output=True,
        timeout=60,
        check=False,
    )
    if completed.returncode != 0:
        reason = completed.stderr.decode("utf-8", "replace").strip() or f"git exited {completed.returncode}"
        raise SourceError(f"{argument}: {reason}")
    with tempfile.TemporaryDirectory(prefix="iotda-diff-") as tmp:
        copy = Path(tmp) / (Path(inner).name or "spec.yaml")
        copy.write_bytes(completed.stdout)
        return Source(argument, _load(copy))


def _load(path: Path) -> spec_module.Spec:
    try:
        return spec_module.load(path)
    except (spec_module.SpecError, KeyError, TypeError) as err:
        raise SourceError(str(err)) from err
