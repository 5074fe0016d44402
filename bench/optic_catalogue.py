"""Run Optic over the breaking-change catalogue, offline, and print docs/adopting.md's table.

Optic is not a dependency: install it once in a folder of your choice and point ``--optic`` at its binary.

    mkdir /tmp/optic && cd /tmp/optic && npm install @useoptic/optic@1.0.9
    .venv/bin/python bench/optic_catalogue.py --optic /tmp/optic/node_modules/.bin/optic

Each case of ``tests/governance/test_diff_catalogue.py`` is written next to the unchanged spec and compared
with ``optic diff base.yaml mutated.yaml --check`` (``OPTIC_TELEMETRY_LEVEL=off``); exit 1 counts as
"breaking", exit 0 as not, anything else as an error of the run (listed, never counted as either).
"""

from __future__ import annotations

import argparse
import copy
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "governance"))

from test_diff_catalogue import CATALOGUE  # noqa: E402

from iotda_contract import spec as spec_module  # noqa: E402
from iotda_contract.governance import RULES  # noqa: E402


def classify(optic: str, folder: Path) -> dict[str, int]:
    """Optic's exit code for every case of the catalogue."""
    original = yaml.safe_load(spec_module.DEFAULT_SPEC_PATH.read_text(encoding="utf-8"))
    base = folder / "base.yaml"
    base.write_text(yaml.safe_dump(original, sort_keys=False), encoding="utf-8")
    env = dict(os.environ, OPTIC_TELEMETRY_LEVEL="off")
    codes: dict[str, int] = {}
    for case in CATALOGUE:
        document = copy.deepcopy(original)
        case.mutate(document)
        mutated = folder / f"{case.case_id}.yaml"
        mutated.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
        run = subprocess.run([optic, "diff", str(base), str(mutated), "--check"], capture_output=True,
                             text=True, env=env, timeout=300, cwd=folder, check=False)  # fmt: skip
        codes[case.case_id] = run.returncode
        print(case.case_id, run.returncode, file=sys.stderr, flush=True)
    return codes


def table(codes: dict[str, int]) -> str:
    """Category -> cases -> this gate and Optic (correct / missed breaks / false alarms)."""
    by: dict[str, list[Any]] = defaultdict(list)
    for case in CATALOGUE:
        by[RULES[case.kind].category].append(case)
    optic = "Optic (correct / missed breaks / false alarms)"
    lines = [f"| Category | Cases (breaking / not) | This gate | {optic} |", "|---|---|---|---|"]

    def row(name: str, cases: list[Any]) -> str:
        judged = [c for c in cases if codes.get(c.case_id) in (0, 1)]
        breaking = sum(c.breaking for c in cases)
        correct = sum((codes[c.case_id] == 1) == c.breaking for c in judged)
        missed = sum(c.breaking and codes[c.case_id] == 0 for c in judged)
        alarms = sum(not c.breaking and codes[c.case_id] == 1 for c in judged)
        counts = f"{len(cases)} ({breaking} / {len(cases) - breaking})"
        optic = f"{correct}/{len(judged)} ({missed} / {alarms})"
        return f"| {name} | {counts} | {len(cases)}/{len(cases)} | {optic} |"

    lines += [row(category, by[category]) for category in sorted(by)]
    lines.append(row("**all**", list(CATALOGUE)))
    errors = sorted(case for case, code in codes.items() if code not in (0, 1))
    if errors:
        lines.append(f"\nOptic failed to run on: {', '.join(errors)}")
    return "\n".join(lines)


def main() -> int:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("--optic", required=True, help="the optic binary (node_modules/.bin/optic)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="optic-catalogue-") as folder:
        print(table(classify(args.optic, Path(folder))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
