"""Render the gate's changes: text for people, JSON for machines, Markdown for a pull-request comment,
GitHub workflow commands and JUnit XML for CI, and a changelog for release notes."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence

from iotda_contract.governance import ci_report
from iotda_contract.governance.changelog import changelog
from iotda_contract.governance.changes import Change, Severity

FORMATS = ("text", "json", "markdown", "github", "junit", "changelog")


def render(
    changes: Sequence[Change], fmt: str, old_label: str, new_label: str, fail_on: Severity = Severity.BREAKING
) -> str:
    """The changes from ``old_label`` to ``new_label`` in format ``fmt`` (one of ``FORMATS``)."""
    if fmt == "json":
        return _json(changes, old_label, new_label)
    if fmt == "markdown":
        return _markdown(changes, old_label, new_label)
    if fmt == "text":
        return _text(changes, old_label, new_label)
    if fmt == "github":
        return ci_report.github(changes, fail_on, f"{old_label} -> {new_label}: {summary(changes)}")
    if fmt == "junit":
        return ci_report.junit(changes, fail_on, f"{old_label} -> {new_label}")
    if fmt == "changelog":
        return changelog(changes, old_label, new_label)
    raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")


def summary(changes: Sequence[Change]) -> str:
    counts = Counter(change.severity for change in changes)
    text = ", ".join(f"{counts.get(severity, 0)} {severity.value}" for severity in Severity)
    for status in ("accepted", "expired"):
        number = sum(change.status == status for change in changes)
        if number:
            text += f" ({number} {status})" if status == "accepted" else f" ({number} acceptance expired)"
    return text


def annotation(change: Change) -> str:
    """`` [accepted: reason]`` or `` [not accepted: reason (acceptance expired ...)]``, or nothing."""
    if change.status == "accepted":
        return f" [accepted: {change.reason}]"
    if change.status == "expired":
        return f" [not accepted: {change.reason}]"
    return ""


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
            + annotation(change)
        )
    return "\n".join(lines)


def _markdown(changes: Sequence[Change], old_label: str, new_label: str) -> str:
    lines = [f"### Spec changes: `{old_label}` -> `{new_label}`", "", f"**{summary(changes)}**", ""]
    if changes:
        lines += ["| Severity | Kind | Where | Change |", "|---|---|---|---|"]
        for change in changes:
            cells = (change.severity.value, change.kind, change.location, change.message + annotation(change))
            lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    else:
        lines.append("No change.")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
