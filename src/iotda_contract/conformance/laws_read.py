"""The read-only paging laws: walks, markers, offsets, counts, defaults, filters, order, idempotence."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from typing import Any

import jsonschema_rs
from hypothesis import strategies as st
from hypothesis.strategies import DataObject

from iotda_contract.conformance.context import LawContext, Reference, fail, first_difference
from iotda_contract.conformance.contract import PagingContract
from iotda_contract.conformance.errors import NoRecords, Skip
from iotda_contract.conformance.filters import describe
from iotda_contract.conformance.registry import law
from iotda_contract.conformance.strategies import filters, limits, markers, offsets, optional_marker
from iotda_contract.conformance.target import Page
from iotda_contract.conformance.walks import Walk

#: Why a law that needs records could not run; a run with such a skip exits 2 with this hint.
NO_RECORDS = "this project holds no records; use --allow-writes or seed data"


def _records(ctx: LawContext) -> Reference:
    """The smallest-limit walk over the list's head (each record with its id), which must hold records."""
    ref = ctx.reference()
    if not ref.keys:
        raise NoRecords(NO_RECORDS)
    return ref


def _all(ctx: LawContext) -> Walk:
    """The complete largest-limit walk, which must hold records."""
    full = ctx.full_walk()
    if not full.keys:
        raise NoRecords(NO_RECORDS)
    return full


def _sample(ctx: LawContext) -> tuple[dict[str, Any], ...]:
    """The records of the largest first page: filter values to draw from, without needing a working walk."""
    items = ctx.page({ctx.contract.limit.name: ctx.contract.limit.maximum}).items
    if not items:
        raise NoRecords(NO_RECORDS)
    return items


def _query(
    ctx: LawContext, marker: str | None, offset: int | None, limit: int | None
) -> dict[str, str | int]:
    c = ctx.contract
    query: dict[str, str | int] = {}
    if limit is not None:
        query[c.limit.name] = limit
    if marker is not None:
        query[c.marker.name] = marker
    if offset is not None and c.offset is not None:
        query[c.offset.name] = offset
    return query


def _ended(w: Walk, what: str) -> Walk:
    """``w``, which ended or was cut on purpose (a bounded walk: the list's head)."""
    if not w.ended and not w.cut:
        raise Skip(f"needs a complete {what}, which stopped: {w.stop_reason} (see walk-complete)")
    return w


def _common(a: Walk, b: Walk) -> int:
    """How many first records two walks from one start both cover (all of them when neither was cut)."""
    if not a.cut and not b.cut:
        return max(len(a.keys), len(b.keys))
    if a.cut and b.cut:
        return min(len(a.keys), len(b.keys))
    return len((a if a.cut else b).keys)


def _validate(schema: dict[str, Any], body: Any) -> str | None:
    """The first way ``body`` breaks ``schema``, in words, or None."""
    error = next(iter(jsonschema_rs.Draft7Validator(schema).iter_errors(body)), None)
    if error is None:
        return None
    return f"/{'/'.join(str(p) for p in error.instance_path)}: {error.message}"


@law("walk-complete", "A marker walk from the start visits exactly page.count records, none twice, and ends.")
def walk_complete(ctx: LawContext, data: DataObject) -> None:
    limit = data.draw(limits(ctx.contract), label="limit")
    w = ctx.walk(limit=limit, bounded=True)
    if w.capped:
        raise Skip(f"the walk with limit {limit} was cut: {w.stop_reason}; raise --max-records to check it")
    if not w.ended and not w.cut:
        raise fail(f"the walk with limit {limit} did not end: {w.stop_reason}", *w.pages[-2:])
    where: dict[str, Page] = {}
    for page in w.pages:
        for key in page.keys:
            if key in where:
                raise fail(f"record {key} was visited twice in the walk with limit {limit}", where[key], page)
            where[key] = page
    if w.cut:
        _head_complete(ctx, w, limit)
        return
    count = w.pages[0].count
    if count is not None and len(w.keys) != count:
        raise fail(
            f"the walk with limit {limit} visited {len(w.keys)} records but page.count is {count}",
            w.pages[0],
            w.pages[-1],
        )


