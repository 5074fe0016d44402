"""The export file of a task: an Excel 97-2003 workbook (XLS, BIFF8) of its batch-task results, by xlwt.

The first sheet, ``results``, holds a header row (:data:`HEADER`) and then one row per exported result,
``export_count`` of them. The rows are derived from the task alone (its record id and batch task id), so the
same task always gives the same bytes. xlwt is imported when the first file is written: a mock that serves
no download does not need it.
"""

from __future__ import annotations

import importlib
import io
from typing import Any

from iotda_contract.mock.tasks import Task

#: The media type of the file (the spec's 200 content).
MEDIA_TYPE = "application/vnd.ms-excel"
#: The sheet's name and its header row: one result of a batch task per row, as IoTDA's subtasks report it.
SHEET = "results"
HEADER = ("No.", "Batch task id", "Target", "Status", "Output", "Error code", "Error message")
#: The most rows a BIFF8 sheet holds, the header row included.
MAX_ROWS = 65_536
#: The results the fault ``file-first-page-only`` writes: one page of them.
FIRST_PAGE = 10


def _xlwt() -> Any:
    try:
        return importlib.import_module("xlwt")
    except ImportError as err:  # pragma: no cover - a dependency of the package
        raise RuntimeError("export files need xlwt (pip install xlwt)") from err


def result_rows(task: Task, results: int | None = None) -> list[tuple[object, ...]]:
    """The rows of ``task``'s file below the header: ``export_count`` results (or ``results``), from 1."""
    batch = task.task_id or ""
    stem = task.record_id[-8:]
    return [
        (number, batch, f"device-{stem}-{number:05d}", "Success", f"result {number} of {task.export_task_id}",
         "", "")
        for number in range(1, (task.export_count if results is None else results) + 1)
    ]  # fmt: skip


def export_file(task: Task, results: int | None = None) -> bytes:
    """The workbook's bytes for ``task``: a header row, then ``export_count`` (or ``results``) results."""
    if task.export_count + 1 > MAX_ROWS:
        raise ValueError(f"an XLS sheet holds at most {MAX_ROWS - 1} results, not {task.export_count}")
    xlwt = _xlwt()
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet(SHEET)
    for column, title in enumerate(HEADER):
        sheet.write(0, column, title)
    for row, values in enumerate(result_rows(task, results), start=1):
        for column, value in enumerate(values):
            sheet.write(row, column, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
