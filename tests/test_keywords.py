"""The one implementation of the schema keywords: what each one accepts, refuses and refuses to compile."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from iotda_contract import spec as spec_module
from iotda_contract.spec import keywords
from iotda_contract.spec.keywords import MISSING, SchemaError, Violation, compile_schema


def violation(schema: dict[str, Any], value: object) -> Violation | None:
    return compile_schema(schema)(value)


def test_the_module_imports_the_standard_library_only() -> None:
    """It is copied into the generated client, which must not need iotda_contract (or anything else)."""
    tree = ast.parse(Path(keywords.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "a relative import would break in the copy"
            imported.add(str(node.module).split(".")[0])
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}


def test_every_keyword_is_either_enforced_or_an_annotation() -> None:
    assert keywords.KEYWORDS.isdisjoint(keywords.ANNOTATIONS)
    assert "format" in keywords.KEYWORDS
    assert "default" in keywords.ANNOTATIONS


# --- format: enforced, integers only --------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(keywords.FORMATS))
def test_format_holds_an_integer_to_its_width(name: str) -> None:
    low, high = keywords.FORMATS[name]
    schema = {"type": "integer", "format": name}
    assert violation(schema, low) is None
    assert violation(schema, high) is None
    assert violation(schema, high + 1) == Violation("format", name, high + 1)
    assert violation(schema, low - 1) == Violation("format", name, low - 1)


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "string", "format": "int32"},
        {"format": "int32"},
        {"type": "string", "format": "date-time"},
        {"type": "integer", "format": "uint8"},
    ],
)
def test_format_is_refused_where_it_cannot_be_enforced(schema: dict[str, Any]) -> None:
    with pytest.raises(SchemaError, match="format"):
        compile_schema(schema)


# --- the other keywords ---------------------------------------------------------------------------


def test_types_are_json_s() -> None:
    assert violation({"type": "integer"}, True) == Violation("type", "integer", True)
    assert violation({"type": "integer"}, 1.0) is not None
    assert violation({"type": "number"}, False) is not None
    assert violation({"type": "number"}, 1.5) is None
    assert violation({"type": "object"}, {1: "a"}) is not None
    assert violation({"type": "array"}, (1,)) is not None


def test_enum_keeps_json_types() -> None:
    assert violation({"enum": [1, "a"]}, 1) is None
    assert violation({"enum": [1, "a"]}, True) == Violation("enum", [1, "a"], True)
    assert violation({"enum": [1, "a"]}, 1.0) is not None
    assert violation({"enum": [1, "a"]}, {"x": 1}) is not None
    assert violation({"enum": [{"x": 1}, [2]]}, {"x": 1}) is None
    assert violation({"enum": [{"x": 1}, [2]]}, {"x": True}) is not None
    assert violation({"enum": [{"x": 1}, [2]]}, [2.0]) is not None
    assert violation({"enum": [1]}, {1}) is not None  # not JSON, and not a member


def test_pattern_dollar_is_the_end_of_the_text() -> None:
    schema = {"pattern": "^[a-z]+$"}
    assert violation(schema, "abc") is None
    assert violation(schema, "abc\n") == Violation("pattern", "^[a-z]+$", "abc\n")
    assert violation({"pattern": "[$]"}, "$") is None  # inside a class, $ is itself
    assert violation({"pattern": "b"}, "abc") is None  # searched, not anchored
    assert violation({"pattern": r"^\d$"}, "\u0663") is not None  # ASCII digits only


def test_the_spec_module_reads_patterns_with_this_module() -> None:
    """spec.pattern_regex (the conformance contract reads it) is this module's, cached."""
    assert spec_module.pattern_regex.__wrapped__ is keywords.pattern_regex  # type: ignore[attr-defined]
    assert spec_module.pattern_regex("a$") is spec_module.pattern_regex("a$")


def test_keywords_constrain_only_values_of_their_kind() -> None:
    schema = {"minLength": 3, "maximum": 3, "required": ["a"], "maxItems": 0}
    fired = {repr(value): violation(schema, value) for value in (5, "ab", {}, [1], None, True, 1.5)}
    assert {key: found.keyword if found else None for key, found in fired.items()} == {
        "5": "maximum",
        "'ab'": "minLength",
        "{}": "required",
        "[1]": "maxItems",
        "None": None,
        "True": None,
        "1.5": None,
    }


def test_type_comes_first_then_the_schema_s_order() -> None:
    assert violation({"maxLength": 1, "type": "string"}, 5) == Violation("type", "string", 5)
    assert violation({"type": "string", "maxLength": 1, "pattern": "^a"}, "bb").keyword == "maxLength"
    assert violation({"type": "string", "pattern": "^a", "maxLength": 1}, "bb").keyword == "pattern"


def test_violations_point_into_objects_and_arrays() -> None:
    schema = {
        "type": "object",
        "required": ["a"],
        "additionalProperties": False,
        "properties": {
            "a": {"type": "array", "items": {"type": "object", "properties": {"b": {"enum": [1]}}}}
        },
    }
    assert violation(schema, {}) == Violation("required", True, MISSING, "/a")
    assert violation(schema, {"a": [], "z": 7}) == Violation("additionalProperties", False, 7, "/z")
    assert violation(schema, {"a": [{"b": 1}, {"b": 2}]}) == Violation("enum", [1], 2, "/a/1/b")
    assert violation(schema, {"a": [{"b": 1}]}) is None


@pytest.mark.parametrize(
    ("schema", "keyword"),
    [
        ({"oneOf": []}, "oneOf"),
        ({"multipleOf": 2}, "multipleOf"),
        ({"nullable": True}, "nullable"),
        ({"x-other": 1}, "x-other"),
        ({"type": "null"}, "type"),
        ({"minLength": -1}, "minLength"),
        ({"maximum": "9"}, "maximum"),
        ({"pattern": "("}, "pattern"),
        ({"enum": "a"}, "enum"),
        ({"required": "a"}, "required"),
        ({"additionalProperties": {}}, "additionalProperties"),
        ({"properties": {"a": {"items": {"oneOf": []}}}}, "oneOf"),
    ],
)
def test_what_is_not_enforced_does_not_compile(schema: dict[str, Any], keyword: str) -> None:
    with pytest.raises(SchemaError, match=re.escape(keyword)):
        compile_schema(schema, "here")


def test_annotations_constrain_nothing() -> None:
    schema = {"description": "d", "title": "t", "example": 1, "examples": [1], "default": 1}
    assert violation({**schema, "x-iotda-decision": {"id": "x"}}, object()) is None
