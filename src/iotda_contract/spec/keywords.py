"""The JSON-schema keywords of the contract, checked one way: the mock's validators and the client's checks.

This module is the only implementation of the keywords. ``iotda_contract.mock.validation`` imports it;
``scripts/generate.py`` copies its text, unchanged, into the generated client as ``iotda_client/_keywords.py``
(``tests/test_codegen.py`` proves the copy is byte for byte this file), so the client stays installable on
its own. Hence the rule of this file: it imports the standard library only, and nothing of the project.

``compile_schema`` turns a schema into a validator: a function of one value that returns ``None`` when the
value satisfies the schema, else the first ``Violation`` (the keyword broken, its value in the schema, the
offending value and the JSON pointer to it). ``type`` is checked first, then the other keywords in the
schema's order; every keyword but ``type`` and ``enum`` constrains only values of its own kind (``minLength``
strings, ``minimum`` numbers, ``required`` objects, ``items`` arrays), as JSON Schema says.

Enforced: ``type`` (string, integer, number, boolean, object, array), ``enum``, ``format``, ``minimum``,
``maximum``, ``minLength``, ``maxLength``, ``pattern``, ``required``, ``properties``,
``additionalProperties`` (``true`` or ``false``), ``items``, ``minItems``, ``maxItems``.
Annotations, which constrain nothing: ``description``, ``title``, ``example``, ``examples``, ``default``
and ``x-iotda-decision``. Anything else (another keyword, another ``x-`` extension, a value of a keyword
this module does not know) raises ``SchemaError`` when the schema is compiled, so that no constraint is
ever silently dropped: the mock refuses to start and the generator refuses to generate.

- ``format`` is enforced, never an annotation: ``int32`` and ``int64`` hold an integer to the signed range
  of that width (OpenAPI's data types). It is allowed on ``type: integer`` schemas only, and no other format
  is known; either mistake is a ``SchemaError``.
- ``type``: JSON's types. A boolean is neither an integer nor a number, a float is not an integer, an
  object is a dict with string keys, an array is a list.
- ``enum``: membership with JSON's types too, at every depth: ``1`` is not ``true`` and not ``1.0``.
- ``pattern`` is read as ECMA-262 does: searched, not anchored; ``$`` is the end of the text (Python's
  ``$`` also matches before a final newline); ``\\d`` and ``\\w`` are ASCII.
- ``minLength`` and ``maxLength`` count code points.
- ``default`` constrains nothing here; the mock reads it as an omitted parameter's value and the client's
  paginators as the page size the server uses.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

__all__ = [
    "ANNOTATIONS",
    "FORMATS",
    "KEYWORDS",
    "MISSING",
    "TYPES",
    "SchemaError",
    "Validator",
    "Violation",
    "compile_schema",
    "pattern_regex",
]


class SchemaError(ValueError):
    """A schema uses a keyword, or a value of a keyword, that this module does not enforce."""


class _Missing:
    """The value of a required property that is absent."""

    def __repr__(self) -> str:
        return "<missing>"


#: The ``value`` of a ``required`` violation: the property is absent.
MISSING: Final = _Missing()


@dataclass(frozen=True)
class Violation:
    """The first keyword a value breaks.

    ``expected`` is the keyword's value in the schema (``True`` for ``required``: the property must be
    present), ``value`` the offending value (``MISSING`` for an absent required property) and ``pointer``
    the JSON pointer to it inside the value checked (``""`` for that value itself).
    """

    keyword: str
    expected: Any
    value: Any
    pointer: str = ""

    def under(self, step: str | int) -> Violation:
        """This violation seen from the container whose member ``step`` holds the checked value."""
        return Violation(self.keyword, self.expected, self.value, f"/{step}{self.pointer}")


#: A compiled schema: ``None`` when the value satisfies it, else the first violation.
Validator = Callable[[Any], Violation | None]


#: The classes of a JSON number (a bool is an int to Python, never a number to JSON: excluded apart).
_NUMBERS = (int, float)
#: The classes of a JSON object or array, which an enum compares member by member.
_CONTAINERS = (dict, list)


def _is_integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, _NUMBERS) and not isinstance(value, bool)


def _is_object(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(key, str) for key in value)


#: Each ``type`` and the test of a value of that type.
TYPES: Mapping[str, Callable[[Any], bool]] = {
    "string": lambda value: isinstance(value, str),
    "integer": _is_integer,
    "number": _is_number,
    "boolean": lambda value: isinstance(value, bool),
    "object": _is_object,
    "array": lambda value: isinstance(value, list),
}
#: The types whose test is one isinstance (numbers also exclude bool; an object's keys are looked at).
_PLAIN_TYPES: Mapping[str, type] = {"string": str, "boolean": bool, "array": list}
#: Each ``format`` and the (inclusive) range it holds an integer to.
FORMATS: Mapping[str, tuple[int, int]] = {
    "int32": (-(2**31), 2**31 - 1),
    "int64": (-(2**63), 2**63 - 1),
}
#: Keywords that say nothing about validity.
ANNOTATIONS: frozenset[str] = frozenset(
    {"description", "title", "example", "examples", "default", "x-iotda-decision"}
)


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """A schema ``pattern`` compiled with JSON Schema's (ECMA-262) meaning, for ``search``.

    ECMA-262's ``$`` matches only at the end of the text; Python's also matches before a final newline,
    so ``$`` outside a character class becomes ``\\Z``. The pattern is not anchored otherwise.
    """
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


def compile_schema(schema: Mapping[str, Any], where: str = "schema") -> Validator:
    """The validator of ``schema``; ``SchemaError`` (naming ``where``) for what is not enforced here."""
    if not isinstance(schema, Mapping):
        raise SchemaError(f"{where}: a schema must be an object, not {schema!r}")
    for keyword in schema:
        if keyword not in KEYWORDS and keyword not in ANNOTATIONS:
            raise SchemaError(f"{where}: keyword {keyword!r} is not enforced (known: {sorted(KEYWORDS)})")
    checks: list[Validator] = []
    if "type" in schema:
        checks.append(_type(schema["type"], schema, where))
    for keyword, expected in schema.items():
        if keyword != "type" and keyword not in ANNOTATIONS:
            check = _COMPILERS[keyword](expected, schema, where)
            if check is not None:
                checks.append(check)
    return _first(tuple(checks))


def _accept(value: Any) -> Violation | None:
    return None


def _first(checks: tuple[Validator, ...]) -> Validator:
    if not checks:
        return _accept
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:  # unrolled for the usual short schemas: a Violation is true, None is false
        one, two = checks
        return lambda value: one(value) or two(value)
    if len(checks) == 3:
        one, two, three = checks
        return lambda value: one(value) or two(value) or three(value)
    if len(checks) == 4:
        one, two, three, four = checks
        return lambda value: one(value) or two(value) or three(value) or four(value)

    def first(value: Any) -> Violation | None:
        for check in checks:
            found = check(value)
            if found is not None:
                return found
        return None

    return first


def _unsupported(where: str, keyword: str, expected: Any, known: object = None) -> SchemaError:
    hint = "" if known is None else f" (known: {known})"
    return SchemaError(f"{where}: {keyword}={expected!r} is not supported{hint}")


def _count(expected: Any, keyword: str, where: str) -> int:
    if not _is_integer(expected) or expected < 0:
        raise _unsupported(where, keyword, expected, "a non-negative integer")
    return int(expected)


def _bound(expected: Any, keyword: str, where: str) -> int | float:
    if not _is_number(expected):
        raise _unsupported(where, keyword, expected, "a number")
    bound: int | float = expected
    return bound


def _type(expected: Any, schema: Mapping[str, Any], where: str) -> Validator:
    test = TYPES.get(expected) if isinstance(expected, str) else None
    if test is None:
        raise _unsupported(where, "type", expected, sorted(TYPES))
    if expected in _PLAIN_TYPES:  # one isinstance: no call of the test on the hot path
        cls = _PLAIN_TYPES[expected]

        def check_class(value: Any) -> Violation | None:
            return None if isinstance(value, cls) else Violation("type", expected, value)

        return check_class
    if expected in ("integer", "number"):
        classes = int if expected == "integer" else _NUMBERS

        def check_number(value: Any) -> Violation | None:
            if isinstance(value, classes) and not isinstance(value, bool):
                return None
            return Violation("type", expected, value)

        return check_number

    def check(value: Any) -> Violation | None:
        return None if test(value) else Violation("type", expected, value)

    return check


def _json_equal(left: Any, right: Any) -> bool:
    """Equality of JSON values, types included at every depth: ``{"x": 1}`` is not ``{"x": true}``."""
    if type(left) is not type(right):
        return False
    if isinstance(left, dict):
        return left.keys() == right.keys() and all(_json_equal(left[k], right[k]) for k in left)
    if isinstance(left, list):
        return len(left) == len(right) and all(map(_json_equal, left, right))
    return bool(left == right)


def _enum(expected: Any, schema: Mapping[str, Any], where: str) -> Validator:
    if not isinstance(expected, list):
        raise _unsupported(where, "enum", expected, "a list")
    members: set[tuple[type, Any]] = set()
    containers: list[Any] = []  # objects and arrays, which do not hash: compared one by one
    for option in expected:
        if isinstance(option, _CONTAINERS):
            containers.append(option)
        else:
            members.add((type(option), option))

    def check(value: Any) -> Violation | None:
        if isinstance(value, _CONTAINERS):
            if any(_json_equal(option, value) for option in containers):
                return None
        else:
            try:
                if (type(value), value) in members:
                    return None
            except TypeError:  # not a JSON value (a set, say): none of the options
                pass
        return Violation("enum", expected, value)

    return check


def _format(expected: Any, schema: Mapping[str, Any], where: str) -> Validator:
    if not isinstance(expected, str) or expected not in FORMATS:
        raise _unsupported(where, "format", expected, sorted(FORMATS))
    if schema.get("type") != "integer":
        raise SchemaError(f"{where}: format {expected!r} is only supported on integers")
    low, high = FORMATS[expected]

    def check(value: Any) -> Violation | None:
        if isinstance(value, int) and not isinstance(value, bool) and not low <= value <= high:
            return Violation("format", expected, value)
        return None

    return check


def _pattern(expected: Any, schema: Mapping[str, Any], where: str) -> Validator:
    if not isinstance(expected, str):
        raise _unsupported(where, "pattern", expected, "a regular expression")
    try:
        regex = pattern_regex(expected)
    except re.error as err:
        raise SchemaError(f"{where}: pattern {expected!r} does not compile: {err}") from None

    def check(value: Any) -> Violation | None:
        if isinstance(value, str) and regex.search(value) is None:
            return Violation("pattern", expected, value)
        return None

    return check


def _required(expected: Any, schema: Mapping[str, Any], where: str) -> Validator:
    if not isinstance(expected, list) or not all(isinstance(name, str) for name in expected):
        raise _unsupported(where, "required", expected, "a list of property names")
    names = tuple(expected)

    def check(value: Any) -> Violation | None:
        if isinstance(value, dict):
            for name in names:
                if name not in value:
                    return Violation("required", True, MISSING, f"/{name}")
        return None

    return check


def _properties(expected: Any, schema: Mapping[str, Any], where: str) -> Validator:
    if not isinstance(expected, Mapping):
        raise _unsupported(where, "properties", expected, "an object of schemas")
    subs = tuple((name, compile_schema(sub, f"{where}/properties/{name}")) for name, sub in expected.items())

    def check(value: Any) -> Violation | None:
        if isinstance(value, dict):
            for name, sub in subs:
                if name in value:
                    found = sub(value[name])
                    if found is not None:
                        return found.under(name)
        return None

    return check


def _additional_properties(expected: Any, schema: Mapping[str, Any], where: str) -> Validator | None:
    if not isinstance(expected, bool):
        raise _unsupported(where, "additionalProperties", expected, "true or false; not a schema")
    if expected:
        return None
    known = frozenset(schema.get("properties", ()))

    def check(value: Any) -> Violation | None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key not in known:
                    return Violation("additionalProperties", False, item, f"/{key}")
        return None

    return check


def _items(expected: Any, schema: Mapping[str, Any], where: str) -> Validator:
    sub = compile_schema(expected, f"{where}/items")

    def check(value: Any) -> Violation | None:
        if isinstance(value, list):
            for index, item in enumerate(value):
                found = sub(item)
                if found is not None:
                    return found.under(index)
        return None

    return check


Compiler = Callable[[Any, Mapping[str, Any], str], "Validator | None"]


def _bounded(keyword: str, kind: Callable[[Any], bool], measure: Callable[[Any], int | float],
             beyond: Callable[[int | float, int | float], bool], read: Callable[[Any, str, str], int | float],
             ) -> Compiler:  # fmt: skip
    """A bound keyword's compiler: a value of ``kind`` whose ``measure`` is ``beyond`` the bound fails."""

    def compile_bound(expected: Any, schema: Mapping[str, Any], where: str) -> Validator:
        bound = read(expected, keyword, where)

        def check(value: Any) -> Violation | None:
            if kind(value) and beyond(measure(value), bound):
                return Violation(keyword, expected, value)
            return None

        return check

    return compile_bound


