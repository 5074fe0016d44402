"""Hypothesis strategies for list parameters, built from the spec's parameter schemas and the data seen."""

from __future__ import annotations

import json
import string
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from hypothesis import strategies as st

from iotda_contract.conformance.contract import Bounds, PagingContract
from iotda_contract.conformance.filters import (
    APP_ID,
    APP_TYPE,
    CONDITION_KEY,
    RESOURCE_CONDITION,
    condition_text,
)
from iotda_contract.spec import Schema

T = TypeVar("T")


def in_bounds(bounds: Bounds, *, at_most: int | None = None) -> st.SearchStrategy[int]:
    """Values of an integer parameter, its bounds and default first; ``at_most`` narrows the random part."""
    top = bounds.maximum if at_most is None else max(bounds.minimum, min(bounds.maximum, at_most))
    return st.one_of(
        st.sampled_from([bounds.minimum, bounds.maximum, bounds.default]),
        st.integers(bounds.minimum, top),
    )


def limits(contract: PagingContract) -> st.SearchStrategy[int]:
    return in_bounds(contract.limit)


def offsets(contract: PagingContract, records: int) -> st.SearchStrategy[int]:
    """Offsets that mostly land inside the data (``records`` of them), and the bounds."""
    if contract.offset is None:
        return st.just(0)
    return in_bounds(contract.offset, at_most=records + 2)


def markers(contract: PagingContract, record_ids: Sequence[str]) -> st.SearchStrategy[str]:
    """Markers on records, just above and below them, beyond every record, random ones; either case."""
    top = contract.marker_top
    ids = [int(r, 16) for r in record_ids if contract.marker_matches(r)]
    near = [v + d for v in ids for d in (-1, 1) if 0 <= v + d <= top]
    candidates = pick([*ids, *near])
    values = st.one_of(
        candidates,
        st.sampled_from([0, top]),
        st.integers(min(ids, default=0), max(ids, default=top)),
        st.integers(0, top),
    )
    width = contract.marker_width
    texts = values.map(lambda v: format(v, "x").rjust(width, "0"))  # a lambda keeps the strategy's repr short
    return st.tuples(texts, st.booleans()).map(lambda pair: pair[0].upper() if pair[1] else pair[0])


def optional_marker(contract: PagingContract, record_ids: Sequence[str]) -> st.SearchStrategy[str | None]:
    return st.one_of(st.none(), markers(contract, record_ids))


def filters(
    contract: PagingContract, items: Sequence[Mapping[str, Any]]
) -> st.SearchStrategy[dict[str, str]]:
    """Filters built from values present in the data, plus absent ones that still satisfy the schemas."""
    names = {p.name for p in contract.query_parameters()}
    app_ids = sorted({str(i[APP_ID]) for i in items if i.get(APP_ID) is not None})
    task_ids = sorted(
        {str(c[CONDITION_KEY]) for i in items if isinstance(c := i.get(RESOURCE_CONDITION), dict)
         and c.get(CONDITION_KEY) is not None}
    )  # fmt: skip
    parts: dict[str, st.SearchStrategy[Any]] = {}
    if APP_ID in names:
        app_schema = contract.parameter(APP_ID).schema
        parts[APP_ID] = st.one_of(pick(app_ids), from_schema(app_schema))
    if APP_TYPE in names:
        parts[APP_TYPE] = st.sampled_from(contract.parameter(APP_TYPE).schema["enum"])
    if RESOURCE_CONDITION in names:
        condition = contract.parameter(RESOURCE_CONDITION).json_schema or {}
        task_schema = condition.get("properties", {}).get(CONDITION_KEY, {"pattern": "^[0-9a-f]{24}$"})
        parts[RESOURCE_CONDITION] = st.one_of(pick(task_ids), from_schema(task_schema)).map(condition_text)
    chosen = st.fixed_dictionaries({}, optional={k: v for k, v in parts.items()})
    return chosen


def pick(values: Sequence[T]) -> st.SearchStrategy[T]:
    """One of ``values`` (like ``sampled_from``, without a repr that grows with the data)."""
    if not values:
        return st.nothing()
    frozen = tuple(values)
    return st.integers(0, len(frozen) - 1).map(lambda index: frozen[index])


def from_schema(schema: Schema) -> st.SearchStrategy[str]:
    """Strings that satisfy a string schema with a pattern and optional length bounds."""
    pattern = schema.get("pattern")
    base: st.SearchStrategy[str] = (
        st.from_regex(str(pattern), fullmatch=True) if pattern else st.text(string.ascii_letters, min_size=1)
    )
    low, high = schema.get("minLength", 0), schema.get("maxLength")
    return base.filter(lambda s: len(s) >= low and (high is None or len(s) <= high))


def json_text(value: Any) -> str:
    return json.dumps(value)
