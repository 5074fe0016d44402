"""The official SDK (huaweicloudsdkiotda 3.1.219) against the mock over a real socket, ``--auth verify``."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sdk_support import OTHER_AK, OTHER_SK, SK, TOKEN

from iotda_contract import spec as spec_module

TASK_IDS = ("61b7ed6a66a1a5f5d5e26c8f", "0123456789abcdef01234567")


def stored(mock_url: str, project: str, instance: str | None = None, **params: Any) -> dict[str, Any]:
    """The mock's own answer to a plain list (token auth, limit 50): what it stored, newest first."""
    headers = {"X-Auth-Token": TOKEN, **({"Instance-Id": instance} if instance else {})}
    query = {"resource_type": "BatchTask", "limit": 50, **params}
    response = httpx.get(f"{mock_url}/v5/iot/{project}/export-tasks", params=query, headers=headers)
    assert response.status_code == 200, response.text
    document: dict[str, Any] = response.json()
    return document


def plain(model: Any) -> Any:
    """An SDK model's parsed attributes as JSON-like data, without the fields it leaves as None.

    Read attribute by attribute (``openapi_types``), not through ``to_json_object()``, which returns the raw
    body and so would not test the SDK's parsing.
    """
    if isinstance(model, list):
        return [plain(item) for item in model]
    if isinstance(model, dict):
        return {key: plain(value) for key, value in model.items()}
    if hasattr(model, "openapi_types"):
        values = {name: getattr(model, name) for name in model.openapi_types}
        return {name: plain(value) for name, value in values.items() if value is not None}
    return model


def create(sdk, client, *, instance_id: str | None = None, **body: Any) -> Any:
    request = sdk.iotda.CreateExportTaskRequest(
        instance_id=instance_id, body=sdk.iotda.AddExportTask(resource_type="BatchTask", **body)
    )
    return client.create_export_task(request)


def list_tasks(sdk, client, **params: Any) -> Any:
    return client.list_export_tasks(sdk.iotda.ListExportTasksRequest(**params))


def test_create_walk_every_page_and_delete(sdk, sdk_client, mock_url, project):
    client = sdk_client(project)
    created = []
    for n in range(7):
        condition = {"task_id": TASK_IDS[n % 2]}
        extra = {"app_type": "APP", "app_id": f"app_{n % 3}"} if n % 2 else {"app_type": "GLOBAL"}
        created.append(plain(create(sdk, client, resource_condition=condition, export_format="xls", **extra)))
    view = stored(mock_url, project)
    assert view["page"]["count"] == 7
    assert view["export_tasks"] == list(reversed(created)), (
        "the SDK's parsed creates equal what the mock stored"
    )

    walked, markers, marker = [], [], None
    while True:
        page = list_tasks(sdk, client, resource_type="BatchTask", limit=3, marker=marker)
        assert page.page.count == 7
        if not page.export_tasks:
            assert page.page.marker is None
            break
        walked += [plain(task) for task in page.export_tasks]
        marker = page.page.marker
        markers.append(marker)
    assert walked == view["export_tasks"], "walking the mock's markers visits every task once, newest first"
    assert len(markers) == 3
    assert markers == sorted(markers, reverse=True)

    for task in created:
        deleted = client.delete_export_task(
            sdk.iotda.DeleteExportTaskRequest(export_task_id=task["export_task_id"])
        )
        assert deleted.status_code == 204
    assert stored(mock_url, project) == {"export_tasks": [], "page": {"count": 0}}


