"""ShowExportTask on the mock over a real socket: the XLS file, when there is one, the download rate."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import count
from typing import Any

import httpx
import pytest
import xlrd

from iotda_contract import spec as spec_module
from iotda_contract.mock import errors, workbook
from iotda_contract.mock.server import build_app
from iotda_contract.mock.settings import Settings
from iotda_contract.mock.testing import AUTH_HEADERS, serve_in_thread

TASK_ID = "61b7ed6a66a1a5f5d5e26c8f"
_projects = count()


class Clock:
    """The mock's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@contextmanager
def served(settings: Settings) -> Iterator[httpx.Client]:
    """The mock on a socket with a clock of the test's: ``advance(client, seconds)`` moves it."""
    clock = Clock()
    with (
        serve_in_thread(settings, clock=clock) as url,
        httpx.Client(base_url=url, headers=AUTH_HEADERS, timeout=30) as client,
    ):
        client.clock = clock  # type: ignore[attr-defined]
        yield client


@pytest.fixture(scope="module")
def mock() -> Iterator[httpx.Client]:
    """The mock with the spec's download interval (30 s) and tasks that finish at once."""
    with served(Settings(max_tasks=0, max_unfinished=0)) as client:
        yield client


@pytest.fixture
def project() -> str:
    """A project of its own for each test: the download rate is counted per project."""
    return f"file-project-{next(_projects)}"


def create(client: httpx.Client, project: str, **body: Any) -> dict[str, Any]:
    document = {"resource_type": "BatchTask", "resource_condition": {"task_id": TASK_ID}, **body}
    response = client.post(f"/v5/iot/{project}/export-tasks", json=document)
    assert response.status_code == 201, response.text
    task: dict[str, Any] = response.json()
    return task


def download(client: httpx.Client, project: str, export_task_id: str) -> httpx.Response:
    return client.get(f"/v5/iot/{project}/export-tasks/{export_task_id}/file")


def listed(client: httpx.Client, project: str, export_task_id: str) -> dict[str, Any]:
    page = client.get(f"/v5/iot/{project}/export-tasks", params={"resource_type": "BatchTask", "limit": 50})
    return next(t for t in page.json()["export_tasks"] if t["export_task_id"] == export_task_id)


def advance(client: httpx.Client, seconds: float) -> None:
    client.clock.now += seconds  # type: ignore[attr-defined]


def rows(content: bytes) -> list[list[Any]]:
    sheet = xlrd.open_workbook(file_contents=content).sheet_by_index(0)
    return [sheet.row_values(n) for n in range(sheet.nrows)]


def test_a_succeeded_task_gives_an_xls_workbook_of_export_count_results(mock, project):
    task = create(mock, project)
    assert task["status"] == "Success"
    response = download(mock, project, task["export_task_id"])
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/vnd.ms-excel"
    assert response.headers["content-disposition"] == f'attachment; filename="{task["export_task_id"]}.xls"'
    assert response.headers["x-request-id"]
    assert response.content.startswith(b"\xd0\xcf\x11\xe0")  # an OLE2 compound file: Excel 97-2003
    table = rows(response.content)
    assert table[0] == list(workbook.HEADER)
    assert len(table) - 1 == task["export_count"] > 0
    assert {row[1] for row in table[1:]} == {TASK_ID}
    assert [int(row[0]) for row in table[1:]] == list(range(1, task["export_count"] + 1))


def test_no_file_while_processing_or_after_failing(project):
    with served(Settings(max_unfinished=0, task_seconds=60, download_interval=0)) as client:
        running = create(client, project)
        failing = create(client, project, resource_condition={"task_id": "fa11" + "0" * 20})
        for task in (running, failing):
            refused = download(client, project, task["export_task_id"])
            assert refused.status_code == 404
            assert refused.json()["error_code"] == "IOTDA.000404"
            assert "Processing" in refused.json()["error_msg"]
        advance(client, 61)
        assert listed(client, project, failing["export_task_id"])["status"] == "Failed"
        refused = download(client, project, failing["export_task_id"])
        assert (refused.status_code, refused.json()["error_msg"]) == (404, errors.FileNotReady("Failed").msg)
        done = download(client, project, running["export_task_id"])
        assert done.status_code == 200
        assert (
            len(rows(done.content)) - 1 == listed(client, project, running["export_task_id"])["export_count"]
        )


