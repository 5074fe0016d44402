"""The conformance suite: the paging laws (hypothesis), schemathesis, and the runner behind ``check``.

Importing the package registers every law. The public surface::

    from iotda_contract.conformance import CheckOptions, run_check
    result = run_check(CheckOptions(base_url=..., project_id=..., token=...))
    result.ok, result.violated, result.deviations
"""

from __future__ import annotations

from iotda_contract.conformance import laws_file, laws_read, laws_reject, laws_write
from iotda_contract.conformance.context import LawContext
from iotda_contract.conformance.contract import PagingContract, load_contract
from iotda_contract.conformance.errors import RateLimited, Skip, TargetError, Violation
from iotda_contract.conformance.registry import LAWS, Law, all_laws
from iotda_contract.conformance.results import (
    PROFILE_CONTRACT,
    PROFILE_PLATFORM,
    DeviationRecord,
    LawResult,
    RunResult,
    SchemathesisResult,
)
from iotda_contract.conformance.runner import CheckOptions, RunStopped, UsageError, run_check
from iotda_contract.conformance.target import Target

__all__ = [
    "LAWS",
    "PROFILE_CONTRACT",
    "PROFILE_PLATFORM",
    "CheckOptions",
    "DeviationRecord",
    "Law",
    "LawContext",
    "LawResult",
    "PagingContract",
    "RateLimited",
    "RunResult",
    "RunStopped",
    "SchemathesisResult",
    "Skip",
    "Target",
    "TargetError",
    "UsageError",
    "Violation",
    "all_laws",
    "laws_file",
    "laws_read",
    "laws_reject",
    "laws_write",
    "load_contract",
    "run_check",
]
