"""Deprecation-aware removals: an element deprecated in the base version (or past its x-sunset) may go."""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

SUNSET_EXTENSION = "x-sunset"

_TODAY: contextvars.ContextVar[dt.date | None] = contextvars.ContextVar("iotda_diff_today", default=None)


@contextmanager
def today_is(day: dt.date | None) -> Iterator[None]:
    """Judge sunset dates (and acceptance expiries) as of ``day`` (``None``: the real today)."""
    token = _TODAY.set(day)
    try:
        yield
    finally:
        _TODAY.reset(token)


def today() -> dt.date:
    return _TODAY.get() or dt.date.today()


def as_date(value: Any) -> dt.date | None:
    """A YAML date, or an ISO date (or date-time) string; ``None`` for anything else."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def removal(old: Any, kind: str, message: str) -> tuple[str, str]:
    """The rule id and message for removing ``old``: ``deprecated-<kind>`` once it may go, else ``kind``."""
    if not isinstance(old, Mapping):
        return kind, message
    sunset = as_date(old.get(SUNSET_EXTENSION))
    if sunset is not None and sunset > today():
        return kind, f"{message} before its sunset date {sunset.isoformat()}"
    if sunset is not None:
        return f"deprecated-{kind}", f"{message} (its sunset date {sunset.isoformat()} has passed)"
    if old.get("deprecated") is True:
        return f"deprecated-{kind}", f"{message} (it was deprecated)"
    return kind, message