def test_list_with_every_parameter(sdk, sdk_client, mock_url, project):
    client = sdk_client(project)
    made: list[tuple[str, dict[str, Any]]] = []  # (instance, task), oldest first
    for n in range(12):
        instance = ("inst-a", "inst-b")[n % 2]
        task = create(
            sdk,
            client,
            instance_id=instance,
            resource_condition={"task_id": TASK_IDS[(n // 2) % 2]},
            app_type="APP",
            app_id=("app_x", "app_y")[(n // 4) % 2],
        )
        made.append((instance, plain(task)))
    wanted = [
        task
        for instance, task in reversed(made)
        if instance == "inst-a"
        and task["resource_condition"]["task_id"] == TASK_IDS[0]
        and task["app_id"] == "app_x"
    ]
    assert len(wanted) == 2
    filters = {
        "instance_id": "inst-a",
        "resource_type": "BatchTask",
        "resource_condition": json.dumps({"task_id": TASK_IDS[0]}),
        "app_type": "GLOBAL",
        "app_id": "app_x",
    }
    first = list_tasks(sdk, client, limit=1, **filters)
    assert [plain(t) for t in first.export_tasks] == wanted[:1]
    assert first.page.count == len(wanted)
    rest = list_tasks(sdk, client, limit=2, offset=0, marker=first.page.marker, **filters)
    assert [plain(t) for t in rest.export_tasks] == wanted[1:3]
    skipped = list_tasks(sdk, client, limit=50, offset=1, marker="f" * 24, **filters)
    assert [plain(t) for t in skipped.export_tasks] == wanted[1:]
    upper = list_tasks(sdk, client, limit=50, marker=first.page.marker.upper(), **filters)
    assert [plain(t) for t in upper.export_tasks] == wanted[1:], "the marker is case-insensitive"


# --- signatures ------------------------------------------------------------------------------------------


def test_both_signature_schemes_are_accepted(sdk, sdk_client, project):
    seen: list[str] = []

    def record(**kwargs: Any) -> None:
        seen.append(kwargs["request"].header_params["Authorization"])

    for derived in (False, True):
        client = sdk_client(project, derived=derived, on_request=record)
        create(sdk, client)
        assert list_tasks(sdk, client, resource_type="BatchTask").page.count == 1 + derived
    assert seen[0].startswith("SDK-HMAC-SHA256 Access=")
    assert seen[-1].startswith("V11-HMAC-SHA256 Credential=")
    assert "/cn-north-4/iotdm, " in seen[-1]


def _refused(sdk, call) -> Any:
    with pytest.raises(sdk.exceptions.ClientRequestException) as caught:
        call()
    return caught.value


@pytest.mark.parametrize("derived", [False, True])
@pytest.mark.parametrize("change", ["query value", "query added", "instance header", "project header"])
def test_a_request_changed_after_signing_is_refused(sdk, sdk_client, project, derived, change):
    def tamper(**kwargs: Any) -> None:
        request = kwargs["request"]
        if change == "query value":
            request.uri = request.uri.replace("limit=5", "limit=6")
        elif change == "query added":
            request.uri += "&offset=1"
        elif change == "instance header":
            request.header_params["Instance-Id"] = "inst-other"
        else:
            request.header_params["X-Project-Id"] = "p-sdk-99"

    client = sdk_client(project, derived=derived, on_request=tamper)
    error = _refused(
        sdk, lambda: list_tasks(sdk, client, resource_type="BatchTask", limit=5, instance_id="i1")
    )
    assert (error.status_code, error.error_code) == (401, "APIGW.0301")
    untouched = sdk_client(project, derived=derived)
    assert list_tasks(sdk, untouched, resource_type="BatchTask", limit=5, instance_id="i1").page.count == 0


def _clock_shifted(sdk, monkeypatch, minutes: int) -> None:
    real = datetime

    class Shifted(datetime):
        @classmethod
        def utcnow(cls) -> datetime:  # type: ignore[override]
            return real.utcnow() - timedelta(minutes=minutes)

    monkeypatch.setattr(sdk.signer, "datetime", Shifted)


@pytest.mark.parametrize("derived", [False, True])
def test_a_signature_16_minutes_old_is_refused_14_is_not(sdk, sdk_client, project, monkeypatch, derived):
    client = sdk_client(project, derived=derived)
    _clock_shifted(sdk, monkeypatch, 14)
    assert list_tasks(sdk, client, resource_type="BatchTask").page.count == 0
    _clock_shifted(sdk, monkeypatch, 16)
    error = _refused(sdk, lambda: list_tasks(sdk, client, resource_type="BatchTask"))
    assert (error.status_code, error.error_code) == (401, "APIGW.0301")


@pytest.mark.parametrize("derived", [False, True])
def test_wrong_secret_and_unknown_key_are_refused(sdk, sdk_client, project, derived):
    for ak, sk in ((None, SK + "x"), ("HPUAUNKNOWNAK", SK)):
        kwargs = {"sk": sk} if ak is None else {"ak": ak, "sk": sk}
        client = sdk_client(project, derived=derived, **kwargs)
        error = _refused(sdk, lambda c=client: create(sdk, c))
        assert (error.status_code, error.error_code) == (401, "APIGW.0301")


def test_a_credential_used_on_another_project_gets_403(sdk, sdk_client, project):
    client = sdk_client(project, ak=OTHER_AK, sk=OTHER_SK)
    error = _refused(sdk, lambda: list_tasks(sdk, client, resource_type="BatchTask"))
    assert (error.status_code, error.error_code) == (403, "IOTDA.000004")
    assert error.request_id


# --- errors ----------------------------------------------------------------------------------------------


def test_a_400_reaches_the_sdk_user_with_code_message_and_request_id(sdk, sdk_client, project, spec):
    request_ids: list[str] = []
    client = sdk_client(
        project, on_response=lambda **kw: request_ids.append(kw["response"].headers["X-Request-Id"])
    )
    too_many = spec.operation("ListExportTasks").parameter("limit").schema["maximum"] + 1
    error = _refused(sdk, lambda: list_tasks(sdk, client, resource_type="BatchTask", limit=too_many))
    assert isinstance(error, sdk.exceptions.ClientRequestException)
    assert error.status_code == 400
    assert error.error_code == "IOTDA.000017"
    assert error.error_msg == "Invalid input. The specified parameter 'limit' is out of range."
    assert error.request_id == request_ids[-1] != ""


# --- what the SDK sends although the spec forbids it ------------------------------------------------------

_SPEC = spec_module.load()
_LIST = _SPEC.operation("ListExportTasks")
_LIMIT = _LIST.parameter("limit").schema
_OFFSET = _LIST.parameter("offset").schema
_APP_ID_MAX = _SPEC.schema("AppId")["maxLength"]
_INSTANCE_MAX = _LIST.parameter("Instance-Id").schema["maxLength"]
_CONDITION_MAX = _LIST.parameter("resource_condition").schema["maxLength"]

#: (case, operation, SDK arguments, expected status, expected code). The SDK validates nothing and sends each
#: of these unchanged (see platform-facts.md); the mock must refuse each with the API's own error.
FORBIDDEN: list[tuple[str, str, dict[str, Any], int, str]] = [
    ("limit below minimum", "list", {"limit": _LIMIT["minimum"] - 1}, 400, "IOTDA.000017"),
    ("limit above maximum", "list", {"limit": _LIMIT["maximum"] + 1}, 400, "IOTDA.000017"),
    ("offset below minimum", "list", {"offset": _OFFSET["minimum"] - 1}, 400, "IOTDA.000017"),
    ("offset above maximum", "list", {"offset": _OFFSET["maximum"] + 1}, 400, "IOTDA.000017"),
    ("marker not 24 hex", "list", {"marker": "xyz"}, 400, "IOTDA.000006"),
    ("app_type outside enum", "list", {"app_type": "FOO"}, 400, "IOTDA.000006"),
    ("app_id too long", "list", {"app_id": "a" * (_APP_ID_MAX + 1)}, 400, "IOTDA.000006"),
    ("resource_type omitted", "list", {"resource_type": None}, 400, "IOTDA.000006"),
    ("resource_type plural", "list", {"resource_type": "BatchTasks"}, 400, "IOTDA.000006"),
    ("resource_condition not JSON", "list", {"resource_condition": "task_id=1"}, 400, "IOTDA.000006"),
    (
        "resource_condition extra key",
        "list",
        {"resource_condition": '{"task_id": "' + "a" * 24 + '", "x": 1}'},
        400,
        "IOTDA.000006",
    ),
    (
        "resource_condition too long",
        "list",
        {"resource_condition": " " * (_CONDITION_MAX + 1)},
        400,
        "IOTDA.000006",
    ),
    ("Instance-Id with a space", "list", {"instance_id": "bad id"}, 400, "IOTDA.000006"),
    ("Instance-Id too long", "list", {"instance_id": "i" * (_INSTANCE_MAX + 1)}, 400, "IOTDA.000006"),
    ("create without resource_type", "create", {}, 400, "IOTDA.000006"),
    (
        "create export_format XLS",
        "create",
        {"resource_type": "BatchTask", "export_format": "XLS"},
        400,
        "IOTDA.000006",
    ),
    (
        "create task_id not hex",
        "create",
        {"resource_type": "BatchTask", "resource_condition": {"task_id": "zz"}},
        400,
        "IOTDA.000006",
    ),
    (
        "create app_id too long",
        "create",
        {"resource_type": "BatchTask", "app_id": "a" * (_APP_ID_MAX + 1)},
        400,
        "IOTDA.000006",
    ),
    (
        "create app_type outside enum",
        "create",
        {"resource_type": "BatchTask", "app_type": "FOO"},
        400,
        "IOTDA.000006",
    ),
    ("create without a body", "create-no-body", {}, 400, "IOTDA.000008"),
    ("delete id with a space", "delete", {"export_task_id": "bad id"}, 400, "IOTDA.000006"),
]


@pytest.mark.parametrize(
    ("operation", "arguments", "status", "code"),
    [case[1:] for case in FORBIDDEN],
    ids=[case[0] for case in FORBIDDEN],
)
def test_what_the_sdk_sends_unchecked_is_refused_with_the_apis_error(
    sdk, sdk_client, project, operation, arguments, status, code
):
    sent: list[Any] = []
    client = sdk_client(project, on_request=lambda **kw: sent.append(kw["request"]))
    if operation == "list":
        call = lambda: list_tasks(sdk, client, **{"resource_type": "BatchTask", **arguments})  # noqa: E731
    elif operation == "create":
        body = sdk.iotda.AddExportTask(**arguments)
        call = lambda: client.create_export_task(sdk.iotda.CreateExportTaskRequest(body=body))  # noqa: E731
    elif operation == "create-no-body":
        call = lambda: client.create_export_task(sdk.iotda.CreateExportTaskRequest())  # noqa: E731
    else:
        call = lambda: client.delete_export_task(sdk.iotda.DeleteExportTaskRequest(**arguments))  # noqa: E731
    error = _refused(sdk, call)
    assert (error.status_code, error.error_code) == (status, code)
    assert error.request_id
    assert len(sent) == 1, "the SDK sent the request: it checked nothing itself"
