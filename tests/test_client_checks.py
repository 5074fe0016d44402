"""The generated client holds every argument to the spec's constraints before sending anything."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from iotda_client import Client, ParameterError, _checks
from iotda_client.api.export_tasks import create_export_task, delete_export_task, list_export_tasks
from iotda_client.models import AddExportTask, AppType, ResourceCondition, ResourceType
from iotda_client.types import UNSET
from iotda_codegen.contract import constraints

from iotda_contract import spec as spec_module
from iotda_contract.mock import validation
from iotda_contract.mock.errors import ApiError

SPEC = spec_module.load()
LIST = SPEC.operation("ListExportTasks")
#: The generated functions take enum members where the spec has an enum of a named schema.
ENUM_CLASSES: dict[str, Any] = {"resource_type": ResourceType, "app_type": AppType}
EMPTY_PAGE = {"export_tasks": [], "page": {"count": 0}}


def python_name(parameter: spec_module.Parameter) -> str:
    return parameter.name.replace("-", "_").lower()


class Recorder:
    """A client over httpx.MockTransport that keeps every request it would have sent."""

    def __init__(self, status: int = 200, body: Any = EMPTY_PAGE) -> None:
        self.requests: list[httpx.Request] = []
        self.status, self.body = status, body
        transport = httpx.MockTransport(self._handle)
        self.client = Client(base_url="http://test")
        self.client.set_httpx_client(httpx.Client(base_url="http://test", transport=transport))
        self.client.set_async_httpx_client(httpx.AsyncClient(base_url="http://test", transport=transport))

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(self.status, json=self.body)


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    rec = Recorder()
    yield rec
    rec.client.get_httpx_client().close()


# --- strategies built from the spec's schemas -----------------------------------------------------


def fits_lengths(schema: dict[str, Any], text: str) -> bool:
    return schema.get("minLength", 0) <= len(text) <= schema.get("maxLength", len(text))


def valid(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values that meet every constraint of ``schema`` (only the keywords the spec uses)."""
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema["type"]
    if kind == "integer":
        return st.integers(min_value=schema.get("minimum"), max_value=schema.get("maximum"))
    if kind == "object":
        properties = {name: valid(sub) for name, sub in schema.get("properties", {}).items()}
        required = {name: properties.pop(name) for name in schema.get("required", [])}
        return st.fixed_dictionaries(required, optional=properties)
    assert kind == "string", schema
    if "pattern" in schema:
        text = st.from_regex(schema["pattern"], fullmatch=True)
    else:
        text = st.text(min_size=schema.get("minLength", 0), max_size=schema.get("maxLength"))
    return text.filter(lambda value: fits_lengths(schema, value))


def valid_argument(parameter: spec_module.Parameter) -> st.SearchStrategy[Any]:
    if parameter.json_schema is not None:
        texts = valid(parameter.json_schema).map(json.dumps)
        return texts.filter(lambda text: fits_lengths(parameter.schema, text))
    return valid(parameter.schema)


@st.composite
def list_arguments(draw: st.DrawFn) -> dict[str, Any]:
    """Wire values for ListExportTasks: every required parameter, any subset of the optional ones."""
    chosen: dict[str, Any] = {}
    for parameter in LIST.parameters:
        if parameter.required or draw(st.booleans()):
            chosen[parameter.name] = draw(valid_argument(parameter))
    return chosen


def call_list(client: Client, wire: dict[str, Any], *, members: bool = True) -> None:
    """Call ListExportTasks with ``wire``'s values: enum values as members, or as given if not ``members``."""
    kwargs = {}
    for parameter in LIST.parameters:
        if parameter.name in wire:
            value = wire[parameter.name]
            enum_class = ENUM_CLASSES.get(python_name(parameter))
            is_member = members and enum_class is not None and value in [m.value for m in enum_class]
            kwargs[python_name(parameter)] = enum_class(value) if is_member else value
    project_id = kwargs.pop("project_id")
    list_export_tasks.sync_detailed(project_id, client=client, **kwargs)


def base_arguments() -> dict[str, Any]:
    """One valid value per required parameter: the spec's examples."""
    return {
        p.name: p.schema.get("example", p.schema.get("enum", [None])[0])
        for p in LIST.parameters
        if p.required
    }


# --- valid values go out unchanged -------------------------------------------------------------


