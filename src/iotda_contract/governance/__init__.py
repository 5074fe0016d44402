"""Contract governance: the breaking-change gate between two versions of the spec."""

from __future__ import annotations

from iotda_contract.governance.changes import Change, Severity, Side
from iotda_contract.governance.diff import diff_specs, failing, is_breaking
from iotda_contract.governance.policy import (
    DEFAULT_ACCEPT_FILE,
    Acceptance,
    PolicyError,
    apply,
    read_acceptances,
    unused,
)
from iotda_contract.governance.report import FORMATS, render
from iotda_contract.governance.rules import RULES, Rule
from iotda_contract.governance.sources import Source, SourceError, read_source

__all__ = [
    "DEFAULT_ACCEPT_FILE",
    "FORMATS",
    "RULES",
    "Acceptance",
    "Change",
    "PolicyError",
    "Rule",
    "Severity",
    "Side",
    "Source",
    "SourceError",
    "apply",
    "diff_specs",
    "failing",
    "is_breaking",
    "read_acceptances",
    "read_source",
    "render",
    "unused",
]
