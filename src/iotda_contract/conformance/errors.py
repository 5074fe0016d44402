"""What can go wrong in a conformance run, as a small tree of exceptions.

::

    ConformanceError          base class, never raised itself
    ├── TargetError           the backend cannot be used at all (bad URL, refused connection): exit 2
    │   └── RateLimited       the backend kept answering with its rate limit after every retry: exit 2
    ├── Violation             a law does not hold; carries the exchanges that show it: exit 1
    │   └── UnexpectedResponse  a valid request got a non-success status or a body that is not a page
    └── Skip                  a law cannot be checked against this backend (writes not allowed, a walk cut)
        └── NoRecords         the project holds no records: the run cannot judge anything (exit 2)
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


class RateLimited(TargetError):
    """The backend kept refusing with a rate limit (429 or the platform's codes) after every retry."""


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


class NoRecords(Skip):
    """The law needs records and the project holds none."""
