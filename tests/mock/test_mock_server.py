"""The mock assembled from settings: spec-driven validation, the CLI, durability, auth modes."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import yaml

from iotda_contract import spec as spec_module
from iotda_contract.mock.settings import Settings
from iotda_contract.mock.testing import AUTH_HEADERS, serve_in_thread, serve_subprocess

LIST = "/v5/iot/demo-project/export-tasks"
BODY = {"resource_type": "BatchTask"}


def _edited_spec(tmp_path: Path) -> Path:
    raw = yaml.safe_load(spec_module.DEFAULT_SPEC_PATH.read_text(encoding="utf-8"))
    raw["components"]["parameters"]["Limit"]["schema"]["maximum"] = 20
    raw["components"]["parameters"]["Offset"]["schema"]["maximum"] = 7
    raw["components"]["schemas"]["ResourceType"]["enum"] = ["BatchTask", "BatchTasks"]
    path = tmp_path / "edited.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


def test_the_mock_enforces_an_edited_spec(tmp_path: Path) -> None:
    edited = _edited_spec(tmp_path)
    with (
        serve_in_thread(Settings(seed=60, spec_path=str(edited))) as url,
        httpx.Client(base_url=url, headers=AUTH_HEADERS) as client,
    ):
        assert client.get(LIST, params={"resource_type": "BatchTask", "limit": 20}).status_code == 200
        refused = client.get(LIST, params={"resource_type": "BatchTask", "limit": 21})
        assert refused.status_code == 400
        assert (
            refused.json()["error_msg"] == "Invalid input. The specified parameter 'limit' is out of range."
        )
        assert client.get(LIST, params={"resource_type": "BatchTask", "offset": 8}).status_code == 400
        assert client.get(LIST, params={"resource_type": "BatchTasks"}).status_code == 200
        assert client.post(LIST, json={"resource_type": "BatchTasks"}).status_code == 201
    with (
        serve_in_thread(Settings(seed=60)) as url,
        httpx.Client(base_url=url, headers=AUTH_HEADERS) as client,
    ):
        assert client.get(LIST, params={"resource_type": "BatchTask", "limit": 21}).status_code == 200
        assert client.get(LIST, params={"resource_type": "BatchTasks"}).status_code == 400


def test_the_platform_caps_come_from_the_spec(tmp_path: Path) -> None:
    """Edit x-iotda-platform-limits in a copy of the spec: the mock and the laws' contract both follow."""
    from iotda_contract.conformance.contract import load_contract

    raw = yaml.safe_load(spec_module.DEFAULT_SPEC_PATH.read_text(encoding="utf-8"))
    create = raw["paths"]["/v5/iot/{project_id}/export-tasks"]["post"]
    create["x-iotda-platform-limits"] = {
        **create["x-iotda-platform-limits"],
        "maxTasks": 3,
        "maxUnfinished": 2,
    }
    edited = tmp_path / "caps.yaml"
    edited.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    limits = load_contract(spec_module.load(edited)).limits
    assert (limits.max_tasks, limits.max_unfinished) == (3, 2)
    with (
        serve_in_thread(Settings(spec_path=str(edited), task_seconds=60)) as url,
        httpx.Client(base_url=url, headers=AUTH_HEADERS) as client,
    ):
        assert [client.post(LIST, json=BODY).status_code for _ in range(3)] == [201, 201, 403]
        assert client.post(LIST, json=BODY).json()["error_code"] == limits.busy_code
    with (
        serve_in_thread(Settings(spec_path=str(edited))) as url,
        httpx.Client(base_url=url, headers=AUTH_HEADERS) as client,
    ):
        for _ in range(5):
            assert client.post(LIST, json=BODY).status_code == 201
        listed = client.get(LIST, params={"resource_type": "BatchTask"}).json()
        assert listed["page"]["count"] == 3


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_max_unfinished_and_task_seconds_over_http() -> None:
    clock = Clock()
    settings = Settings(max_unfinished=2, task_seconds=30)
    with (
        serve_in_thread(settings, clock=clock) as url,
        httpx.Client(base_url=url, headers=AUTH_HEADERS) as client,
    ):
        first = client.post(LIST, json=BODY).json()
        assert (first["status"], first["progress"], first["export_count"]) == ("Processing", 0, 0)
        client.post(LIST, json=BODY)
        refused = client.post(LIST, json=BODY)
        assert refused.status_code == 403
        assert refused.json() == {"error_code": "IOTDA.000021", "error_msg": "Operation not allowed."}
        other = client.post(LIST, json=BODY, headers={"Instance-Id": "instance-2"})
        assert other.status_code == 201
        clock.now += 15
        listed = client.get(LIST, params={"resource_type": "BatchTask"}).json()["export_tasks"]
        assert [t["progress"] for t in listed] == [50, 50]
        clock.now += 15
        listed = client.get(LIST, params={"resource_type": "BatchTask"}).json()["export_tasks"]
        assert [t["status"] for t in listed] == ["Success", "Success"]
        assert all(t["end_time"] and t["export_count"] > 0 for t in listed)
        assert client.post(LIST, json=BODY).status_code == 201