@given(wire=list_arguments(), members=st.booleans())
def test_every_valid_argument_is_sent_as_given(wire: dict[str, Any], members: bool) -> None:
    rec = Recorder()
    with rec.client.get_httpx_client():
        call_list(rec.client, wire, members=members)
    (request,) = rec.requests
    sent = dict(request.url.params)
    assert len(request.url.params.multi_items()) == len(sent)
    for parameter in LIST.parameters_in("query"):
        if parameter.name in wire:
            assert sent.pop(parameter.name) == str(wire[parameter.name])
        elif parameter.name in sent:  # an omitted argument may only go out as the spec's default
            assert sent.pop(parameter.name) == str(parameter.default)
    assert sent == {}
    assert request.url.raw_path.decode().startswith(f"/v5/iot/{quote(wire['project_id'], safe='')}/")
    assert request.headers.get("Instance-Id") == wire.get("Instance-Id")


# --- invalid values are refused, naming parameter and constraint, and nothing is sent ----------


def assert_refused(
    wire: dict[str, Any], parameter: str, constraint: str, pointer: str = ""
) -> ParameterError:
    rec = Recorder()
    with rec.client.get_httpx_client(), pytest.raises(ParameterError) as caught:
        call_list(rec.client, {**base_arguments(), **wire})
    error = caught.value
    assert (error.parameter, error.constraint, error.pointer) == (parameter, constraint, pointer)
    assert repr(parameter) in str(error)
    assert constraint in str(error)
    assert rec.requests == []
    return error


INTEGERS = [p for p in LIST.parameters if p.schema.get("type") == "integer"]
PATTERNED = [p for p in LIST.parameters if "pattern" in p.schema]
LIMITED = [p for p in LIST.parameters if "maxLength" in p.schema and "pattern" in p.schema]
ENUMS = [p for p in LIST.parameters if "enum" in p.schema]
REQUIRED = [p for p in LIST.parameters if p.required]
(JSON_TEXT,) = [p for p in LIST.parameters if p.json_schema is not None]


def test_the_spec_gives_these_tests_something_to_break() -> None:
    for found in (INTEGERS, PATTERNED, LIMITED, ENUMS, REQUIRED):
        assert found


@pytest.mark.parametrize("parameter", INTEGERS, ids=lambda p: p.name)
@given(data=st.data())
def test_integers_below_minimum_or_above_maximum_are_refused(parameter, data) -> None:
    low, high = parameter.schema["minimum"], parameter.schema["maximum"]
    below = data.draw(st.integers(min_value=low - 1000, max_value=low - 1))
    above = data.draw(st.integers(min_value=high + 1, max_value=high + 1000))
    error = assert_refused({parameter.name: below}, parameter.name, "minimum")
    assert (error.value, error.expected) == (below, low)
    error = assert_refused({parameter.name: above}, parameter.name, "maximum")
    assert (error.value, error.expected) == (above, high)


@pytest.mark.parametrize(
    "parameter", [p for p in INTEGERS if p.schema.get("format") == "int32"], ids=lambda p: p.name
)
def test_integers_beyond_their_format_are_refused(parameter) -> None:
    assert_refused({parameter.name: 2**31}, parameter.name, "format")
    assert_refused({parameter.name: -(2**31) - 1}, parameter.name, "format")


@pytest.mark.parametrize("parameter", INTEGERS, ids=lambda p: p.name)
def test_integers_of_another_type_are_refused(parameter) -> None:
    assert_refused({parameter.name: str(parameter.schema["minimum"])}, parameter.name, "type")
    assert_refused({parameter.name: True}, parameter.name, "type")


@pytest.mark.parametrize("parameter", PATTERNED, ids=lambda p: p.name)
@given(data=st.data())
def test_strings_breaking_the_pattern_are_refused(parameter, data) -> None:
    pattern = parameter.schema["pattern"]
    text = data.draw(
        st.text(
            min_size=max(parameter.schema.get("minLength", 0), 1), max_size=parameter.schema.get("maxLength")
        ).filter(lambda value: re.fullmatch(pattern, value) is None)
    )
    assert_refused({parameter.name: text}, parameter.name, "pattern")


@pytest.mark.parametrize("parameter", PATTERNED, ids=lambda p: p.name)
def test_a_trailing_newline_breaks_the_pattern(parameter) -> None:
    example = parameter.schema["example"][: parameter.schema.get("maxLength", 100) - 1]
    assert re.fullmatch(parameter.schema["pattern"], example)
    assert re.search(parameter.schema["pattern"], example + "\n")  # Python's own `$` would let it pass
    assert_refused({parameter.name: example + "\n"}, parameter.name, "pattern")


