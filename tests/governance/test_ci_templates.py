"""The CI templates parse and call make targets and subcommands that exist."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import yaml

from iotda_contract import cli
from iotda_contract.commands import MODULES

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "contract.yml"
PRE_COMMIT = ROOT / ".pre-commit-config.yaml"
MAKE_CALL = re.compile(r"\bmake\s+(?:--?[a-z-]+\s+)*([a-z][a-z-]*)")
CLI_CALL = re.compile(r"iotda-contract\s+([a-z][a-z-]*)")


def _make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([a-z][a-z-]*):", text, flags=re.MULTILINE))


def _workflow_runs() -> list[str]:
    workflow: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    # PyYAML reads the bare key `on` as the boolean True (YAML 1.1).
    assert "pull_request" in (workflow.get("on") or workflow.get(True))
    runs = []
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            assert "run" in step or "uses" in step, step
            if "run" in step:
                runs.append(step["run"])
    return runs


def test_workflow_calls_the_make_targets_of_each_stage() -> None:
    called = {m for run in _workflow_runs() for m in MAKE_CALL.findall(run)}
    assert {"install", "lint-spec", "check-generated", "check-breaking", "test"} <= called
    assert called <= _make_targets(), called - _make_targets()


def _cli_calls() -> list[list[str]]:
    """Each ``iotda-contract`` command line of the workflow, cut before redirections and ``&``."""
    calls = []
    for run in _workflow_runs():
        for line in run.replace("\\\n", " ").splitlines():
            words = shlex.split(line)
            if not words or not words[0].endswith("iotda-contract"):
                continue
            cut = next((i for i, w in enumerate(words) if w in (">", "2>", "&", "|", "&&", ";")), len(words))
            calls.append(words[1:cut])
    return calls


def test_workflow_cli_calls_parse() -> None:
    calls = _cli_calls()
    assert {"serve", "check"} <= {call[0] for call in calls}
    parser = cli.build_parser()
    for call in calls:
        assert call[0] in MODULES, f"the workflow runs 'iotda-contract {call[0]}', which does not exist"
        args = parser.parse_args(call)  # an unknown flag exits 2 here
        assert args.command == call[0]


def test_breaking_gate_runs_against_the_base_branch() -> None:
    gate = [run for run in _workflow_runs() if "check-breaking" in run]
    assert len(gate) == 1
    assert 'BASE="origin/$BASE_REF"' in gate[0]
    assert "pipefail" in gate[0]  # the gate's exit status survives the tee


def test_make_check_breaking_calls_the_diff_subcommand() -> None:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = text.split("\ncheck-breaking:", 1)[1].split("\n\n", 1)[0]
    assert "iotda-contract diff" in recipe
    assert "$(BASE):$(SPEC) $(SPEC)" in recipe


def test_pre_commit_hooks_lint_the_spec_and_check_drift() -> None:
    config = yaml.safe_load(PRE_COMMIT.read_text(encoding="utf-8"))
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert {"spec-lint", "generated-drift"} <= set(hooks)
    targets = _make_targets()
    for hook in hooks.values():
        assert hook["language"] == "system"
        called = MAKE_CALL.findall(hook["entry"])
        assert called, hook
        assert set(called) <= targets, hook
    assert MAKE_CALL.findall(hooks["spec-lint"]["entry"]) == ["lint-spec"]
    assert MAKE_CALL.findall(hooks["generated-drift"]["entry"]) == ["check-generated"]