def test_cli_help_lists_every_flag() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "iotda_contract.cli", "serve", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    for flag in (
        "--host",
        "--port",
        "--db",
        "--seed",
        "--seed-random",
        "--max-tasks",
        "--max-unfinished",
        "--task-seconds",
        "--auth",
        "--credentials",
        "--fault",
    ):
        assert flag in result.stdout


def test_cli_faults_lists_every_fault() -> None:
    from iotda_contract.mock.faults import FAULTS

    result = subprocess.run(
        [sys.executable, "-m", "iotda_contract.cli", "faults", "--names"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == list(FAULTS)


def test_cli_refuses_an_unknown_fault() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "iotda_contract.cli", "serve", "--fault", "nope"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "nope" in result.stderr


def test_answered_creates_survive_kill_9(tmp_path: Path) -> None:
    db = tmp_path / "mock.db"
    args = ["--db", str(db), "--seed", "30", "--max-tasks", "0", "--max-unfinished", "0"]
    with serve_subprocess(args) as server:
        assert urlsplit(server.url).hostname == "127.0.0.1"
        with httpx.Client(base_url=server.url, headers=AUTH_HEADERS) as client:
            created = [client.post(LIST, json=BODY).json() for _ in range(20)]
            deleted = client.delete(f"{LIST}/{created[0]['export_task_id']}")
            assert deleted.status_code == 204
            before = client.get(LIST, params={"resource_type": "BatchTask", "limit": 50}).json()
        server.kill()
        assert server.process.returncode == -9
    with serve_subprocess(args) as server, httpx.Client(base_url=server.url, headers=AUTH_HEADERS) as client:
        after = client.get(LIST, params={"resource_type": "BatchTask", "limit": 50}).json()
    assert after == before
    ids = {t["export_task_id"] for t in after["export_tasks"]}
    assert {t["export_task_id"] for t in created[1:]} <= ids
    assert created[0]["export_task_id"] not in ids


def test_auth_verify_binds_credentials_to_projects(tmp_path: Path) -> None:
    signing = pytest.importorskip("iotda_contract.signing")
    credentials = tmp_path / "credentials.json"
    credentials.write_text(
        json.dumps(
            {
                "credentials": [
                    {"ak": "AK1", "sk": "secret-1", "projects": ["demo-project"]},
                    {"token": "tok-2", "projects": ["other-project"]},
                ]
            }
        ),
        encoding="utf-8",
    )
    settings = Settings(seed=10, auth="verify", credentials=str(credentials))
    with serve_in_thread(settings) as url, httpx.Client(base_url=url) as client:
        host = urlsplit(url).netloc
        query = "resource_type=BatchTask&limit=5"

        def signed(path: str, secret: str = "secret-1") -> dict[str, str]:
            headers = {"Host": host, "Content-Type": "application/json"}
            headers |= signing.sign_request(
                "GET", path, query, headers, b"", access_key="AK1", secret_key=secret, now=datetime.now(UTC)
            )
            return headers

        ok = client.get(f"{LIST}?{query}", headers=signed(LIST))
        assert ok.status_code == 200
        assert ok.json()["page"]["count"] > 0
        bad = client.get(f"{LIST}?{query}", headers=signed(LIST, secret="wrong"))
        assert (bad.status_code, bad.json()["error_code"]) == (401, "APIGW.0301")
        tampered = client.get(f"{LIST}?resource_type=BatchTask&limit=6", headers=signed(LIST))
        assert tampered.status_code == 401
        other_path = "/v5/iot/other-project/export-tasks"
        other = client.get(f"{other_path}?{query}", headers=signed(other_path))
        assert (other.status_code, other.json()["error_code"]) == (403, "IOTDA.000004")
        token_ok = client.get(f"{other_path}?{query}", headers={"X-Auth-Token": "tok-2"})
        assert token_ok.status_code == 200
        assert token_ok.json() == {"export_tasks": [], "page": {"count": 0}}
        token_other = client.get(f"{LIST}?{query}", headers={"X-Auth-Token": "tok-2"})
        assert (token_other.status_code, token_other.json()["error_code"]) == (403, "IOTDA.000004")
        unknown = client.get(f"{LIST}?{query}", headers={"X-Auth-Token": "nope"})
        assert (unknown.status_code, unknown.json()["error_code"]) == (401, "APIGW.0301")
        missing = client.get(f"{LIST}?{query}")
        assert (missing.status_code, missing.json()["error_code"]) == (401, "IOTDA.000002")
