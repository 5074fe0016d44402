"""The outcome of a run: one result per law, deviations by decision, the schemathesis summary; plain values.

Three kinds of finding are kept apart: a *violation* breaks what the platform's description states; a
*deviation* breaks only a decision of this contract (``docs/decisions.md``), where the description left a
choice; a *skip* is a law that could not be checked, with the reason.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

HELD = "held"
VIOLATED = "violated"
DEVIATED = "deviated"
SKIPPED = "skipped"
ERROR = "error"

PROFILE_CONTRACT = "contract"
PROFILE_PLATFORM = "platform"
PROFILES = (PROFILE_CONTRACT, PROFILE_PLATFORM)


@dataclass
class DeviationRecord:
    """A backend took another reading than one of the contract's decisions."""

    decision_id: str
    rule: str
    why: str
    law_id: str
    message: str
    exchanges: list[dict[str, Any]] = field(default_factory=list)

    @property
    def curl(self) -> list[str]:
        return [str(e["curl"]) for e in self.exchanges]


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
    #: Ids of the decisions this law found the backend deviating from.
    deviations: list[str] = field(default_factory=list)

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
    #: What was configured away from schemathesis' defaults, and why (shown in every report).
    notes: list[str] = field(default_factory=list)

    @classmethod
    def combine(cls, parts: list[SchemathesisResult]) -> SchemathesisResult:
        """The parts of one run as the run's result: totals added, what an earlier part said left out."""
        whole = cls(status=HELD, phases=list(dict.fromkeys(p for part in parts for p in part.phases)))
        for part in parts:
            whole.cases += part.cases
            whole.seconds += part.seconds
            for kind, number in part.responses.items():
                whole.responses[kind] = whole.responses.get(kind, 0) + number
            for name, texts in part.failures.items():
                known = whole.failures.setdefault(name, [])
                known += [text for text in texts if text not in known]
            whole.errors += [error for error in part.errors if error not in whole.errors]
            whole.notes += [note for note in part.notes if note not in whole.notes]
        whole.errors = whole.errors[:20]
        return whole.concluded()

    def concluded(self) -> SchemathesisResult:
        """This result with its status read from what was found: a failure violates, an error errs, and a
        run without a single 2xx answer is skipped (no check could look at a real answer)."""
        self.status, self.reason = HELD, ""
        if self.failures:
            self.status = VIOLATED
        elif self.errors:
            self.status, self.reason = ERROR, self.errors[0]
        elif self.cases and not self.responses.get("2xx"):
            self.status = SKIPPED
            self.reason = f"no request was answered 2xx ({self.responses}): check the credentials"
        return self


@dataclass
class CreatedTask:
    """A task the run created (by a law or by schemathesis) and whether it was deleted again."""

    export_task_id: str
    by: str
    deleted: bool = False
    note: str = ""


@dataclass
class RunResult:
    """A whole conformance run."""

    base_url: str
    project_id: str
    instance_id: str | None
    allow_writes: bool
    seed: int | None
    max_examples: int
    #: Examples of each law that writes (and of schemathesis' writes).
    max_write_examples: int = 10
    profile: str = PROFILE_CONTRACT
    accepted: list[str] = field(default_factory=list)
    laws: list[LawResult] = field(default_factory=list)
    deviations: list[DeviationRecord] = field(default_factory=list)
    schemathesis: SchemathesisResult | None = None
    seconds: float = 0.0
    requests: int = 0
    #: Requests sent again after a rate-limit answer (429, or the platform's rate-limit codes).
    rate_limit_retries: int = 0
    created: list[CreatedTask] = field(default_factory=list)
    max_records: int = 0
    #: Set when the run stopped before its end (interrupted, or the backend became unusable).
    stopped: str = ""

    @property
    def violated(self) -> list[LawResult]:
        return [r for r in self.laws if r.status == VIOLATED]

    @property
    def skipped(self) -> list[LawResult]:
        return [r for r in self.laws if r.status == SKIPPED]

    @property
    def held(self) -> list[LawResult]:
        return [r for r in self.laws if r.status in (HELD, DEVIATED)]

    @property
    def first_violation_at(self) -> float | None:
        times = [r.first_violation_at for r in self.laws if r.first_violation_at is not None]
        return min(times) if times else None

    @property
    def schemathesis_failed(self) -> bool:
        return self.schemathesis is not None and self.schemathesis.status in (VIOLATED, ERROR)

    @property
    def ok(self) -> bool:
        """No violation, no error, and (under the contract profile) no deviation."""
        return (
            not self.violated
            and not self.schemathesis_failed
            and not any(r.status == ERROR for r in self.laws)
            and not self.deviations
            and not self.stopped
        )

    def counts(self) -> dict[str, int]:
        """The closing line's numbers: laws held, violated, skipped, errors, and deviations by decision."""
        return {
            "held": len(self.held),
            "violated": len(self.violated) + int(self.schemathesis_failed),
            "deviations": len(self.deviations),
            "skipped": len(self.skipped),
            "errors": sum(r.status == ERROR for r in self.laws),
        }

    def closing_line(self) -> str:
        c = self.counts()
        text = (f"{c['held']} held, {c['violated']} violated, {c['deviations']} deviations, "
                f"{c['skipped']} skipped")  # fmt: skip
        if c["errors"]:
            text += f", {c['errors']} errors"
        return text

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["ok"] = self.ok
        data["violated"] = [r.law_id for r in self.violated]
        data["deviated"] = sorted({d.decision_id for d in self.deviations})
        data["counts"] = self.counts()
        data["first_violation_at"] = self.first_violation_at
        return data
