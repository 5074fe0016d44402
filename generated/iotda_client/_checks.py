"""Client-side checks: every argument is held to the spec's constraints before a request is sent.

Generated from openapi/templates/_checks.py.jinja by scripts/generate.py; do not edit. The rules are
copied from the spec into each endpoint module at generation time. The keywords are checked by
``_keywords``, a verbatim copy of the mock's ``iotda_contract/spec/keywords.py`` (one implementation, so the
client and the mock cannot disagree): its docstring says what each keyword means, ``format`` included.
Generation fails when the spec uses a keyword that module does not enforce, so no constraint is silently
dropped. A parameter carrying JSON text is parsed and its value checked against the schema named by the
spec's ``x-iotda-json-schema``.

An enum argument may be the generated member or its plain value; a request body may be the
generated model or a dict of its JSON form. Violations raise ``ParameterError(ValueError)`` with
``parameter`` (wire name, or ``body``), ``constraint`` (the keyword broken, or ``json`` for text that
does not parse), ``value`` (the offending value), ``expected`` (the keyword's value in the spec) and
``pointer`` (where inside a JSON value, ``""`` for the value itself).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from ._keywords import ANNOTATIONS, KEYWORDS, MISSING, SchemaError, Validator, compile_schema
from .types import UNSET, Unset

Schema = dict[str, Any]


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
            except (ValueError, RecursionError):
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
    """Check one (wire) value against a schema; an enum member is checked as its plain value."""
    violation = _validator(schema)(_plain(value))
    if violation is not None:
        found = UNSET if violation.value is MISSING else violation.value
        raise ParameterError(
            parameter, violation.keyword, found, violation.expected, pointer + violation.pointer
        )


def _plain(value: object) -> object:
    """``value`` with every enum member in it replaced by its value, as the JSON it stands for."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


#: Compiled schemas by identity: the rules are module constants, compiled on their first use.
_VALIDATORS: dict[int, tuple[Schema, Validator]] = {}
_MAX_VALIDATORS = 1024


def _validator(schema: Schema) -> Validator:
    entry = _VALIDATORS.get(id(schema))
    if entry is None or entry[0] is not schema:
        try:
            entry = (schema, compile_schema(schema))
        except SchemaError as err:
            raise TypeError(f"{err}; regenerate the client") from err
        if len(_VALIDATORS) >= _MAX_VALIDATORS:  # a caller checking ever new schemas: start again
            _VALIDATORS.clear()
        _VALIDATORS[id(schema)] = entry
    return entry[1]


__all__ = [
    "ANNOTATIONS",
    "KEYWORDS",
    "ParameterError",
    "Rule",
    "check_arguments",
    "check_body",
    "check_value",
]