@pytest.mark.parametrize("parameter", LIMITED, ids=lambda p: p.name)
@given(data=st.data())
def test_strings_over_max_length_are_refused(parameter, data) -> None:
    limit = parameter.schema["maxLength"]
    seed = data.draw(valid(parameter.schema))
    size = data.draw(st.integers(min_value=limit + 1, max_value=limit + 20))
    text = (seed * size)[:size]
    assert re.fullmatch(parameter.schema["pattern"], text)  # only the length is wrong
    error = assert_refused({parameter.name: text}, parameter.name, "maxLength")
    assert error.expected == limit


@pytest.mark.parametrize("parameter", ENUMS, ids=lambda p: p.name)
@given(data=st.data())
def test_values_outside_the_enum_are_refused(parameter, data) -> None:
    value = data.draw(st.text(max_size=12).filter(lambda text: text not in parameter.schema["enum"]))
    assert_refused({parameter.name: value}, parameter.name, "enum")


def test_enum_arguments_take_their_plain_values(recorder: Recorder) -> None:
    list_export_tasks.sync_detailed("p1", client=recorder.client, resource_type="BatchTask", app_type="APP")
    list_export_tasks.sync_detailed(
        "p1", client=recorder.client, resource_type=ResourceType.BATCHTASK, app_type=AppType.APP
    )
    plain, members = (dict(request.url.params) for request in recorder.requests)
    assert plain == members
    assert (plain["resource_type"], plain["app_type"]) == ("BatchTask", "APP")


@pytest.mark.asyncio
async def test_async_enum_arguments_take_their_plain_values() -> None:
    rec = Recorder()
    async with rec.client.get_async_httpx_client():
        await list_export_tasks.asyncio_detailed("p1", client=rec.client, resource_type="BatchTask")
    assert rec.requests[0].url.params["resource_type"] == "BatchTask"


@pytest.mark.parametrize(
    ("arguments", "parameter"),
    [({"resource_type": "batchtask"}, "resource_type"), ({"app_type": "Global"}, "app_type")],
)
def test_a_plain_value_outside_the_enum_is_refused(recorder: Recorder, arguments, parameter) -> None:
    with pytest.raises(ParameterError) as caught:
        list_export_tasks.sync_detailed(
            "p1", client=recorder.client, **{"resource_type": "BatchTask", **arguments}
        )
    error = caught.value
    assert (error.parameter, error.constraint, error.value) == (parameter, "enum", arguments[parameter])
    assert error.expected == LIST.parameter(parameter).schema["enum"]
    assert f"parameter {parameter!r} breaks enum=" in str(error)
    assert recorder.requests == []


@pytest.mark.parametrize("parameter", REQUIRED, ids=lambda p: p.name)
def test_missing_required_parameters_are_refused(parameter) -> None:
    error = assert_refused({parameter.name: UNSET}, parameter.name, "required")
    assert "required but missing" in str(error)


@given(
    value=st.one_of(
        st.integers(), st.text(max_size=20), st.lists(st.integers(), max_size=3), st.booleans(), st.none()
    ).map(json.dumps)
)
def test_json_text_that_is_not_an_object_is_refused(value: str) -> None:
    if fits_lengths(JSON_TEXT.schema, value):
        assert_refused({JSON_TEXT.name: value}, JSON_TEXT.name, "type")
    else:
        with pytest.raises(ParameterError, match=JSON_TEXT.name):
            call_list(Recorder().client, {**base_arguments(), JSON_TEXT.name: value})


@given(extra=st.text(min_size=1, max_size=10), data=st.data())
def test_json_objects_with_other_keys_are_refused(extra: str, data) -> None:
    schema = JSON_TEXT.json_schema
    assert schema is not None
    assert schema["additionalProperties"] is False
    assume(extra not in schema["properties"])
    known = data.draw(valid(schema))
    assert_refused(
        {JSON_TEXT.name: json.dumps({**known, extra: 1})},
        JSON_TEXT.name,
        "additionalProperties",
        "/" + extra,
    )


@given(data=st.data())
def test_json_objects_with_a_bad_task_id_are_refused(data) -> None:
    schema = JSON_TEXT.json_schema
    assert schema is not None
    task_id_schema = schema["properties"]["task_id"]
    bad = data.draw(st.text(max_size=30).filter(lambda t: re.fullmatch(task_id_schema["pattern"], t) is None))
    assert_refused({JSON_TEXT.name: json.dumps({"task_id": bad})}, JSON_TEXT.name, "pattern", "/task_id")
    assert_refused({JSON_TEXT.name: json.dumps({"task_id": 7})}, JSON_TEXT.name, "type", "/task_id")


