"""Contract governance: the breaking-change gate between two versions of the spec."""

from __future__ import annotations

from iotda_contract.governance.changes import Change, Severity, Side
from iotda_contract.governance.diff import diff_specs, is_breaking
from iotda_contract.governance.report import FORMATS, render
from iotda_contract.governance.sources import Source, SourceError, read_source

__all__ = [
    "FORMATS",
    "Change",
    "Severity",
    "Side",
    "Source",
    "SourceError",
    "diff_specs",
    "is_breaking",
    "read_source",
    "render",
]
