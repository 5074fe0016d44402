"""Honest verdicts on backends we did not write: no false alarm, no vacuous pass, nothing left behind.

The backends in ``tests/backends`` were written from the platform's description alone, each taking readings it
leaves open; they serve on real sockets with real SQLite files.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from backends.harness import serve

from iotda_contract.cli import main
from iotda_contract.mock.settings import Settings
from iotda_contract.mock.testing import AUTH_HEADERS, serve_in_thread

#: The decisions each independent backend reads otherwise, as its module docstring says.
TAKEN = {
    "alpha": {"record-id-lowercase", "end-time-when-ended", "condition-keys", "condition-format",
              "repeated-parameter", "delete-204"},
    "beta": {"default-app", "instance-id-format", "condition-format", "file-when-succeeded", "file-rows",
             "download-interval"},
}  # fmt: skip


def check(backend, *extra: str, report: Path | None = None) -> int:
    argv = ["check", "--base-url", backend.url, "--project-id", backend.project_id, "--token", backend.token,
            "--max-examples", "5", *extra]  # fmt: skip
    if report is not None:
        argv += ["--report-dir", str(report)]
    return main(argv)


def read(report: Path) -> dict:
    return json.loads((report / "report.json").read_text())


@pytest.mark.parametrize("name", sorted(TAKEN))
def test_an_independent_backend_passes_the_platform_profile(name, tmp_path):
    with serve(name, seed=40) as backend:
        code = check(backend, "--profile", "platform", "--allow-writes", "--seed", "4", report=tmp_path)
    data = read(tmp_path)
    assert (data["violated"], data["deviated"], data["schemathesis"]["failures"]) == ([], [], {})
    assert code == 0
    assert data["counts"]["held"] == len(data["laws"])
    assert all(task["deleted"] for task in data["created"])


@pytest.mark.parametrize("name", sorted(TAKEN))
def test_the_contract_profile_reports_exactly_the_deviations_a_backend_takes(name, tmp_path, capsys):
    with serve(name, seed=40) as backend:
        code = check(backend, "--allow-writes", "--no-schemathesis", "--seed", "4", report=tmp_path)
    data = read(tmp_path)
    assert data["violated"] == []
    assert set(data["deviated"]) == TAKEN[name]
    assert code == 1
    out = capsys.readouterr().out
    assert "not from the platform's API" in out
    assert f"0 violated, {len(TAKEN[name])} deviations" in out
    assert "deviates" in (tmp_path / "summary.md").read_text()


def test_accept_waives_a_decision(tmp_path):
    with serve("beta", seed=40) as backend:
        waived = [arg for decision in sorted(TAKEN["beta"]) for arg in ("--accept", decision)]
        assert check(backend, "--no-schemathesis", *waived, report=tmp_path) == 0
    assert read(tmp_path)["accepted"] == sorted(TAKEN["beta"])


def test_a_rate_limited_backend_is_waited_out_not_reported(tmp_path, capsys):
    with serve("alpha", seed=40, rate_limit_every=60, retry_after=1) as backend:
        code = check(backend, "--profile", "platform", "--max-examples", "3", report=tmp_path)
    data = read(tmp_path)
    assert (data["violated"], data["schemathesis"]["failures"]) == ([], {})
    assert code == 0
    assert data["rate_limit_retries"] > 0
    # each wait a person notices is said as it happens, with its cause (schemathesis' own retries are not
    # the laws' and are not shown)
    waits = [line for line in capsys.readouterr().err.splitlines() if line.startswith("waiting 1 s")]
    assert waits
    assert all("the backend answered 429, its rate limit" in line for line in waits), waits


def test_a_rate_limited_backend_is_waited_out_in_a_write_run_too(tmp_path):
    with serve("beta", seed=40, rate_limit_every=25, retry_after=0) as backend:
        code = check(backend, "--profile", "platform", "--allow-writes", "--no-schemathesis", report=tmp_path)
    data = read(tmp_path)
    assert data["violated"] == []
    assert code == 0
    assert data["rate_limit_retries"] > 0
    assert all(task["deleted"] for task in data["created"])


def test_a_backend_that_keeps_limiting_stops_the_run_with_exit_2(capsys):
    with serve("alpha", seed=40, rate_limit_every=1, retry_after=0) as backend:
        assert check(backend, "--no-schemathesis") == 2
    assert "rate-limited" in capsys.readouterr().err


def test_a_project_with_no_records_is_not_a_pass(capsys):
    with serve("alpha", seed=0) as backend:
        assert check(backend, "--no-schemathesis") == 2
    assert "this project holds no records; use --allow-writes or seed data" in capsys.readouterr().err


def test_with_writes_an_empty_project_is_seeded_and_left_empty(tmp_path):
    with serve("beta", seed=0) as backend:
        code = check(
            backend, "--allow-writes", "--no-schemathesis", "--law", "walk-complete", report=tmp_path
        )
        left = httpx.get(f"{backend.url}/v5/iot/{backend.project_id}/export-tasks?resource_type=BatchTask",
                         headers={"X-Auth-Token": backend.token}).json()  # fmt: skip
    assert code == 0
    assert read(tmp_path)["laws"][0]["status"] == "held"
    assert left["page"]["count"] == 0


def test_a_project_of_1200_records_passes_without_flags(tmp_path):
    with serve_in_thread(Settings(seed=2400)) as url:
        count = httpx.get(f"{url}/v5/iot/demo-project/export-tasks?resource_type=BatchTask",
                          headers=AUTH_HEADERS).json()["page"]["count"]  # fmt: skip
        assert count > 1002, "the walk must be longer than the old fixed bound"
        code = main(["check", "--base-url", url, "--project-id", "demo-project", "--token", "t",
                     "--law", "walk-complete", "--no-schemathesis", "--max-examples", "3",
                     "--report-dir", str(tmp_path)])  # fmt: skip
    assert code == 0
    assert read(tmp_path)["max_records"] >= count


def test_a_walk_cut_by_max_records_is_skipped_naming_the_flag(tmp_path):
    with serve("alpha", seed=40) as backend:
        code = check(backend, "--law", "walk-complete", "--no-schemathesis", "--max-records", "5",
                     report=tmp_path)  # fmt: skip
    law = read(tmp_path)["laws"][0]
    assert law["status"] == "skipped"
    assert "--max-records" in law["reason"]
    assert code == 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--project-id", "not a project!"], "is not a project id"),
        (["--law", "no-such-law"], "no-such-law"),
        (["--accept", "no-such-decision"], "no-such-decision"),
    ],
)
def test_bad_arguments_exit_2_before_any_request(argv, message, capsys):
    with serve("alpha", seed=5) as backend:
        assert check(backend, *argv) == 2
        assert backend.requests == 0
    assert message in capsys.readouterr().err


def test_the_write_guard_refuses_a_run_that_could_evict_the_users_tasks(capsys):
    with serve("alpha", seed=45) as backend:
        assert check(backend, "--allow-writes", "--no-schemathesis") == 2
        assert backend.requests == 1, "only the probe was sent: no task was created"
    assert "--i-accept-eviction" in capsys.readouterr().err


def test_the_seed_is_recorded_and_replays_the_run(tmp_path, capsys):
    with serve("alpha", seed=30) as backend:
        assert check(backend, "--no-schemathesis", "--law", "offset-skips", report=tmp_path / "a") == 0
        seed = read(tmp_path / "a")["seed"]
        assert isinstance(seed, int)
        assert f"seed {seed}" in capsys.readouterr().err
        assert check(backend, "--no-schemathesis", "--law", "offset-skips", "--seed", str(seed),
                     report=tmp_path / "b") == 0  # fmt: skip
    first, again = read(tmp_path / "a"), read(tmp_path / "b")
    assert again["seed"] == seed
    assert again["requests"] == first["requests"]


def test_an_app_id_bound_one_too_wide_is_caught(tmp_path):
    with serve("alpha", seed=30, app_id_max=64) as backend:
        assert check(backend, "--profile", "platform", "--law", "reject-invalid", "--no-schemathesis",
                     report=tmp_path) == 1  # fmt: skip
    assert read(tmp_path)["violated"] == ["reject-invalid"]


def test_a_count_that_never_follows_writes_is_caught(tmp_path):
    with serve("alpha", seed=30, frozen_count=True) as backend:
        assert check(backend, "--profile", "platform", "--allow-writes", "--law", "count-follows-writes",
                     "--no-schemathesis", report=tmp_path) == 1  # fmt: skip
    assert read(tmp_path)["violated"] == ["count-follows-writes"]


def test_an_interrupted_write_run_reports_and_leaves_nothing_behind(tmp_path):
    with serve("alpha", seed=20, finish_after=0.05) as backend:
        env = {**os.environ, "IOTDA_TOKEN": backend.token}
        command = [sys.executable, "-m", "iotda_contract.cli", "check", "--base-url", backend.url,
                   "--project-id", backend.project_id, "--allow-writes", "--no-schemathesis",
                   "--law", "deleted-gone", "--law", "created-first", "--max-examples", "400",
                   "--report-dir", str(tmp_path)]  # fmt: skip
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        deadline = time.monotonic() + 60
        while backend.requests < 40 and time.monotonic() < deadline:
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
        listed = httpx.get(f"{backend.url}/v5/iot/{backend.project_id}/export-tasks?resource_type=BatchTask",
                           headers={"X-Auth-Token": backend.token}).json()  # fmt: skip
    assert process.returncode == 130, err
    assert "Traceback" not in err
    assert "interrupted" in err
    data = read(tmp_path)
    assert data["stopped"] == "interrupted"
    assert data["created"]
    assert all(task["deleted"] for task in data["created"])
    assert listed["page"]["count"] == 20
