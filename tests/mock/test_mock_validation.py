"""Validators compiled from the spec: what they accept and refuse, and what they refuse to compile."""

from __future__ import annotations

import pytest

from iotda_contract.mock.errors import InvalidData, MalformedRequest, OutOfRange
from iotda_contract.mock.validation import compile_operation, compile_schema, parse_json_body
from iotda_contract.mock.wire import parse_query
from iotda_contract.spec import Spec, SpecError


def test_list_parameters_follow_the_spec(spec: Spec) -> None:
    op = compile_operation(spec.operation("ListExportTasks"))
    limit = spec.operation("ListExportTasks").parameter("limit").schema
    values = op.query_values({"resource_type": "BatchTask"})
    assert values["limit"] == limit["default"]
    assert values["offset"] == 0
    assert values["marker"] == "ffffffffffffffffffffffff"
    assert (
        op.query_values({"resource_type": "BatchTask", "limit": str(limit["maximum"])})["limit"]
        == limit["maximum"]
    )
    with pytest.raises(OutOfRange, match="'limit'"):
        op.query_values({"resource_type": "BatchTask", "limit": str(limit["maximum"] + 1)})
    with pytest.raises(OutOfRange, match="'offset'"):
        op.query_values({"resource_type": "BatchTask", "offset": "-1"})
    with pytest.raises(InvalidData):
        op.query_values({"resource_type": "BatchTask", "limit": "true"})
    with pytest.raises(InvalidData):
        op.query_values({})
    condition = op.query_values(
        {"resource_type": "BatchTask", "resource_condition": '{"task_id": "61b7ed6a66a1a5f5d5e26c8f"}'}
    )
    assert condition["resource_condition"] == {"task_id": "61b7ed6a66a1a5f5d5e26c8f"}
    for bad in (
        '{"task_id": 5}',
        '"text"',
        "[]",
        '{"task_id": "61b7ed6a66a1a5f5d5e26c8f", "x": 1}',
        "{" * 200,
    ):
        with pytest.raises(InvalidData):
            op.query_values({"resource_type": "BatchTask", "resource_condition": bad})


def test_unbounded_and_default_overrides_exist_only_for_faults(spec: Spec) -> None:
    op = compile_operation(
        spec.operation("ListExportTasks"), unbounded=frozenset({"limit"}), defaults={"limit": 20}
    )
    assert op.query_values({"resource_type": "BatchTask", "limit": "0"})["limit"] == 0
    assert op.query_values({"resource_type": "BatchTask"})["limit"] == 20
    with pytest.raises(OutOfRange):
        op.query_values({"resource_type": "BatchTask", "offset": "501"})


def test_body_schema(spec: Spec) -> None:
    op = compile_operation(spec.operation("CreateExportTask"))
    op.check_body({"resource_type": "BatchTask", "app_type": "APP", "app_id": "a-1", "export_format": "xls"})
    for bad in (
        {},
        [],
        {"resource_type": True},
        {"resource_type": "BatchTask", "resource_condition": {"task_id": 1}},
    ):
        with pytest.raises(InvalidData):
            op.check_body(bad)


def test_enum_keeps_json_types() -> None:
    check = compile_schema({"enum": [1, "a"]})
    assert check(1)
    assert check("a")
    assert not check(True)
    assert not check(1.0)
    assert not check({"x": 1})


def test_an_unknown_keyword_stops_the_start_up() -> None:
    with pytest.raises(SpecError, match="oneOf"):
        compile_schema({"type": "string", "oneOf": []})


def test_strict_json_bodies() -> None:
    assert parse_json_body(b'{"a": [1, 2]}') == {"a": [1, 2]}
    for bad in (b"", b"{", b'{"a": 1, "a": 2}', b"NaN", b"[Infinity]", b"\xff", b"[" * 50_000):
        with pytest.raises(MalformedRequest):
            parse_json_body(bad)


def test_query_parsing() -> None:
    assert parse_query(b"a=1&b=x+y&c=%7B%7D&d") == {"a": "1", "b": "x y", "c": "{}", "d": ""}
    assert parse_query(b"a=%C3%A9&&b=") == {"a": "\u00e9", "b": ""}
    for bad in (b"a=1&a=2", b"a=%zz", b"a=%ff", b"a=\xff", b"a=%", b"a=1&a"):
        with pytest.raises(MalformedRequest):
            parse_query(bad)
