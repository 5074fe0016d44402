"""A catalogue of spec mutations, each labelled breaking or not, that the gate must classify correctly."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

from iotda_contract import spec as spec_module
from iotda_contract.governance import Change, Severity, diff_specs, is_breaking

LIST = "/v5/iot/{project_id}/export-tasks"
ONE = "/v5/iot/{project_id}/export-tasks/{export_task_id}"

Doc = dict[str, Any]


@dataclass(frozen=True)
class Mutation:
    """One edit of the spec, whether it breaks clients, and the kind of change that must say so."""

    case_id: str
    mutate: Callable[[Doc], None]
    breaking: bool
    kind: str


def _param(name: str) -> Callable[[Doc], Doc]:
    def get(doc: Doc) -> Doc:
        param: Doc = doc["components"]["parameters"][name]
        return param

    return get


def _schema(name: str) -> Callable[[Doc], Doc]:
    def get(doc: Doc) -> Doc:
        schema: Doc = doc["components"]["schemas"][name]
        return schema

    return get


def _set(getter: Callable[[Doc], Doc], key: str, value: Any) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        getter(doc)[key] = value

    return mutate


def _pop(getter: Callable[[Doc], Doc], key: str) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        del getter(doc)[key]

    return mutate


def _list_op(doc: Doc) -> Doc:
    op: Doc = doc["paths"][LIST]["get"]
    return op


def _create_op(doc: Doc) -> Doc:
    op: Doc = doc["paths"][LIST]["post"]
    return op


def _paging(doc: Doc) -> Doc:
    paging: Doc = _list_op(doc)["x-iotda-paging"]
    return paging


def _limit_schema(doc: Doc) -> Doc:
    return _param("Limit")(doc)["schema"]


def _offset_schema(doc: Doc) -> Doc:
    return _param("Offset")(doc)["schema"]


def _task_props(doc: Doc) -> Doc:
    return _schema("ExportTask")(doc)["properties"]


def _add_query_parameter(required: bool) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        _list_op(doc)["parameters"].append(
            {
                "name": "sort",
                "in": "query",
                "required": required,
                "description": "Sort key.",
                "schema": {"type": "string", "enum": ["create_time"]},
            }
        )

    return mutate


def _rename_marker(doc: Doc) -> None:
    _param("Marker")(doc)["name"] = "cursor"


def _rename_task_field(doc: Doc) -> None:
    props = _task_props(doc)
    props["exported"] = props.pop("export_count")
    required = _schema("ExportTask")(doc)["required"]
    required[required.index("export_count")] = "exported"


def _make_optional(schema: str, name: str) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        target = _schema(schema)(doc)
        target["required"].remove(name)
        if not target["required"]:
            del target["required"]  # OpenAPI 3.0 forbids an empty list

    return mutate


def _make_required(schema: str, name: str) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        _schema(schema)(doc)["required"].append(name)

    return mutate


def _add_body_property(required: bool) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        body = _schema("AddExportTask")(doc)
        body["properties"]["file_name"] = {"type": "string", "maxLength": 64, "description": "A file name."}
        if required:
            body["required"].append("file_name")

    return mutate


def _rename_path(doc: Doc) -> None:
    doc["paths"][LIST.replace("export-tasks", "exports")] = doc["paths"].pop(LIST)


def _rename_path_parameter(doc: Doc) -> None:
    item = doc["paths"].pop(ONE)
    item["parameters"][1] = {
        "name": "task_id",
        "in": "path",
        "required": True,
        "description": "The export task's id.",
        "schema": {"$ref": "#/components/schemas/ExportTaskId"},
    }
    doc["paths"][ONE.replace("{export_task_id}", "{task_id}")] = item


def _remove_delete_404(doc: Doc) -> None:
    del doc["paths"][ONE]["delete"]["responses"]["404"]


def _add_create_409(doc: Doc) -> None:
    _create_op(doc)["responses"]["409"] = {"$ref": "#/components/responses/Forbidden"}


def _remove_request_id_header(doc: Doc) -> None:
    del _list_op(doc)["responses"]["200"]["headers"]["X-Request-Id"]


def _remove_iam_token(doc: Doc) -> None:
    doc["security"] = [{"AkSkSignature": []}]


def _add_security_alternative(doc: Doc) -> None:
    doc["components"]["securitySchemes"]["Bearer"] = {"type": "http", "scheme": "bearer"}
    doc["security"].append({"Bearer": []})


def _body_media_type_changed(doc: Doc) -> None:
    content = _create_op(doc)["requestBody"]["content"]
    content["application/xml"] = content.pop("application/json")


def _remove_delete(doc: Doc) -> None:
    del doc["paths"][ONE]["delete"]


def _add_get_one(doc: Doc) -> None:
    doc["paths"][ONE]["get"] = {
        "operationId": "ShowExportTask",
        "summary": "Show one export task",
        "responses": {
            "200": {
                "description": "The task.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ExportTask"}}},
            }
        },
    }


def _add_response_field(doc: Doc) -> None:
    _task_props(doc)["file_url"] = {"type": "string", "description": "Where to download the file."}


def _edit_descriptions(doc: Doc) -> None:
    _param("Limit")(doc)["description"] = "How many records a page holds: 1 to 50, 10 when omitted."
    _list_op(doc)["summary"] = "List export tasks"
    _task_props(doc)["progress"]["description"] = "Progress in percent."


def _edit_example(doc: Doc) -> None:
    examples = _list_op(doc)["responses"]["200"]["content"]["application/json"]["examples"]
    examples["empty"]["summary"] = "Nothing to list."


CATALOGUE: list[Mutation] = [
    # Constraints tightened on what clients send.
    Mutation("limit-maximum-lowered", _set(_limit_schema, "maximum", 40), True, "constraint-tightened"),
    Mutation("limit-minimum-raised", _set(_limit_schema, "minimum", 5), True, "constraint-tightened"),
    Mutation("offset-maximum-lowered", _set(_offset_schema, "maximum", 100), True, "constraint-tightened"),
    Mutation(
        "record-id-pattern-narrowed",
        _set(_schema("RecordId"), "pattern", "^[0-9a-f]{24}$"),
        True,
        "pattern-changed",
    ),
    Mutation("app-type-enum-narrowed", _set(_schema("AppType"), "enum", ["GLOBAL"]), True, "enum-narrowed"),
    Mutation(
        "app-id-max-length-lowered", _set(_schema("AppId"), "maxLength", 20), True, "constraint-tightened"
    ),
    Mutation(
        "task-id-min-length-raised",
        _set(_schema("ExportTaskId"), "minLength", 8),
        True,
        "constraint-tightened",
    ),
    Mutation(
        "resource-condition-max-length-lowered",
        _set(lambda d: _param("ResourceCondition")(d)["schema"], "maxLength", 128),
        True,
        "constraint-tightened",
    ),
    Mutation(
        "json-text-task-id-pattern-narrowed",
        _set(lambda d: _schema("ResourceCondition")(d)["properties"]["task_id"], "pattern", "^[0-9a-f]{24}$"),
        True,
        "pattern-changed",
    ),
    Mutation("limit-multiple-of-added", _set(_limit_schema, "multipleOf", 5), True, "constraint-tightened"),
    # Parameters.
    Mutation(
        "offset-made-required", _set(_param("Offset"), "required", True), True, "parameter-made-required"
    ),
    Mutation("required-parameter-added", _add_query_parameter(True), True, "parameter-added-required"),
    Mutation("parameter-removed", lambda d: _list_op(d)["parameters"].pop(), True, "parameter-removed"),
    Mutation("parameter-renamed", _rename_marker, True, "parameter-removed"),
    Mutation(
        "instance-header-removed",
        lambda d: d["paths"][LIST]["parameters"].pop(),
        True,
        "parameter-removed",
    ),
    # Response fields.
    Mutation("response-field-removed", lambda d: _task_props(d).pop("progress"), True, "property-removed"),
    Mutation("response-field-renamed", _rename_task_field, True, "property-removed"),
    Mutation(
        "response-field-made-optional", _make_optional("ExportTask", "status"), True, "property-made-optional"
    ),
    Mutation("page-count-made-optional", _make_optional("Page", "count"), True, "property-made-optional"),
    # Request body.
    Mutation(
        "body-field-made-required",
        _make_required("AddExportTask", "export_format"),
        True,
        "property-made-required",
    ),
    Mutation("required-body-field-added", _add_body_property(True), True, "property-added-required"),
    Mutation("body-media-type-replaced", _body_media_type_changed, True, "media-type-removed"),
    # Operations and status codes.
    Mutation("operation-removed", _remove_delete, True, "operation-removed"),
    Mutation(
        "operation-renamed", _set(_list_op, "operationId", "QueryExportTasks"), True, "operation-id-changed"
    ),
    Mutation("path-renamed", _rename_path, True, "operation-removed"),
    Mutation("status-code-removed", _remove_delete_404, True, "response-status-removed"),
    Mutation("response-header-removed", _remove_request_id_header, True, "response-header-removed"),
    Mutation("security-alternative-removed", _remove_iam_token, True, "security-removed"),
    # Types and formats.
    Mutation(
        "response-field-type-changed",
        _set(lambda d: _task_props(d)["export_count"], "type", "string"),
        True,
        "type-changed",
    ),
    Mutation(
        "limit-type-changed",
        _set(_param("Limit"), "schema", {"type": "string", "pattern": "^[0-9]+$", "default": "10"}),
        True,
        "type-changed",
    ),
    Mutation("limit-format-changed", _set(_limit_schema, "format", "int64"), True, "format-changed"),
    # Defaults.
    Mutation("limit-default-changed", _set(_limit_schema, "default", 20), True, "default-changed"),
    Mutation("app-type-default-changed", _set(_schema("AppType"), "default", "APP"), True, "default-changed"),
    Mutation("offset-default-removed", _pop(_offset_schema, "default"), True, "default-removed"),
    Mutation(
        "marker-default-changed",
        _set(
            _param("Marker"),
            "schema",
            {"allOf": [{"$ref": "#/components/schemas/RecordId"}], "default": "f" * 23 + "e"},
        ),
        True,
        "default-changed",
    ),
    # The paging extension.
    Mutation("paging-order-changed", _set(_paging, "order", "ascending"), True, "paging-changed"),
    Mutation(
        "paging-next-marker-moved", _set(_paging, "nextMarkerPointer", "/next_marker"), True, "paging-changed"
    ),
    Mutation("paging-offset-dropped", _pop(_paging, "offsetParameter"), True, "paging-changed"),
    Mutation("paging-removed", _pop(_list_op, "x-iotda-paging"), True, "paging-removed"),
    # Not breaking: constraints loosened on what clients send.
    Mutation("limit-maximum-raised", _set(_limit_schema, "maximum", 100), False, "constraint-loosened"),
    Mutation("limit-minimum-lowered", _set(_limit_schema, "minimum", 0), False, "constraint-loosened"),
    Mutation("offset-maximum-raised", _set(_offset_schema, "maximum", 1000), False, "constraint-loosened"),
    Mutation(
        "resource-condition-max-length-raised",
        _set(lambda d: _param("ResourceCondition")(d)["schema"], "maxLength", 512),
        False,
        "constraint-loosened",
    ),
    Mutation(
        "project-id-pattern-removed",
        _pop(lambda d: _param("ProjectId")(d)["schema"], "pattern"),
        False,
        "constraint-loosened",
    ),
    # Wider values that clients also read are a warning, not a failure.
    Mutation(
        "app-type-enum-widened",
        _set(_schema("AppType"), "enum", ["GLOBAL", "APP", "ALL"]),
        False,
        "enum-widened",
    ),
    Mutation(
        "app-id-max-length-raised", _set(_schema("AppId"), "maxLength", 64), False, "constraint-loosened"
    ),
    # Optional additions.
    Mutation("optional-parameter-added", _add_query_parameter(False), False, "parameter-added-optional"),
    Mutation("optional-body-field-added", _add_body_property(False), False, "property-added"),
    Mutation("optional-response-field-added", _add_response_field, False, "property-added"),
    Mutation("operation-added", _add_get_one, False, "operation-added"),
    Mutation("status-code-added", _add_create_409, False, "response-status-added"),
    Mutation("security-alternative-added", _add_security_alternative, False, "security-alternative-added"),
    # Relaxed requirements.
    Mutation(
        "resource-type-made-optional",
        _set(_param("ResourceType"), "required", False),
        False,
        "parameter-made-optional",
    ),
    Mutation(
        "body-field-made-optional",
        _make_optional("AddExportTask", "resource_type"),
        False,
        "property-made-optional",
    ),
    Mutation(
        "response-field-made-required",
        _make_required("ExportTask", "end_time"),
        False,
        "property-made-required",
    ),
    # Answers that hold fewer values than before.
    Mutation(
        "progress-maximum-lowered",
        _set(lambda d: _task_props(d)["progress"], "maximum", 99),
        False,
        "constraint-tightened",
    ),
    # Documentation only.
    Mutation("descriptions-edited", _edit_descriptions, False, "description-changed"),
    Mutation("example-edited", _edit_example, False, "example-changed"),
    Mutation("version-bumped", _set(lambda d: d["info"], "version", "5.1.0"), False, "info-changed"),
    Mutation("path-parameter-renamed", _rename_path_parameter, False, "path-parameter-renamed"),
]


@pytest.fixture(scope="module")
def original() -> Doc:
    doc: Doc = yaml.safe_load(spec_module.DEFAULT_SPEC_PATH.read_text(encoding="utf-8"))
    return doc


def _write(doc: Doc, path: Path) -> spec_module.Spec:
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return spec_module.load(path)


def _describe(changes: list[Change]) -> str:
    return "\n".join(f"{c.severity.value} {c.kind} {c.location}: {c.message}" for c in changes)


def test_catalogue_ids_are_unique_and_cover_both_verdicts() -> None:
    ids = [m.case_id for m in CATALOGUE]
    assert len(ids) == len(set(ids))
    assert {m.breaking for m in CATALOGUE} == {True, False}


def test_the_spec_against_itself_has_no_change(original: Doc, tmp_path: Path) -> None:
    base = _write(original, tmp_path / "old.yaml")
    same = _write(copy.deepcopy(original), tmp_path / "new.yaml")
    assert diff_specs(base, same) == []


@pytest.mark.parametrize("mutation", CATALOGUE, ids=lambda m: m.case_id)
def test_mutation_is_classified(original: Doc, tmp_path: Path, mutation: Mutation) -> None:
    base = _write(original, tmp_path / "old.yaml")
    mutated = copy.deepcopy(original)
    mutation.mutate(mutated)
    assert mutated != original, "the mutation changed nothing"
    validate(mutated)  # every case is a valid OpenAPI document: the gate is judged on real specs
    changes = diff_specs(base, _write(mutated, tmp_path / "new.yaml"))
    report = _describe(changes)
    assert changes, "the gate saw no change"
    assert is_breaking(changes) is mutation.breaking, report
    kinds = {c.kind for c in changes}
    assert mutation.kind in kinds, report
    if mutation.breaking:
        assert any(c.kind == mutation.kind and c.severity is Severity.BREAKING for c in changes), report
