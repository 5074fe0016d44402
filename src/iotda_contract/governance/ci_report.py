"""The gate's changes for CI: GitHub workflow commands (annotations on the pull request) and JUnit XML."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from iotda_contract.governance.changes import Change, Severity


def fails(change: Change, fail_on: Severity) -> bool:
    return change.severity.rank <= fail_on.rank and change.status != "accepted"


def github(changes: Sequence[Change], fail_on: Severity, title: str) -> str:
    """``::error`` for each change that fails the gate, ``::warning`` for the other breaking and warning
    ones (accepted breaks included), ``::notice`` for information; each at its file and line."""
    lines = []
    for change in changes:
        if fails(change, fail_on):
            command = "error"
        elif change.severity is Severity.INFO:
            command = "notice"
        else:
            command = "warning"
        properties = []
        if change.file:
            properties.append(f"file={_property(change.file)}")
            if change.line:
                properties.append(f"line={change.line}")
        properties.append(f"title={_property(f'{change.kind} ({change.severity.value})')}")
        text = f"{change.location}: {change.message}"
        if change.status == "accepted":
            text += f" [accepted: {change.reason}]"
        elif change.status == "expired":
            text += f" [not accepted: {change.reason}]"
        lines.append(f"::{command} {','.join(properties)}::{_data(text)}")
    lines.append(title)
    return "\n".join(lines)


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def junit(changes: Sequence[Change], fail_on: Severity, name: str) -> str:
    """One test case per change (its rule and element); a failure for each change that fails the gate,
    a skipped case for an accepted one."""
    failures = sum(fails(change, fail_on) for change in changes)
    skipped = sum(change.status == "accepted" for change in changes)
    suites = ET.Element(
        "testsuites", name="iotda-contract diff", tests=str(len(changes)), failures=str(failures)
    )
    suite = ET.SubElement(
        suites, "testsuite", name=name, tests=str(len(changes)), failures=str(failures), skipped=str(skipped)
    )
    for change in changes:
        case = ET.SubElement(
            suite, "testcase", classname=change.operation or "spec", name=f"{change.kind}: {change.location}"
        )
        if change.file:
            case.set("file", change.file)
            if change.line:
                case.set("line", str(change.line))
        if fails(change, fail_on):
            failure = ET.SubElement(case, "failure", type=change.kind, message=change.message)
            failure.text = f"{change.severity.value} {change.kind} at {change.location}: {change.message}"
            if change.status == "expired":
                failure.text += f" [not accepted: {change.reason}]"
        elif change.status == "accepted":
            ET.SubElement(case, "skipped", message=f"accepted: {change.reason}")
        else:
            ET.SubElement(case, "system-out").text = f"{change.severity.value}: {change.message}"
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode")
