"""``iotda-contract check`` end to end against the mock over a real socket: exit codes, reports, messages."""

from __future__ import annotations

import json
import socket
from xml.etree import ElementTree as ET

import pytest

from iotda_contract.cli import main
from iotda_contract.commands.demo import mock_arguments
from iotda_contract.mock.testing import serve_subprocess

TOKEN = "conformance-test-token"


@pytest.fixture(scope="module")
def mock_url(tmp_path_factory):
    credentials = tmp_path_factory.mktemp("creds") / "credentials.json"
    credentials.write_text(json.dumps({"credentials": [{"token": TOKEN, "projects": ["demo-project"]}]}))
    # the module's runs share one mock: a short download interval keeps the limit without a 30 s wait per run
    with serve_subprocess([*mock_arguments(120, [], credentials), "--download-interval", "3"]) as server:
        yield server.url


def check(url, *extra):
    return main(["check", "--base-url", url, "--project-id", "demo-project", "--token", TOKEN, "--seed", "2",
                 "--max-examples", "8", *extra])  # fmt: skip


def test_a_clean_mock_passes_and_reports_are_written(mock_url, tmp_path, capsys):
    assert check(mock_url, "--allow-writes", "--i-accept-eviction", "--report-dir", str(tmp_path)) == 0
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["ok"] is True
    assert report["violated"] == []
    assert {law["status"] for law in report["laws"]} == {"held"}
    assert report["schemathesis"]["status"] == "held"
    assert report["schemathesis"]["cases"] > 0
    suites = ET.parse(tmp_path / "junit.xml").getroot()
    assert suites.find("testsuite[@name='paging-laws']").get("failures") == "0"
    assert "every law that ran holds" in (tmp_path / "summary.md").read_text()
    assert report["created"]
    assert all(task["deleted"] for task in report["created"])
    captured = capsys.readouterr()
    assert "removes the OLDEST ones" in captured.err
    assert "every law that ran holds" in captured.out
    assert "23 held, 0 violated, 0 deviations, 0 skipped" in captured.out


def test_read_only_run_skips_write_laws_without_writing(mock_url, tmp_path):
    assert check(mock_url, "--no-schemathesis", "--report-dir", str(tmp_path)) == 0
    report = json.loads((tmp_path / "report.json").read_text())
    skipped = {law["law_id"] for law in report["laws"] if law["status"] == "skipped"}
    assert skipped == {"created-first", "walk-stable-under-insert", "deleted-gone", "count-follows-writes",
                       "isolation"}  # fmt: skip


def test_a_refused_connection_exits_2(capsys):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert check(f"http://127.0.0.1:{port}") == 2
    assert "cannot reach" in capsys.readouterr().err


def test_refused_credentials_exit_2(mock_url, capsys):
    code = main(["check", "--base-url", mock_url, "--project-id", "demo-project", "--token", "wrong"])
    assert code == 2
    assert "refused the credentials" in capsys.readouterr().err


def test_missing_credentials_exit_2(mock_url, capsys, monkeypatch):
    for name in ("IOTDA_TOKEN", "IOTDA_AK", "IOTDA_SK"):
        monkeypatch.delenv(name, raising=False)
    assert main(["check", "--base-url", mock_url, "--project-id", "demo-project"]) == 2
    assert "credentials are needed" in capsys.readouterr().err


def test_an_unknown_law_exits_2(mock_url, capsys):
    assert check(mock_url, "--law", "no-such-law") == 2
    assert "no-such-law" in capsys.readouterr().err


def test_list_laws_names_every_law(capsys):
    assert main(["check", "--base-url", "x", "--project-id", "p", "--list-laws"]) == 0
    out = capsys.readouterr().out
    for law_id in ("walk-complete", "reject-invalid", "walk-stable-under-insert"):
        assert law_id in out
