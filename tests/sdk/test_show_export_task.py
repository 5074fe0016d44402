"""ShowExportTask: the official SDK's ``show_export_task`` and our generated client against the mock."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
import xlrd
from iotda_client.api.export_tasks import show_export_task
from iotda_client.types import File
from sdk_support import AK, SK, TOKEN

from iotda_contract.client import ApiError, make_client
from iotda_contract.mock import workbook
from iotda_contract.mock.settings import Settings
from iotda_contract.mock.testing import serve_in_thread


def create(sdk: SimpleNamespace, client: Any, **body: Any) -> Any:
    request = sdk.iotda.CreateExportTaskRequest(
        body=sdk.iotda.AddExportTask(resource_type="BatchTask", **body)
    )
    return client.create_export_task(request)


def show(sdk: SimpleNamespace, client: Any, export_task_id: str) -> Any:
    return client.show_export_task(sdk.iotda.ShowExportTaskRequest(export_task_id=export_task_id))


def export_count(url: str, project: str, export_task_id: str) -> int:
    query = {"resource_type": "BatchTask", "limit": 50}
    page = httpx.get(f"{url}/v5/iot/{project}/export-tasks", params=query, headers={"X-Auth-Token": TOKEN})
    task = next(t for t in page.json()["export_tasks"] if t["export_task_id"] == export_task_id)
    return int(task["export_count"])


def table(content: bytes) -> list[list[Any]]:
    sheet = xlrd.open_workbook(file_contents=content).sheet_by_index(0)
    return [sheet.row_values(n) for n in range(sheet.nrows)]


def test_the_sdk_and_our_client_download_the_same_workbook(sdk, sdk_client, credentials_file: Path, project):
    settings = Settings(
        auth="verify", credentials=str(credentials_file), download_interval=0, max_unfinished=0
    )
    with serve_in_thread(settings) as url:
        client = sdk_client(project, endpoint=url)
        task = create(sdk, client, resource_condition={"task_id": "61b7ed6a66a1a5f5d5e26c8f"})
        answer = show(sdk, client, task.export_task_id)
        assert answer.status_code == 200
        sdk_bytes = answer.raw_content
        rows = table(sdk_bytes)
        assert rows[0] == list(workbook.HEADER)
        assert len(rows) - 1 == export_count(url, project, task.export_task_id) > 0
        with make_client(url, project, ak=AK, sk=SK) as ours:
            file = show_export_task.sync(project_id=project, export_task_id=task.export_task_id, client=ours)
            detailed = show_export_task.sync_detailed(
                project_id=project, export_task_id=task.export_task_id, client=ours
            )
        assert isinstance(file, File)
        assert file.payload.read() == sdk_bytes
        assert detailed.headers["content-type"] == "application/vnd.ms-excel"
        assert detailed.content == sdk_bytes


def test_the_download_limit_and_a_failed_task_reach_the_sdk_as_4xx(sdk, sdk_client, mock_url, project):
    client = sdk_client(project)
    done = create(sdk, client)
    failed = create(sdk, client, resource_condition={"task_id": "fa11" + "0" * 20})
    with pytest.raises(sdk.exceptions.ClientRequestException) as caught:
        show(sdk, client, failed.export_task_id)
    assert (caught.value.status_code, caught.value.error_code) == (404, "IOTDA.000404")
    assert "Failed" in caught.value.error_msg
    assert show(sdk, client, done.export_task_id).status_code == 200
    with pytest.raises(sdk.exceptions.ClientRequestException) as caught:
        show(sdk, client, done.export_task_id)
    # The SDK's urllib3 retries a 429 by itself and, once its retries are spent, reports the status as the
    # code (a RetryError carries no body): the status is what reaches its user.
    assert caught.value.status_code == 429
    with (
        make_client(mock_url, project, ak=AK, sk=SK, retries=0) as ours,
        pytest.raises(ApiError) as ours_caught,
    ):
        show_export_task.sync(project_id=project, export_task_id=done.export_task_id, client=ours)
    assert (ours_caught.value.status_code, ours_caught.value.error_code) == (429, "IOTDA.021101")
    assert ours_caught.value.request_id
    assert json.loads(ours_caught.value.content)["error_code"] == "IOTDA.021101"
