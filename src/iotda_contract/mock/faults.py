"""The named paging bugs that ``--fault`` injects, each with a one-line description."""

from __future__ import annotations

#: Every fault the mock can inject, name -> what the misbehaving backend does.
FAULTS: dict[str, str] = {
    "marker-inclusive": "the list keeps records whose record id equals the marker (id <= marker), "
    "so the last record of a page opens the next one",
    "offset-ignored": "offset is accepted but never applied",
    "offset-before-marker": "offset is counted from the newest record, before the marker filter",
    "limit-off-by-one": "a page holds limit + 1 records when that many are left",
    "ascending-order": "a page lists its records oldest first; page.marker still names the last one returned",
    "count-per-page": "page.count is the number of records on the page, not the number matching",
    "count-after-marker": "page.count counts only the matching records below the marker",
    "marker-first-record": "page.marker names the first record of the page instead of the last",
    "skip-at-boundary": "a request with a marker skips the first record below it",
    "filter-leak": "app_id and app_type are dropped on requests that carry a marker (after the first page)",
    "default-limit-changed": "an omitted limit means twice the spec's default",
    "accepts-invalid-limit": "a limit outside the spec's range is used as given instead of refused",
    "error-body-nonstandard": "error bodies use {code, message} instead of {error_code, error_msg}",
    "server-error-at-max-offset": "offset equal to the spec's maximum answers 500",
    "unstable-under-insert": "a marker resumes at the position it was issued at (a positional cursor), "
    "so records created between pages shift the next page",
    # The faults below each come from a public issue thread (docs/mock.md lists more than one per fault).
    "marker-by-create-time": "a marker is resolved to its create_time (to the second) and the next page "
    "takes the records created strictly before it, so records sharing that second are skipped "
    "(ogx-ai/ogx#6199)",
    "marker-by-create-time-inclusive": "a marker is resolved to its create_time (to the second) and the next "
    "page takes the records created in or before it, so the marker's record and its ties come back "
    "(nensii21/devlink#1103)",
    "marker-on-empty-page": "an empty page still carries page.marker: the marker it was asked with "
    "(Glitchedpixel-io/media-api#66)",
    "no-marker-on-last-page": "the page that reaches the end of the list carries no page.marker, though it "
    "holds records (Azure/data-api-builder#2121)",
    "limit-before-offset": "limit is applied before offset: a page is the limit records below the marker "
    "with the first offset of them dropped (levelgraph/levelgraph#79)",
    "count-after-offset": "page.count is counted with the offset applied: the matching records minus offset "
    "(go-mgo/mgo#421)",
}


class UnknownFault(ValueError):
    """A ``--fault`` name that is not in :data:`FAULTS`."""


def parse(names: list[str] | tuple[str, ...]) -> frozenset[str]:
    """The set of faults named, refusing unknown names."""
    unknown = sorted(set(names) - FAULTS.keys())
    if unknown:
        raise UnknownFault(f"unknown fault(s): {', '.join(unknown)}; known: {', '.join(FAULTS)}")
    return frozenset(names)
