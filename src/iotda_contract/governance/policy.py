"""Accepted breaks: the accept file turns an approved change into an accepted one until it expires.

.. code-block:: yaml

    # .iotda-contract-accept.yaml
    accepted:
      - rule: request-constraint-tightened
        path: "GET /v5/iot/{project_id}/export-tasks: query limit: schema"
        reason: "API board, 2026-03-02: no client sends more than 40"
        expires: 2026-06-30   # optional; from the next day on the change fails again
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from iotda_contract.governance import deprecation
from iotda_contract.governance.changes import Change
from iotda_contract.governance.rules import RULES

#: The accept file read from the current folder when ``--accept-file`` is not given.
DEFAULT_ACCEPT_FILE = ".iotda-contract-accept.yaml"


class PolicyError(ValueError):
    """The accept file cannot be used: unreadable, or an entry without rule, path or reason."""


@dataclass(frozen=True)
class Acceptance:
    """One approved change: the rule it breaks, the element (a change's location), why, until when."""

    rule: str
    path: str
    reason: str
    expires: dt.date | None = None


def read_acceptances(path: Path) -> list[Acceptance]:
    """The entries of an accept file; an unknown rule id or a missing field is a ``PolicyError``."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as err:
        raise PolicyError(f"{path}: {' '.join(str(err).split())}") from err
    entries = document.get("accepted") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise PolicyError(f"{path}: expected a list under 'accepted'")
    result = []
    for number, entry in enumerate(entries, start=1):
        where = f"{path}: entry {number}"
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(k), str) for k in ("rule", "path", "reason")
        ):
            raise PolicyError(f"{where}: needs rule, path and reason (strings)")
        if entry["rule"] not in RULES:
            raise PolicyError(f"{where}: no rule {entry['rule']!r} (see docs/adopting.md)")
        expires = deprecation.as_date(entry.get("expires"))
        if entry.get("expires") is not None and expires is None:
            raise PolicyError(f"{where}: expires must be a date (YYYY-MM-DD)")
        result.append(Acceptance(entry["rule"], entry["path"], entry["reason"].strip(), expires))
    return result


def apply(
    changes: Sequence[Change], acceptances: Sequence[Acceptance], today: dt.date | None = None
) -> list[Change]:
    """``changes`` with each one an acceptance names marked ``accepted``, or ``expired`` past its date."""
    day = today or dt.date.today()
    by_key = {(a.rule, a.path): a for a in acceptances}
    result = []
    for change in changes:
        acceptance = by_key.get((change.kind, change.location))
        if acceptance is None:
            result.append(change)
        elif acceptance.expires is not None and acceptance.expires < day:
            reason = f"{acceptance.reason} (acceptance expired {acceptance.expires.isoformat()})"
            result.append(dataclasses.replace(change, status="expired", reason=reason))
        else:
            result.append(dataclasses.replace(change, status="accepted", reason=acceptance.reason))
    return result


def unused(changes: Sequence[Change], acceptances: Sequence[Acceptance]) -> list[Acceptance]:
    """The acceptances that name no change of this comparison (stale entries to delete)."""
    keys = {(c.kind, c.location) for c in changes}
    return [a for a in acceptances if (a.rule, a.path) not in keys]
