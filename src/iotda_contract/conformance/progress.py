"""A live progress display of a run (rich), and the final table of laws."""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from iotda_contract.conformance.registry import Law
from iotda_contract.conformance.results import LawResult, RunResult

_STYLE = {"held": "green", "violated": "bold red", "skipped": "yellow", "error": "bold magenta",
          "deviated": "yellow"}  # fmt: skip


#: Waits on a rate limit this long or longer are shown (shorter ones would only fill a CI log).
NOTICED_WAIT = 1.0


class LiveProgress:
    """Shows which law runs, how many are done, requests sent, their rate, elapsed and left; each verdict.

    On a terminal the bar is live; elsewhere (a CI log) each verdict is one plain line with the same numbers.
    """

    def __init__(self, console: Console, total: int, redact: Callable[[str], str] = str,
                 requests: Callable[[], int] = lambda: 0) -> None:  # fmt: skip
        self.console, self.redact, self.requests = console, redact, requests
        self.started = time.monotonic()
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        )
        self.task = self.progress.add_task("laws", total=total)

    def __enter__(self) -> LiveProgress:
        self.progress.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.progress.stop()

    def law_event(self, what: str, law: Law, result: LawResult | None) -> None:
        if what == "start":
            self.progress.update(self.task, description=f"checking [bold]{law.id}[/] · {self._rate()}")
        elif result is not None:
            style = _STYLE.get(result.status, "")
            reason = escape(self.redact(result.reason)[:120])
            self.progress.advance(self.task)
            task = self.progress.tasks[0]
            where = f"{int(task.completed)}/{task.total:.0f} laws; {self._rate()}"
            self.console.print(f"[{style}]{result.status:8}[/] {law.id}  [dim]{reason}[/]  [dim]({where})[/]")

    def _rate(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        sent = self.requests()
        return f"{sent} requests, {sent / elapsed:.0f}/s, {elapsed:.0f} s"

    def waiting(self, seconds: float, status: int) -> None:
        """A request waits out the backend's rate limit: a wait a person notices is said, with its cause."""
        if seconds >= NOTICED_WAIT:
            self.console.print(f"[yellow]waiting {seconds:.0f} s[/] [dim](the backend answered {status}, its "
                               f"rate limit; then it is sent again; {self._rate()})[/]")  # fmt: skip

    def note(self, text: str) -> None:
        self.progress.update(self.task, description=text)


def summary_table(result: RunResult) -> Table:
    table = Table(title="Paging laws", show_lines=False)
    table.add_column("law", no_wrap=True)
    table.add_column("result")
    table.add_column("examples", justify="right")
    table.add_column("seconds", justify="right")
    table.add_column("why")
    for law in result.laws:
        style = _STYLE.get(law.status, "")
        table.add_row(law.law_id, f"[{style}]{law.status}[/]", str(law.examples), f"{law.seconds:.2f}",
                      escape(law.reason[:200]))  # fmt: skip
    return table
