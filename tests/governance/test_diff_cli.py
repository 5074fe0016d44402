"""``iotda-contract diff``: exit codes, output formats and git refs as sources."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from iotda_contract import cli
from iotda_contract import spec as spec_module

Doc = dict[str, Any]


def _write(path: Path, doc: Doc) -> Path:
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def original() -> Doc:
    doc: Doc = yaml.safe_load(spec_module.DEFAULT_SPEC_PATH.read_text(encoding="utf-8"))
    return doc


@pytest.fixture
def old_file(tmp_path: Path, original: Doc) -> Path:
    return _write(tmp_path / "old.yaml", original)


def _with_limit(original: Doc, **changes: Any) -> Doc:
    doc = json.loads(json.dumps(original))
    doc["components"]["parameters"]["Limit"]["schema"].update(changes)
    return doc


def test_same_spec_exits_0(old_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["diff", str(old_file), str(old_file)]) == 0
    assert "0 breaking, 0 warning, 0 info" in capsys.readouterr().out


def test_breaking_change_exits_1_and_is_listed(
    tmp_path: Path, old_file: Path, original: Doc, capsys: pytest.CaptureFixture[str]
) -> None:
    new = _write(tmp_path / "new.yaml", _with_limit(original, maximum=40))
    assert cli.main(["diff", str(old_file), str(new)]) == 1
    out = capsys.readouterr().out
    assert "1 breaking" in out
    assert "BREAKING request-constraint-tightened" in out
    assert "query limit: schema: maximum 50 -> 40" in out


def test_loosened_constraint_exits_0(
    tmp_path: Path, old_file: Path, original: Doc, capsys: pytest.CaptureFixture[str]
) -> None:
    new = _write(tmp_path / "new.yaml", _with_limit(original, maximum=100))
    assert cli.main(["diff", str(old_file), str(new)]) == 0
    assert "INFO     request-constraint-loosened" in capsys.readouterr().out


def test_fail_on_warning_fails_on_a_wider_answer(tmp_path: Path, old_file: Path, original: Doc) -> None:
    doc = json.loads(json.dumps(original))
    doc["components"]["schemas"]["TaskStatus"]["enum"].append("Cancelled")
    new = _write(tmp_path / "new.yaml", doc)
    assert cli.main(["diff", str(old_file), str(new)]) == 0
    assert cli.main(["diff", "--fail-on", "warning", str(old_file), str(new)]) == 1


def test_json_format(
    tmp_path: Path, old_file: Path, original: Doc, capsys: pytest.CaptureFixture[str]
) -> None:
    new = _write(tmp_path / "new.yaml", _with_limit(original, default=20, maximum=100))
    assert cli.main(["diff", "--format", "json", str(old_file), str(new)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["counts"] == {"breaking": 1, "warning": 0, "info": 1}
    by_kind = {change["kind"]: change for change in report["changes"]}
    assert by_kind["default-changed"]["old"] == 10
    assert by_kind["default-changed"]["new"] == 20
    assert by_kind["request-constraint-loosened"]["severity"] == "info"


def test_markdown_format(
    tmp_path: Path, old_file: Path, original: Doc, capsys: pytest.CaptureFixture[str]
) -> None:
    new = _write(tmp_path / "new.yaml", _with_limit(original, minimum=2))
    assert cli.main(["diff", "--format", "markdown", str(old_file), str(new)]) == 1
    out = capsys.readouterr().out
    assert "| Severity | Kind | Where | Change |" in out
    assert "| breaking | request-constraint-tightened |" in out


def test_missing_file_exits_2(old_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["diff", str(old_file), str(tmp_path / "absent.yaml")]) == 2
    assert "not of the form REF:path" in capsys.readouterr().err


def test_not_openapi_exits_2(old_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "other.yaml"
    other.write_text("just: text\n", encoding="utf-8")
    assert cli.main(["diff", str(old_file), str(other)]) == 2
    assert "not an OpenAPI document" in capsys.readouterr().err


def test_unknown_format_is_a_usage_error(old_file: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["diff", "--format", "html", str(old_file), str(old_file)])
    assert exit_info.value.code == 2


def test_git_ref_against_the_working_copy(
    tmp_path: Path, original: Doc, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "repo"
    (repo / "openapi").mkdir(parents=True)
    spec_file = _write(repo / "openapi" / "api.yaml", original)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=repo, check=True, timeout=60)
    subprocess.run([*git, "add", "openapi/api.yaml"], cwd=repo, check=True, timeout=60)
    subprocess.run([*git, "commit", "-q", "-m", "base"], cwd=repo, check=True, timeout=60)
    _write(spec_file, _with_limit(original, maximum=40))
    monkeypatch.chdir(repo)
    assert cli.main(["diff", "main:openapi/api.yaml", "openapi/api.yaml"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("main:openapi/api.yaml -> openapi/api.yaml: 1 breaking")
    assert cli.main(["diff", "no-such-branch:openapi/api.yaml", "openapi/api.yaml"]) == 2
    assert "no-such-branch" in capsys.readouterr().err
