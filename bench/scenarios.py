"""Load scenarios, run interleaved in one-second slices so that every scenario sees the same machine."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench import wrk
from bench.cpuload import ForeignLoad, own_ticks_of, own_ticks_of_self_and_children
from bench.servers import Server


@dataclass
class Scenario:
    """One thing wrk hammers: a server, a Lua script of request paths, whether 2xx is expected."""

    name: str
    server: Server
    script: Path
    expect_ok: bool = True


@dataclass(frozen=True)
class Slice:
    """One wrk slice of a scenario, with the share of the server's core other processes took."""

    scenario: str
    result: wrk.WrkResult
    foreign_cpu: float | None
    #: The server's own share of its core: well below 1, the load generator was the bottleneck.
    server_cpu: float | None = None
    #: The share of the load generator's core taken by other processes.
    load_foreign_cpu: float | None = None


@dataclass
class RunTotals:
    """A scenario's slices within one run, added up."""

    slices: list[Slice] = field(default_factory=list)

    @property
    def requests_per_sec(self) -> float:
        requests = sum(s.result.requests for s in self.slices)
        seconds = sum(s.result.duration_s for s in self.slices)
        return requests / seconds if seconds > 0 else 0.0

    @property
    def p99_us(self) -> float:
        """The median of the slices' p99 (wrk cannot merge histograms across runs)."""
        return statistics.median(s.result.p99_us for s in self.slices)

    @property
    def foreign_cpu(self) -> float | None:
        shares = [s.foreign_cpu for s in self.slices if s.foreign_cpu is not None]
        return statistics.mean(shares) if shares else None

    @property
    def load_foreign_cpu(self) -> float | None:
        shares = [s.load_foreign_cpu for s in self.slices if s.load_foreign_cpu is not None]
        return statistics.mean(shares) if shares else None

    @property
    def server_cpu(self) -> float | None:
        shares = [s.server_cpu for s in self.slices if s.server_cpu is not None]
        return statistics.mean(shares) if shares else None


def check_answers(name: str, result: wrk.WrkResult, *, expect_ok: bool) -> None:
    """Refuse a measurement with socket errors, or with answers of the wrong class."""
    if result.requests == 0:
        raise wrk.WrkError(f"{name}: no request completed")
    if result.socket_errors:
        raise wrk.WrkError(f"{name}: {result.socket_errors} socket errors")
    if expect_ok and result.non_2xx:
        raise wrk.WrkError(f"{name}: {result.non_2xx} answers were not 2xx")
    if not expect_ok and result.non_2xx < result.requests:
        raise wrk.WrkError(f"{name}: {result.requests - result.non_2xx} answers were 2xx")


def slice_order(names: Sequence[str], index: int) -> list[str]:
    """The scenarios rotated by ``index``, so that no scenario always runs first."""
    if not names:
        return []
    shift = index % len(names)
    return [*names[shift:], *names[:shift]]


@dataclass
class Runner:
    """Runs scenarios with wrk pinned to ``load_cpu``, measuring foreign load on ``server_cpu``."""

    connections: int
    load_cpu: int | None
    server_cpu: int | None
    wrk_path: str = "wrk"

    def one(self, scenario: Scenario, seconds: float) -> Slice:
        server = load = None
        if self.server_cpu is not None:
            server = ForeignLoad(self.server_cpu, own_ticks_of(scenario.server.pid))
            server.start()
        if self.load_cpu is not None:
            load = ForeignLoad(self.load_cpu, own_ticks_of_self_and_children)
            load.start()
        result = wrk.run(
            scenario.server.url,
            duration_s=seconds,
            connections=self.connections,
            cpu=self.load_cpu,
            script=scenario.script,
            wrk=self.wrk_path,
        )
        server_share = server.stop() if server else None
        load_share = load.stop() if load else None
        check_answers(scenario.name, result, expect_ok=scenario.expect_ok)
        return Slice(
            scenario.name,
            result,
            foreign_cpu=server_share.foreign if server_share else None,
            server_cpu=server_share.own if server_share else None,
            load_foreign_cpu=load_share.foreign if load_share else None,
        )

    def run(self, scenarios: Sequence[Scenario], slices: int) -> dict[str, RunTotals]:
        """``slices`` rounds of one second per scenario, the order rotated every round."""
        by_name = {s.name: s for s in scenarios}
        totals = {s.name: RunTotals() for s in scenarios}
        for index in range(slices):
            for name in slice_order(list(by_name), index):
                totals[name].slices.append(self.one(by_name[name], 1.0))
        return totals
