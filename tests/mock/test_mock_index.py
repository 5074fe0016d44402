"""The compact id index against a sorted list of hex strings, and its bodies kept aligned with its ids."""

from __future__ import annotations

from bisect import bisect_left, bisect_right

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from iotda_contract.mock.index import IdIndex, InvalidIds, split
from iotda_contract.mock.paging import PageQuery, page, span

# ids that share their high 64 bits (same second and counter prefix) exercise the low-bits bisect
_HIGHS = st.sampled_from([0, 1, 0x6723A50A00000000, 2**64 - 1])
_numbers = st.one_of(
    st.integers(min_value=0, max_value=2**96 - 1),
    st.builds(lambda high, low: (high << 32) | low, _HIGHS, st.integers(0, 2**32 - 1)),
)
record_sets = st.sets(_numbers, max_size=60)
markers = _numbers.map(lambda n: f"{n:024x}")


def _ids(numbers: set[int]) -> list[str]:
    return [f"{n:024x}" for n in sorted(numbers)]


@given(record_sets, markers)
def test_index_reads_like_the_sorted_list(numbers: set[int], marker: str) -> None:
    ids = _ids(numbers)
    for index in (IdIndex(ids), IdIndex.from_sorted(ids)):
        assert len(index) == len(ids)
        assert list(index) == ids
        assert [index[i] for i in range(len(ids))] == ids
        assert index[1:-1] == ids[1:-1]
        assert index.bisect_left(marker) == bisect_left(ids, marker)
        assert index.bisect_right(marker) == bisect_right(ids, marker)
        assert index.bisect_left(marker.upper()) == bisect_left(ids, marker)
        assert index.bodies == [None] * len(ids)
        for position, record_id in enumerate(ids):
            assert index.find(record_id) == position
        assert (index.find(marker) is None) == (marker not in ids)


@given(record_sets, markers, st.integers(0, 100), st.integers(0, 60))
def test_span_is_the_page_on_a_list_and_on_an_index(
    numbers: set[int], marker: str, offset: int, limit: int
) -> None:
    ids = _ids(numbers)
    query = PageQuery(marker=marker, offset=offset, limit=limit)
    expected = page(ids, query)
    for source in (ids, IdIndex(ids)):
        found = span(source, query)
        assert (found.total, found.marker) == (expected.count, expected.marker)
        assert ids[found.start : found.stop][::-1] == expected.ids
        assert page(source, query) == expected
        assert (expected.start, expected.stop) == (found.start, found.stop)


def test_a_marker_that_is_not_24_hex_digits_compares_as_text() -> None:
    ids = _ids({1, 2**40, 2**90})
    index = IdIndex(ids)
    for marker in ("", "0", "f" * 25, "zz", "0x" + "0" * 22, "_" * 24, " " + "0" * 23):
        assert index.bisect_left(marker) == bisect_left(ids, marker), marker
        assert index.bisect_right(marker) == bisect_right(ids, marker), marker


def test_only_24_hex_digit_ids_in_strict_order_are_accepted() -> None:
    for bad in ("0" * 23, "0" * 25, "g" * 24, "+" + "0" * 23, "0_" * 12, " " + "1" * 23):
        with pytest.raises(InvalidIds):
            split(bad)
        with pytest.raises(InvalidIds):
            IdIndex().append(bad)
        with pytest.raises(InvalidIds):
            IdIndex.from_sorted([bad])
    with pytest.raises(InvalidIds):
        IdIndex.from_sorted(["A" * 24])  # loading wants the canonical lower-case form
    with pytest.raises(InvalidIds):
        IdIndex.from_sorted(_ids({1, 2})[::-1])
    with pytest.raises(InvalidIds):
        IdIndex.from_sorted(_ids({1}) * 2)
    with pytest.raises(InvalidIds):
        IdIndex(_ids({1, 2})[::-1])
    assert list(IdIndex.from_sorted(["0" * 24, "9" * 24])) == ["0" * 24, "9" * 24]


class IndexMachine(RuleBasedStateMachine):
    """Inserts, removals and cached bodies against a dict of id -> body: ids and bodies stay aligned."""

    @initialize()
    def start(self) -> None:
        self.index = IdIndex()
        self.model: dict[str, bytes | None] = {}

    @rule(number=_numbers)
    def insert(self, number: int) -> None:
        record_id = f"{number:024x}"
        position = self.index.insert(record_id)
        assert self.index[position] == record_id
        self.model.setdefault(record_id, None)

    @precondition(lambda self: bool(self.model))
    @rule(data=st.data())
    def cache_a_body(self, data: st.DataObject) -> None:
        record_id = data.draw(st.sampled_from(sorted(self.model)))
        position = self.index.find(record_id)
        assert position is not None
        body = f'{{"id":"{record_id}"}}'.encode()
        self.index.bodies[position] = body
        self.model[record_id] = body

    @precondition(lambda self: bool(self.model))
    @rule(data=st.data())
    def remove(self, data: st.DataObject) -> None:
        record_id = data.draw(st.sampled_from(sorted(self.model)))
        assert self.index.remove(record_id)
        assert not self.index.remove(record_id)
        del self.model[record_id]

    @invariant()
    def ids_and_bodies_agree(self) -> None:
        if hasattr(self, "index"):
            assert list(self.index) == sorted(self.model)
            assert self.index.bodies == [self.model[r] for r in sorted(self.model)]


IndexMachine.TestCase.settings = settings(max_examples=40, stateful_step_count=30, deadline=None)
TestIndexMachine = IndexMachine.TestCase
