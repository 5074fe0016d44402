"""ShowExportTask (the export-file download) on the independent backends alpha and beta, over a real socket.

Each backend reads the platform's rules its own way (see their module docstrings):

- alpha: header row + export_count rows; no file (Processing/Failed/overwritten) is 404 IOTDA.000404; same
  conditions = project, instance, resource_type, resource_condition, export_format, app_type, app_id; the
  download limit is 429 IOTDA.021101 with Retry-After, per project.
- beta: export_count rows, no header; Processing/Failed is 400 IOTDA.000006, overwritten 404 IOTDA.000404;
  same conditions = project, resource_type, resource_condition; the limit is 403 IOTDA.021101 without
  Retry-After, per token.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from typing import Any

import httpx
import pytest
import xlrd  # type: ignore[import-untyped]

from .harness import Backend, serve
from .test_backends import BACKENDS, TASK_ID, assert_error, client, create, everything, tasks_path

XLS = "application/vnd.ms-excel"
HEADER_ROWS = {"alpha": 1, "beta": 0}
NO_FILE = {"alpha": (404, "IOTDA.000404"), "beta": (400, "IOTDA.000006")}
LIMITED = {"alpha": 429, "beta": 403}


def file_path(backend: Backend, export_task_id: str, project_id: str | None = None) -> str:
    return f"{tasks_path(backend, project_id)}/{export_task_id}/file"


def download(c: httpx.Client, backend: Backend, export_task_id: str, **headers: str) -> httpx.Response:
    return c.get(file_path(backend, export_task_id), headers=headers)


def conditions(name: str, task: dict[str, Any]) -> tuple[Any, ...]:
    """What makes two tasks "the same conditions" in this backend's reading (one instance)."""
    condition = task["resource_condition"].get("task_id")
    if name == "alpha":
        return (task["resource_type"], condition, task["export_format"], task["app_type"], task.get("app_id"))
    return (task["resource_type"], condition)


