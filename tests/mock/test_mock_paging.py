"""The paging contract's pure functions against a plain-Python model, and each fault's deviation."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from iotda_contract.mock.faults import FAULTS
from iotda_contract.mock.paging import Page, PageQuery, PositionalCursors, faulty_page, page, select

TOP = "f" * 24


def _ids(numbers: set[int]) -> list[str]:
    return [f"{n:024x}" for n in sorted(numbers)]


def _model(ids: list[str], marker: str, offset: int, limit: int) -> list[str]:
    below = sorted((i for i in ids if int(i, 16) < int(marker, 16)), reverse=True)
    return below[offset : offset + limit]


record_sets = st.sets(st.integers(min_value=0, max_value=2**96 - 2), max_size=80)
markers = st.integers(min_value=0, max_value=2**96 - 1).map(lambda n: f"{n:024x}")


@given(record_sets, markers, st.integers(0, 100), st.integers(1, 60))
def test_select_matches_the_model(numbers: set[int], marker: str, offset: int, limit: int) -> None:
    ids = _ids(numbers)
    assert select(ids, marker, offset, limit) == _model(ids, marker, offset, limit)


@given(record_sets, st.integers(1, 15))
def test_marker_walk_visits_every_record_once(numbers: set[int], limit: int) -> None:
    ids = _ids(numbers)
    seen: list[str] = []
    marker = TOP
    while True:
        result = page(ids, PageQuery(marker=marker, offset=0, limit=limit))
        seen.extend(result.ids)
        if result.marker is None:
            break
        marker = result.marker
    assert seen == sorted(ids, reverse=True)


@given(record_sets, markers, st.integers(0, 100), st.integers(1, 60))
def test_count_ignores_marker_and_offset(numbers: set[int], marker: str, offset: int, limit: int) -> None:
    ids = _ids(numbers)
    result = page(ids, PageQuery(marker=marker, offset=offset, limit=limit))
    assert result.count == len(ids)
    assert result.marker == (result.ids[-1] if result.ids else None)


@given(record_sets, markers, st.integers(0, 30), st.integers(1, 20))
def test_offset_equals_skipping_within_marker_walk(
    numbers: set[int], marker: str, offset: int, limit: int
) -> None:
    ids = _ids(numbers)
    skipped = select(ids, marker, offset, limit)
    whole = select(ids, marker, 0, offset + limit)
    assert skipped == whole[offset:]


@given(record_sets, markers, st.integers(0, 100), st.integers(1, 60), st.booleans())
def test_faulty_page_without_faults_is_the_contract(
    numbers: set[int], marker: str, offset: int, limit: int, given_marker: bool
) -> None:
    ids = _ids(numbers)
    query = PageQuery(marker=marker, offset=offset, limit=limit, marker_given=given_marker)
    assert faulty_page(ids, query, frozenset()) == page(ids, query)


IDS = _ids(set(range(1, 31)))
MID = IDS[20]  # 10 records above it, 20 below


def _q(marker: str = MID, offset: int = 2, limit: int = 5, given_marker: bool = True) -> PageQuery:
    return PageQuery(marker=marker, offset=offset, limit=limit, marker_given=given_marker)


def test_each_page_level_fault_deviates_from_the_contract() -> None:
    page_level = {f.name for f in FAULTS.values() if f.hook == "page"} - {"unstable-under-insert"}
    # a page within the list, the last page (IDS[2..0]) and an empty page (nothing below IDS[0])
    queries = (_q(), _q(marker=IDS[3], offset=0), _q(marker=IDS[0]))
    for fault in sorted(page_level):
        assert any(faulty_page(IDS, q, frozenset({fault})) != page(IDS, q) for q in queries), fault


def test_marker_inclusive_repeats_the_marker_record() -> None:
    result = faulty_page(IDS, _q(offset=0), frozenset({"marker-inclusive"}))
    assert result.ids[0] == MID


def test_offset_before_marker_counts_from_the_top() -> None:
    result = faulty_page(IDS, _q(marker=IDS[5], offset=20), frozenset({"offset-before-marker"}))
    assert result.ids == IDS[0:5][::-1]  # the 20 skipped are all above the marker
    assert page(IDS, _q(marker=IDS[5], offset=20)).ids == []


def test_count_faults() -> None:
    assert faulty_page(IDS, _q(), frozenset({"count-per-page"})).count == 5
    assert faulty_page(IDS, _q(), frozenset({"count-after-marker"})).count == 20
    assert faulty_page(IDS, _q(), frozenset({"count-after-offset"})).count == 28
    assert page(IDS, _q()).count == 30


#: Three seconds of three records each: record ids are 4 bytes of seconds, then a counter.
TIED = [f"{second:08x}{counter:016x}" for second in (7, 8, 9) for counter in range(3)]


def test_marker_by_create_time_skips_and_repeats_ties() -> None:
    marker = TIED[7]  # the second record of second 9, counting from the newest
    assert page(TIED, _q(marker=marker, offset=0)).ids == TIED[2:7][::-1]
    strict = faulty_page(TIED, _q(marker=marker, offset=0), frozenset({"marker-by-create-time"}))
    assert strict.ids == TIED[1:6][::-1]  # TIED[6], created in the marker's second, is skipped
    inclusive = faulty_page(TIED, _q(marker=marker, offset=0), frozenset({"marker-by-create-time-inclusive"}))
    assert inclusive.ids == TIED[4:9][::-1]  # the marker's record and the one above it come back
    top = faulty_page(TIED, _q(marker=TOP, offset=0), frozenset({"marker-by-create-time-inclusive"}))
    assert top == page(TIED, _q(marker=TOP, offset=0))


def test_marker_faults_at_the_end_of_the_list() -> None:
    last = faulty_page(IDS, _q(marker=IDS[3], offset=0), frozenset({"no-marker-on-last-page"}))
    assert last.ids == IDS[:3][::-1]
    assert last.marker is None
    inner = faulty_page(IDS, _q(marker=IDS[4], offset=0, limit=3), frozenset({"no-marker-on-last-page"}))
    assert inner.marker == IDS[1]
    empty = faulty_page(IDS, _q(marker=IDS[0]), frozenset({"marker-on-empty-page"}))
    assert (empty.ids, empty.marker) == ([], IDS[0])


def test_limit_before_offset_skips_into_the_page() -> None:
    result = faulty_page(IDS, _q(offset=2, limit=5), frozenset({"limit-before-offset"}))
    assert result.ids == page(IDS, _q(offset=0, limit=5)).ids[2:]
    assert faulty_page(IDS, _q(offset=5, limit=5), frozenset({"limit-before-offset"})).ids == []


def test_unstable_under_insert_shifts_after_an_insert() -> None:
    cursors = PositionalCursors()
    ids = list(IDS)
    first = faulty_page(
        ids, _q(marker=TOP, offset=0, given_marker=False), frozenset({"unstable-under-insert"}), "k", cursors
    )
    assert first == page(ids, _q(marker=TOP, offset=0, given_marker=False))
    unchanged = faulty_page(
        ids, _q(marker=first.marker or "", offset=0), frozenset({"unstable-under-insert"}), "k", cursors
    )
    assert unchanged == page(ids, _q(marker=first.marker or "", offset=0))
    ids.append(f"{100:024x}")  # a newer record arrives between pages
    shifted = faulty_page(
        ids, _q(marker=first.marker or "", offset=0), frozenset({"unstable-under-insert"}), "k", cursors
    )
    assert shifted != page(ids, _q(marker=first.marker or "", offset=0))
    assert shifted.ids[0] == first.ids[-1]


def test_empty_page_carries_no_marker() -> None:
    assert page([], _q()) == Page(ids=[], count=0, marker=None)