def _is_string(value: Any) -> bool:
    return isinstance(value, str)


def _is_list(value: Any) -> bool:
    return isinstance(value, list)


def _itself(value: Any) -> int | float:
    return value  # type: ignore[no-any-return]


_minimum = _bounded("minimum", _is_number, _itself, operator.lt, _bound)
_maximum = _bounded("maximum", _is_number, _itself, operator.gt, _bound)
_min_length = _bounded("minLength", _is_string, len, operator.lt, _count)
_max_length = _bounded("maxLength", _is_string, len, operator.gt, _count)
_min_items = _bounded("minItems", _is_list, len, operator.lt, _count)
_max_items = _bounded("maxItems", _is_list, len, operator.gt, _count)


#: Each enforced keyword but ``type`` and its compiler: (keyword's value, whole schema, where) -> validator,
#: or ``None`` when the value constrains nothing (``additionalProperties: true``).
_COMPILERS: Mapping[str, Compiler] = {
    "enum": _enum,
    "format": _format,
    "minimum": _minimum,
    "maximum": _maximum,
    "minLength": _min_length,
    "maxLength": _max_length,
    "pattern": _pattern,
    "required": _required,
    "properties": _properties,
    "additionalProperties": _additional_properties,
    "items": _items,
    "minItems": _min_items,
    "maxItems": _max_items,
}
#: The keywords this module enforces.
KEYWORDS: frozenset[str] = frozenset({"type", *_COMPILERS})
