"""The spec itself: valid OpenAPI 3.0.3, every example and default satisfies its own schema."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from iotda_contract import spec as spec_module
from iotda_contract.spec import Spec, flatten


def _walk(node: Any, where: str) -> Iterator[tuple[str, Any]]:
    yield where, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{where}/{index}")


def _schema_examples(raw: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], Any]]:
    """(where, schema, example) for every `example` in a schema, a parameter or a media type."""
    for where, node in _walk(raw, "#"):
        if not isinstance(node, dict):
            continue
        if "example" in node:
            if "schema" in node:  # a parameter, header or media type: the example is of its schema
                yield where, node["schema"], node["example"]
            elif "type" in node or "allOf" in node or "$ref" in node:
                yield where, node, node["example"]
        if "examples" in node and "schema" in node:
            for name, example in node["examples"].items():
                yield f"{where}/examples/{name}", node["schema"], example["value"]


def _schemas_with_defaults(raw: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for where, node in _walk(raw, "#"):
        if isinstance(node, dict) and "default" in node and ("type" in node or "allOf" in node):
            yield where, node


def test_spec_is_valid_openapi_3_0_3(spec: Spec) -> None:
    document, _ = read_from_filename(str(spec.path))
    validate(document)
    assert document["openapi"] == "3.0.3"


def test_every_operation_is_loaded(spec: Spec) -> None:
    expected = {"ListExportTasks", "CreateExportTask", "DeleteExportTask", "ShowExportTask"}
    assert set(spec.operations) == expected


def test_every_example_validates_against_its_schema(spec: Spec) -> None:
    raw = dict(spec.raw)
    examples = list(_schema_examples(raw))
    # the three list examples, the create request and response, the parameters and the schemas
    assert len(examples) >= 20
    for where, schema, example in examples:
        validator = OAS30Validator(flatten(raw, schema))
        errors = [e.message for e in validator.iter_errors(example)]
        assert not errors, f"{where}: example {example!r} breaks its schema: {errors}"


def test_every_default_satisfies_its_own_schema(spec: Spec) -> None:
    raw = dict(spec.raw)
    defaults = list(_schemas_with_defaults(raw))
    assert len(defaults) >= 4  # limit, offset, marker, app_type, export_format
    for where, node in defaults:
        schema = flatten(raw, node)
        errors = [e.message for e in OAS30Validator(schema).iter_errors(schema["default"])]
        assert not errors, f"{where}: default {schema['default']!r} breaks its schema: {errors}"


@pytest.mark.parametrize(
    ("example_value", "valid"),
    [
        ({"count": 0}, True),
        ({"count": 3, "marker": "5c90fa7d3c4e4405e8525079"}, True),
        ({"count": 3, "marker": "5c90fa7d3c4e4405e852507"}, False),
        ({"count": 3, "marker": "jeQDJQZltU8iKgFFoW060F5SGZka"}, False),
        ({"count": -1}, False),
    ],
)
def test_page_marker_carries_the_marker_parameters_pattern(
    spec: Spec, example_value: dict[str, Any], valid: bool
) -> None:
    """Its case is decision record-id-lowercase, checked by accept-valid, not by the schema."""
    page = spec.schema("Page")
    marker_param = spec.operation("ListExportTasks").parameter("marker").schema
    assert page["properties"]["marker"]["pattern"] == marker_param["pattern"]
    assert OAS30Validator(page).is_valid(example_value) is valid


def test_the_descriptions_example_is_refused_uncorrected(spec: Spec) -> None:
    """The description's own example breaks its schema (app_type "string"); the spec carries it corrected."""
    task = spec.schema("ExportTask")
    original = {
        "export_task_id": "jeQDJQZltU8iKgFFoW060F5SGZka",
        "resource_type": "BatchTask",
        "resource_condition": {"task_id": "32822e5744a45ede319d2c50"},
        "export_format": "xls",
        "status": "Processing",
        "export_count": 10000,
        "progress": 98,
        "create_time": "2020-08-12T12:12:12.333Z",
        "end_time": "2020-08-12T12:12:12.333Z",
        "app_type": "string",
        "app_id": "string",
    }
    errors = [e.message for e in OAS30Validator(task).iter_errors(original)]
    assert any("'string' is not one of" in message for message in errors)
    corrected = {**original, "app_type": "APP"}
    assert OAS30Validator(task).is_valid(corrected)


def test_each_list_parameter_states_its_constraints_in_one_sentence(spec: Spec) -> None:
    """Each constraint is in the schema and in the description: the numbers of the schema appear in words."""
    op = spec.operation("ListExportTasks")
    for parameter in op.parameters:
        schema = parameter.schema
        text = parameter.description
        assert text, f"{parameter.name} has no description"
        for keyword in ("minimum", "maximum", "default", "maxLength"):
            if keyword in schema:
                value = str(schema[keyword])
                assert re.search(rf"\b{re.escape(value)}\b", text), (
                    f"{parameter.name}: {keyword}={value} is not stated in its description"
                )
        for allowed in schema.get("enum", []):
            assert allowed in text, f"{parameter.name}: enum value {allowed} not in its description"


def test_list_operation_declares_marker_paging(spec: Spec) -> None:
    op = spec.operation("ListExportTasks")
    assert op.paging is not None
    names = {p.name for p in op.parameters}
    assert op.paging.marker_parameter in names
    assert op.paging.limit_parameter in names
    assert op.paging.offset_parameter in names
    success = op.responses["200"]["content"]["application/json"]["schema"]
    example = op.responses["200"]["content"]["application/json"]["examples"]["two-tasks"]["value"]
    items = spec_module.json_pointer_get(example, op.paging.items_pointer)
    assert isinstance(items, list)
    assert len(items) == 2
    assert spec_module.json_pointer_get(example, op.paging.next_marker_pointer) == "6723a50a0000000000000001"
    assert OAS30Validator(success).is_valid(example)


def test_every_operation_documents_errors_with_the_error_schema(spec: Spec) -> None:
    error = spec.schema("Error")
    for op in spec.operations.values():
        for status in ("400", "401", "403"):
            response = op.responses[status]
            assert response["content"]["application/json"]["schema"] == error, (op.operation_id, status)
        for status, response in op.responses.items():
            assert "X-Request-Id" in response.get("headers", {}), (op.operation_id, status)


def test_flatten_rejects_remote_references() -> None:
    with pytest.raises(spec_module.SpecError, match="only local references"):
        flatten({}, {"$ref": "other.yaml#/x"})


def test_load_reports_a_missing_file(tmp_path: Any) -> None:
    with pytest.raises(spec_module.SpecError, match="cannot read spec"):
        spec_module.load(tmp_path / "missing.yaml")


@pytest.mark.parametrize(
    ("pattern", "text", "matches"),
    [
        ("^[A-Za-z0-9_-]+$", "app_01", True),
        ("^[A-Za-z0-9_-]+$", "app_01\n", False),  # Python's own `$` would accept this
        ("^[0-9a-fA-F]{24}$", "5c90fa7d3c4e4405e8525079\n", False),
        ("^[$]+$", "$$", True),  # `$` inside a class is a character
        (r"^a\$$", "a$", True),  # an escaped `$` is a character
        ("b", "abc", True),  # not anchored unless the pattern says so
    ],
)
def test_patterns_have_json_schemas_meaning(pattern: str, text: str, matches: bool) -> None:
    assert (spec_module.pattern_regex(pattern).search(text) is not None) is matches
