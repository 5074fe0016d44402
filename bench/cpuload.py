"""How much of a core other processes took while we measured (from /proc/stat and /proc/PID/stat)."""

from __future__ import annotations

import os
import resource
from collections.abc import Callable
from dataclasses import dataclass


def core_ticks(cpu: int) -> tuple[int, int]:
    """(busy, total) clock ticks of one core since boot; busy leaves softirq out."""
    with open("/proc/stat", encoding="ascii") as stat:
        for line in stat:
            if line.startswith(f"cpu{cpu} "):
                user, nice, system, idle, iowait, irq, softirq, steal = (int(x) for x in line.split()[1:9])
                total = user + nice + system + idle + iowait + irq + softirq + steal
                # softirq is left out of "busy": on the loopback it is mostly our own traffic,
                # charged to no process. steal (the hypervisor's) counts as foreign.
                return user + nice + system + irq + steal, total
    raise ValueError(f"no cpu{cpu} in /proc/stat")


def process_ticks(pid: int) -> int:
    """User plus system clock ticks used by a process since it started."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        after_name = stat.read().rsplit(")", 1)[1].split()
    return int(after_name[11]) + int(after_name[12])  # utime, stime (fields 14 and 15)


@dataclass(frozen=True)
class CoreShare:
    """How a core's time was spent: by other processes (foreign) and by the measured ones (own)."""

    foreign: float
    own: float


def own_ticks_of(*pids: int) -> Callable[[], float]:
    """A counter of the clock ticks used by the given processes."""

    def ticks() -> float:
        return float(sum(process_ticks(pid) for pid in pids if os.path.exists(f"/proc/{pid}")))

    return ticks


def own_ticks_of_self_and_children() -> float:
    """Clock ticks used by this process and its waited-for children (wrk, once it has exited)."""
    tick = os.sysconf("SC_CLK_TCK")
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime) * tick


@dataclass
class ForeignLoad:
    """Measures, between start and stop, the share of a core used by the processes that ``own``
    counts (in clock ticks) and the share used by everything else."""

    cpu: int
    own: Callable[[], float]
    _busy: int = 0
    _total: int = 0
    _own: float = 0.0

    def start(self) -> None:
        self._busy, self._total = core_ticks(self.cpu)
        self._own = self.own()

    def stop(self) -> CoreShare:
        """The shares of the core (0..1) used by others and by our processes since :meth:`start`."""
        busy, total = core_ticks(self.cpu)
        own = self.own() - self._own
        elapsed = total - self._total
        if elapsed <= 0:
            return CoreShare(0.0, 0.0)
        return CoreShare(
            foreign=min(1.0, max(0.0, (busy - self._busy - own) / elapsed)),
            own=min(1.0, max(0.0, own / elapsed)),
        )