def test_one_download_every_30_seconds_per_project_announced_with_429_and_retry_after(mock, project):
    first, second = create(mock, project), create(mock, project, app_type="APP")
    assert download(mock, project, first["export_task_id"]).status_code == 200
    limited = download(mock, project, second["export_task_id"])
    assert limited.status_code == 429
    assert limited.json()["error_code"] == "IOTDA.021101"
    assert 1 <= int(limited.headers["retry-after"]) <= 30
    assert limited.headers["content-type"] == "application/json"
    other = f"{project}-other"
    assert download(mock, other, create(mock, other)["export_task_id"]).status_code == 200, "per project"
    advance(mock, 20)
    again = download(mock, project, second["export_task_id"])
    assert again.status_code == 429, "a refused download does not open the window"
    assert int(again.headers["retry-after"]) <= 10
    advance(mock, 10)
    assert download(mock, project, second["export_task_id"]).status_code == 200


def test_a_newer_task_with_the_same_conditions_overwrites_the_earlier_file(project):
    with served(Settings(max_tasks=0, max_unfinished=0, download_interval=0)) as client:
        earlier = create(client, project)
        assert download(client, project, earlier["export_task_id"]).status_code == 200
        newer = create(client, project)
        gone = download(client, project, earlier["export_task_id"])
        assert (gone.status_code, gone.json()["error_msg"]) == (404, errors.FileOverwritten.message)
        assert download(client, project, newer["export_task_id"]).status_code == 200
        # other conditions (another batch task, another app scope, another instance) overwrite nothing
        create(client, project, resource_condition={"task_id": "0" * 24})
        create(client, project, app_id="app_01")
        other_instance = client.post(
            f"/v5/iot/{project}/export-tasks",
            json={"resource_type": "BatchTask", "resource_condition": {"task_id": TASK_ID}},
            headers={"Instance-Id": "instance-2"},
        )
        assert other_instance.status_code == 201
        assert download(client, project, newer["export_task_id"]).status_code == 200


def test_unknown_and_malformed_ids(mock, project):
    unknown = download(mock, project, "NoSuchTask")
    assert (unknown.status_code, unknown.json()["error_code"]) == (404, "IOTDA.000404")
    assert unknown.json()["error_msg"] == errors.NotFound.message
    malformed = download(mock, project, "bad.id")
    assert malformed.status_code == 400
    wrong_method = mock.post(f"/v5/iot/{project}/export-tasks/x/file")
    assert wrong_method.status_code == 405


def test_the_download_limit_comes_from_the_spec():
    limits = spec_module.load().operation("ShowExportTask").download_limits
    assert limits is not None
    assert (limits.interval_seconds, limits.limited_status, limits.limited_code) == (30, 429, "IOTDA.021101")
    assert spec_module.load().operation("ShowExportTask").limits is None, "not the create's limits"
    assert spec_module.load().operation("CreateExportTask").download_limits is None
    assert (errors.DownloadLimited.status, errors.DownloadLimited.code) == (429, "IOTDA.021101")
    assert build_app(Settings()).download_interval == 30
    assert build_app(Settings(download_interval=0)).download_interval == 0


def test_the_same_task_always_gives_the_same_bytes():
    from iotda_contract.mock.tasks import Task

    task = Task("0123456789abcdef01234567", "p", "", "Kq9d", "BatchTask", None, "xls", "GLOBAL", None,
                "Success", 100, 3, 0, 1, False)  # fmt: skip
    assert workbook.export_file(task) == workbook.export_file(task)
    assert len(rows(workbook.export_file(task))) == 4
    with pytest.raises(ValueError, match="at most"):
        workbook.export_file(dataclasses.replace(task, export_count=workbook.MAX_ROWS))
