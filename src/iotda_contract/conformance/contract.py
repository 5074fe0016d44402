"""Every number and name the paging laws use, read from the spec (nothing here restates a constraint)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from iotda_contract.spec import Operation, Paging, Parameter, Schema, Spec, SpecError, pattern_regex

LIST_OPERATION = "ListExportTasks"
CREATE_OPERATION = "CreateExportTask"
DELETE_OPERATION = "DeleteExportTask"
#: The field that identifies a record in a walk (record ids are not in the task bodies).
KEY_FIELD = "export_task_id"
#: Fields of a task that never change once it exists (status, progress, counts and end_time do).
IMMUTABLE_FIELDS = ("export_task_id", "resource_type", "resource_condition", "export_format", "create_time",
                    "app_type", "app_id")  # fmt: skip
#: The vendor extension on the create operation that states the platform's caps.
LIMITS_EXTENSION = "x-iotda-platform-limits"
_ERROR_CODE = re.compile(r"[A-Z]+\.\d{4,6}")


@dataclass(frozen=True)
class Bounds:
    """An integer parameter's range and default, from its schema."""

    name: str
    minimum: int
    maximum: int
    default: int


@dataclass(frozen=True)
class PlatformLimits:
    """The create operation's ``x-iotda-platform-limits``: the per-project caps and the busy answer."""

    max_tasks: int
    max_unfinished: int
    busy_status: int
    busy_code: str


@dataclass(frozen=True)
class PagingContract:
    """The list operation and its paging rules as the spec states them."""

    spec: Spec
    list_op: Operation
    paging: Paging
    limit: Bounds
    offset: Bounds | None
    marker: Parameter
    marker_default: str
    #: Query parameters the list needs on every request, with a valid value (enum or example).
    required_query: tuple[tuple[str, str], ...]
    #: Error codes the 400 response of the list names in its description.
    bad_request_codes: frozenset[str]
    #: Error codes the 429 response names: the platform's rate limits (they may also come with 403).
    rate_limit_codes: frozenset[str]
    error_schema: Schema
    page_schema: Schema
    task_schema: Schema

    @property
    def marker_width(self) -> int:
        return len(self.marker_default)

    @property
    def marker_top(self) -> int:
        """The integer value of the default marker: above every record."""
        return int(self.marker_default, 16)

    def format_marker(self, value: int) -> str:
        return format(value, "x").rjust(self.marker_width, "0")

    def marker_matches(self, text: str) -> bool:
        return pattern_regex(self.marker.schema["pattern"]).search(text) is not None

    def query_parameters(self) -> tuple[Parameter, ...]:
        return self.list_op.parameters_in("query")

    def parameter(self, name: str) -> Parameter:
        return self.list_op.parameter(name)

    def base_query(self) -> dict[str, str]:
        return dict(self.required_query)

    def operation(self, operation_id: str) -> Operation | None:
        return self.spec.operations.get(operation_id)

    @property
    def limits(self) -> PlatformLimits | None:
        """The platform's caps on creates, when the spec declares them."""
        create = self.operation(CREATE_OPERATION)
        raw = create.raw.get(LIMITS_EXTENSION) if create is not None else None
        if not isinstance(raw, dict):
            return None
        try:
            return PlatformLimits(int(raw["maxTasks"]), int(raw["maxUnfinished"]), int(raw["busyStatus"]),
                                  str(raw["busyCode"]))  # fmt: skip
        except (KeyError, TypeError, ValueError) as err:
            raise SpecError(
                f"{LIMITS_EXTENSION} needs maxTasks, maxUnfinished, busyStatus, busyCode"
            ) from err


def load_contract(document: Spec) -> PagingContract:
    """Read the paging contract of the list operation from ``document``."""
    list_op = document.operation(LIST_OPERATION)
    if list_op.paging is None:
        raise SpecError(f"{LIST_OPERATION} declares no paging extension")
    paging = list_op.paging
    limit = _bounds(list_op.parameter(paging.limit_parameter))
    offset = _bounds(list_op.parameter(paging.offset_parameter)) if paging.offset_parameter else None
    marker = list_op.parameter(paging.marker_parameter)
    if "pattern" not in marker.schema or not isinstance(marker.default, str):
        raise SpecError(f"the marker parameter {marker.name!r} needs a pattern and a default")
    required = tuple((p.name, _valid_value(p)) for p in list_op.parameters_in("query") if p.required)
    bad_request = list_op.responses.get("400", {})
    codes = frozenset(_ERROR_CODE.findall(str(bad_request.get("description", ""))))
    too_many = list_op.responses.get("429", {})
    rate_codes = frozenset(_ERROR_CODE.findall(str(too_many.get("description", ""))))
    error_schema = bad_request.get("content", {}).get("application/json", {}).get("schema", {})
    ok = list_op.responses.get("200", {})
    page_schema = ok.get("content", {}).get("application/json", {}).get("schema", {})
    return PagingContract(
        spec=document,
        list_op=list_op,
        paging=paging,
        limit=limit,
        offset=offset,
        marker=marker,
        marker_default=marker.default,
        required_query=required,
        bad_request_codes=codes,
        rate_limit_codes=rate_codes,
        error_schema=error_schema,
        page_schema=page_schema,
        task_schema=document.schema("ExportTask"),
    )


def _bounds(parameter: Parameter) -> Bounds:
    schema = parameter.schema
    try:
        return Bounds(parameter.name, int(schema["minimum"]), int(schema["maximum"]), int(schema["default"]))
    except KeyError as err:
        raise SpecError(f"parameter {parameter.name!r} needs minimum, maximum and default") from err


def _valid_value(parameter: Parameter) -> str:
    schema: dict[str, Any] = parameter.schema
    for candidate in (schema.get("enum", [None])[0], schema.get("default"), schema.get("example")):
        if candidate is not None:
            return str(candidate)
    raise SpecError(f"required parameter {parameter.name!r} has no enum, default or example to send")