def _head_complete(ctx: LawContext, w: Walk, limit: int) -> None:
    """A bounded walk (small limit, long list) visits the list's first records, each once, none skipped: the
    records the largest-limit walk holds at the same positions (in any order: that is walk-limit-independent).
    """
    try:
        full = ctx.full_walk()
    except Skip:
        return  # nothing to hold its head against; the largest-limit walk's own examples report why
    count = w.pages[0].count
    if count is not None and len(w.keys) > count:
        raise fail(f"the walk with limit {limit} visited {len(w.keys)} records in {len(w.pages)} pages but "
                   f"page.count is {count}", w.pages[0], w.pages[-1])  # fmt: skip
    seen, head = set(w.keys), full.keys[: len(w.keys)]
    missing = [key for key in head if key not in seen]
    if missing:
        raise fail(f"the walk with limit {limit} skipped record {missing[0]}: its first {len(w.keys)} "
                   f"records are not the first {len(w.keys)} of the limit-{ctx.contract.limit.maximum} walk",
                   *w.pages[-2:], full.pages[0])  # fmt: skip


@law("walk-limit-independent", "Walks with different limits visit the same records in the same order.")
def walk_limit_independent(ctx: LawContext, data: DataObject) -> None:
    first = data.draw(limits(ctx.contract), label="limit_a")
    second = data.draw(limits(ctx.contract).filter(lambda v: v != first), label="limit_b")
    walked = dict(ctx.fetch_all((first, second), lambda limit: ctx.walk(limit=limit, bounded=True)))
    a = _ended(walked[first], f"walk with limit {first}")
    b = _ended(walked[second], f"walk with limit {second}")
    shared = _common(a, b)
    if a.keys[:shared] != b.keys[:shared]:
        raise fail(
            f"walks with limit {first} and {second} differ "
            f"{first_difference(a.keys[:shared], b.keys[:shared])}",
            *a.pages[:3],
            *b.pages[:3],
        )


@law("marker-below", "A page from marker m holds, in order, the records whose record id is below m.")
def marker_below(ctx: LawContext, data: DataObject) -> None:
    ref = _records(ctx)
    marker = data.draw(markers(ctx.contract, ref.head_ids), label="marker")
    limit = data.draw(limits(ctx.contract), label="limit")
    page = ctx.page(_query(ctx, marker, None, limit))
    below = ref.below(marker.lower())
    expected = below[:limit]
    # past the head of a long list the reference knows the first records below the marker, not the rest
    known = page.keys if ref.exact(marker) or len(below) >= limit else page.keys[: len(below)]
    if known != expected:
        difference = first_difference(expected, page.keys)
        raise fail(f"marker {marker}: the page differs from the records below it {difference}",
                   page, ref.walk.pages[0])  # fmt: skip


@law("offset-skips", "The page at (marker m, offset k, limit L) is records k..k+L-1 of the walk from m.")
def offset_skips(ctx: LawContext, data: DataObject) -> None:
    full = _all(ctx)
    if ctx.contract.offset is None:
        raise Skip("the spec declares no offset parameter")
    marker = data.draw(markers(ctx.contract, ctx.known_ids()), label="marker")
    offset = data.draw(offsets(ctx.contract, len(full.keys)), label="offset")
    limit = data.draw(limits(ctx.contract), label="limit")
    page = ctx.page(_query(ctx, marker, offset, limit))
    from_m = ctx.below(marker, need=offset + limit)
    expected = from_m.keys[offset : offset + limit]
    if page.keys != expected:
        raise fail(
            f"offset {offset} from marker {marker} with limit {limit}: "
            f"{first_difference(expected, page.keys)} (walk from that marker)",
            page,
            *from_m.pages[:2],
        )


