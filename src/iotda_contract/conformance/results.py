"""The outcome of a run: one result per law, the schemathesis summary, timings; plain values for reports."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

HELD = "held"
VIOLATED = "violated"
SKIPPED = "skipped"
ERROR = "error"


@dataclass
class LawResult:
    """What happened to one law."""

    law_id: str
    statement: str
    status: str
    reason: str = ""
    exchanges: list[dict[str, Any]] = field(default_factory=list)
    examples: int = 0
    seconds: float = 0.0
    #: Seconds from the start of the run to the first violation of this law (before shrinking).
    first_violation_at: float | None = None
    engine: str = "hypothesis"

    @property
    def curl(self) -> list[str]:
        return [str(e["curl"]) for e in self.exchanges]


@dataclass
class SchemathesisResult:
    """Summary of the schemathesis run: per-check failures and totals."""

    status: str
    cases: int = 0
    failures: dict[str, list[str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    phases: list[str] = field(default_factory=list)
    reason: str = ""
    #: Responses seen, by status class ("2xx", "4xx", ...).
    responses: dict[str, int] = field(default_factory=dict)


@dataclass
class RunResult:
    """A whole conformance run."""

    base_url: str
    project_id: str
    instance_id: str | None
    allow_writes: bool
    seed: int | None
    max_examples: int
    laws: list[LawResult] = field(default_factory=list)
    schemathesis: SchemathesisResult | None = None
    seconds: float = 0.0
    requests: int = 0

    @property
    def violated(self) -> list[LawResult]:
        return [r for r in self.laws if r.status == VIOLATED]

    @property
    def first_violation_at(self) -> float | None:
        times = [r.first_violation_at for r in self.laws if r.first_violation_at is not None]
        return min(times) if times else None

    @property
    def ok(self) -> bool:
        failed_st = self.schemathesis is not None and self.schemathesis.status == VIOLATED
        return not self.violated and not failed_st and not any(r.status == ERROR for r in self.laws)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["ok"] = self.ok
        data["violated"] = [r.law_id for r in self.violated]
        data["first_violation_at"] = self.first_violation_at
        return data
