"""Write a run's results: report.json, JUnit XML and a Markdown summary for a pull-request comment."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

from iotda_contract.conformance.redact import PLAIN, Redactor
from iotda_contract.conformance.results import ERROR, SKIPPED, VIOLATED, RunResult

_ICON = {"held": "✅ held", "violated": "❌ violated", "skipped": "⏭️ skipped", "error": "💥 error",
         "deviated": "⚠️ deviates"}  # fmt: skip


def write_reports(result: RunResult, folder: Path, redact: Redactor = PLAIN) -> list[Path]:
    """Write the three reports into ``folder`` (created), every secret redacted; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / "report.json", folder / "junit.xml", folder / "summary.md"]
    paths[0].write_text(redact(json.dumps(result.to_dict(), indent=2, default=str)) + "\n", encoding="utf-8")
    paths[1].write_text(redact(junit_xml(result).decode("utf-8")), encoding="utf-8")
    paths[2].write_text(redact(markdown(result)), encoding="utf-8")
    return paths


def junit_xml(result: RunResult) -> bytes:
    """One test case per law and one per schemathesis check that failed."""
    suites = ET.Element("testsuites", name="iotda-contract check")
    laws = ET.SubElement(suites, "testsuite", name="paging-laws", tests=str(len(result.laws)),
                         failures=str(len(result.violated)),
                         skipped=str(sum(r.status == SKIPPED for r in result.laws)),
                         errors=str(sum(r.status == ERROR for r in result.laws)))  # fmt: skip
    for law in result.laws:
        case = ET.SubElement(laws, "testcase", classname="laws", name=law.law_id, time=f"{law.seconds:.3f}")
        if law.status == VIOLATED:
            failure = ET.SubElement(case, "failure", message=law.reason)
            failure.text = "\n".join([law.statement, law.reason, "", *law.curl])
        elif law.status == SKIPPED:
            ET.SubElement(case, "skipped", message=law.reason)
        elif law.status == ERROR:
            ET.SubElement(case, "error", message=law.reason)
        elif law.deviations:
            ET.SubElement(case, "system-out").text = law.reason
    st = result.schemathesis
    if st is not None:
        suite = ET.SubElement(suites, "testsuite", name="schemathesis", tests=str(max(1, len(st.failures))),
                              failures=str(len(st.failures)))  # fmt: skip
        if not st.failures:
            case = ET.SubElement(suite, "testcase", classname="schemathesis", name="all-checks",
                                 time=f"{st.seconds:.3f}")  # fmt: skip
            if st.status == SKIPPED:
                ET.SubElement(case, "skipped", message=st.reason)
        for check, messages in st.failures.items():
            case = ET.SubElement(suite, "testcase", classname="schemathesis", name=check)
            failure = ET.SubElement(case, "failure", message=messages[0].splitlines()[0])
            failure.text = "\n\n".join(messages)
    return bytes(ET.tostring(suites, encoding="utf-8", xml_declaration=True))


def markdown(result: RunResult) -> str:
    """A summary short enough for a pull-request comment."""
    from iotda_contract.commands.check import verdict

    icon = "✅" if result.ok else ("⚠️" if not result.violated and not result.schemathesis_failed else "❌")
    lines = [
        f"## iotda-contract check: {icon} {verdict(result)}",
        "",
        f"**{result.closing_line()}.** Profile `{result.profile}`"
        + (f" (accepted: {', '.join(result.accepted)})" if result.accepted else "")
        + f"; target `{result.base_url}`, project `{result.project_id}`, "
        f"instance `{result.instance_id or '(default)'}`"
        f"; writes {'allowed' if result.allow_writes else 'not allowed'}; seed {result.seed} "
        f"(replay with `--seed {result.seed}`); {result.max_examples} examples per law "
        f"({result.max_write_examples} per law that writes); "
        f"{result.requests} requests ({result.rate_limit_retries} rate-limit retries) "
        f"in {result.seconds:.1f} s.",
        "",
        "| law | result | why |",
        "|---|---|---|",
    ]
    for law in result.laws:
        lines.append(f"| `{law.law_id}` | {_ICON.get(law.status, law.status)} | {_cell(law.reason)} |")
    st = result.schemathesis
    if st is not None:
        lines += [
            "",
            f"### schemathesis: {_ICON.get(st.status, st.status)} ({st.cases} cases, {st.seconds:.1f} s)",
        ]
        for check, messages in st.failures.items():
            lines.append(f"- `{check}`: {_cell(messages[0].splitlines()[0])}")
        if st.reason:
            lines.append(f"- {_cell(st.reason)}")
        lines += [f"- note: {_cell(note)}" for note in st.notes]
    for law in result.violated:
        lines += [
            "",
            f"### ❌ `{law.law_id}`: {law.statement}",
            "",
            law.reason,
            "",
            "```sh",
            *law.curl,
            "```",
        ]
    if result.deviations:
        lines += ["", "### Deviations from the contract's decisions", "", _DEVIATIONS, "",
                  "| decision | rule | found by | what the backend did |", "|---|---|---|---|"]  # fmt: skip
        for d in result.deviations:
            lines.append(f"| `{d.decision_id}` | {_cell(d.rule)} | `{d.law_id}` | {_cell(d.message)} |")
    if result.created:
        kept = [t for t in result.created if not t.deleted]
        lines += ["", f"### Tasks created: {len(result.created)}, left behind: {len(kept)}", ""]
        lines += [f"- `{t.export_task_id}` ({t.by}): {t.note}" for t in kept]
    if result.stopped:
        lines += ["", f"**The run stopped early:** {_cell(result.stopped)}"]
    return "\n".join(lines) + "\n"


_DEVIATIONS = (
    "These are readings the platform's description leaves open; the contract chose otherwise "
    "(docs/decisions.md). `--accept ID` waives one; `--profile platform` judges the description alone."
)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")[:300]
