"""Outputs for CI and release notes: JUnit XML, and the changelog of a fixture history in git."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from iotda_contract import cli

FIXTURES = Path(__file__).parent / "fixtures"
HISTORY = FIXTURES / "history"
GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false"]


def test_junit_has_a_failure_per_failing_change(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(FIXTURES / "multifile")
    assert cli.main(["diff", "--format", "junit", "base/api.yaml", "head/api.yaml"]) == 1
    suite = ET.fromstring(capsys.readouterr().out).find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures")) == ("4", "2")
    failed = {case.get("name"): case for case in suite if case.find("failure") is not None}
    limit = failed["request-constraint-tightened: GET /things: query limit: schema"]
    assert (limit.get("file"), limit.get("line"), limit.get("classname")) == (
        "head/parameters/common.yaml",
        "8",
        "GET /things",
    )


def _history(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run([*GIT, "init", "-q", "-b", "main"], cwd=repo, check=True, timeout=60)
    for version in ("v1", "v2", "v3"):
        shutil.copy(HISTORY / f"{version}.yaml", repo / "api.yaml")
        subprocess.run([*GIT, "add", "api.yaml"], cwd=repo, check=True, timeout=60)
        subprocess.run([*GIT, "commit", "-q", "-m", version], cwd=repo, check=True, timeout=60)
        subprocess.run([*GIT, "tag", version], cwd=repo, check=True, timeout=60)
    return repo


def test_changelog_between_two_tags_matches_the_golden_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(_history(tmp_path))
    cli.main(["diff", "--format", "changelog", "v1:api.yaml", "v3:api.yaml"])
    assert capsys.readouterr().out == (HISTORY / "CHANGELOG-v1-v3.md").read_text(encoding="utf-8")


def test_changelog_of_a_release_that_only_adds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(_history(tmp_path))
    assert cli.main(["diff", "--format", "changelog", "v1:api.yaml", "v2:api.yaml"]) == 0
    out = capsys.readouterr().out
    assert "### `GET /things`" in out
    assert "- **Changed** query colour: deprecated" in out
    assert "description edited" not in out  # documentation-only edits stay out of release notes
