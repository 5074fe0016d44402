"""A backend cannot harm whoever runs ``check``: no steered request, no leaked secret, no hang, no OOM."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hostile import BASE, PROJECT, hostile

from iotda_contract.cli import main

TOKEN = "s3cret-token-that-must-never-show"


def check(url: str, *extra: str, report: Path | None = None, token: str = TOKEN) -> int:
    argv = ["check", "--base-url", url, "--project-id", PROJECT, "--token", token, "--max-examples", "3",
            "--seed", "1", *extra]  # fmt: skip
    if report is not None:
        argv += ["--report-dir", str(report)]
    return main(argv)


def everything_written(folder: Path) -> str:
    """Every report the run wrote (hypothesis' example database beside them holds no text)."""
    return "".join(path.read_text() for path in sorted(folder.iterdir()) if path.is_file())


def test_an_id_from_the_backend_never_steers_a_request(tmp_path):
    with hostile("path-injection") as server:
        check(server.url, "--allow-writes", "--law", "created-first", "--no-schemathesis", report=tmp_path)
    assert server.paths, "the backend was asked something"
    for line in server.paths:
        method, target = line.split(" ", 1)
        assert target.startswith(BASE), line
        assert "/admin" not in target.split("?")[0].replace("%2F", "/").split(BASE)[0]
        if method == "DELETE":
            assert target.count("/") == BASE.count("/") + 1, f"the id is one path segment: {line}"
            assert "%2F" in target, "and it is percent-encoded"


def test_secrets_echoed_by_the_backend_are_redacted_everywhere(tmp_path, capsys):
    with hostile("echo-headers") as server:
        check(server.url, "--law", "reject-invalid", "--law", "accept-valid", report=tmp_path)
    out = capsys.readouterr()
    assert TOKEN not in out.out + out.err
    written = everything_written(tmp_path)
    assert TOKEN not in written
    assert "$IOTDA_TOKEN" in written


def test_a_token_echoed_in_a_401_is_not_printed(capsys):
    with hostile("echo-401") as server:
        assert check(server.url) == 2
    err = capsys.readouterr().err
    assert "refused the credentials" in err
    assert TOKEN not in err


def test_signing_keys_are_redacted_too(tmp_path, capsys):
    with hostile("echo-headers") as server:
        main(["check", "--base-url", server.url, "--project-id", PROJECT, "--ak", "AKEXAMPLE0001",
              "--sk", "sk-very-secret-value", "--max-examples", "2", "--law", "reject-invalid",
              "--no-schemathesis", "--report-dir", str(tmp_path)])  # fmt: skip
    out = capsys.readouterr()
    for secret in ("AKEXAMPLE0001", "sk-very-secret-value"):
        assert secret not in out.out + out.err + everything_written(tmp_path)
    assert "Signature=" not in everything_written(tmp_path).replace("Signature=[signature]", "")


def test_a_backend_that_drips_its_answer_meets_the_request_deadline(capsys):
    with hostile("drip") as server:
        assert check(server.url, "--request-timeout", "1.5") == 2
    assert "within 1.5 s" in capsys.readouterr().err


def test_a_backend_that_stops_answering_costs_one_deadline_not_many(tmp_path, capsys):
    with hostile("stall-after-probe") as server:
        assert check(server.url, "--request-timeout", "1", "--no-schemathesis", report=tmp_path) == 2
        asked = server.requests
    assert asked == 2, "the probe, then one request that never ended: nothing more was sent"
    assert "within 1 s" in capsys.readouterr().err
    assert json.loads((tmp_path / "report.json").read_text())["stopped"]


@pytest.mark.parametrize("mode", ["huge-body", "gzip-bomb"])
def test_a_body_over_the_cap_is_a_violation_naming_the_cap(mode, tmp_path):
    with hostile(mode) as server:
        code = check(server.url, "--law", "walk-complete", "--no-schemathesis", "--max-body-bytes", "1000000",
                     report=tmp_path)  # fmt: skip
    assert code in (1, 2)
    written = everything_written(tmp_path)
    assert "cap of 1000000 bytes" in written


def test_a_deeply_nested_answer_is_judged_not_crashed(tmp_path, capsys):
    with hostile("nested") as server:
        code = check(server.url, "--law", "walk-complete", "--law", "accept-valid", report=tmp_path)
    data = json.loads((tmp_path / "report.json").read_text())
    assert code in (1, 2)
    assert all("RecursionError" not in law["reason"] for law in data["laws"])
    assert data["schemathesis"] is None or data["schemathesis"]["status"] != "held"
    assert "Traceback" not in capsys.readouterr().err


def test_a_connection_reset_mid_run_keeps_the_report(tmp_path, capsys):
    with hostile("reset-mid-run") as server:
        assert check(server.url, "--no-schemathesis", report=tmp_path) == 2
    data = json.loads((tmp_path / "report.json").read_text())
    assert "cannot reach" in data["stopped"]
    assert "Traceback" not in capsys.readouterr().err


def test_a_run_stops_at_max_time_and_reports(tmp_path, capsys):
    with hostile("path-injection") as server:
        assert check(server.url, "--max-time", "0.5", "--max-examples", "200", "--no-schemathesis",
                     report=tmp_path) == 2  # fmt: skip
    data = json.loads((tmp_path / "report.json").read_text())
    assert "--max-time" in data["stopped"]


def test_a_redirect_elsewhere_is_never_followed_by_the_laws_or_schemathesis(tmp_path):
    with hostile("echo-401") as elsewhere:
        with hostile(f"redirect-to {elsewhere.url}") as server:
            code = check(server.url, "--law", "defaults", report=tmp_path)
        redirected = [h for h in server.headers if "schemathesis" in h.get("user-agent", "")]
        assert redirected, "schemathesis was answered with redirects"
        assert elsewhere.requests == 0, elsewhere.paths
    assert code in (1, 2)
    assert (tmp_path / "report.json").is_file()
