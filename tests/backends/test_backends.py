"""Smoke tests of the independent backends alpha and beta, over a real socket."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from .harness import Backend, serve

BACKENDS = ("alpha", "beta")
HEX24 = re.compile(r"[0-9a-fA-F]{24}")
TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")
ROOT = Path(__file__).resolve().parents[2]
TASK_ID = "61b7ed6a66a1a5f5d5e26c8f"

Params = dict[str, Any] | list[tuple[str, Any]]


def tasks_path(backend: Backend, project_id: str | None = None) -> str:
    return f"/v5/iot/{project_id or backend.project_id}/export-tasks"


def client(backend: Backend, token: str | None = None) -> httpx.Client:
    return httpx.Client(base_url=backend.url, headers={"X-Auth-Token": token or backend.token}, timeout=5)


def list_tasks(
    c: httpx.Client, backend: Backend, params: Params | None = None, **headers: str
) -> httpx.Response:
    if params is None:
        params = {}
    if isinstance(params, dict):
        params = {"resource_type": "BatchTask", **params}
    return c.get(tasks_path(backend), params=params, headers=headers)


def create(c: httpx.Client, backend: Backend, **fields: Any) -> httpx.Response:
    body = {"resource_type": "BatchTask", "resource_condition": {"task_id": TASK_ID}, "export_format": "xls"}
    return c.post(tasks_path(backend), json={**body, **fields})


def everything(c: httpx.Client, backend: Backend, **params: Any) -> list[dict[str, Any]]:
    """All records of a filter, walking the pages by marker."""
    out: list[dict[str, Any]] = []
    marker: str | None = None
    while True:
        page_params = {"limit": 50, **params, **({"marker": marker} if marker else {})}
        body = list_tasks(c, backend, page_params).json()
        if not body["export_tasks"]:
            return out
        out += body["export_tasks"]
        marker = body["page"]["marker"]


def assert_error(response: httpx.Response, status: int, code: str | None = None) -> None:
    assert response.status_code == status, response.text
    assert response.headers.get("X-Request-Id")
    body = response.json()
    assert isinstance(body["error_code"], str)
    assert isinstance(body["error_msg"], str)
    if code is not None:
        assert body["error_code"] == code


@pytest.fixture(params=BACKENDS)
def name(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


@pytest.fixture
def seeded(name: str) -> Iterator[Backend]:
    with serve(name, seed=23) as backend:
        yield backend


# --- both backends


def test_walk_by_marker_visits_every_seeded_record_once(seeded: Backend) -> None:
    with client(seeded) as c:
        first = list_tasks(c, seeded)
        assert first.status_code == 200
        assert first.headers.get("X-Request-Id")
        assert len(first.json()["export_tasks"]) == 10  # default limit
        seen: list[str] = []
        times: list[str] = []
        marker: str | None = None
        while True:
            params = {"limit": 4, **({"marker": marker} if marker else {})}
            body = list_tasks(c, seeded, params).json()
            assert body["page"]["count"] == 23
            if not body["export_tasks"]:
                assert "marker" not in body["page"]
                break
            for task in body["export_tasks"]:
                assert task["resource_type"] == "BatchTask"
                assert task["status"] in ("Processing", "Success", "Failed")
                assert 0 <= task["progress"] <= 100
                assert TIME.fullmatch(task["create_time"])
                assert not HEX24.fullmatch(task["export_task_id"])
            seen += [task["export_task_id"] for task in body["export_tasks"]]
            times += [task["create_time"] for task in body["export_tasks"]]
            marker = body["page"]["marker"]
            assert HEX24.fullmatch(marker)
        assert len(seen) == len(set(seen)) == 23
        assert times == sorted(times, reverse=True)  # newest first
        statuses = {task["status"] for task in everything(c, seeded)}
        assert statuses >= {"Success", "Failed"}


def test_offset_skips_records_after_the_marker(seeded: Backend) -> None:
    with client(seeded) as c:
        ids = [task["export_task_id"] for task in everything(c, seeded)]
        body = list_tasks(c, seeded, {"offset": 3, "limit": 5}).json()
        assert [task["export_task_id"] for task in body["export_tasks"]] == ids[3:8]
        marker = list_tasks(c, seeded, {"limit": 5}).json()["page"]["marker"]
        body = list_tasks(c, seeded, {"marker": marker, "offset": 2, "limit": 3}).json()
        assert [task["export_task_id"] for task in body["export_tasks"]] == ids[7:10]
        beyond = list_tasks(c, seeded, {"offset": 500}).json()
        assert beyond["export_tasks"] == []
        assert beyond["page"] == {"count": 23}


def test_filters_by_task_id_and_app_id(seeded: Backend) -> None:
    with client(seeded) as c:
        tasks = everything(c, seeded)
        task_id = tasks[0]["resource_condition"]["task_id"]
        condition = json.dumps({"task_id": task_id})
        matching = [t for t in tasks if t["resource_condition"].get("task_id") == task_id]
        assert 1 < len(matching) < len(tasks)
        body = list_tasks(c, seeded, {"resource_condition": condition, "limit": 50}).json()
        assert body["export_tasks"] == matching
        assert body["page"]["count"] == len(matching)
        body = list_tasks(c, seeded, {"app_id": "app_one", "app_type": "APP", "limit": 50}).json()
        assert body["export_tasks"] == [t for t in tasks if t.get("app_id") == "app_one"]
        assert body["export_tasks"]
        assert list_tasks(c, seeded, {"app_type": "GLOBAL"}).json()["page"]["count"] == 23


def test_create_then_delete(seeded: Backend) -> None:
    with client(seeded) as c:
        created = create(c, seeded)
        assert created.status_code == 201, created.text
        assert created.headers.get("X-Request-Id")
        task = created.json()
        assert task["status"] == "Processing"
        assert task["resource_condition"] == {"task_id": TASK_ID}
        assert TIME.fullmatch(task["create_time"])
        first = list_tasks(c, seeded, {"limit": 1}).json()
        assert first["export_tasks"][0]["export_task_id"] == task["export_task_id"]
        assert first["page"]["count"] == 24

        deleted = c.delete(f"{tasks_path(seeded)}/{task['export_task_id']}")
        assert deleted.headers.get("X-Request-Id")
        if seeded.name == "alpha":
            assert deleted.status_code == 200
            assert deleted.json() == {}
        else:
            assert deleted.status_code == 204
            assert deleted.content == b""
        assert_error(c.delete(f"{tasks_path(seeded)}/{task['export_task_id']}"), 404)
        assert list_tasks(c, seeded).json()["page"]["count"] == 23


def test_a_task_finishes_after_finish_after(name: str) -> None:
    with serve(name, finish_after=0.05) as backend, client(backend) as c:
        task_id = create(c, backend).json()["export_task_id"]
        time.sleep(0.1)
        (task,) = list_tasks(c, backend).json()["export_tasks"]
        assert task["export_task_id"] == task_id
        assert task["status"] == "Success"
        assert task["progress"] == 100
        assert TIME.fullmatch(task["end_time"])


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": "abc"},
        {"limit": 51},
        {"offset": -1},
        {"offset": 501},
        {"marker": "xyz"},
        {"marker": "f" * 25},
        {"app_type": "FOO"},
        {"app_id": "a" * 37},
        {"app_id": "bad id"},
        {"resource_type": "BatchTasks"},
        {"resource_condition": "{not json"},
    ],
    ids=repr,
)
def test_invalid_query_values_are_400(seeded: Backend, params: dict[str, Any]) -> None:
    with client(seeded) as c:
        assert_error(list_tasks(c, seeded, params), 400)


def test_limit_51_error_code(seeded: Backend) -> None:
    with client(seeded) as c:
        expected = "IOTDA.000017" if seeded.name == "alpha" else "IOTDA.000006"
        assert_error(list_tasks(c, seeded, {"limit": 51}), 400, expected)
        assert_error(list_tasks(c, seeded, [("limit", "10")]), 400, "IOTDA.000006")  # no resource_type


def test_authentication_and_unknown_paths(seeded: Backend) -> None:
    with httpx.Client(base_url=seeded.url, timeout=5) as anonymous:
        assert_error(
            anonymous.get(tasks_path(seeded), params={"resource_type": "BatchTask"}), 401, "IOTDA.000002"
        )
    with client(seeded, token="nobody") as c:
        assert_error(list_tasks(c, seeded), 401, "IOTDA.000002")
    with client(seeded) as c:
        assert_error(c.get("/v5/iot/nothing-here"), 404)
        assert_error(c.get(f"{tasks_path(seeded)}/x/file/more"), 404)


def test_at_most_five_unfinished_tasks(name: str) -> None:
    with serve(name, finish_after=30) as backend, client(backend) as c:
        for _ in range(5):
            assert create(c, backend).status_code == 201
        assert_error(create(c, backend), 403, "IOTDA.000021")


def test_at_most_fifty_tasks_the_earliest_go(name: str) -> None:
    with serve(name, finish_after=0) as backend, client(backend) as c:
        ids = [create(c, backend).json()["export_task_id"] for _ in range(52)]
        assert list_tasks(c, backend).json()["page"]["count"] == 50
        remaining = [task["export_task_id"] for task in everything(c, backend)]
        assert remaining == ids[:1:-1]


def test_rate_limiter_answers_429_on_every_nth_request(name: str) -> None:
    with serve(name, rate_limit_every=3, retry_after=2) as backend, client(backend) as c:
        assert list_tasks(c, backend).status_code == 200
        assert list_tasks(c, backend).status_code == 200
        limited = list_tasks(c, backend)
        assert_error(limited, 429, "IOTDA.021101")
        assert limited.headers["Retry-After"] == "2"
        assert list_tasks(c, backend).status_code == 200
        assert backend.requests == 4


def test_app_id_max_64_accepts_a_50_character_app_id(name: str) -> None:
    app_id = "a" * 50
    with serve(name, seed=5) as strict, client(strict) as c:
        assert_error(list_tasks(c, strict, {"app_id": app_id}), 400)
    with serve(name, app_id_max=64) as lax, client(lax) as c:
        assert create(c, lax, app_id=app_id).status_code == 201
        body = list_tasks(c, lax, {"app_id": app_id}).json()
        assert [task["app_id"] for task in body["export_tasks"]] == [app_id]


def test_frozen_count_keeps_the_count_after_a_create(name: str) -> None:
    with serve(name, seed=7, frozen_count=True) as backend, client(backend) as c:
        assert list_tasks(c, backend).json()["page"]["count"] == 7
        assert create(c, backend).status_code == 201
        body = list_tasks(c, backend).json()
        assert body["page"]["count"] == 7
        assert len(body["export_tasks"]) == 8


def test_runnable_as_a_module(name: str) -> None:
    command = [sys.executable, "-m", f"tests.backends.{name}", "--port", "0", "--seed", "4"]
    with subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as proc:
        try:
            assert proc.stdout is not None
            url = proc.stdout.readline().strip()
            assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
            project = "a1" * 16 if name == "alpha" else "c3" * 16
            response = httpx.get(
                f"{url}/v5/iot/{project}/export-tasks",
                params={"resource_type": "BatchTask"},
                headers={"X-Auth-Token": f"{name}-token"},
                timeout=5,
            )
            assert response.json()["page"]["count"] == 4
        finally:
            proc.terminate()
            proc.wait(timeout=10)


# --- alpha's readings


def test_alpha_readings() -> None:
    with serve("alpha", seed=23, finish_after=30) as backend, client(backend) as c:
        page = list_tasks(c, backend, {"limit": 5}).json()
        marker = page["page"]["marker"]
        assert marker == marker.upper()
        upper = list_tasks(c, backend, {"limit": 5, "marker": marker}).json()
        lower = list_tasks(c, backend, {"limit": 5, "marker": marker.lower()}).json()
        assert upper == lower
        assert upper["export_tasks"]

        # a repeated parameter takes its last value
        repeated = list_tasks(c, backend, [("resource_type", "BatchTask"), ("limit", "5"), ("limit", "7")])
        assert len(repeated.json()["export_tasks"]) == 7

        # unknown keys in resource_condition are ignored
        task_id = page["export_tasks"][0]["resource_condition"]["task_id"]
        plain = list_tasks(c, backend, {"resource_condition": json.dumps({"task_id": task_id})}).json()
        extra = list_tasks(c, backend, {"resource_condition": json.dumps({"task_id": task_id, "extra": 1})})
        assert extra.json() == plain
        created = create(c, backend, resource_condition={"task_id": TASK_ID, "extra": 1})
        assert created.status_code == 201
        task = created.json()
        assert task["resource_condition"] == {"task_id": TASK_ID}
        # a Processing task carries its estimated end_time
        assert task["status"] == "Processing"
        assert TIME.fullmatch(task["end_time"])

        # APP without app_id: the tasks created without an app_id
        tasks = everything(c, backend)
        without_app = [t for t in tasks if "app_id" not in t]
        assert 0 < len(without_app) < len(tasks)
        assert everything(c, backend, app_type="APP") == without_app

        # a project the token may not see: 403
        other = c.get(tasks_path(backend, backend.other_project_id), params={"resource_type": "BatchTask"})
        assert_error(other, 403, "IOTDA.000004")
        with client(backend, token=backend.other_token) as other_client:
            assert_error(list_tasks(other_client, backend), 403, "IOTDA.000004")
            response = other_client.get(
                tasks_path(backend, backend.other_project_id), params={"resource_type": "BatchTask"}
            )
            assert response.json()["page"]["count"] == 3

        # Instance-Id: checked, and each instance has its own tasks
        assert_error(list_tasks(c, backend, {}, **{"Instance-Id": "not an id!"}), 400)
        in_instance = c.post(
            tasks_path(backend), json={"resource_type": "BatchTask"}, headers={"Instance-Id": "inst-1"}
        )
        assert in_instance.status_code == 201
        assert list_tasks(c, backend, {}, **{"Instance-Id": "inst-1"}).json()["page"]["count"] == 1


# --- beta's readings


def test_beta_readings() -> None:
    with serve("beta", seed=23, finish_after=30) as backend, client(backend) as c:
        tasks = everything(c, backend)
        # APP without app_id: the default app's tasks
        default = [t for t in tasks if t.get("app_id") == "default_app"]
        assert 0 < len(default) < len(tasks)
        assert everything(c, backend, app_type="APP") == default
        assert any("app_id" not in t for t in tasks)
        created = create(c, backend)  # no app_id: a global task, not under APP
        assert created.status_code == 201
        task = created.json()
        assert "app_id" not in task
        assert task["app_type"] == "GLOBAL"
        assert "end_time" not in task  # Processing: no end_time
        assert list_tasks(c, backend, {"app_type": "APP"}).json()["page"]["count"] == len(default)
        assert list_tasks(c, backend).json()["page"]["count"] == 24
        in_default_app = create(c, backend, app_type="APP").json()
        assert in_default_app["app_id"] == "default_app"

        # marker lower-case; upper-case accepted
        marker = list_tasks(c, backend, {"limit": 5}).json()["page"]["marker"]
        assert marker == marker.lower()
        lower = list_tasks(c, backend, {"limit": 5, "marker": marker}).json()
        assert lower == list_tasks(c, backend, {"limit": 5, "marker": marker.upper()}).json()

        # a repeated parameter is refused
        repeated = list_tasks(c, backend, [("resource_type", "BatchTask"), ("limit", "5"), ("limit", "7")])
        assert_error(repeated, 400, "IOTDA.000006")
        # unknown keys in resource_condition are refused
        extra = json.dumps({"task_id": TASK_ID, "extra": 1})
        assert_error(list_tasks(c, backend, {"resource_condition": extra}), 400, "IOTDA.000006")
        assert_error(create(c, backend, resource_condition={"task_id": TASK_ID, "extra": 1}), 400)

        # a project the token may not see: an empty page
        other = c.get(tasks_path(backend, backend.other_project_id), params={"resource_type": "BatchTask"})
        assert other.status_code == 200
        assert other.json() == {"export_tasks": [], "page": {"count": 0}}

        # Instance-Id: any text, each its own instance
        for instance in ("not an id!", "", "x" * 200):
            headers = {"Instance-Id": instance}
            assert list_tasks(c, backend, {}, **headers).json()["page"]["count"] == 0
            response = c.post(tasks_path(backend), json={"resource_type": "BatchTask"}, headers=headers)
            assert response.status_code == 201, response.text
            assert list_tasks(c, backend, {}, **headers).json()["page"]["count"] == 1


def test_beta_default_app_option() -> None:
    with serve("beta", seed=12, default_app="app_one") as backend, client(backend) as c:
        listed = everything(c, backend, app_type="APP")
        assert listed
        assert {task["app_id"] for task in listed} == {"app_one"}