@law("page-size", "A page holds min(limit, records left after marker and offset) records.")
def page_size(ctx: LawContext, data: DataObject) -> None:
    full = _all(ctx)
    marker = data.draw(optional_marker(ctx.contract, ctx.known_ids()), label="marker")
    offset = data.draw(offsets(ctx.contract, len(full.keys)), label="offset")
    limit = data.draw(limits(ctx.contract), label="limit")
    page = ctx.page(_query(ctx, marker, offset, limit))
    left = max(0, len(ctx.below(marker, need=offset + limit).keys) - offset)
    if len(page) != min(limit, left):
        raise fail(f"limit {limit} with {left} records left: a page of {len(page)}, not {min(limit, left)}",
                   page)  # fmt: skip


@law("marker-continues", "page.marker is present exactly when the page is not empty; fed back it continues "
     "right after the page's last record.")  # fmt: skip
def marker_continues(ctx: LawContext, data: DataObject) -> None:
    ref = _records(ctx)
    marker = data.draw(optional_marker(ctx.contract, ref.head_ids), label="marker")
    limit = data.draw(limits(ctx.contract), label="limit")
    page = ctx.page(_query(ctx, marker, None, limit))
    if not page.items:
        if page.marker is not None:
            ctx.deviate("empty-page-no-marker", f"an empty page carries page.marker {page.marker}", page)
        return
    if page.marker is None:
        raise fail("a page with records carries no page.marker", page)
    last = ctx.contract.key_of(page.items[-1])
    if last not in ref.keys:
        if not ref.complete:
            return  # a page past the head of a long list: no record id to hold its marker to
        raise fail(f"the page's last record {last} is not in the complete walk", page)
    index = ref.keys.index(last)
    if page.marker.lower() != ref.record_ids[index].lower():
        raise fail(f"page.marker {page.marker} is not the record id of the page's last record {last} "
                   f"({ref.record_ids[index]})", page, ref.walk.pages[index])  # fmt: skip
    next_limit = data.draw(limits(ctx.contract), label="next_limit")
    following = ctx.page(_query(ctx, page.marker, None, next_limit))
    expected = ref.keys[index + 1 : index + 1 + next_limit]
    short = not ref.complete and len(expected) < next_limit  # the reference's head ends within that page
    if (following.keys[: len(expected)] if short else following.keys) != expected:
        raise fail(f"the page after page.marker {page.marker} does not continue after {last}: "
                   f"{first_difference(expected, following.keys)}", page, following)  # fmt: skip


@law("marker-case-insensitive", "An upper-case marker gives the same page as its lower-case form.")
def marker_case_insensitive(ctx: LawContext, data: DataObject) -> None:
    _all(ctx)
    marker = data.draw(markers(ctx.contract, ctx.known_ids()), label="marker")
    limit = data.draw(limits(ctx.contract), label="limit")
    lower = ctx.page(_query(ctx, marker.lower(), None, limit))
    query = {k: str(v) for k, v in _query(ctx, marker.upper(), None, limit).items()}
    refused = ctx.target.list_raw([*ctx.contract.required_query, *query.items()])
    if refused.status == 400:
        ctx.deviate("marker-case-insensitive", f"the upper-case marker {marker.upper()} was refused with 400",
                    refused)  # fmt: skip
        return
    upper = ctx.target.parse_page(refused)
    same_marker = (upper.marker or "").lower() == (lower.marker or "").lower()
    if upper.keys != lower.keys or upper.count != lower.count or not same_marker:
        raise fail(f"marker {marker.upper()} and {marker.lower()} give different pages "
                   f"{first_difference(lower.keys, upper.keys)}", upper, lower)  # fmt: skip


@law("count-stable", "page.count is the same on every page of a walk and ignores marker, offset and limit.")
def count_stable(ctx: LawContext, data: DataObject) -> None:
    full = _all(ctx)
    top = full.pages[0]
    for page in full.pages:
        if page.count != top.count:
            raise fail(f"page.count changes along a walk: {top.count} then {page.count}", top, page)
    marker = data.draw(optional_marker(ctx.contract, ctx.known_ids()), label="marker")
    offset = data.draw(offsets(ctx.contract, len(full.keys)), label="offset")
    limit = data.draw(limits(ctx.contract), label="limit")
    page = ctx.page(_query(ctx, marker, offset, limit))
    if page.count != top.count:
        raise fail(f"page.count is {page.count} with marker {marker}, offset {offset}, limit {limit}, "
                   f"but {top.count} without them", page, top)  # fmt: skip


