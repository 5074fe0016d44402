"""What can go wrong in a conformance run, as a small tree of exceptions.

::

    ConformanceError          base class, never raised itself
    ├── TargetError           the backend cannot be used at all (bad URL, refused connection): exit 2
    ├── Violation             a law does not hold; carries the exchanges that show it: exit 1
    │   └── UnexpectedResponse  a valid request got a non-success status or a body that is not a page
    └── Skip                  a law cannot be checked against this backend (no data, writes not allowed)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from iotda_contract.conformance.target import Exchange


class ConformanceError(Exception):
    """Base class of the conformance suite's errors."""


class TargetError(ConformanceError):
    """The backend cannot be reached or used; the run stops with exit code 2."""


class Violation(ConformanceError):
    """A law does not hold. ``exchanges`` are the requests (and answers) that show it."""

    def __init__(self, message: str, exchanges: Sequence[Exchange] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.exchanges: tuple[Exchange, ...] = tuple(exchanges)


class UnexpectedResponse(Violation):
    """A request the contract calls valid was answered with an error or a body that is not a page."""


class Skip(ConformanceError):
    """The law cannot be checked here; the message says why."""
