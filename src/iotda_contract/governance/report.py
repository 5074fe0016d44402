"""Render the gate's changes as text for people, JSON for machines or Markdown for a pull-request comment."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence

from iotda_contract.governance.changes import Change, Severity

FORMATS = ("text", "json", "markdown")


def render(changes: Sequence[Change], fmt: str, old_label: str, new_label: str) -> str:
    """The changes from ``old_label`` to ``new_label`` in format ``fmt`` (one of ``FORMATS``)."""
    if fmt == "json":
        return _json(changes, old_label, new_label)
    if fmt == "markdown":
        return _markdown(changes, old_label, new_label)
    if fmt == "text":
        return _text(changes, old_label, new_label)
    raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")


def summary(changes: Sequence[Change]) -> str:
    counts = Counter(change.severity for change in changes)
    return ", ".join(f"{counts.get(severity, 0)} {severity.value}" for severity in Severity)


def _json(changes: Sequence[Change], old_label: str, new_label: str) -> str:
    counts = Counter(change.severity.value for change in changes)
    document = {
        "old": old_label,
        "new": new_label,
        "counts": {severity.value: counts.get(severity.value, 0) for severity in Severity},
        "changes": [change.as_dict() for change in changes],
    }
    return json.dumps(document, indent=2, default=repr)


def _text(changes: Sequence[Change], old_label: str, new_label: str) -> str:
    lines = [f"{old_label} -> {new_label}: {summary(changes)}"]
    for change in changes:
        lines.append(
            f"{change.severity.value.upper():8} {change.kind:26} {change.location}: {change.message}"
        )
    return "\n".join(lines)


def _markdown(changes: Sequence[Change], old_label: str, new_label: str) -> str:
    lines = [f"### Spec changes: `{old_label}` -> `{new_label}`", "", f"**{summary(changes)}**", ""]
    if changes:
        lines += ["| Severity | Kind | Where | Change |", "|---|---|---|---|"]
        for change in changes:
            cells = (change.severity.value, change.kind, change.location, change.message)
            lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    else:
        lines.append("No change.")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