@law("defaults", "Omitting limit, marker or offset equals sending the spec's default.")
def defaults(ctx: LawContext, data: DataObject) -> None:
    c = ctx.contract
    full = ctx.full_walk()
    candidates = [c.limit.name, c.marker.name] + ([c.offset.name] if c.offset else [])
    omitted = data.draw(st.sampled_from(candidates), label="omitted")
    values: dict[str, Any] = {
        c.limit.name: data.draw(limits(c), label="limit"),
        c.marker.name: data.draw(optional_marker(c, ctx.known_ids()), label="marker"),
    }
    if c.offset is not None:
        values[c.offset.name] = data.draw(offsets(c, len(full.keys)), label="offset")
    query = {k: v for k, v in values.items() if v is not None and k != omitted}
    default = c.parameter(omitted).default
    without = ctx.page(query)
    with_default = ctx.page({**query, omitted: default})
    if (without.keys, without.count, without.marker) != (
        with_default.keys,
        with_default.count,
        with_default.marker,
    ):
        raise fail(f"omitting {omitted} differs from sending its default {default}: "
                   f"{first_difference(with_default.keys, without.keys)}", without, with_default)  # fmt: skip
    if omitted == c.limit.name:
        skipped = int(query.get(c.offset.name, 0) if c.offset else 0)
        start = str(query[c.marker.name]) if c.marker.name in query else None
        left = max(0, len(ctx.below(start, need=skipped + c.limit.default).keys) - skipped)
        if len(without) != min(c.limit.default, left):
            raise fail(f"without limit the page holds {len(without)} records, not the default "
                       f"{c.limit.default} (or the {left} left)", without)  # fmt: skip


@law("filter-sound", "Every record a filtered walk returns matches the filter.")
def filter_sound(ctx: LawContext, data: DataObject) -> None:
    chosen = data.draw(filters(ctx.contract, _sample(ctx)), label="filters")
    limit = data.draw(limits(ctx.contract), label="limit")
    w = ctx.walk(limit=limit, filters=chosen, bounded=True)
    match = ctx.matcher(chosen)
    for page in w.pages:
        for item in page.items:
            if not match(item):
                key = ctx.contract.key_of(item)
                raise fail(f"record {key} does not match {describe(chosen)} (walk, limit {limit})",
                           w.pages[0], page)  # fmt: skip


@law("filter-complete", "The filtered walk equals the unfiltered walk restricted to the records that match.")
def filter_complete(ctx: LawContext, data: DataObject) -> None:
    full = _all(ctx)
    ctx.app_scope()  # how this backend reads the default app, learnt (and judged) on every run
    chosen = data.draw(filters(ctx.contract, full.items), label="filters")
    limit = data.draw(limits(ctx.contract), label="limit")
    w = _ended(ctx.walk(limit=limit, filters=chosen, bounded=True), f"walk with {describe(chosen)}")
    match = ctx.matcher(chosen)
    matching = tuple(ctx.contract.key_of(item) for item in full.items if match(item))
    expected = matching[: len(w.keys)] if w.cut else matching  # a bounded walk of a long list: its head
    if w.keys != expected:
        raise fail(f"{describe(chosen)}, limit {limit}: {first_difference(expected, w.keys)}", *w.pages[:3])
    if w.pages[0].count is not None and w.pages[0].count != len(matching):
        raise fail(f"{describe(chosen)}: page.count is {w.pages[0].count}, {len(matching)} records match",
                   w.pages[0])  # fmt: skip


