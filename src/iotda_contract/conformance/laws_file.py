"""The laws of the export file (the spec's download below the item path): read-only, and frugal.

The platform allows one file download every 30 seconds per user, so a run downloads one file: that of the
newest Success task that no newer task can have overwritten (no newer task with its ``resource_type`` and
``resource_condition``, the narrowest reading of the description's "same conditions"). Its answer is kept
for the run (``ctx.memo``) and read by every law here; the newest Processing and the newest Failed task are
asked for theirs once each. ``download-limit-announced`` runs last: it spends the limit on purpose.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hypothesis.strategies import DataObject

from iotda_contract.conformance.context import LawContext, fail
from iotda_contract.conformance.errors import Skip
from iotda_contract.conformance.filters import RESOURCE_CONDITION
from iotda_contract.conformance.registry import law
from iotda_contract.conformance.results import PROFILE_PLATFORM
from iotda_contract.conformance.target import Exchange
from iotda_contract.conformance.walks import Walk

#: The item fields the laws read: the task's state, and the count of results its file holds.
STATUS, EXPORT_COUNT, RESOURCE_TYPE = "status", "export_count", "resource_type"
#: The states of a task, as the spec's ``status`` enum names them.
SUCCEEDED, UNFINISHED = "Success", ("Processing", "Failed")


@dataclass(frozen=True)
class Candidates:
    """The tasks whose downloads the laws judge, from one complete walk."""

    listing: Walk
    #: The newest Success task that no newer task can have overwritten, if any.
    succeeded: dict[str, Any] | None
    #: The newest task of each unfinished state.
    unfinished: tuple[dict[str, Any], ...]


def candidates(ctx: LawContext) -> Candidates:
    """The tasks to download, read from the complete largest-limit walk; Skip without a download."""
    if ctx.contract.file_op is None:
        raise Skip("the spec has no download operation below the list's item path")
    states = ctx.contract.item_schema.get("properties", {}).get(STATUS, {}).get("enum", [])
    if SUCCEEDED not in states:
        raise Skip(f"the spec's {STATUS} names no {SUCCEEDED} state")
    listing = ctx.full_walk()
    items = listing.items
    succeeded = next((task for task, overwritten in _overwrites(items)
                      if task.get(STATUS) == SUCCEEDED and not overwritten), None)  # fmt: skip
    newest = (next((t for t in items if t.get(STATUS) == state), None) for state in UNFINISHED)
    unfinished = tuple(task for task in newest if task is not None)
    return Candidates(listing, succeeded, unfinished)


def _overwrites(items: Sequence[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], bool]]:
    """Each task of a newest-first list, with whether a newer one has its conditions (one pass)."""
    seen: set[str] = set()
    for task in items:
        conditions = json.dumps([task.get(RESOURCE_TYPE), task.get(RESOURCE_CONDITION)], sort_keys=True,
                                default=str)  # fmt: skip
        yield task, conditions in seen
        seen.add(conditions)


def download(ctx: LawContext, task: Mapping[str, Any]) -> Exchange:
    """The answer to one task's download, asked once per run (the platform limits downloads)."""
    key = ("download", ctx.contract.key_of(task))
    if key not in ctx.memo:
        ctx.memo[key] = ctx.target.download(ctx.contract.key_of(task))
    return ctx.memo[key]


def _file_of(ctx: LawContext) -> tuple[dict[str, Any], Exchange]:
    """The succeeded task and its file; Skip when there is none (file-when-succeeded judges that)."""
    found = candidates(ctx)
    if found.succeeded is None:
        raise Skip(f"needs a {SUCCEEDED} task that no newer task with the same conditions overwrote")
    answer = download(ctx, found.succeeded)
    if answer.status != 200:
        raise Skip(f"the {SUCCEEDED} task's download was answered {answer.status} (see file-when-succeeded)")
    if answer.cut is not None:
        raise Skip(f"the {SUCCEEDED} task's file is too large to read: {answer.cut}")
    return found.succeeded, answer


def _still(ctx: LawContext, task: Mapping[str, Any]) -> dict[str, Any] | None:
    """The task as a fresh walk lists it now (None: gone, or a newer task with its conditions exists)."""
    ctx.forget()
    items = ctx.full_walk().items
    key = ctx.contract.key_of(task)
    for item, overwritten in _overwrites(items):
        if ctx.contract.key_of(item) == key:
            return None if overwritten else dict(item)
    return None


@law("file-when-succeeded", "A task's export file is given exactly when the task succeeded: a Success "
     "task's download gives a file, a Processing or Failed task's is refused with a 4xx.")  # fmt: skip
def file_when_succeeded(ctx: LawContext, data: DataObject) -> None:
    found = candidates(ctx)
    if found.succeeded is None and not found.unfinished:
        raise Skip(f"needs a {SUCCEEDED}, Processing or Failed task to download the file of")
    if found.succeeded is not None:
        task, answer = found.succeeded, download(ctx, found.succeeded)
        if answer.status >= 500:
            raise fail(f"the download of {SUCCEEDED} task {ctx.contract.key_of(task)} was answered "
                       f"{answer.status}", answer)  # fmt: skip
        if answer.status != 200 and _still(ctx, task) is not None:
            raise fail(f"task {ctx.contract.key_of(task)} is {SUCCEEDED} and no newer task has its "
                       f"conditions, but its download was answered {answer.status}, not a file",
                       answer)  # fmt: skip
    for task in found.unfinished:
        _judge_unfinished(ctx, task, download(ctx, task))


