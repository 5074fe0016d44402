"""A changelog of the spec between two versions, grouped by operation, for release notes."""

from __future__ import annotations

from collections.abc import Sequence

from iotda_contract.governance.changes import Change, Severity

_HEADINGS = {Severity.BREAKING: "Breaking", Severity.WARNING: "Warning", Severity.INFO: "Changed"}
#: Edits that do not change what a client sends or reads, left out of release notes.
_SILENT = frozenset(("description-changed", "example-changed", "extension-changed", "links-changed"))


def changelog(changes: Sequence[Change], old_label: str, new_label: str) -> str:
    """Markdown: one section per operation (then one for the spec as a whole), most severe first."""
    shown = [change for change in changes if change.kind not in _SILENT]
    lines = [f"## API changes from `{old_label}` to `{new_label}`", ""]
    if not shown:
        return "\n".join([*lines, "No change that clients can see.", ""])
    counts = {severity: sum(c.severity is severity for c in shown) for severity in Severity}
    lines += [f"{counts[Severity.BREAKING]} breaking, {counts[Severity.WARNING]} to check, "
              f"{counts[Severity.INFO]} other changes.", ""]  # fmt: skip
    groups: dict[str, list[Change]] = {}
    for change in shown:
        groups.setdefault(change.operation or "", []).append(change)
    for operation in sorted(groups, key=lambda op: (op == "", _path_then_method(op))):
        lines += [f"### {f'`{operation}`' if operation else 'The whole API'}", ""]
        for change in sorted(groups[operation], key=lambda c: (c.severity.rank, c.location, c.kind)):
            element = change.location[len(operation) :].lstrip(": ") if operation else change.location
            where = f"{element}: " if element else ""
            note = ""
            if change.status == "accepted":
                note = f" (accepted: {change.reason})"
            elif change.status == "expired":
                note = f" (acceptance expired: {change.reason})"
            lines.append(f"- **{_HEADINGS[change.severity]}** {where}{change.message}{note}")
        lines.append("")
    return "\n".join(lines)


def _path_then_method(operation: str) -> tuple[str, str]:
    method, _, path = operation.partition(" ")
    return path, method
