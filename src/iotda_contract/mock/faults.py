"""The fault registry: each named bug that ``--fault`` injects, what it does, the law that must catch it.

One entry per fault, read by the mock (which applies it at its ``hook``), by ``iotda-contract faults``, by the
kill table (which expects ``caught_by`` among the laws a check of the faulty mock violates) and by the tests.
Hooks: ``page`` (the paging functions, ``mock/paging.py``), ``app`` (request handling, ``mock/app.py``),
``errors`` (the error bodies), ``file`` (the export-file download, ``mock/app.py`` and ``mock/workbook.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

HOOKS = ("page", "app", "errors", "file")


@dataclass(frozen=True)
class Fault:
    """One injectable bug."""

    name: str
    statement: str
    #: The law whose violation a check of the mock with this fault must report (others may too).
    caught_by: str
    #: Where the mock applies it.
    hook: str


_ALL = (
    Fault(
        "marker-inclusive",
        (
            "the list keeps records whose record id equals the marker (id <= marker), so the last "
            "record of a page opens the next one"
        ),
        caught_by="walk-complete",
        hook="page",
    ),
    Fault(
        "offset-ignored",
        ("offset is accepted but never applied"),
        caught_by="offset-skips",
        hook="page",
    ),
    Fault(
        "offset-before-marker",
        ("offset is counted from the newest record, before the marker filter"),
        caught_by="offset-skips",
        hook="page",
    ),
    Fault(
        "limit-off-by-one",
        ("a page holds limit + 1 records when that many are left"),
        caught_by="page-size",
        hook="page",
    ),
    Fault(
        "ascending-order",
        ("a page lists its records oldest first; page.marker still names the last one returned"),
        caught_by="newest-first",
        hook="page",
    ),
    Fault(
        "count-per-page",
        ("page.count is the number of records on the page, not the number matching"),
        caught_by="count-stable",
        hook="page",
    ),
    Fault(
        "count-after-marker",
        ("page.count counts only the matching records below the marker"),
        caught_by="count-stable",
        hook="page",
    ),
    Fault(
        "marker-first-record",
        ("page.marker names the first record of the page instead of the last"),
        caught_by="marker-continues",
        hook="page",
    ),
    Fault(
        "skip-at-boundary",
        ("a request with a marker skips the first record below it"),
        caught_by="walk-complete",
        hook="page",
    ),
    Fault(
        "filter-leak",
        ("app_id and app_type are dropped on requests that carry a marker (after the first page)"),
        caught_by="filter-sound",
        hook="app",
    ),
    Fault(
        "default-limit-changed",
        ("an omitted limit means twice the spec's default"),
        caught_by="defaults",
        hook="app",
    ),
    Fault(
        "accepts-invalid-limit",
        ("a limit outside the spec's range is used as given instead of refused"),
        caught_by="reject-invalid",
        hook="app",
    ),
    Fault(
        "error-body-nonstandard",
        ("error bodies use {code, message} instead of {error_code, error_msg}"),
        caught_by="reject-invalid",
        hook="errors",
    ),
    Fault(
        "server-error-at-max-offset",
        ("offset equal to the spec's maximum answers 500"),
        caught_by="accept-valid",
        hook="app",
    ),
    Fault(
        "unstable-under-insert",
        (
            "a marker resumes at the position it was issued at (a positional cursor), so records "
            "created between pages shift the next page"
        ),
        caught_by="walk-stable-under-insert",
        hook="page",
    ),
    Fault(
        "marker-by-create-time",
        (
            "a marker is resolved to its create_time (to the second) and the next page takes the "
            "records created strictly before it, so records sharing that second are skipped (ogx-"
            "ai/ogx#6199)"
        ),
        caught_by="walk-complete",
        hook="page",
    ),
    Fault(
        "marker-by-create-time-inclusive",
        (
            "a marker is resolved to its create_time (to the second) and the next page takes the "
            "records created in or before it, so the marker's record and its ties come back "
            "(nensii21/devlink#1103)"
        ),
        caught_by="walk-complete",
        hook="page",
    ),
    Fault(
        "marker-on-empty-page",
        (
            "an empty page still carries page.marker: the marker it was asked with (Glitchedpixel-"
            "io/media-api#66)"
        ),
        caught_by="newest-first",
        hook="page",
    ),
    Fault(
        "no-marker-on-last-page",
        (
            "the page that reaches the end of the list carries no page.marker, though it holds "
            "records (Azure/data-api-builder#2121)"
        ),
        caught_by="walk-complete",
        hook="page",
    ),
    Fault(
        "limit-before-offset",
        (
            "limit is applied before offset: a page is the limit records below the marker with the "
            "first offset of them dropped (levelgraph/levelgraph#79)"
        ),
        caught_by="offset-skips",
        hook="page",
    ),
    Fault(
        "count-after-offset",
        ("page.count is counted with the offset applied: the matching records minus offset (go-mgo/mgo#421)"),
        caught_by="count-stable",
        hook="page",
    ),
    Fault(
        "file-for-unfinished",
        ("a Processing or Failed task's download gives a file of the results exported so far"),
        caught_by="file-when-succeeded",
        hook="file",
    ),
    Fault(
        "file-first-page-only",
        (
            "the export file holds only the first page (10) of the batch task's results, whatever "
            "export_count says: the exporter read one page of results and stopped"
        ),
        caught_by="file-rows",
        hook="file",
    ),
    Fault(
        "download-limit-500",
        ("a download within the 30-second interval is answered 500 instead of 429 with Retry-After"),
        caught_by="download-limit-announced",
        hook="file",
    ),
)
#: Every fault the mock can inject, by name. The faults after unstable-under-insert each come from a public
#: issue thread, named in the statement (docs/mock.md lists more than one per fault).
FAULTS: dict[str, Fault] = {fault.name: fault for fault in _ALL}


class UnknownFault(ValueError):
    """A ``--fault`` name that is not in :data:`FAULTS`."""


def parse(names: list[str] | tuple[str, ...]) -> frozenset[str]:
    """The set of faults named, refusing unknown names."""
    unknown = sorted(set(names) - FAULTS.keys())
    if unknown:
        raise UnknownFault(f"unknown fault(s): {', '.join(unknown)}; known: {', '.join(FAULTS)}")
    return frozenset(names)
