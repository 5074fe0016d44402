"""Delete every task a run created, by a law or by schemathesis, and account for each one."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from iotda_contract.conformance.context import LawContext
from iotda_contract.conformance.errors import TargetError
from iotda_contract.conformance.results import CreatedTask


def delete_created(ctx: LawContext) -> list[CreatedTask]:
    """Delete the tasks still outstanding; one entry per task the run ever created, saying if it is gone."""
    failures: dict[str, str] = {}
    for task_id, headers in list(ctx.created):
        try:
            answer = ctx.target.delete(task_id, headers=headers or None)
        except TargetError as err:
            failures[task_id] = f"not deleted: {err}"
            continue
        if answer.status < 300 or answer.status == 404:
            ctx.created.remove((task_id, headers))
        else:
            failures[task_id] = f"not deleted: the delete was answered {answer.status}"
    outstanding = {task_id for task_id, _ in ctx.created}
    return [CreatedTask(task_id, by, task_id not in outstanding, failures.get(task_id, ""))
            for task_id, by in ctx.created_log]  # fmt: skip


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Ctrl-C inside the block takes effect after it (a create and its recording are never split)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []

    def remember(signum: int, frame: FrameType | None) -> None:
        pending.append(signum)

    previous = signal.signal(signal.SIGINT, remember)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if pending:
            raise KeyboardInterrupt
