"""Validators compiled from the spec at start-up: no constraint of the contract is written here.

The keywords themselves are ``iotda_contract.spec.keywords``, the one implementation the generated client
carries a copy of; this module only reads parameters off the wire and maps a violation to the API's error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from iotda_contract.mock.errors import InvalidData, MalformedRequest, OutOfRange
from iotda_contract.spec import Operation, Parameter, Schema, SpecError, keywords

#: A compiled JSON-schema check: True when the value satisfies the schema.
Check = Callable[[Any], bool]
#: A compiled parameter: raw text -> typed value, or an ApiError.
Convert = Callable[[str], Any]

#: The keywords of an integer parameter whose violation is "out of range" rather than "invalid".
_RANGE_KEYWORDS = ("format", "minimum", "maximum")
_INTEGER_TEXT = re.compile(r"-?[0-9]+")
#: Beyond this many digits an integer is out of any int64 range without converting it.
_MAX_INTEGER_DIGITS = 19


def compile_schema(schema: Schema, where: str = "schema") -> Check:
    """A check for ``schema``; a keyword ``spec.keywords`` does not enforce is a start-up error."""
    validate = _validator(schema, where)
    return lambda value: validate(value) is None


def _validator(schema: Schema, where: str) -> keywords.Validator:
    try:
        return keywords.compile_schema(schema, where)
    except keywords.SchemaError as err:
        raise SpecError(f"{err}: the mock cannot enforce it") from err


def compile_parameter(parameter: Parameter) -> Convert:
    """Raw text -> typed value for ``parameter``, raising the documented 400 on a bad value."""
    schema = parameter.schema
    name = parameter.name
    kind = schema.get("type", "string")
    if kind == "integer":
        in_range = _validator({"type": kind, **{k: schema[k] for k in _RANGE_KEYWORDS if k in schema}}, name)
        others = {k: v for k, v in schema.items() if k not in _RANGE_KEYWORDS}
        rest = _validator(others, name) if set(others) - {"type"} - keywords.ANNOTATIONS else None

        def convert_integer(text: str) -> int:
            if _INTEGER_TEXT.fullmatch(text) is None:
                raise InvalidData()
            digits = text.lstrip("-").lstrip("0")
            if len(digits) > _MAX_INTEGER_DIGITS:
                raise OutOfRange(name)
            value = int(text)
            if in_range(value) is not None:
                raise OutOfRange(name)
            if rest is not None and rest(value) is not None:
                raise InvalidData()
            return value

        return convert_integer
    if kind != "string":
        raise SpecError(f"parameter {name}: type {kind!r} is not supported by the mock")
    check = _validator(schema, name)
    content = _validator(parameter.json_schema, f"{name} (JSON)") if parameter.json_schema else None

    def convert_string(text: str) -> Any:
        if check(text) is not None:
            raise InvalidData()
        if content is None:
            return text
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):
            raise InvalidData() from None
        if not isinstance(value, dict) or content(value) is not None:
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
