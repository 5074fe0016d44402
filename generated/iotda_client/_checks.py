"""Client-side checks: every argument is held to the spec's constraints before a request is sent.

Generated from openapi/templates/_checks.py.jinja by scripts/generate.py; do not edit. The rules are
copied from the spec into each endpoint module at generation time; generation fails when the spec
uses a keyword this checker does not enforce, so no constraint is silently dropped.

Enforced keywords: type, format, minimum, maximum, minLength, maxLength, pattern, enum, properties,
additionalProperties, required.
``pattern`` is read as ECMA-262 does
(``$`` is the end of the text). A parameter carrying JSON text is parsed and its value checked
against the schema named by the spec's ``x-iotda-json-schema``.

An enum argument may be the generated member or its plain value; a request body may be the
generated model or a dict of its JSON form. Violations raise ``ParameterError(ValueError)`` with
``parameter`` (wire name, or ``body``), ``constraint`` (the keyword broken, or ``json`` for text that
does not parse), ``value`` (the offending value), ``expected`` (the keyword's value in the spec) and
``pointer`` (where inside a JSON value, ``""`` for the value itself).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cache
from typing import Any

from .types import UNSET, Unset

Schema = dict[str, Any]

#: The keywords the generator lets through; each one has a check below (verified at import).
KEYWORDS: frozenset[str] = frozenset(
    (
        "type",
        "format",
        "minimum",
        "maximum",
        "minLength",
        "maxLength",
        "pattern",
        "enum",
        "properties",
        "additionalProperties",
        "required",
    )
)
#: Keywords that constrain nothing: the generator strips them, the checker tolerates them.
ANNOTATIONS: frozenset[str] = frozenset(("default", "description", "example", "examples", "title"))


class ParameterError(ValueError):
    """An argument breaks a constraint of the spec; nothing was sent."""

    def __init__(
        self, parameter: str, constraint: str, value: object, expected: object, pointer: str = ""
    ) -> None:
        self.parameter = parameter
        self.constraint = constraint
        self.value = value
        self.expected = expected
        self.pointer = pointer
        where = f"parameter {parameter!r}" + (f" at {pointer}" if pointer else "")
        if constraint == "required":
            message = f"{where} is required but missing"
        else:
            message = f"{where} breaks {constraint}={expected!r}: got {value!r}"
        super().__init__(message)


@dataclass(frozen=True)
class Rule:
    """The constraints of one parameter, copied from the spec."""

    name: str
    location: str
    required: bool
    schema: Schema
    json_schema: Schema | None = None


def check_arguments(rules: Mapping[str, Rule], arguments: Mapping[str, object]) -> None:
    """Check each argument (by Python name) against its rule; raise ``ParameterError`` on the first break."""
    for python_name, rule in rules.items():
        value = arguments[python_name]
        if isinstance(value, Unset):
            if rule.required:
                raise ParameterError(rule.name, "required", value, True)
            continue
        check_value(rule.name, rule.schema, value)
        if rule.json_schema is not None:
            try:
                decoded = json.loads(str(value))
            except ValueError:
                raise ParameterError(rule.name, "json", value, "JSON text") from None
            check_value(rule.name, rule.json_schema, decoded)


def check_body(schema: Schema, required: bool, body: object) -> None:
    """Check a request body against its schema: a generated model (as ``to_dict`` serialises it) or a dict
    of the JSON it stands for (checked as it is, so enum fields are their plain values)."""
    if isinstance(body, Unset):
        if required:
            raise ParameterError("body", "required", body, True)
        return
    to_dict = getattr(body, "to_dict", None)
    try:
        data = to_dict() if callable(to_dict) else body
    except (AttributeError, TypeError, ValueError) as err:
        raise ParameterError("body", "type", body, "a serialisable model") from err
    check_value("body", schema, data)


def check_value(parameter: str, schema: Schema, value: object, pointer: str = "") -> None:
    """Check one (wire) value against a schema of the enforced keywords."""
    if isinstance(value, Enum):
        value = value.value
    if "type" in schema:
        _check_type(parameter, pointer, schema["type"], schema, value)
    for keyword, expected in schema.items():
        if keyword == "type" or keyword in ANNOTATIONS:
            continue
        check = _CHECKS.get(keyword)
        if check is None:
            raise TypeError(
                f"parameter {parameter!r}: keyword {keyword!r} has no check; regenerate the client"
            )
        check(parameter, pointer, expected, schema, value)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_TYPES: dict[str, Callable[[object], bool]] = {
    "string": lambda value: isinstance(value, str),
    "integer": lambda value: isinstance(value, int) and not isinstance(value, bool),
    "number": _is_number,
    "boolean": lambda value: isinstance(value, bool),
    "object": lambda value: isinstance(value, dict) and all(isinstance(key, str) for key in value),
}
_FORMATS: dict[str, tuple[int, int]] = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


def _check_type(parameter: str, pointer: str, expected: Any, schema: Schema, value: object) -> None:
    if not _TYPES[expected](value):
        raise ParameterError(parameter, "type", value, expected, pointer)


def _check_format(parameter: str, pointer: str, expected: Any, schema: Schema, value: object) -> None:
    low, high = _FORMATS[expected]
    if isinstance(value, int) and not isinstance(value, bool) and not low <= value <= high:
        raise ParameterError(parameter, "format", value, expected, pointer)


def _check_minimum(parameter: str, pointer: str, expected: Any, schema: Schema, value: object) -> None:
    if isinstance(value, int | float) and not isinstance(value, bool) and value < expected:
        raise ParameterError(parameter, "minimum", value, expected, pointer)


def _check_maximum(parameter: str, pointer: str, expected: Any, schema: Schema, value: object) -> None:
    if isinstance(value, int | float) and not isinstance(value, bool) and value > expected:
        raise ParameterError(parameter, "maximum", value, expected, pointer)


def _check_min_length(parameter: str, pointer: str, expected: Any, schema: Schema, value: object) -> None:
    if isinstance(value, str) and len(value) < expected:
        raise ParameterError(parameter, "minLength", value, expected, pointer)


def _check_max_length(parameter: str, pointer: str, expected: Any, schema: Schema, value: object) -> None:
    if isinstance(value, str) and len(value) > expected:
        raise ParameterError(parameter, "maxLength", value, expected, pointer)


@cache
def _ecma_pattern(pattern: str) -> re.Pattern[str]:
    """``pattern`` with ECMA-262's ``$`` (end of text; Python's also matches before a final newline)."""
    out: list[str] = []
    escaped = in_class = False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "$":
            char = r"\Z"
        out.append(char)
    return re.compile("".join(out), re.ASCII)


def _check_pattern(parameter: str, pointer: str, expected: Any, schema: Schema, value: object) -> None:
    if isinstance(value, str) and _ecma_pattern(expected).search(value) is None:
        raise ParameterError(parameter, "pattern", value, expected, pointer)


def _check_enum(parameter: str, pointer: str, expected: Any, schema: Schema, value: object) -> None:
    if not any(type(option) is type(value) and option == value for option in expected):
        raise ParameterError(parameter, "enum", value, expected, pointer)


def _check_properties(parameter: str, pointer: str, expected: Any, schema: Schema, value: object) -> None:
    if isinstance(value, dict):
        for key, subschema in expected.items():
            if key in value:
                check_value(parameter, subschema, value[key], f"{pointer}/{key}")


def _check_additional_properties(
    parameter: str, pointer: str, expected: Any, schema: Schema, value: object
) -> None:
    if expected is False and isinstance(value, dict):
        for key in value:
            if key not in schema.get("properties", {}):
                raise ParameterError(parameter, "additionalProperties", value[key], False, f"{pointer}/{key}")


def _check_required(parameter: str, pointer: str, expected: Any, schema: Schema, value: object) -> None:
    if isinstance(value, dict):
        for key in expected:
            if key not in value:
                raise ParameterError(parameter, "required", UNSET, True, f"{pointer}/{key}")


_CHECKS: dict[str, Callable[[str, str, Any, Schema, object], None]] = {
    "type": _check_type,
    "format": _check_format,
    "minimum": _check_minimum,
    "maximum": _check_maximum,
    "minLength": _check_min_length,
    "maxLength": _check_max_length,
    "pattern": _check_pattern,
    "enum": _check_enum,
    "properties": _check_properties,
    "additionalProperties": _check_additional_properties,
    "required": _check_required,
}

if set(_CHECKS) != KEYWORDS:  # the generator and this template disagree: fail at import, never ignore
    raise ImportError(f"checker keywords {sorted(_CHECKS)} differ from the generator's {sorted(KEYWORDS)}")

__all__ = ["KEYWORDS", "ParameterError", "Rule", "check_arguments", "check_body", "check_value"]
