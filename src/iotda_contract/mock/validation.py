"""Validators compiled from the spec at start-up: no constraint of the contract is written here."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from iotda_contract.mock.errors import InvalidData, MalformedRequest, OutOfRange
from iotda_contract.spec import Operation, Parameter, Schema, SpecError, pattern_regex

#: A compiled JSON-schema check: True when the value satisfies the schema.
Check = Callable[[Any], bool]
#: A compiled parameter: raw text -> typed value, or an ApiError.
Convert = Callable[[str], Any]

#: Keywords that describe without constraining.
_ANNOTATIONS = frozenset({"description", "example", "examples", "default", "format", "title", "nullable"})
_SUPPORTED = frozenset(
    {
        "type",
        "enum",
        "pattern",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "required",
        "properties",
        "additionalProperties",
        "items",
        "minItems",
        "maxItems",
    }
)
_INTEGER_TEXT = re.compile(r"-?[0-9]+")
#: Beyond this many digits an integer is out of any int64 range without converting it.
_MAX_INTEGER_DIGITS = 19


def compile_schema(schema: Schema, where: str = "schema") -> Check:
    """A check for ``schema``; a keyword this compiler does not know is a start-up error."""
    unknown = set(schema) - _SUPPORTED - _ANNOTATIONS
    unknown = {k for k in unknown if not k.startswith("x-")}
    if unknown:
        raise SpecError(f"{where}: the mock cannot enforce {sorted(unknown)}")
    checks: list[Check] = []
    kind = schema.get("type")
    if kind is not None:
        checks.append(_type_check(kind))
    if "enum" in schema:
        checks.append(_enum_check(list(schema["enum"])))
    if "pattern" in schema:
        pattern = pattern_regex(schema["pattern"])
        checks.append(lambda v: not isinstance(v, str) or pattern.search(v) is not None)
    if "minLength" in schema:
        low = int(schema["minLength"])
        checks.append(lambda v: not isinstance(v, str) or len(v) >= low)
    if "maxLength" in schema:
        high = int(schema["maxLength"])
        checks.append(lambda v: not isinstance(v, str) or len(v) <= high)
    if "minimum" in schema:
        minimum = schema["minimum"]
        checks.append(lambda v: not _is_number(v) or v >= minimum)
    if "maximum" in schema:
        maximum = schema["maximum"]
        checks.append(lambda v: not _is_number(v) or v <= maximum)
    if "properties" in schema or "required" in schema or "additionalProperties" in schema:
        checks.append(_object_check(schema, where))
    if "items" in schema:
        item_check = compile_schema(schema["items"], f"{where}/items")
        checks.append(lambda v: not isinstance(v, list) or all(item_check(i) for i in v))
    if "minItems" in schema:
        min_items = int(schema["minItems"])
        checks.append(lambda v: not isinstance(v, list) or len(v) >= min_items)
    if "maxItems" in schema:
        max_items = int(schema["maxItems"])
        checks.append(lambda v: not isinstance(v, list) or len(v) <= max_items)
    return _all_of(checks)


def _all_of(checks: list[Check]) -> Check:
    if not checks:
        return lambda value: True
    if len(checks) == 1:
        return checks[0]

    def check_all(value: Any) -> bool:
        for check in checks:  # noqa: SIM110 - a loop avoids a generator per call on the hot path
            if not check(value):
                return False
        return True

    return check_all


def _enum_check(allowed: list[Any]) -> Check:
    """Membership with JSON's types: ``1`` is not ``true`` and not ``1.0``'s string."""
    try:
        members = {(type(a), a) for a in allowed}
    except TypeError:
        return lambda v: any(v == a and type(v) is type(a) for a in allowed)

    def check(value: Any) -> bool:
        try:
            return (type(value), value) in members
        except TypeError:
            return False

    return check


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _type_check(kind: str) -> Check:
    if kind == "object":
        return lambda v: isinstance(v, dict)
    if kind == "array":
        return lambda v: isinstance(v, list)
    if kind == "string":
        return lambda v: isinstance(v, str)
    if kind == "integer":
        return lambda v: isinstance(v, int) and not isinstance(v, bool)
    if kind == "number":
        return _is_number
    if kind == "boolean":
        return lambda v: isinstance(v, bool)
    raise SpecError(f"unsupported schema type {kind!r}")


def _object_check(schema: Schema, where: str) -> Check:
    properties = {
        name: compile_schema(sub, f"{where}/properties/{name}")
        for name, sub in schema.get("properties", {}).items()
    }
    required = tuple(schema.get("required", ()))
    extra = schema.get("additionalProperties", True)
    if isinstance(extra, dict):
        raise SpecError(f"{where}: additionalProperties as a schema is not supported")

    def check(value: Any) -> bool:
        if not isinstance(value, dict):
            return True
        if any(name not in value for name in required):
            return False
        for name, item in value.items():
            sub = properties.get(name)
            if sub is None:
                if extra is False:
                    return False
            elif not sub(item):
                return False
        return True

    return check


def compile_parameter(parameter: Parameter) -> Convert:
    """Raw text -> typed value for ``parameter``, raising the documented 400 on a bad value."""
    schema = parameter.schema
    name = parameter.name
    kind = schema.get("type", "string")
    if kind == "integer":
        minimum = schema.get("minimum")
        maximum = schema.get("maximum")
        others = {k: v for k, v in schema.items() if k not in ("minimum", "maximum", "type")}
        rest = compile_schema(others, name) if set(others) - _ANNOTATIONS else None

        def convert_integer(text: str) -> int:
            if _INTEGER_TEXT.fullmatch(text) is None:
                raise InvalidData()
            digits = text.lstrip("-").lstrip("0")
            if len(digits) > _MAX_INTEGER_DIGITS:
                raise OutOfRange(name)
            value = int(text)
            if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
                raise OutOfRange(name)
            if rest is not None and not rest(value):
                raise InvalidData()
            return value

        return convert_integer
    if kind != "string":
        raise SpecError(f"parameter {name}: type {kind!r} is not supported by the mock")
    check = compile_schema(schema, name)
    content = compile_schema(parameter.json_schema, f"{name} (JSON)") if parameter.json_schema else None

    def convert_string(text: str) -> Any:
        if not check(text):
            raise InvalidData()
        if content is None:
            return text
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):
            raise InvalidData() from None
        if not isinstance(value, dict) or not content(value):
            raise InvalidData()
        return value

    return convert_string


@dataclass(frozen=True)
class CompiledParameter:
    """One parameter ready for the hot path."""

    name: str
    location: str
    required: bool
    default: Any
    convert: Convert
    schema: Schema


@dataclass(frozen=True)
class CompiledOperation:
    """The parameters and body check of one operation."""

    operation_id: str
    parameters: tuple[CompiledParameter, ...]
    body: Check | None

    def parameter(self, name: str) -> CompiledParameter:
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        raise KeyError(name)

    def query_values(self, query: Mapping[str, str]) -> dict[str, Any]:
        """Each query parameter's typed value (its default when absent) in spec order."""
        values: dict[str, Any] = {}
        for parameter in self.parameters:
            if parameter.location != "query":
                continue
            text = query.get(parameter.name)
            if text is None:
                if parameter.required:
                    raise InvalidData()
                values[parameter.name] = parameter.default
            else:
                values[parameter.name] = parameter.convert(text)
        return values

    def check_body(self, value: Any) -> None:
        if self.body is not None and not self.body(value):
            raise InvalidData()