@law("newest-first", "create_time never increases along a walk, and page markers decrease.")
def newest_first(ctx: LawContext, data: DataObject) -> None:
    chosen = data.draw(st.one_of(st.just({}), filters(ctx.contract, _sample(ctx))), label="filters")
    limit = data.draw(limits(ctx.contract), label="limit")
    w = ctx.walk(limit=limit, filters=chosen, bounded=True)
    previous: tuple[str, Page] | None = None
    for page in w.pages:
        for item in page.items:
            stamp = str(item.get("create_time"))
            if previous is not None and stamp > previous[0]:
                key = ctx.contract.key_of(item)
                raise fail(f"create_time rises from {previous[0]} to {stamp} (record {key})",
                           previous[1], page)  # fmt: skip
            previous = (stamp, page)
    markers_seen = [
        (int(p.marker, 16), p) for p in w.pages if p.marker and ctx.contract.marker_matches(p.marker)
    ]
    for (a, page_a), (b, page_b) in pairwise(markers_seen):
        if b >= a:
            raise fail(f"page.marker does not decrease along the walk: {page_a.marker} then {page_b.marker}",
                       page_a, page_b)  # fmt: skip


@law("idempotent", "The same request twice, with no write between, returns the same page.")
def idempotent(ctx: LawContext, data: DataObject) -> None:
    full = ctx.full_walk()
    query = _query(
        ctx,
        data.draw(optional_marker(ctx.contract, ctx.known_ids()), label="marker"),
        data.draw(offsets(ctx.contract, len(full.keys)), label="offset"),
        data.draw(limits(ctx.contract), label="limit"),
    )
    query.update(data.draw(st.one_of(st.just({}), filters(ctx.contract, full.items)), label="filters"))
    first = ctx.page(query, fresh=True)
    second = ctx.page(query, fresh=True)
    if (first.keys, first.count, first.marker) != (second.keys, second.count, second.marker):
        raise fail(
            f"the same request gave two pages {first_difference(first.keys, second.keys)}", first, second
        )
    for a, b in zip(first.items, second.items, strict=True):
        changed = [f for f in ctx.contract.stable_fields if a.get(f) != b.get(f)]
        if changed:
            raise fail(
                f"record {ctx.contract.key_of(a)} changed {', '.join(changed)} between two reads",
                first,
                second,
            )


@law("accept-valid", "Every value inside the spec's constraints, bounds included, is answered 200 with a "
     "body that satisfies the response schema.")  # fmt: skip
def accept_valid(ctx: LawContext, data: DataObject) -> None:
    c = ctx.contract
    full = ctx.full_walk()
    bounds = [b for b in (c.limit, c.offset) if b is not None]
    queries: list[dict[str, str | int]] = [{b.name: v} for b in bounds for v in (b.minimum, b.maximum)]
    drawn = _query(
        ctx,
        data.draw(optional_marker(c, ctx.known_ids()), label="marker"),
        data.draw(st.one_of(st.none(), offsets(c, len(full.keys))), label="offset"),
        data.draw(st.one_of(st.none(), limits(c)), label="limit"),
    )
    drawn.update(data.draw(filters(c, full.items), label="filters"))
    queries.append(drawn)
    for _, page in ctx.fetch_all(queries, ctx.page):
        body = page.exchange.json()
        broken = _validate(ctx.platform.page_schema, body)
        if broken is not None:
            raise fail(f"the answer breaks the response schema at {broken}", page)
        broken = _validate(c.page_schema, body)
        if broken is not None:
            ids = ctx.responsible(_schema_holds(body), "response")
            ctx.deviate(ids, f"the answer breaks the contract's response schema at {broken}", page)
        _check_end_time(ctx, page)
        if page.marker is not None and page.marker != page.marker.lower():
            ctx.deviate("record-id-lowercase", f"page.marker {page.marker} is not in lower case", page)


def _schema_holds(body: Any) -> Callable[[PagingContract], bool]:
    return lambda view: _validate(view.page_schema, body) is None


def _check_end_time(ctx: LawContext, page: Page) -> None:
    """Decision end-time-when-ended: end_time is absent while Processing and present once ended."""
    for item in page.items:
        processing = item.get("status") == "Processing"
        if processing == ("end_time" in item):
            state = "a Processing task carries" if processing else f"a {item.get('status')} task has no"
            ctx.deviate("end-time-when-ended", f"{state} end_time (task {ctx.contract.key_of(item)})", page)
