"""The wire vectors in tests/vectors/ run against the generated client, the official SDK and the mock."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from iotda_client import Client
from iotda_client.api.export_tasks import create_export_task, delete_export_task, list_export_tasks
from iotda_client.models.add_export_task import AddExportTask
from iotda_client.types import Unset
from sdk_support import TOKEN, Recorded, recording_server
from test_agreement import as_the_mock_reads, generated_arguments
from test_interop import plain

VECTORS_FILE = Path(__file__).resolve().parents[1] / "vectors" / "export_tasks.json"
VECTORS: list[dict[str, Any]] = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))["vectors"]


def applying_to(party: str) -> list[Any]:
    return [pytest.param(v, id=v["id"]) for v in VECTORS if party in v["appliesTo"]]


def expected_read(vector: dict[str, Any]) -> tuple[str, str, dict[str, str], dict[str, str]]:
    request = vector["request"]
    query = httpx.QueryParams(request["query"])
    wanted = Recorded(
        request["method"],
        request["uri"],
        str(query),
        {k.lower(): v for k, v in request["headers"].items()},
        b"",
    )
    return as_the_mock_reads(wanted)


def check_body(sent: bytes, vector: dict[str, Any]) -> None:
    expected = vector["request"]["body"]
    assert (json.loads(sent) if sent else None) == expected


def test_every_vector_is_run_by_someone():
    assert VECTORS
    for vector in VECTORS:
        assert vector["appliesTo"], vector["id"]
        assert set(vector["appliesTo"]) <= {"generated", "sdk", "mock"}, vector["id"]
        assert ("error" in vector) != ("output" in vector), vector["id"]


@pytest.mark.parametrize("vector", applying_to("generated"))
def test_generated_client(vector):
    sent: list[httpx.Request] = []
    answer = vector["response"]

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        body = None if answer["body"] is None else json.dumps(answer["body"]).encode()
        return httpx.Response(answer["code"], headers=answer["headers"], content=body)

    client = Client(base_url="http://vectors.invalid")
    client.set_httpx_client(
        httpx.Client(base_url="http://vectors.invalid", transport=httpx.MockTransport(handler))
    )
    params = dict(vector["params"])
    project = params.pop("project_id")
    with client:
        if vector.get("refusedByGenerated"):
            with pytest.raises(ValueError, match=next(k for k in params if k != "resource_type")):
                list_export_tasks.sync_detailed(project, client=client, **generated_arguments(params))
            assert sent == [], "refused before sending"
            return
        if vector["operation"] == "ListExportTasks":
            response = list_export_tasks.sync_detailed(project, client=client, **generated_arguments(params))
        elif vector["operation"] == "CreateExportTask":
            body = AddExportTask.from_dict(params.pop("body"))
            response = create_export_task.sync_detailed(project, client=client, body=body, **params)
        else:
            response = delete_export_task.sync_detailed(project, client=client, **params)
    (request,) = sent
    read = as_the_mock_reads(
        Recorded(
            request.method,
            request.url.raw_path.decode().partition("?")[0],
            request.url.query.decode(),
            {k.lower(): v for k, v in request.headers.items()},
            request.content,
        )
    )
    assert read == expected_read(vector)
    check_body(request.content, vector)
    assert response.status_code == vector["response"]["code"]
    assert response.headers.get("X-Request-Id") == vector["response"]["headers"]["X-Request-Id"]
    if "error" in vector:
        error = vector["error"]
        parsed = response.parsed
        assert (getattr(parsed, "error_code", None), getattr(parsed, "error_msg", None)) == (
            error["error_code"],
            error["error_msg"],
        )
    elif vector["output"] is None:
        assert response.parsed is None or isinstance(response.parsed, Unset) or response.content == b""
    else:
        assert response.parsed is not None
        assert response.parsed.to_dict() == vector["output"]  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def recorder():
    with recording_server() as server:
        yield server


@pytest.mark.parametrize("vector", applying_to("sdk"))
def test_official_sdk(sdk, sdk_client, recorder, vector):
    answer = vector["response"]
    recorder.reply(answer["code"], answer["body"], answer["headers"])
    recorder.requests.clear()
    params = dict(vector["params"])
    client = sdk_client(params.pop("project_id"), endpoint=recorder.url)
    if vector["operation"] == "ListExportTasks":
        call = lambda: client.list_export_tasks(sdk.iotda.ListExportTasksRequest(**params))  # noqa: E731
    elif vector["operation"] == "CreateExportTask":
        body = sdk.iotda.AddExportTask(**params.pop("body"))
        call = lambda: client.create_export_task(sdk.iotda.CreateExportTaskRequest(body=body, **params))  # noqa: E731
    else:
        call = lambda: client.delete_export_task(sdk.iotda.DeleteExportTaskRequest(**params))  # noqa: E731
    if "error" in vector:
        with pytest.raises(sdk.exceptions.ClientRequestException) as caught:
            call()
        error = vector["error"]
        got = caught.value
        assert (got.status_code, got.error_code, got.error_msg, got.request_id) == (
            error["status"],
            error["error_code"],
            error["error_msg"],
            error["request_id"],
        )
    else:
        result = call()
        assert result.status_code == answer["code"]
        if vector["output"] is not None:
            assert plain(result) == vector["output"]
    (request,) = recorder.requests
    assert as_the_mock_reads(request) == expected_read(vector)
    check_body(request.body, vector)


@pytest.mark.parametrize("vector", applying_to("mock"))
def test_mock(mock_url, project, vector):
    request = vector["request"]
    uri = request["uri"].replace(vector["params"]["project_id"], project, 1)
    headers = {"X-Auth-Token": TOKEN, **request["headers"]}
    body = None if request["body"] is None else json.dumps(request["body"]).encode()
    response = httpx.request(
        request["method"], mock_url + uri, params=request["query"], headers=headers, content=body
    )
    expected = vector["mock"]
    assert response.status_code == expected["code"], response.text
    assert response.headers["X-Request-Id"]
    if "body" in expected:
        assert response.json() == expected["body"]
    if "bodySubset" in expected:
        document = response.json()
        assert {k: document.get(k) for k in expected["bodySubset"]} == expected["bodySubset"]
    if "error_code" in expected:
        assert response.json()["error_code"] == expected["error_code"]