def latest_per_conditions(
    name: str, tasks: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Split the tasks (newest first) into the newest of each conditions and the overwritten rest."""
    seen: set[tuple[Any, ...]] = set()
    latest: list[dict[str, Any]] = []
    overwritten: list[dict[str, Any]] = []
    for task in tasks:
        key = conditions(name, task)
        (overwritten if key in seen else latest).append(task)
        seen.add(key)
    return latest, overwritten


def downloadable(name: str, tasks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [task for task in latest_per_conditions(name, tasks)[0] if task["status"] == "Success"]


def sheet_rows(response: httpx.Response) -> list[list[Any]]:
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == XLS
    assert response.headers.get("X-Request-Id")
    assert ".xls" in response.headers["Content-Disposition"]
    assert int(response.headers["Content-Length"]) == len(response.content)
    sheet = xlrd.open_workbook(file_contents=response.content).sheet_by_index(0)
    return [sheet.row_values(r) for r in range(sheet.nrows)]


def assert_file_of(name: str, response: httpx.Response, task: dict[str, Any]) -> None:
    rows = sheet_rows(response)
    assert len(rows) == task["export_count"] + HEADER_ROWS[name]
    if name == "alpha":
        assert rows[0] == ["device_id", "device_name", "status", "output"]


def wait_for_success(c: httpx.Client, backend: Backend, export_task_id: str) -> dict[str, Any]:
    for _ in range(100):
        (task,) = [t for t in everything(c, backend) if t["export_task_id"] == export_task_id]
        if task["status"] == "Success":
            return task
        time.sleep(0.01)
    raise AssertionError(f"task {export_task_id} did not finish")


@pytest.fixture(params=BACKENDS)
def name(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


@pytest.fixture
def unlimited(name: str) -> Iterator[Backend]:
    with serve(name, seed=23, download_interval=0) as backend:
        yield backend


@pytest.mark.parametrize("seed", [23, 40])
def test_seeded_data_has_files_to_download_and_tasks_to_refuse(name: str, seed: int) -> None:
    with serve(name, seed=seed, download_interval=0) as backend, client(backend) as c:
        tasks = everything(c, backend)
        assert {task["status"] for task in tasks} == {"Success", "Failed", "Processing"}
        files = downloadable(name, tasks)
        assert len({task["resource_condition"]["task_id"] for task in files}) >= 3
        assert all(task["export_count"] > 0 for task in files)


def test_a_success_task_s_file_has_export_count_rows(unlimited: Backend) -> None:
    name = unlimited.name
    with client(unlimited) as c:
        files = downloadable(name, everything(c, unlimited))
        assert len(files) >= 3
        for task in files:  # interval 0: every one of them is given, one right after the other
            assert_file_of(name, download(c, unlimited, task["export_task_id"]), task)


def test_processing_and_failed_tasks_have_no_file(unlimited: Backend) -> None:
    status, code = NO_FILE[unlimited.name]
    with client(unlimited) as c:
        refused = [task for task in everything(c, unlimited) if task["status"] in ("Processing", "Failed")]
        assert {task["status"] for task in refused} == {"Processing", "Failed"}
        for task in refused:
            assert_error(download(c, unlimited, task["export_task_id"]), status, code)


def test_an_unknown_or_invisible_task_and_other_methods(unlimited: Backend) -> None:
    with client(unlimited) as c:
        assert_error(download(c, unlimited, "no-such-task"), 404, "IOTDA.000404")
        task_id = downloadable(unlimited.name, everything(c, unlimited))[0]["export_task_id"]
        for method in ("POST", "DELETE", "PUT"):
            response = c.request(method, file_path(unlimited, task_id))
            assert_error(response, 405)
            assert response.headers["Allow"] == "GET"
        other = c.get(file_path(unlimited, "x", unlimited.other_project_id))
        if unlimited.name == "alpha":
            assert_error(other, 403, "IOTDA.000004")
        else:
            assert_error(other, 404, "IOTDA.000404")
    with client(unlimited, token="nobody") as c:
        assert_error(download(c, unlimited, task_id), 401, "IOTDA.000002")


def test_a_file_of_export_count_zero_has_no_data_rows(unlimited: Backend) -> None:
    with client(unlimited) as c:
        task = downloadable(unlimited.name, everything(c, unlimited))[0]
        if unlimited.name == "alpha":
            update = "UPDATE export_task SET export_count = 0, final_count = 0 WHERE export_task_id = ?"
        else:
            update = "UPDATE tasks SET export_count = 0 WHERE export_task_id = ?"
        with closing(sqlite3.connect(unlimited.db_path)) as db, db:
            db.execute(update, (task["export_task_id"],))
        (listed,) = [t for t in everything(c, unlimited) if t["export_task_id"] == task["export_task_id"]]
        assert listed["export_count"] == 0
        rows = sheet_rows(download(c, unlimited, task["export_task_id"]))
        assert len(rows) == HEADER_ROWS[unlimited.name]


def test_seeded_overwritten_tasks_answer_404(unlimited: Backend) -> None:
    with client(unlimited) as c:
        overwritten = latest_per_conditions(unlimited.name, everything(c, unlimited))[1]
        succeeded = [task for task in overwritten if task["status"] == "Success"]
        assert succeeded
        for task in succeeded:
            assert_error(download(c, unlimited, task["export_task_id"]), 404, "IOTDA.000404")


def test_a_newer_task_with_the_same_conditions_overwrites_the_file(name: str) -> None:
    with serve(name, finish_after=0, download_interval=0) as backend, client(backend) as c:
        first = wait_for_success(c, backend, create(c, backend).json()["export_task_id"])
        assert_file_of(name, download(c, backend, first["export_task_id"]), first)

        # another app, another instance: the same conditions for beta only
        assert create(c, backend, app_id="app_one").status_code == 201
        in_instance = c.post(
            tasks_path(backend),
            json={"resource_type": "BatchTask", "resource_condition": {"task_id": TASK_ID}},
            headers={"Instance-Id": "inst-1"},
        )
        assert in_instance.status_code == 201
        if name == "alpha":
            assert_file_of(name, download(c, backend, first["export_task_id"]), first)
        else:
            assert_error(download(c, backend, first["export_task_id"]), 404, "IOTDA.000404")
        # the task is not in another instance
        assert_error(download(c, backend, first["export_task_id"], **{"Instance-Id": "inst-2"}), 404)

        # the same conditions for both: the first task's file is gone, the newest task has one
        second = wait_for_success(c, backend, create(c, backend).json()["export_task_id"])
        assert_error(download(c, backend, first["export_task_id"]), 404, "IOTDA.000404")
        assert_file_of(name, download(c, backend, second["export_task_id"]), second)
        # the overwritten task is still listed
        assert first["export_task_id"] in {t["export_task_id"] for t in everything(c, backend)}
        # a different resource_condition is another set of conditions
        third = create(c, backend, resource_condition={"task_id": "0" * 24}).json()
        third = wait_for_success(c, backend, third["export_task_id"])
        assert_file_of(name, download(c, backend, third["export_task_id"]), third)
        assert_file_of(name, download(c, backend, second["export_task_id"]), second)


def test_a_second_download_within_the_interval_is_limited(name: str) -> None:
    with serve(name, seed=23, download_interval=30) as backend, client(backend) as c:
        tasks = everything(c, backend)
        first, other = downloadable(name, tasks)[:2]
        refused = next(task for task in tasks if task["status"] == "Failed")
        # a refused download does not count
        assert_error(download(c, backend, refused["export_task_id"]), *NO_FILE[name])
        assert_file_of(name, download(c, backend, first["export_task_id"]), first)
        for task in (first, other):
            limited = download(c, backend, task["export_task_id"])
            assert_error(limited, LIMITED[name], "IOTDA.021101")
            if name == "alpha":
                assert 1 <= int(limited.headers["Retry-After"]) <= 30
            else:
                assert "Retry-After" not in limited.headers
        # only a download that would give a file is limited
        assert_error(download(c, backend, refused["export_task_id"]), *NO_FILE[name])
        assert_error(download(c, backend, "no-such-task"), 404, "IOTDA.000404")
        # another user (another project and token) has its own allowance
        with client(backend, token=backend.other_token) as other_client:
            (task, *_) = [
                t
                for t in other_client.get(
                    tasks_path(backend, backend.other_project_id), params={"resource_type": "BatchTask"}
                ).json()["export_tasks"]
                if t["status"] == "Success"
            ]
            response = other_client.get(file_path(backend, task["export_task_id"], backend.other_project_id))
            assert_file_of(name, response, task)


def test_the_limit_lifts_after_the_interval(name: str) -> None:
    with serve(name, seed=23, download_interval=2) as backend, client(backend) as c:
        task = downloadable(name, everything(c, backend))[0]
        assert_file_of(name, download(c, backend, task["export_task_id"]), task)
        assert_error(download(c, backend, task["export_task_id"]), LIMITED[name], "IOTDA.021101")
        time.sleep(2.05)
        assert_file_of(name, download(c, backend, task["export_task_id"]), task)


def test_interval_zero_never_limits(unlimited: Backend) -> None:
    with client(unlimited) as c:
        task = downloadable(unlimited.name, everything(c, unlimited))[0]
        for _ in range(6):
            assert_file_of(unlimited.name, download(c, unlimited, task["export_task_id"]), task)


def test_the_default_interval_is_30_seconds(name: str) -> None:
    with serve(name, seed=23) as backend, client(backend) as c:
        task = downloadable(name, everything(c, backend))[0]
        assert_file_of(name, download(c, backend, task["export_task_id"]), task)
        limited = download(c, backend, task["export_task_id"])
        assert_error(limited, LIMITED[name], "IOTDA.021101")
        if name == "alpha":
            assert 20 <= int(limited.headers["Retry-After"]) <= 30