def compile_operation(
    operation: Operation,
    unbounded: frozenset[str] = frozenset(),
    defaults: Mapping[str, Any] | None = None,
) -> CompiledOperation:
    """Compile every parameter and the request body of ``operation``.

    ``unbounded`` names parameters whose minimum and maximum are dropped and ``defaults`` replaces
    defaults: both exist only for the fault profiles that misread the spec.
    """
    defaults = defaults or {}
    parameters = []
    for p in operation.parameters:
        if p.name in unbounded:
            schema = {k: v for k, v in p.schema.items() if k not in ("minimum", "maximum")}
            p = replace(p, schema=schema)
        parameters.append(
            CompiledParameter(
                name=p.name,
                location=p.location,
                required=p.required,
                default=defaults.get(p.name, p.default),
                convert=compile_parameter(p),
                schema=p.schema,
            )
        )
    body = None
    if operation.request_body_schema is not None:
        body = compile_schema(operation.request_body_schema, f"{operation.operation_id} body")
    return CompiledOperation(operation_id=operation.operation_id, parameters=tuple(parameters), body=body)


def parse_json_body(raw: bytes) -> Any:
    """The request body as JSON, refusing what is not one strict JSON document."""

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(pairs)
        if len(result) != len(pairs):
            raise MalformedRequest()
        return result

    def no_constants(name: str) -> Any:
        raise MalformedRequest()

    try:
        text = raw.decode("utf-8")
        return json.loads(text, object_pairs_hook=no_duplicates, parse_constant=no_constants)
    except (ValueError, RecursionError):
        raise MalformedRequest() from None
