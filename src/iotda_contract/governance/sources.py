"""Read a spec version given as a file or as ``REF:path`` in git, with the files its ``$ref``s name."""

from __future__ import annotations

import os
import posixpath
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from iotda_contract import spec as spec_module
from iotda_contract.governance import documents

_SYMLINK_MODE = "120000"
_MAX_LINKS = 8


class SourceError(ValueError):
    """The argument names no readable spec: no such file, unknown git ref or path, not OpenAPI, a bad $ref."""


@dataclass(frozen=True)
class Source:
    """One version of the spec and how the user named it."""

    label: str
    spec: spec_module.Spec


def read_source(argument: str, cwd: Path | None = None) -> Source:
    """An existing file is read as such; otherwise ``REF:path`` is read with ``git show`` in ``cwd``.

    Files named by ``$ref`` are read from the same place: beside the file, or from the same git ref.
    """
    folder = cwd or Path.cwd()
    path = Path(argument) if Path(argument).is_absolute() else folder / argument
    try:
        if path.is_file():
            # A symbolic link is read as the file it names: its $refs are relative to that file.
            return Source(argument, documents.load(path.resolve().as_uri(), _file_store(folder)))
        ref, colon, inner = argument.partition(":")
        if not colon or not ref or not inner:
            raise SourceError(f"{argument}: no such file, and not of the form REF:path")
        top = _git(folder, "rev-parse", "--show-toplevel").decode().strip()
        if inner.startswith("./"):  # git's own reading: relative to the current folder
            inner = (Path(os.path.relpath(folder, top)) / inner).as_posix()
        inner = posixpath.normpath(inner)
        try:
            inner = _git_target(Path(top), ref, inner)
            return Source(argument, documents.load(f"file:///{inner}", _git_store(Path(top), ref)))
        except FileNotFoundError as err:
            raise SourceError(f"{argument}: {err.filename}: {err.strerror}") from err
        except documents.DocumentError as err:
            raise SourceError(f"{argument}: {err}") from err
    except documents.DocumentError as err:
        raise SourceError(str(err)) from err


def _path_of(uri: str) -> str:
    return unquote(urlparse(uri).path)


def _file_store(folder: Path) -> documents.Store:
    def name(uri: str) -> str:
        path = _path_of(uri)
        relative = os.path.relpath(path, folder.resolve())
        return path if relative.startswith("..") else Path(relative).as_posix()

    return documents.Store(read=lambda uri: Path(_path_of(uri)).read_bytes(), name=name)


def _git_target(top: Path, ref: str, inner: str) -> str:
    """The path of the file ``inner`` is at ``ref``, following symbolic links (a moved spec leaves one)."""
    for _ in range(_MAX_LINKS):
        listing = _git(top, "ls-tree", ref, "--", inner).decode("utf-8", "replace").split()
        if not listing:
            raise FileNotFoundError(0, f"not in {ref}", inner)
        if listing[0] != _SYMLINK_MODE:
            return inner
        target = _git(top, "show", f"{ref}:{inner}").decode().strip()
        inner = posixpath.normpath(posixpath.join(posixpath.dirname(inner), target))
    raise FileNotFoundError(0, f"more than {_MAX_LINKS} symbolic links", inner)


def _git_store(top: Path, ref: str) -> documents.Store:
    def read(uri: str) -> bytes:
        return _git(top, "show", f"{ref}:{_git_target(top, ref, _path_of(uri).lstrip('/'))}")

    def name(uri: str) -> str:
        return _path_of(uri).lstrip("/")

    return documents.Store(read=read, name=name)


def _git(folder: Path, *args: str) -> bytes:
    completed = subprocess.run(["git", *args], cwd=folder, capture_output=True, timeout=60, check=False)
    if completed.returncode != 0:
        reason = completed.stderr.decode("utf-8", "replace").strip() or f"git exited {completed.returncode}"
        raise documents.DocumentError(" ".join(reason.split()))
    return completed.stdout
