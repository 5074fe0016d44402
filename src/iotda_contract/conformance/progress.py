"""A live progress display of a run (rich), and the final table of laws."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from iotda_contract.conformance.registry import Law
from iotda_contract.conformance.results import LawResult, RunResult

_STYLE = {"held": "green", "violated": "bold red", "skipped": "yellow", "error": "bold magenta",
          "deviated": "yellow"}  # fmt: skip


class LiveProgress:
    """Shows which law runs, how many are done, and each verdict as it comes."""

    def __init__(self, console: Console, total: int, redact: Callable[[str], str] = str) -> None:
        self.console, self.redact = console, redact
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
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
            self.progress.update(self.task, description=f"checking [bold]{law.id}[/]")
        elif result is not None:
            style = _STYLE.get(result.status, "")
            reason = escape(self.redact(result.reason)[:120])
            self.console.print(f"[{style}]{result.status:8}[/] {law.id}  [dim]{reason}[/]")
            self.progress.advance(self.task)

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