@pytest.mark.parametrize("text", ["{task_id}", "{'task_id': 'x'}", "nope", '{"task_id": "x"'])
def test_text_that_is_not_json_is_refused(text: str) -> None:
    assert_refused({JSON_TEXT.name: text}, JSON_TEXT.name, "json")


@pytest.mark.asyncio
async def test_async_calls_are_checked_before_sending() -> None:
    rec = Recorder()
    async with rec.client.get_async_httpx_client():
        with pytest.raises(ParameterError, match="maximum"):
            await list_export_tasks.asyncio_detailed(
                "p1", client=rec.client, resource_type=ResourceType.BATCHTASK, limit=10_000
            )
        await list_export_tasks.asyncio_detailed(
            "p1", client=rec.client, resource_type=ResourceType.BATCHTASK
        )
    assert len(rec.requests) == 1


def test_path_and_header_parameters_of_delete_are_checked(recorder: Recorder) -> None:
    with pytest.raises(ParameterError) as caught:
        delete_export_task.sync_detailed("p1", "bad/id", client=recorder.client)
    assert (caught.value.parameter, caught.value.constraint) == ("export_task_id", "pattern")
    with pytest.raises(ParameterError) as caught:
        delete_export_task.sync_detailed("p1", "t1", client=recorder.client, instance_id="x" * 37)
    assert (caught.value.parameter, caught.value.constraint) == ("Instance-Id", "maxLength")
    assert recorder.requests == []


# --- one keyword implementation: the client refuses exactly what the mock refuses ---------------


#: Every parameter of every operation once (shared parameters such as project_id appear in several).
ALL_PARAMETERS = list(
    {(p.location, p.name): p for op in SPEC.operations.values() for p in op.parameters}.values()
)


def mock_takes(convert: validation.Convert, text: str) -> bool:
    try:
        convert(text)
    except ApiError:
        return False
    return True


def client_takes(rule: _checks.Rule, value: object) -> bool:
    try:
        _checks.check_arguments({"value": rule}, {"value": value})
    except ParameterError:
        return False
    return True


@pytest.mark.parametrize("parameter", ALL_PARAMETERS, ids=lambda p: f"{p.location}-{p.name}")
@given(data=st.data())
def test_the_client_refuses_exactly_what_the_mock_refuses(parameter, data) -> None:
    """The mock reads the parameter off the wire, the client checks the argument: one verdict per value."""
    convert = validation.compile_parameter(parameter)
    json_schema = None if parameter.json_schema is None else constraints(parameter.json_schema, "json")
    rule = _checks.Rule(
        parameter.name,
        parameter.location,
        parameter.required,
        constraints(parameter.schema, "s"),
        json_schema,
    )
    if parameter.schema.get("type") == "integer":
        value = data.draw(st.one_of(valid(parameter.schema), st.integers(-(2**40), 2**40)))
        text = str(value)
    else:
        value = text = data.draw(st.one_of(valid_argument(parameter), st.text(max_size=300)))
    assert client_takes(rule, value) == mock_takes(convert, text)


def test_enum_members_inside_a_dict_body_are_checked_as_their_values(recorder: Recorder) -> None:
    body = {"resource_type": ResourceType.BATCHTASK, "app_type": AppType.APP}
    _checks.check_body(create_export_task._BODY_SCHEMA, True, body)
    with pytest.raises(ParameterError) as caught:
        _checks.check_body(
            create_export_task._BODY_SCHEMA, True, {**body, "export_format": ResourceType.BATCHTASK}
        )
    assert (caught.value.constraint, caught.value.value, caught.value.pointer) == (
        "enum",
        "BatchTask",
        "/export_format",
    )


# --- request bodies ---------------------------------------------------------------------------


BODY_SCHEMA = SPEC.operation("CreateExportTask").request_body_schema
TASK_ID = BODY_SCHEMA["properties"]["resource_condition"]["properties"]["task_id"]["example"]


def test_a_valid_body_is_sent_as_its_json(recorder: Recorder) -> None:
    body = AddExportTask(
        resource_type=ResourceType.BATCHTASK,
        resource_condition=ResourceCondition(task_id=TASK_ID),
        app_id=BODY_SCHEMA["properties"]["app_id"]["example"],
    )
    create_export_task.sync_detailed("p1", client=recorder.client, body=body)
    (request,) = recorder.requests
    assert json.loads(request.content) == body.to_dict()


VALID_BODY = {
    "resource_type": "BatchTask",
    "resource_condition": {"task_id": TASK_ID},
    "export_format": "xls",
    "app_type": "APP",
    "app_id": BODY_SCHEMA["properties"]["app_id"]["example"],
}


