"""The vocabulary of the breaking-change gate: a change, its severity and the side of the wire it is on."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.StrEnum):
    """How a change affects existing clients; ``BREAKING`` fails the gate."""

    BREAKING = "breaking"
    WARNING = "warning"  # may break strict clients (a wider answer, a new status code)
    INFO = "info"  # safe: a loosened request rule, an optional field, a description

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.BREAKING: 0, Severity.WARNING: 1, Severity.INFO: 2}


class Side(enum.StrEnum):
    """Which way a schema's values travel: clients write requests and read responses."""

    REQUEST = "request"
    RESPONSE = "response"


@dataclass(frozen=True)
class Change:
    """One difference between two versions of the spec."""

    severity: Severity
    #: A stable identifier of the kind of change, such as ``constraint-tightened``.
    kind: str
    #: Where: the operation and the element, such as ``GET /v5/... query limit: schema``.
    location: str
    message: str
    old: Any = field(default=None, compare=False)
    new: Any = field(default=None, compare=False)
    #: The file of the new spec, and the 1-based line, that holds the changed element (or its parent).
    file: str | None = field(default=None, compare=False)
    line: int | None = field(default=None, compare=False)
    #: ``accepted`` (by the accept file), ``expired`` (its acceptance expired) or empty.
    status: str = field(default="", compare=False)
    #: The acceptance's reason, for an accepted or expired change.
    reason: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        from iotda_contract.governance.rules import rule  # here: rules imports this module

        if rule(self.kind).level is not self.severity:
            raise ValueError(f"{self.kind} is a {rule(self.kind).level} rule, reported as {self.severity}")

    @property
    def operation(self) -> str | None:
        """``METHOD /path`` of the operation the change is in, or ``None`` for a spec-wide change."""
        head = self.location.split(": ", 1)[0]
        method, _, path = head.partition(" ")
        return head if method.isupper() and path.startswith("/") else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity.value,
            "kind": self.kind,
            "location": self.location,
            "message": self.message,
            "old": self.old,
            "new": self.new,
            "file": self.file,
            "line": self.line,
            "status": self.status,
            "reason": self.reason,
        }


def side_kind(side: Side, kind: str) -> str:
    """The rule id of a change whose level depends on the side: ``request-enum-narrowed``."""
    return f"{side.value}-{kind}"


def constraint_severity(side: Side, tightened: bool) -> Severity:
    """A tighter rule breaks the clients that write values, a looser one may break those that read them."""
    if side is Side.REQUEST:
        return Severity.BREAKING if tightened else Severity.INFO
    return Severity.INFO if tightened else Severity.WARNING
