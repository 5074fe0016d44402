"""Specs split over files: ``$ref``s to other files are followed, and a change is reported where it is."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from iotda_contract import cli
from iotda_contract.governance import SourceError, diff_specs, read_source

FIXTURES = Path(__file__).parent / "fixtures"
MULTIFILE = FIXTURES / "multifile"


def test_a_break_inside_a_referenced_file_is_reported_at_that_file() -> None:
    changes = diff_specs(read_source(str(MULTIFILE / "base/api.yaml")).spec,
                         read_source(str(MULTIFILE / "head/api.yaml")).spec)  # fmt: skip
    by_kind = {change.kind: change for change in changes}
    limit = by_kind["request-constraint-tightened"]
    assert limit.location == "GET /things: query limit: schema"
    assert limit.file is not None
    assert limit.file.endswith("head/parameters/common.yaml")
    assert limit.line == 8  # `maximum: 40`
    nested = by_kind["response-property-made-optional"]  # two folders down, through three files
    assert nested.file is not None
    assert nested.file.endswith("head/schemas/common/audit.yaml")


def test_github_annotations_match_the_golden_file(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(MULTIFILE)
    assert cli.main(["diff", "--format", "github", "base/api.yaml", "head/api.yaml"]) == 1
    assert capsys.readouterr().out == (MULTIFILE / "annotations.txt").read_text(encoding="utf-8")


def test_the_same_split_spec_has_no_change() -> None:
    spec = read_source(str(MULTIFILE / "base/api.yaml")).spec
    assert diff_specs(spec, spec) == []


def test_referenced_files_are_read_from_the_git_ref(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(MULTIFILE / "base", repo / "openapi")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=repo, check=True, timeout=60)
    subprocess.run([*git, "add", "."], cwd=repo, check=True, timeout=60)
    subprocess.run([*git, "commit", "-q", "-m", "base"], cwd=repo, check=True, timeout=60)
    shutil.copytree(MULTIFILE / "head", repo / "openapi", dirs_exist_ok=True)
    monkeypatch.chdir(repo)
    assert cli.main(["diff", "--format", "github", "main:openapi/api.yaml", "openapi/api.yaml"]) == 1
    out = capsys.readouterr().out
    assert "::error file=openapi/parameters/common.yaml,line=8," in out
    assert cli.main(["diff", "main:openapi/api.yaml", "main:openapi/api.yaml"]) == 0


def test_a_spec_reached_through_a_symbolic_link_in_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(MULTIFILE / "base", repo / "pkg" / "openapi")
    (repo / "openapi").mkdir()
    (repo / "openapi" / "api.yaml").symlink_to("../pkg/openapi/api.yaml")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=repo, check=True, timeout=60)
    subprocess.run([*git, "add", "."], cwd=repo, check=True, timeout=60)
    subprocess.run([*git, "commit", "-q", "-m", "base"], cwd=repo, check=True, timeout=60)
    monkeypatch.chdir(repo)
    assert cli.main(["diff", "main:openapi/api.yaml", "pkg/openapi/api.yaml"]) == 0
    assert ": 0 breaking, 0 warning, 0 info" in capsys.readouterr().out


def _write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder / "api.yaml"


_ROOT = """openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /a:
    get:
      operationId: A
      responses:
        "200":
          description: A.
          content:
            application/json:
              schema: {$ref: "%s"}
"""


def test_a_cycle_of_references_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _write(tmp_path, {"api.yaml": _ROOT % "a.yaml#/A", "a.yaml": "A: {$ref: 'b.yaml#/B'}\n",
                             "b.yaml": "B: {$ref: 'a.yaml#/A'}\n"})  # fmt: skip
    with pytest.raises(SourceError, match=r"circular \$ref: a\.yaml#/A -> b\.yaml#/B -> a\.yaml#/A"):
        read_source(str(root), cwd=tmp_path)
    assert cli.main(["diff", str(root), str(root)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "circular $ref" in err


def test_a_missing_file_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _write(tmp_path, {"api.yaml": _ROOT % "schemas/absent.yaml"})
    assert cli.main(["diff", str(root), str(root)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "api.yaml:12: $ref 'schemas/absent.yaml'" in err
    assert "schemas/absent.yaml" in err
    assert "No such file" in err


def test_a_pointer_to_nothing_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _write(tmp_path, {"api.yaml": _ROOT % "a.yaml#/Nope", "a.yaml": "A: {type: string}\n"})
    assert cli.main(["diff", str(root), str(root)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "has nothing there" in err
