"""Statistics over repeated runs: median, min and max, and ratios taken run by run."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Summary:
    """The median, min and max of the values measured over several runs."""

    median: float
    min: float
    max: float
    values: tuple[float, ...]

    def format(self, fmt: str = "{:.2f}") -> str:
        """``median (min-max)``, or just the value when there was a single run."""
        if len(self.values) == 1:
            return fmt.format(self.median)
        return f"{fmt.format(self.median)} ({fmt.format(self.min)}-{fmt.format(self.max)})"


def summarize(values: Sequence[float]) -> Summary:
    """Summarise the values of several runs; at least one value is needed."""
    if not values:
        raise ValueError("no values to summarise")
    return Summary(
        median=statistics.median(values),
        min=min(values),
        max=max(values),
        values=tuple(values),
    )


def ratios(numerators: Sequence[float], denominators: Sequence[float]) -> list[float]:
    """Pair the runs in order (run i over run i, both measured in the same run) and divide."""
    if len(numerators) != len(denominators):
        raise ValueError(f"{len(numerators)} numerators for {len(denominators)} denominators")
    if any(d <= 0 for d in denominators):
        raise ValueError("a denominator is zero or negative")
    return [n / d for n, d in zip(numerators, denominators, strict=True)]


def meets(summary: Summary, target: float, *, at_least: bool) -> bool:
    """Whether the median meets the target (``>= target`` or ``<= target``)."""
    return summary.median >= target if at_least else summary.median <= target
