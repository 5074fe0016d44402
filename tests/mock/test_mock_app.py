"""End-to-end tests of the mock's HTTP layer over a real socket (uvicorn on 127.0.0.1, port 0)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from iotda_contract.mock.settings import Settings
from iotda_contract.mock.testing import AUTH_HEADERS, serve_in_thread

PROJECT = "demo-project"
LIST = f"/v5/iot/{PROJECT}/export-tasks"
BODY = {"resource_type": "BatchTask", "resource_condition": {"task_id": "61b7ed6a66a1a5f5d5e26c8f"}}


@pytest.fixture(scope="module")
def seeded() -> Iterator[httpx.Client]:
    with (
        serve_in_thread(Settings(seed=120, seed_random=7, max_tasks=0)) as url,
        httpx.Client(base_url=url, headers=AUTH_HEADERS) as client,
    ):
        yield client


@pytest.fixture
def fresh() -> Iterator[httpx.Client]:
    with (
        serve_in_thread(Settings(max_tasks=3, max_unfinished=0)) as url,
        httpx.Client(base_url=url, headers=AUTH_HEADERS) as client,
    ):
        yield client


def _list(client: httpx.Client, **params: object) -> httpx.Response:
    return client.get(LIST, params={"resource_type": "BatchTask", **params})


def test_list_pages_newest_first_with_count_and_marker(seeded: httpx.Client) -> None:
    response = _list(seeded, limit=5)
    assert response.status_code == 200
    assert response.headers["x-request-id"]
    body = response.json()
    tasks = body["export_tasks"]
    assert len(tasks) == 5
    times = [t["create_time"] for t in tasks]
    assert times == sorted(times, reverse=True)
    everything = _list(seeded, limit=50).json()
    assert body["page"]["count"] == everything["page"]["count"]
    assert body["page"]["marker"]
    assert len(body["page"]["marker"]) == 24


def test_marker_walk_visits_every_record_once(seeded: httpx.Client) -> None:
    seen: list[str] = []
    marker = None
    count = None
    while True:
        params: dict[str, object] = {"limit": 7}
        if marker is not None:
            params["marker"] = marker
        body = _list(seeded, **params).json()
        count = body["page"]["count"]
        seen.extend(t["export_task_id"] for t in body["export_tasks"])
        marker = body["page"].get("marker")
        if marker is None:
            break
    assert len(seen) == len(set(seen)) == count


def test_marker_is_case_insensitive(seeded: httpx.Client) -> None:
    first = _list(seeded, limit=3).json()
    marker = first["page"]["marker"]
    lower = _list(seeded, limit=3, marker=marker.lower()).json()
    upper = _list(seeded, limit=3, marker=marker.upper()).json()
    assert lower == upper
    assert lower["export_tasks"][0] != first["export_tasks"][-1]


def test_offset_skips_within_the_marker_walk(seeded: httpx.Client) -> None:
    whole = _list(seeded, limit=20).json()["export_tasks"]
    skipped = _list(seeded, limit=5, offset=10).json()["export_tasks"]
    assert skipped == whole[10:15]


def test_filters_by_instance_app_and_task(seeded: httpx.Client) -> None:
    default = _list(seeded, limit=50).json()["page"]["count"]
    other = seeded.get(LIST, params={"resource_type": "BatchTask"}, headers={"Instance-Id": "instance-2"})
    assert other.status_code == 200
    assert default + other.json()["page"]["count"] == 120
    by_app = _list(seeded, limit=50, app_id="app_02").json()
    assert by_app["export_tasks"]
    assert all(t.get("app_id") == "app_02" for t in by_app["export_tasks"])
    default_app = _list(seeded, limit=50, app_type="APP").json()
    assert all("app_id" not in t for t in default_app["export_tasks"])
    task_id = next(t for t in by_app["export_tasks"] if t["resource_condition"])["resource_condition"][
        "task_id"
    ]
    condition = f'{{"task_id": "{task_id}"}}'
    by_task = _list(seeded, limit=50, resource_condition=condition).json()
    assert by_task["export_tasks"]
    assert all(t["resource_condition"] == {"task_id": task_id} for t in by_task["export_tasks"])


def test_empty_page_has_no_marker(seeded: httpx.Client) -> None:
    body = _list(seeded, marker="000000000000000000000000").json()
    assert body["export_tasks"] == []
    assert "marker" not in body["page"]
    assert body["page"]["count"] > 0


def test_create_list_delete(fresh: httpx.Client) -> None:
    created = fresh.post(f"/v5/iot/{PROJECT}/export-tasks", json=BODY)
    assert created.status_code == 201
    task = created.json()
    assert task["status"] == "Success"
    assert task["app_type"] == "GLOBAL"
    assert task["export_format"] == "xls"
    assert len(task["export_task_id"]) == 28
    assert task["export_task_id"].isalnum()
    listed = _list(fresh).json()
    assert listed["export_tasks"] == [task]
    deleted = fresh.delete(f"{LIST}/{task['export_task_id']}")
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert deleted.headers["x-request-id"]
    assert _list(fresh).json() == {"export_tasks": [], "page": {"count": 0}}
    again = fresh.delete(f"{LIST}/{task['export_task_id']}")
    assert again.status_code == 404
    assert again.json()["error_code"] == "IOTDA.000404"


def test_create_beyond_max_tasks_removes_the_earliest(fresh: httpx.Client) -> None:
    ids = [fresh.post(LIST, json=BODY).json()["export_task_id"] for _ in range(5)]
    listed = _list(fresh).json()
    assert [t["export_task_id"] for t in listed["export_tasks"]] == ids[::-1][:3]
    assert listed["page"]["count"] == 3


def test_tasks_are_scoped_by_instance(fresh: httpx.Client) -> None:
    task = fresh.post(LIST, json=BODY, headers={"Instance-Id": "instance-9"}).json()
    assert _list(fresh).json()["page"]["count"] == 0
    missing = fresh.delete(f"{LIST}/{task['export_task_id']}")
    assert missing.status_code == 404
    gone = fresh.delete(f"{LIST}/{task['export_task_id']}", headers={"Instance-Id": "instance-9"})
    assert gone.status_code == 204


def test_missing_credentials_get_401(fresh: httpx.Client) -> None:
    response = httpx.get(f"{fresh.base_url}{LIST}", params={"resource_type": "BatchTask"})
    assert response.status_code == 401
    assert response.json() == {"error_code": "IOTDA.000002", "error_msg": "Authentication failed."}
    assert response.headers["x-request-id"]


def test_tasks_are_scoped_by_project(fresh: httpx.Client) -> None:
    task = fresh.post("/v5/iot/project-a/export-tasks", json=BODY).json()
    other = "/v5/iot/project-b/export-tasks"
    listed = fresh.get(other, params={"resource_type": "BatchTask"}).json()
    assert listed == {"export_tasks": [], "page": {"count": 0}}
    assert fresh.delete(f"{other}/{task['export_task_id']}").status_code == 404
    mine = fresh.get("/v5/iot/project-a/export-tasks", params={"resource_type": "BatchTask"}).json()
    assert mine["export_tasks"] == [task]
