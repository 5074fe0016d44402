"""The ``--db`` file checked before use: one clear reason when it cannot be used, and the lock that keeps a
second mock off it."""

from __future__ import annotations

import errno
import fcntl
import os
import sqlite3
from pathlib import Path


class StorageError(Exception):
    """The ``--db`` file cannot be used; the message is one line, naming the file and why."""


#: SQLite's words -> what they mean for the file, in the one-line message of a StorageError.
_SQLITE_REASONS = (
    ("file is not a database", "is not a SQLite database"),
    ("malformed", "is corrupt (database disk image is malformed)"),
    ("readonly", "is read-only"),
    ("locked", "is locked by another process"),
    ("disk i/o error", "cannot be read or written (disk I/O error)"),
    ("unable to open", "cannot be opened"),
)


def storage_error(path: str, err: sqlite3.Error) -> StorageError:
    text = str(err)
    for words, meaning in _SQLITE_REASONS:
        if words in text.lower():
            return StorageError(f"the database {path} {meaning}")
    return StorageError(f"the database {path} cannot be used: {text}")


def lock_path(path: str | Path) -> Path:
    """The sidecar file a store locks (``flock``) while it uses ``path``: ``<db>.lock``."""
    return Path(f"{path}.lock")


def check_path(path: Path) -> None:
    """Refuse, with a clear reason, what SQLite would only call "unable to open database file"."""
    folder = path.parent
    if path.is_dir():
        raise StorageError(f"the database {path} is a directory")
    if not folder.exists():
        raise StorageError(f"the database {path} cannot be created: the folder {folder} does not exist")
    if not folder.is_dir():
        raise StorageError(f"the database {path} cannot be created: {folder} is not a folder")
    if path.exists():
        if not os.access(path, os.R_OK):
            raise StorageError(f"the database {path} cannot be read (permission denied)")
        if not os.access(path, os.W_OK):
            raise StorageError(f"the database {path} is read-only")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise StorageError(
            f"the database {path} cannot be used: its folder is not writable (for SQLite's -wal, -shm files)"
        )


def lock(path: Path) -> int:
    """Take the exclusive lock of ``path`` (its ``.lock`` file, holding the owner's pid); its descriptor."""
    sidecar = lock_path(path)
    try:
        fd = os.open(sidecar, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as err:
        raise StorageError(f"cannot create the lock file {sidecar}: {err.strerror}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as err:
        owner = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        os.close(fd)
        if err.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            who = f"another mock (pid {owner})" if owner.isdigit() else "another mock"
            message = f"the database {path} is in use by {who}; give each mock its own --db"
            raise StorageError(message) from None
        raise StorageError(f"cannot lock {sidecar}: {err.strerror}") from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return fd
