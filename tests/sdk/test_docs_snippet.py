"""The README section "Using the official SDK against the mock" runs as written against the mock."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import xlrd

from iotda_contract.mock.testing import serve_subprocess

README = Path(__file__).resolve().parents[2] / "README.md"
SECTION = "## Using the official SDK against the mock"


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(SECTION)
    end = text.find("\n## ", start + len(SECTION))
    return text[start : end if end != -1 else len(text)]


def fenced(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```$", _section(), flags=re.S | re.M)


def test_the_readme_snippet_runs_against_the_mock(tmp_path):
    (credentials,) = fenced("json")
    (snippet,) = fenced("python")
    (command,) = fenced("sh")
    assert "--auth verify --credentials credentials.json" in command
    path = tmp_path / "credentials.json"
    path.write_text(credentials, encoding="utf-8")
    home = tmp_path / "home"
    home.mkdir()
    with serve_subprocess(["--auth", "verify", "--credentials", str(path)]) as server:
        env = {**os.environ, "HOME": str(home), "IOTDA_MOCK_URL": server.url}
        result = subprocess.run(
            [sys.executable, "-c", snippet], env=env, capture_output=True, text=True, timeout=60, check=False,
            cwd=tmp_path,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("created ")
    task_id = lines[0].split()[1]
    assert any(line.startswith(task_id + " ") for line in lines[1:]), "the walk lists the created task"
    assert any(line.startswith("400 IOTDA.000017 ") for line in lines), "the error reaches the SDK user"
    downloaded = (tmp_path / f"{task_id}.xls").read_bytes()
    assert f"downloaded {len(downloaded)} bytes" in lines
    assert xlrd.open_workbook(file_contents=downloaded).sheet_by_index(0).nrows >= 1, "a workbook"
    assert (home / ".huaweicloud" / "application_id").exists(), "the SDK wrote into the temporary HOME only"
