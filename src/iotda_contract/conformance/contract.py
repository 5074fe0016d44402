"""Every number and name the paging laws use, read from the spec (nothing here restates a constraint)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from iotda_contract.spec import (
    Operation,
    Paging,
    Parameter,
    PlatformLimits,
    Schema,
    Spec,
    SpecError,
    pattern_regex,
)

_ERROR_CODE = re.compile(r"[A-Z]+\.\d{4,6}")


@dataclass(frozen=True)
class Bounds:
    """An integer parameter's range and default, from its schema."""

    name: str
    minimum: int
    maximum: int
    default: int


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
    #: The schema of one item of a page (found through the paging extension's items pointer).
    item_schema: Schema
    #: The field that identifies an item (the extension's ``itemKey``; record ids are not in the items).
    key_field: str
    #: Fields of an item that never change once it exists (the extension's ``stableFields``).
    stable_fields: tuple[str, ...]
    #: The POST on the list's path and the DELETE on its item path, when the spec has them.
    create_op: Operation | None
    delete_op: Operation | None
    #: The GET below the item path whose 200 answer is a file (not JSON): the export file's download.
    file_op: Operation | None = None

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

    def key_of(self, item: Mapping[str, Any]) -> str:
        return str(item.get(self.key_field))

    @property
    def delete_parameter(self) -> Parameter:
        """The path parameter of the delete operation that names the item."""
        if self.delete_op is None:
            raise SpecError("the spec has no delete operation on the list's item path")
        return self.item_parameter(self.delete_op)

    def item_parameter(self, operation: Operation) -> Parameter:
        """The path parameter of ``operation`` that names the item: the one right below the list's path."""
        rest = operation.path[len(self.list_op.path) + 1 :]
        return operation.parameter(rest.split("/", 1)[0].strip("{}"))

    @property
    def create_body_schema(self) -> Schema:
        if self.create_op is None or self.create_op.request_body_schema is None:
            raise SpecError("the spec has no create operation with a JSON body on the list's path")
        return self.create_op.request_body_schema

    @property
    def limits(self) -> PlatformLimits | None:
        """The platform's caps on creates, when the spec declares them."""
        return self.create_op.limits if self.create_op is not None else None


def load_contract(document: Spec) -> PagingContract:
    """Read the paging contract from ``document``: its one paged list, and the create and delete beside it."""
    paged = document.paged_operations()
    if len(paged) != 1:
        raise SpecError(f"the spec must have exactly one operation with x-iotda-paging, not {len(paged)}")
    list_op = paged[0]
    paging = list_op.paging
    assert paging is not None
    if paging.item_key is None:
        raise SpecError(f"{list_op.operation_id}: x-iotda-paging names no itemKey")
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
    items = _schema_at(page_schema, paging.items_pointer)
    operations = list(document.operations.values())
    create = next((op for op in operations if op.method == "POST" and op.path == list_op.path), None)
    depth = list_op.path.count("/") + 1
    delete = next((op for op in operations if op.method == "DELETE" and op.path.count("/") == depth
                   and op.path.startswith(list_op.path + "/{")), None)  # fmt: skip
    file_op = next((op for op in operations if op.method == "GET" and op.path.count("/") == depth + 1
                    and op.path.startswith(list_op.path + "/{") and _gives_file(op)), None)  # fmt: skip
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
        item_schema=items.get("items", {}),
        key_field=paging.item_key,
        stable_fields=paging.stable_fields or (paging.item_key,),
        create_op=create,
        delete_op=delete,
        file_op=file_op,
    )


def _gives_file(operation: Operation) -> bool:
    """Whether the operation's 200 answer is content other than JSON (a file)."""
    content = operation.responses.get("200", {}).get("content", {})
    return bool(content) and not any("json" in media for media in content)


def _schema_at(schema: Schema, pointer: str) -> Schema:
    """The sub-schema of ``schema`` that describes the value at a JSON pointer of its instances."""
    node = schema
    for part in [p for p in pointer.split("/") if p]:
        node = node.get("properties", {}).get(part, {})
    return node


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
