"""The law registry: each law a small named function with a stable id and a one-line statement."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hypothesis.strategies import DataObject

if TYPE_CHECKING:
    from iotda_contract.conformance.context import LawContext

LawFunction = Callable[["LawContext", DataObject], None]


@dataclass(frozen=True)
class Law:
    """One paging law. ``writes`` laws create or delete tasks and run only with ``--allow-writes``."""

    id: str
    statement: str
    check: LawFunction
    writes: bool = False


LAWS: dict[str, Law] = {}


def law(law_id: str, statement: str, *, writes: bool = False) -> Callable[[LawFunction], LawFunction]:
    """Register ``check`` under ``law_id``; the id is stable and names the law in every report."""

    def register(check: LawFunction) -> LawFunction:
        if law_id in LAWS:
            raise ValueError(f"law {law_id!r} is registered twice")
        LAWS[law_id] = Law(law_id, statement, check, writes)
        return check

    return register


#: The law modules, in the order their laws run: the list's laws, then the export file's (which spend the
#: download limit), then the writes.
MODULES = ("laws_read", "laws_reject", "laws_file", "laws_write")


def all_laws() -> list[Law]:
    """Every registered law, module by module in :data:`MODULES` order, each in registration order."""
    import iotda_contract.conformance  # noqa: F401 - importing the package registers every law

    order = {f"iotda_contract.conformance.{name}": index for index, name in enumerate(MODULES)}
    return sorted(LAWS.values(), key=lambda law: order.get(law.check.__module__, len(order)))


def select(ids: list[str] | None = None, *, allow_writes: bool = False) -> list[Law]:
    """The laws to run: ``ids`` (all when None); write laws are kept so they can be reported as skipped."""
    laws = all_laws()
    if ids:
        unknown = sorted(set(ids) - {law.id for law in laws})
        if unknown:
            raise KeyError(f"unknown law(s): {', '.join(unknown)}")
        laws = [law for law in laws if law.id in ids]
    return laws
