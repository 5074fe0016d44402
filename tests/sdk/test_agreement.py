"""Differential tests: for the same call, the generated client and the official SDK send what the mock reads
identically, and parse the same answer into equal values.

Differences by design, stated here and checked: the generated client sends every parameter that has a
default (``limit``, ``marker``, ``offset``), the SDK sends only what the caller gave; once the spec's defaults
are filled in, the mock reads the two identically. The generated client refuses invalid input before sending
(tested in the generated client's own tests); this test draws only valid input, from the spec's schemas.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from iotda_client import Client
from iotda_client.api.export_tasks import create_export_task, list_export_tasks
from iotda_client.models.add_export_task import AddExportTask
from iotda_client.models.app_type import AppType
from iotda_client.models.resource_type import ResourceType
from sdk_support import Recorded, recording_server
from test_interop import plain

from iotda_contract import spec as spec_module
from iotda_contract.mock.wire import parse_query

SPEC = spec_module.load()
LIST = SPEC.operation("ListExportTasks")
PROJECT = "p-agreement"
#: The request headers the mock reads (besides auth, which the two clients do differently on purpose here).
HEADERS_THAT_MATTER = ("instance-id",)


def values(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Valid values of a parameter schema, read from the spec (enum, integer bounds, pattern and lengths)."""
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if schema.get("type") == "integer":
        return st.integers(schema.get("minimum", -(2**31)), schema.get("maximum", 2**31 - 1))
    low, high = schema.get("minLength", 0), schema.get("maxLength", 64)
    text = st.from_regex(schema["pattern"], fullmatch=True) if "pattern" in schema else st.text(max_size=high)
    return text.filter(lambda v: low <= len(v) <= high)


def condition_texts() -> st.SearchStrategy[str]:
    parameter = LIST.parameter("resource_condition")
    assert parameter.json_schema is not None
    properties = spec_module.flatten(SPEC.raw, parameter.json_schema)["properties"]
    objects = st.fixed_dictionaries({}, optional={k: values(v) for k, v in properties.items()})
    limits = parameter.schema
    return objects.map(json.dumps).filter(lambda t: limits["minLength"] <= len(t) <= limits["maxLength"])


@st.composite
def list_calls(draw: st.DrawFn) -> dict[str, Any]:
    """Keyword arguments of one list call, shared by both clients (each optional parameter maybe left out)."""
    call: dict[str, Any] = {}
    for parameter in LIST.parameters:
        if parameter.location == "path":
            continue
        name = "instance_id" if parameter.name == "Instance-Id" else parameter.name
        strategy = condition_texts() if parameter.json_schema is not None else values(parameter.schema)
        if parameter.required or draw(st.booleans(), label=f"send {name}"):
            call[name] = draw(strategy, label=name)
    return call


def generated_arguments(call: dict[str, Any]) -> dict[str, Any]:
    converted = dict(call)
    converted["resource_type"] = ResourceType(call["resource_type"])
    if "app_type" in call:
        converted["app_type"] = AppType(call["app_type"])
    return converted


def as_the_mock_reads(request: Recorded) -> tuple[str, str, dict[str, str], dict[str, str]]:
    """Method, path, query with the spec's defaults filled in, and the headers that matter."""
    query = parse_query(request.raw_query.encode("latin-1"))
    for parameter in LIST.parameters_in("query"):
        if parameter.name not in query and parameter.default is not None:
            query[parameter.name] = str(parameter.default)
    headers = {name: request.headers[name] for name in HEADERS_THAT_MATTER if name in request.headers}
    return request.method, request.raw_path, query, headers


LIST_EXAMPLES = [
    example["value"] for example in LIST.responses["200"]["content"]["application/json"]["examples"].values()
]


@pytest.fixture(scope="module")
def recorder():
    with recording_server() as server:
        yield server


@pytest.fixture(scope="module")
def generated(recorder):
    """One generated client for every example (building an httpx client costs more than a call)."""
    with Client(base_url=recorder.url) as client:
        yield client


@pytest.fixture
def sdk_for(sdk_client, recorder):
    """One official client per test, pointed at the recording server."""
    return sdk_client(PROJECT, endpoint=recorder.url)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(call=list_calls(), answer=st.sampled_from(LIST_EXAMPLES))
def test_list_calls_read_identically_and_parse_to_equal_values(
    sdk, sdk_for, generated, recorder, call, answer
):
    recorder.reply(200, answer, {"X-Request-Id": "agree"})
    recorder.requests.clear()
    ours = list_export_tasks.sync(PROJECT, client=generated, **generated_arguments(call))
    theirs = sdk_for.list_export_tasks(sdk.iotda.ListExportTasksRequest(**call))
    ours_sent, theirs_sent = recorder.requests
    assert as_the_mock_reads(ours_sent) == as_the_mock_reads(theirs_sent)
    # By design: the SDK sends no defaults, the generated client sends all of them.
    sent_by_sdk = set(parse_query(theirs_sent.raw_query.encode("latin-1")))
    assert sent_by_sdk == {k for k in call if k != "instance_id"}
    assert ours is not None
    assert ours.to_dict() == plain(theirs) == answer


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.fixed_dictionaries(
        {"resource_type": values(SPEC.schema("ResourceType"))},
        optional={
            "resource_condition": st.fixed_dictionaries(
                {}, optional={"task_id": values(SPEC.schema("ResourceCondition")["properties"]["task_id"])}
            ),
            "export_format": values(SPEC.schema("ExportFormat")),
            "app_type": values(SPEC.schema("AppType")),
            "app_id": values(SPEC.schema("AppId")),
        },
    ),
    instance=st.one_of(st.none(), values(LIST.parameter("Instance-Id").schema)),
)
def test_create_bodies_are_read_identically(sdk, sdk_for, generated, recorder, body, instance):
    created = LIST_EXAMPLES[1]["export_tasks"][0]
    recorder.reply(201, created, {"X-Request-Id": "agree"})
    recorder.requests.clear()
    extra = {} if instance is None else {"instance_id": instance}
    ours = create_export_task.sync(PROJECT, client=generated, body=AddExportTask.from_dict(body), **extra)
    theirs = sdk_for.create_export_task(
        sdk.iotda.CreateExportTaskRequest(body=sdk.iotda.AddExportTask(**body), **extra)
    )
    ours_sent, theirs_sent = recorder.requests
    assert json.loads(ours_sent.body) == json.loads(theirs_sent.body) == body
    assert ours_sent.headers.get("instance-id") == theirs_sent.headers.get("instance-id") == instance
    assert ours is not None
    assert ours.to_dict() == plain(theirs) == created
