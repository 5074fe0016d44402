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
from iotda_contract.governance import Change, Severity, diff_specs, is_breaking, read_source

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
        "operationId": "GetExportTask",
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
    Mutation(
        "limit-maximum-lowered", _set(_limit_schema, "maximum", 40), True, "request-constraint-tightened"
    ),
    Mutation("limit-minimum-raised", _set(_limit_schema, "minimum", 5), True, "request-constraint-tightened"),
    Mutation(
        "offset-maximum-lowered", _set(_offset_schema, "maximum", 100), True, "request-constraint-tightened"
    ),
    Mutation(
        "record-id-pattern-narrowed",
        _set(_schema("RecordId"), "pattern", "^[0-9a-f]{24}$"),
        True,
        "request-pattern-changed",
    ),
    Mutation(
        "app-type-enum-narrowed", _set(_schema("AppType"), "enum", ["GLOBAL"]), True, "request-enum-narrowed"
    ),
    Mutation(
        "app-id-max-length-lowered",
        _set(_schema("AppId"), "maxLength", 20),
        True,
        "request-constraint-tightened",
    ),
    Mutation(
        "task-id-min-length-raised",
        _set(_schema("ExportTaskId"), "minLength", 8),
        True,
        "request-constraint-tightened",
    ),
    Mutation(
        "resource-condition-max-length-lowered",
        _set(lambda d: _param("ResourceCondition")(d)["schema"], "maxLength", 128),
        True,
        "request-constraint-tightened",
    ),
    Mutation(
        "json-text-task-id-pattern-narrowed",
        _set(lambda d: _schema("ResourceCondition")(d)["properties"]["task_id"], "pattern", "^[0-9a-f]{24}$"),
        True,
        "request-pattern-changed",
    ),
    Mutation(
        "limit-multiple-of-added", _set(_limit_schema, "multipleOf", 5), True, "request-constraint-tightened"
    ),
    # Parameters.
    Mutation(
        "offset-made-required", _set(_param("Offset"), "required", True), True, "parameter-made-required"
    ),
    Mutation("required-parameter-added", _add_query_parameter(True), True, "parameter-added-required"),
    Mutation("parameter-removed", lambda d: _list_op(d)["parameters"].pop(), True, "parameter-removed"),
    Mutation("parameter-renamed", _rename_marker, True, "parameter-renamed"),
    Mutation(
        "instance-header-removed",
        lambda d: d["paths"][LIST]["parameters"].pop(),
        True,
        "parameter-removed",
    ),
    # Response fields.
    Mutation("response-field-removed", lambda d: _task_props(d).pop("progress"), True, "property-removed"),
    Mutation("response-field-renamed", _rename_task_field, True, "property-renamed"),
    Mutation(
        "response-field-made-optional",
        _make_optional("ExportTask", "status"),
        True,
        "response-property-made-optional",
    ),
    Mutation(
        "page-count-made-optional", _make_optional("Page", "count"), True, "response-property-made-optional"
    ),
    # Request body.
    Mutation(
        "body-field-made-required",
        _make_required("AddExportTask", "export_format"),
        True,
        "request-property-made-required",
    ),
    Mutation("required-body-field-added", _add_body_property(True), True, "request-property-added-required"),
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
    Mutation(
        "limit-maximum-raised", _set(_limit_schema, "maximum", 100), False, "request-constraint-loosened"
    ),
    Mutation(
        "limit-minimum-lowered", _set(_limit_schema, "minimum", 0), False, "request-constraint-loosened"
    ),
    Mutation(
        "offset-maximum-raised", _set(_offset_schema, "maximum", 1000), False, "request-constraint-loosened"
    ),
    Mutation(
        "resource-condition-max-length-raised",
        _set(lambda d: _param("ResourceCondition")(d)["schema"], "maxLength", 512),
        False,
        "request-constraint-loosened",
    ),
    Mutation(
        "project-id-pattern-removed",
        _pop(lambda d: _param("ProjectId")(d)["schema"], "pattern"),
        False,
        "request-constraint-loosened",
    ),
    # Wider values that clients also read are a warning, not a failure.
    Mutation(
        "app-type-enum-widened",
        _set(_schema("AppType"), "enum", ["GLOBAL", "APP", "ALL"]),
        False,
        "response-enum-widened",
    ),
    Mutation(
        "app-id-max-length-raised",
        _set(_schema("AppId"), "maxLength", 64),
        False,
        "request-constraint-loosened",
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
        "request-property-made-optional",
    ),
    Mutation(
        "response-field-made-required",
        _make_required("ExportTask", "end_time"),
        False,
        "response-property-made-required",
    ),
    # Answers that hold fewer values than before.
    Mutation(
        "progress-maximum-lowered",
        _set(lambda d: _task_props(d)["progress"], "maximum", 99),
        False,
        "response-constraint-tightened",
    ),
    # Documentation only.
    Mutation("descriptions-edited", _edit_descriptions, False, "description-changed"),
    Mutation("example-edited", _edit_example, False, "example-changed"),
    Mutation("version-bumped", _set(lambda d: d["info"], "version", "5.1.0"), False, "info-changed"),
    Mutation("path-parameter-renamed", _rename_path_parameter, False, "path-parameter-renamed"),
]