def test_a_dict_body_is_checked_and_sent_as_it_is(recorder: Recorder) -> None:
    create_export_task.sync_detailed("p1", client=recorder.client, body=VALID_BODY)
    create_export_task.sync_detailed("p1", client=recorder.client, body=AddExportTask.from_dict(VALID_BODY))
    from_dict, from_model = (json.loads(request.content) for request in recorder.requests)
    assert from_dict == from_model == VALID_BODY


@pytest.mark.asyncio
async def test_async_calls_take_a_dict_body() -> None:
    rec = Recorder()
    async with rec.client.get_async_httpx_client():
        await create_export_task.asyncio_detailed(
            "p1", client=rec.client, body={"resource_type": "BatchTask"}
        )
    assert json.loads(rec.requests[0].content) == {"resource_type": "BatchTask"}


@pytest.mark.parametrize(
    ("body", "constraint", "pointer"),
    [
        ({**VALID_BODY, "resource_type": "Batch"}, "enum", "/resource_type"),
        ({**VALID_BODY, "resource_condition": {"task_id": "x"}}, "pattern", "/resource_condition/task_id"),
        ({**VALID_BODY, "colour": "red"}, "additionalProperties", "/colour"),
        ({"export_format": "xls"}, "required", "/resource_type"),
        ({**VALID_BODY, "app_id": 7}, "type", "/app_id"),
        ([VALID_BODY], "type", ""),
    ],
)
def test_an_invalid_dict_body_is_refused(
    recorder: Recorder, body: Any, constraint: str, pointer: str
) -> None:
    with pytest.raises(ParameterError) as caught:
        create_export_task.sync_detailed("p1", client=recorder.client, body=body)
    assert (caught.value.parameter, caught.value.constraint, caught.value.pointer) == (
        "body",
        constraint,
        pointer,
    )
    assert recorder.requests == []


@pytest.mark.parametrize(
    ("body", "constraint", "pointer"),
    [
        (
            AddExportTask(
                resource_type=ResourceType.BATCHTASK, resource_condition=ResourceCondition(task_id="x")
            ),
            "pattern",
            "/resource_condition/task_id",
        ),
        (AddExportTask(resource_type=ResourceType.BATCHTASK, app_id="a" * 37), "maxLength", "/app_id"),
        (AddExportTask(resource_type=ResourceType.BATCHTASK, app_id=""), "minLength", "/app_id"),
        (AddExportTask(resource_type="BatchTasks"), "type", ""),  # type: ignore[arg-type]
        (UNSET, "required", ""),
    ],
)
def test_an_invalid_body_is_refused(recorder: Recorder, body: Any, constraint: str, pointer: str) -> None:
    with pytest.raises(ParameterError) as caught:
        create_export_task.sync_detailed("p1", client=recorder.client, body=body)
    assert (caught.value.parameter, caught.value.constraint, caught.value.pointer) == (
        "body",
        constraint,
        pointer,
    )
    assert recorder.requests == []


def test_the_generated_body_rules_are_the_spec_s() -> None:
    assert constraints(BODY_SCHEMA, "body") == create_export_task._BODY_SCHEMA


def test_extra_body_properties_are_refused() -> None:
    with pytest.raises(ParameterError) as caught:
        _checks.check_body(
            create_export_task._BODY_SCHEMA, True, {"resource_type": "BatchTask", "colour": "red"}
        )
    assert (caught.value.constraint, caught.value.pointer) == ("additionalProperties", "/colour")
    with pytest.raises(ParameterError) as caught:
        _checks.check_body(create_export_task._BODY_SCHEMA, True, {"export_format": "xls"})
    assert (caught.value.constraint, caught.value.pointer) == ("required", "/resource_type")


@given(
    body=st.one_of(
        valid(BODY_SCHEMA),
        st.dictionaries(
            st.sampled_from([*BODY_SCHEMA["properties"], "colour"]),
            st.one_of(st.text(max_size=40), st.integers(), st.booleans(), valid(BODY_SCHEMA)),
            max_size=6,
        ),
    )
)
def test_the_client_refuses_exactly_the_bodies_the_mock_refuses(body: dict[str, Any]) -> None:
    mock_check = validation.compile_operation(SPEC.operation("CreateExportTask")).check_body
    try:
        mock_check(body)
    except ApiError:
        mock_takes_it = False
    else:
        mock_takes_it = True
    try:
        _checks.check_body(create_export_task._BODY_SCHEMA, True, body)
    except ParameterError:
        client_takes_it = False
    else:
        client_takes_it = True
    assert client_takes_it == mock_takes_it