def _judge_unfinished(ctx: LawContext, task: Mapping[str, Any], answer: Exchange) -> None:
    key, state = ctx.contract.key_of(task), task.get(STATUS)
    if answer.status == 200:
        now = _still(ctx, task)
        if now is None or now.get(STATUS) == SUCCEEDED:
            return  # it finished (or went) since it was listed: the file may exist now
        raise fail(f"task {key} is {state}, but its download gave a file", answer)
    if not 400 <= answer.status < 500:
        raise fail(f"the download of {state} task {key} was answered {answer.status}, not refused with a 4xx",
                   answer)  # fmt: skip
    if answer.status != 404:
        ctx.deviate("file-when-succeeded", f"the download of {state} task {key} was answered "
                    f"{answer.status}, not 404", answer)  # fmt: skip


@law("file-rows", "A succeeded task's export file is an Excel 97-2003 workbook whose first sheet holds "
     "export_count results.")  # fmt: skip
def file_rows(ctx: LawContext, data: DataObject) -> None:
    task, answer = _file_of(ctx)
    key, count = ctx.contract.key_of(task), task.get(EXPORT_COUNT)
    if not isinstance(count, int) or isinstance(count, bool):
        raise Skip(f"task {key} has no integer {EXPORT_COUNT} to count the file's rows against")
    rows = sheet_rows(answer.content)
    if isinstance(rows, str):
        raise fail(f"the file of task {key} is not an Excel 97-2003 workbook: {rows}", answer)
    if rows not in (count, count + 1):
        raise fail(f"the file of task {key} holds {rows} rows on its first sheet, but its {EXPORT_COUNT} is "
                   f"{count} (with or without a header row)", answer)  # fmt: skip
    if rows != count + 1:
        ctx.deviate("file-rows", f"the file of task {key} holds {rows} rows: {EXPORT_COUNT} ({count}) "
                    "results and no header row", answer)  # fmt: skip


def sheet_rows(content: bytes) -> int | str:
    """The number of rows on the workbook's first sheet, or why it cannot be read (the bytes are hostile)."""
    import xlrd  # type: ignore[import-untyped]

    try:
        book = xlrd.open_workbook(file_contents=content, logfile=io.StringIO(), on_demand=True)
        try:
            return int(book.sheet_by_index(0).nrows)
        finally:
            book.release_resources()
    except Exception as err:  # whatever the reader makes of foreign bytes is the answer
        return f"{type(err).__name__}: {str(err)[:200]}"


@law("download-limit-announced", "A download beyond the platform's rate (one file every 30 seconds per user) "
     "is refused with 429, or 403 with the rate-limit code, never answered with a 5xx.")  # fmt: skip
def download_limit_announced(ctx: LawContext, data: DataObject) -> None:
    task, first = _file_of(ctx)
    key = ("download-again", ctx.contract.key_of(task))
    if (key, 0) not in ctx.memo:  # two downloads in a row, once per run: the first may still be allowed
        for index, answer in enumerate(_twice(ctx, ctx.contract.key_of(task))):
            ctx.memo[(key, index)] = answer
    answers = tuple(ctx.memo[(key, i)] for i in range(2) if (key, i) in ctx.memo)
    for answer in answers:
        if answer.status >= 500:
            raise fail(f"a download soon after another was answered {answer.status}: the download limit "
                       "must be announced, not a server error", first, *answers)  # fmt: skip
    limited = next((a for a in answers if ctx.target.rate_limited(a)), None)
    if limited is None:
        bad = next((a for a in answers if a.status != 200), None)
        if bad is not None:
            raise fail(f"the file just given was refused with {bad.status}, not with the download limit's "
                       "answer", first, *answers)  # fmt: skip
        if ctx.profile == PROFILE_PLATFORM:
            raise Skip("the backend gave every download: no download limit to judge")
        ctx.deviate("download-interval", f"{len(answers) + 1} downloads of one file within seconds all "
                    "gave it", first, *answers)  # fmt: skip
        return
    _judge_limited(ctx, limited)


def _twice(ctx: LawContext, task_id: str) -> tuple[Exchange, ...]:
    answers = [ctx.target.download(task_id, retry=False)]
    if answers[0].status == 200:
        answers.append(ctx.target.download(task_id, retry=False))
    return tuple(answers)


def _judge_limited(ctx: LawContext, answer: Exchange) -> None:
    stated = ctx.contract.file_op.download_limits if ctx.contract.file_op is not None else None
    if stated is None:
        return
    body = answer.json()
    code = body.get("error_code") if isinstance(body, dict) else None
    missing: Sequence[str] = [what for what, ok in (
        (f"status {stated.limited_status}", answer.status == stated.limited_status),
        (f"code {stated.limited_code}", code == stated.limited_code),
        ("Retry-After", answer.status != 429 or (answer.header("Retry-After") or "").strip() != ""),
    ) if not ok]  # fmt: skip
    if missing:
        ctx.deviate("download-interval", f"the download limit was answered {answer.status} (code {code!r}) "
                    f"without {', '.join(missing)}", answer)  # fmt: skip