def _header(doc: Doc) -> Doc:
    header: Doc = doc["components"]["headers"]["XRequestId"]
    return header


def _err_props(doc: Doc) -> Doc:
    return _schema("Error")(doc)["properties"]


def _delete_op(doc: Doc) -> Doc:
    op: Doc = doc["paths"][ONE]["delete"]
    return op


def _do(*steps: Callable[[Doc], None]) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        for step in steps:
            step(doc)

    return mutate


def _append(getter: Callable[[Doc], Any], value: Any) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        getter(doc).append(copy.deepcopy(value))

    return mutate


def _rename_query(old: str, new: str) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        _param(old)(doc)["name"] = new

    return mutate


def _remove_deprecated_parameter(doc: Doc) -> None:
    """Base: AppId as the spec has it; the mutation drops it. Deprecation comes from the base (see below)."""
    params = _list_op(doc)["parameters"]
    params.remove({"$ref": "#/components/parameters/AppId"})


def _add_header(doc: Doc) -> None:
    _create_op(doc)["responses"]["201"].setdefault("headers", {})["X-Task-Url"] = {
        "description": "Where the task can be read.",
        "schema": {"type": "string"},
    }


def _move_limit_to_header(doc: Doc) -> None:
    _param("Limit")(doc)["in"] = "header"
    _param("Limit")(doc)["name"] = "X-Limit"


def _security_on_delete(scheme: str) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        _delete_op(doc)["security"] = [{scheme: []}]

    return mutate


def _scheme_header_renamed(doc: Doc) -> None:
    doc["components"]["securitySchemes"]["IamToken"]["name"] = "X-Token"


def _open_delete(doc: Doc) -> None:
    _delete_op(doc)["security"] = [{}]


def _remove_body(doc: Doc) -> None:
    del _create_op(doc)["requestBody"]


def _add_response_media(doc: Doc) -> None:
    content = _list_op(doc)["responses"]["200"]["content"]
    content["application/xml"] = {"schema": {"type": "string"}}


def _add_request_media(doc: Doc) -> None:
    content = _create_op(doc)["requestBody"]["content"]
    content["application/x-yaml"] = copy.deepcopy(content["application/json"])
    content["application/x-yaml"].pop("examples", None)
    content["application/x-yaml"].pop("example", None)


def _response_status_removed(code: str) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        del _list_op(doc)["responses"][code]

    return mutate


def _rename_error_field(doc: Doc) -> None:
    props = _err_props(doc)
    props["message"] = props.pop("error_msg")
    required = _schema("Error")(doc)["required"]
    required[required.index("error_msg")] = "message"


def _page_marker_required(doc: Doc) -> None:
    _schema("Page")(doc)["required"].append("marker")


