"""The results: figures against their targets, printed as a table and saved as JSON and Markdown."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.stats import Summary, meets


@dataclass(frozen=True)
class Figure:
    """One measured figure: its summary over the runs and, when it has one, its target."""

    key: str
    label: str
    unit: str
    summary: Summary
    target: float | None = None
    at_least: bool = True
    note: str = ""
    #: False when the runs behind the figure were disturbed (a server that was not the bottleneck).
    reliable: bool = True

    @property
    def met(self) -> bool | None:
        return None if self.target is None else meets(self.summary, self.target, at_least=self.at_least)

    @property
    def target_text(self) -> str:
        if self.target is None:
            return "report"
        return f"{'>=' if self.at_least else '<='} {self.target:g}{(' ' + self.unit) if self.unit else ''}"

    @property
    def verdict(self) -> str:
        verdict = {None: "-", True: "met", False: "MISSED"}[self.met]
        return verdict if self.reliable else f"{verdict} (disturbed)"


@dataclass
class Results:
    """Everything one benchmark run produced."""

    started: datetime
    command: str
    config: dict[str, Any]
    environment: dict[str, Any]
    figures: list[Figure] = field(default_factory=list)
    raw: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add_raw(self, scenario: str, measurement: Any) -> None:
        self.raw.setdefault(scenario, []).append(
            asdict(measurement) if hasattr(measurement, "__dataclass_fields__") else measurement
        )


def _fmt(value: float) -> str:
    if value >= 1000:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    if value >= 1:
        return f"{value:.3f}"
    return f"{value:.4f}"  # ratios: 0.3996 must not read as 0.400 next to a missed 0.40 target


def _row(figure: Figure) -> list[str]:
    s = figure.summary
    unit = f" {figure.unit}" if figure.unit else ""
    return [figure.label, figure.target_text, _fmt(s.median) + unit, _fmt(s.min), _fmt(s.max), figure.verdict]


HEADER = ["Figure", "Target", "Median", "Min", "Max", "Verdict"]


def text_table(figures: list[Figure]) -> str:
    """A fixed-width table for the terminal."""
    rows = [HEADER, *(_row(f) for f in figures)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(figures: list[Figure]) -> str:
    """The same table in Markdown."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(_row(f)) + " |" for f in figures]
    return "\n".join(lines)


def to_json(results: Results) -> dict[str, Any]:
    return {
        "started": results.started.isoformat(timespec="seconds"),
        "command": results.command,
        "config": results.config,
        "environment": results.environment,
        "figures": [
            {
                "key": f.key,
                "label": f.label,
                "unit": f.unit,
                "median": f.summary.median,
                "min": f.summary.min,
                "max": f.summary.max,
                "values": list(f.summary.values),
                "target": f.target,
                "at_least": f.at_least,
                "met": f.met,
                "reliable": f.reliable,
                "note": f.note,
            }
            for f in results.figures
        ],
        "raw": results.raw,
        "notes": results.notes,
    }


def to_markdown(results: Results) -> str:
    env = "\n".join(f"- {k}: {v}" for k, v in results.environment.items())
    config = "\n".join(f"- {k}: {v}" for k, v in results.config.items())
    notes = "\n".join(f"- {n}" for n in results.notes) or "- none"
    figure_notes = "\n".join(f"- {f.label}: {f.note}" for f in results.figures if f.note)
    return (
        f"# Benchmark of the reference mock, {results.started:%Y-%m-%d %H:%M}\n\n"
        f"Command: `{results.command}`\n\n"
        f"Median of the runs, with min and max; ratios are taken run by run.\n\n"
        f"{markdown_table(results.figures)}\n\n"
        + (f"## Notes on figures\n\n{figure_notes}\n\n" if figure_notes else "")
        + f"## Notes\n\n{notes}\n\n## Configuration\n\n{config}\n\n## Environment\n\n{env}\n"
    )


def save(results: Results, directory: Path, *, suffix: str = "") -> tuple[Path, Path]:
    """Write ``YYYY-MM-DD_HHMMSS[suffix].json`` and ``.md`` into ``directory``; return both paths."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"{results.started:%Y-%m-%d_%H%M%S}{suffix}"
    json_path = directory / f"{stem}.json"
    md_path = directory / f"{stem}.md"
    json_path.write_text(json.dumps(to_json(results), indent=2) + "\n", encoding="utf-8")
    md_path.write_text(to_markdown(results), encoding="utf-8")
    return json_path, md_path