def _stable_fields(value: list[str]) -> Callable[[Doc], None]:
    return _set(_paging, "stableFields", value)


def _operation_deprecated(doc: Doc) -> None:
    _delete_op(doc)["deprecated"] = True


def _decision_edited(doc: Doc) -> None:
    _schema("ResourceType")(doc)["x-iotda-decision"]["rule"] = "Only BatchTask; anything else is refused."


def _path_decision_edited(doc: Doc) -> None:
    _param("InstanceId")(doc)["x-iotda-decision"]["rule"] = "Instance-Id holds 1 to 36 characters."


def _limits(key: str, value: Any) -> Callable[[Doc], None]:
    def mutate(doc: Doc) -> None:
        _create_op(doc)["x-iotda-platform-limits"][key] = value

    return mutate


CATALOGUE += [
    # Parameters (more).
    Mutation("limit-moved-to-header", _move_limit_to_header, True, "parameter-removed"),
    Mutation("offset-renamed", _rename_query("Offset", "skip"), True, "parameter-renamed"),
    Mutation(
        "app-id-made-required", _set(_param("AppId"), "required", True), True, "parameter-made-required"
    ),
    Mutation(
        "instance-header-made-required",
        _set(_param("InstanceId"), "required", True),
        True,
        "parameter-made-required",
    ),
    Mutation(
        "app-type-parameter-removed",
        lambda d: _list_op(d)["parameters"].remove({"$ref": "#/components/parameters/AppType"}),
        True,
        "parameter-removed",
    ),
    Mutation(
        "required-header-added",
        _append(
            lambda d: _list_op(d)["parameters"],
            {
                "name": "X-Tenant",
                "in": "header",
                "required": True,
                "description": "Tenant.",
                "schema": {"type": "string"},
            },
        ),
        True,
        "parameter-added-required",
    ),
    Mutation(
        "optional-header-added",
        _append(
            lambda d: _list_op(d)["parameters"],
            {"name": "X-Trace", "in": "header", "description": "Trace id.", "schema": {"type": "string"}},
        ),
        False,
        "parameter-added-optional",
    ),
    Mutation(
        "json-text-schema-removed",
        _pop(_param("ResourceCondition"), "x-iotda-json-schema"),
        False,
        "json-schema-removed",
    ),
    Mutation(
        "parameter-description-edited",
        _set(_param("Offset"), "description", "Records to skip."),
        False,
        "description-changed",
    ),
    Mutation("parameter-deprecated", _set(_param("AppId"), "deprecated", True), False, "deprecation-changed"),
    Mutation("parameter-decision-edited", _path_decision_edited, False, "extension-changed"),
    # Request bodies (more).
    Mutation("request-body-removed", _remove_body, True, "request-body-removed"),
    Mutation(
        "request-body-made-optional",
        _set(lambda d: _create_op(d)["requestBody"], "required", False),
        False,
        "request-body-made-optional",
    ),
    Mutation("request-media-type-added", _add_request_media, False, "request-media-type-added"),
    Mutation(
        "body-closed-property-opened",
        _set(_schema("AddExportTask"), "additionalProperties", True),
        False,
        "request-constraint-loosened",
    ),
    Mutation(
        "resource-condition-max-length-removed",
        _pop(lambda d: _param("ResourceCondition")(d)["schema"], "maxLength"),
        False,
        "request-constraint-loosened",
    ),
    Mutation(
        "body-min-properties-added",
        _set(_schema("AddExportTask"), "minProperties", 2),
        True,
        "request-constraint-tightened",
    ),
    Mutation(
        "body-field-removed",
        lambda d: _schema("AddExportTask")(d)["properties"].pop("app_id"),
        True,
        "property-removed",
    ),
    # Responses (more).
    Mutation("success-status-removed", _response_status_removed("200"), True, "response-status-removed"),
    Mutation("error-status-removed", _response_status_removed("429"), True, "response-status-removed"),
    Mutation(
        "delete-status-added",
        lambda d: _delete_op(d)["responses"].__setitem__("409", {"$ref": "#/components/responses/Forbidden"}),
        False,
        "response-status-added",
    ),
    Mutation("response-media-type-added", _add_response_media, False, "response-media-type-added"),
    Mutation(
        "response-media-type-removed",
        lambda d: _list_op(d)["responses"]["200"]["content"].__setitem__(
            "application/xml", _list_op(d)["responses"]["200"]["content"].pop("application/json")
        ),
        True,
        "media-type-removed",
    ),
    Mutation(
        "response-description-edited",
        lambda d: _list_op(d)["responses"]["200"].__setitem__("description", "A page."),
        False,
        "description-changed",
    ),
    Mutation("error-field-renamed", _rename_error_field, True, "property-renamed"),
    Mutation("error-field-removed", lambda d: _err_props(d).pop("error_code"), True, "property-removed"),
    Mutation(
        "error-field-added",
        lambda d: _err_props(d).__setitem__("request_id", {"type": "string", "description": "The request."}),
        False,
        "property-added",
    ),
    # Headers.
    Mutation("response-header-added", _add_header, False, "response-header-added"),
    Mutation(
        "response-header-min-length-removed",
        _pop(lambda d: _header(d)["schema"], "minLength"),
        False,
        "response-constraint-loosened",
    ),
    Mutation(
        "response-header-type-changed",
        _set(lambda d: _header(d)["schema"], "type", "integer"),
        True,
        "type-changed",
    ),
    Mutation(
        "response-header-max-length-added",
        _set(lambda d: _header(d)["schema"], "maxLength", 64),
        False,
        "response-constraint-tightened",
    ),
    Mutation(
        "request-header-max-length-lowered",
        _set(lambda d: _param("InstanceId")(d)["schema"], "maxLength", 8),
        True,
        "request-constraint-tightened",
    ),
    # Schemas (more).
    Mutation(
        "response-field-nullable-added",
        _set(lambda d: _task_props(d)["progress"], "nullable", True),
        False,
        "response-constraint-loosened",
    ),
    Mutation(
        "request-field-nullable-removed",
        _set(_schema("AppId"), "nullable", True),
        False,
        "request-constraint-loosened",
    ),
    Mutation(
        "page-count-minimum-removed",
        _pop(lambda d: _schema("Page")(d)["properties"]["count"], "minimum"),
        False,
        "response-constraint-loosened",
    ),
    Mutation(
        "progress-maximum-removed",
        _pop(lambda d: _task_props(d)["progress"], "maximum"),
        False,
        "response-constraint-loosened",
    ),
    Mutation("page-marker-made-required", _page_marker_required, False, "response-property-made-required"),
    Mutation(
        "response-read-only-added",
        _set(lambda d: _task_props(d)["progress"], "readOnly", True),
        False,
        "keyword-changed",
    ),
    Mutation(
        "response-field-type-to-number",
        _set(lambda d: _task_props(d)["progress"], "type", "number"),
        True,
        "type-changed",
    ),
    Mutation(
        "task-id-max-length-raised",
        _set(_schema("ExportTaskId"), "maxLength", 128),
        False,
        "request-constraint-loosened",
    ),
    Mutation(
        "timestamp-pattern-changed",
        _set(_schema("Timestamp"), "pattern", "^[0-9T:.Z-]+$"),
        False,
        "response-pattern-changed",
    ),
    Mutation(
        "limit-exclusive-maximum-added",
        _set(_limit_schema, "exclusiveMaximum", True),
        True,
        "request-constraint-tightened",
    ),
    Mutation(
        "limit-multiple-of-to-divisor",
        _do(_set(_limit_schema, "multipleOf", 1)),
        True,
        "request-constraint-tightened",
    ),
    Mutation(
        "schema-description-edited",
        _set(_schema("Page"), "description", "The page's place."),
        False,
        "description-changed",
    ),
    Mutation("schema-decision-edited", _decision_edited, False, "extension-changed"),
    # Enums (more).
    Mutation(
        "resource-type-enum-value-added",
        _append(lambda d: _schema("ResourceType")(d)["enum"], "Device"),
        False,
        "request-enum-widened",
    ),
    Mutation(
        "task-status-enum-value-removed",
        _set(_schema("TaskStatus"), "enum", ["Processing", "Success"]),
        False,
        "response-enum-narrowed",
    ),
    Mutation(
        "task-status-enum-value-added",
        _append(lambda d: _schema("TaskStatus")(d)["enum"], "Cancelled"),
        False,
        "response-enum-widened",
    ),
    Mutation(
        "export-format-enum-widened",
        _append(lambda d: _schema("ExportFormat")(d)["enum"], "csv"),
        False,
        "request-enum-widened",
    ),
    Mutation(
        "task-status-enum-removed", _pop(_schema("TaskStatus"), "enum"), False, "response-constraint-loosened"
    ),
    # Formats (more).
    Mutation(
        "page-count-format-narrowed",
        _set(lambda d: _schema("Page")(d)["properties"]["count"], "format", "int32"),
        True,
        "format-changed",
    ),
    Mutation(
        "timestamp-format-added", _set(_schema("Timestamp"), "format", "date-time"), True, "format-changed"
    ),
    Mutation(
        "progress-format-removed",
        _pop(lambda d: _task_props(d)["progress"], "format"),
        True,
        "format-changed",
    ),
    # Defaults (more).
    Mutation(
        "export-format-default-removed", _pop(_schema("ExportFormat"), "default"), True, "default-removed"
    ),
    Mutation(
        "resource-type-default-added",
        _set(_schema("ResourceType"), "default", "BatchTask"),
        False,
        "default-added",
    ),
    # Security (more).
    Mutation("delete-requires-one-scheme", _security_on_delete("AkSkSignature"), True, "security-removed"),
    Mutation("scheme-header-renamed", _scheme_header_renamed, True, "security-scheme-changed"),
    Mutation("delete-opened-to-anonymous", _open_delete, False, "security-alternative-added"),
    # Paths and operations (more).
    Mutation("list-operation-removed", lambda d: d["paths"][LIST].pop("get"), True, "operation-removed"),
    Mutation(
        "create-renamed", _set(_create_op, "operationId", "AddExportTask"), True, "operation-id-changed"
    ),
    Mutation("operation-deprecated", _operation_deprecated, False, "deprecation-changed"),
    Mutation(
        "operation-summary-edited",
        _set(_delete_op, "summary", "Delete one export task"),
        False,
        "description-changed",
    ),
    Mutation("platform-max-tasks-lowered", _limits("maxTasks", 5), False, "platform-limits-changed"),
    Mutation("platform-busy-status-changed", _limits("busyStatus", 503), False, "platform-limits-changed"),
    Mutation(
        "servers-edited",
        lambda d: d["servers"][0].__setitem__("url", "https://iotda.example.invalid"),
        False,
        "servers-changed",
    ),
    # The paging extension (more).
    Mutation("paging-item-key-changed", _set(_paging, "itemKey", "create_time"), True, "paging-changed"),
    Mutation(
        "paging-stable-field-dropped",
        _stable_fields(["export_task_id", "resource_type"]),
        True,
        "paging-changed",
    ),
    Mutation("paging-count-pointer-moved", _set(_paging, "countPointer", "/total"), True, "paging-changed"),
    Mutation(
        "paging-limit-parameter-renamed", _set(_paging, "limitParameter", "offset"), True, "paging-changed"
    ),
    Mutation(
        "paging-added-to-create",
        _set(_create_op, "x-iotda-paging", {"style": "marker"}),
        True,
        "paging-added",
    ),
]


@pytest.fixture(scope="module")
def original() -> Doc:
    doc: Doc = yaml.safe_load(spec_module.DEFAULT_SPEC_PATH.read_text(encoding="utf-8"))
    return doc


def _write(doc: Doc, path: Path) -> spec_module.Spec:
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return read_source(str(path)).spec


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
