"""The contract's decisions, as the spec records them (``x-iotda-decision``), and the spec's platform view.

Where the platform's description is silent or contradicts itself, the spec decides, and marks the element
it decided with ``x-iotda-decision``: a stable ``id``, the ``rule`` chosen, ``why``, which sides of an
exchange it governs (``sides``: request, response), and optionally ``platform``: how the element reads when
the decision is set aside (a deep merge into the element; ``null`` removes a key). One decision may mark
several elements; its rule and reason are given once.

:func:`relax` sets decisions aside, giving the *platform view* of the document: what the description
itself states, with every reading it leaves open allowed.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from iotda_contract.spec.document import from_document
from iotda_contract.spec.model import Spec
from iotda_contract.spec.refs import SpecError

#: The vendor extension that marks a decided element.
DECISION_EXTENSION = "x-iotda-decision"
_SIDES = frozenset({"request", "response"})


@dataclass(frozen=True)
class Decision:
    """One decision of the contract: where the description left a choice, what was chosen and why."""

    id: str
    rule: str
    why: str
    sides: frozenset[str]
    #: JSON pointers of the elements it marks.
    where: tuple[str, ...]

    def describe(self) -> str:
        return f"decision {self.id}: {self.rule} ({self.why})"


def decisions(document: Mapping[str, Any]) -> dict[str, Decision]:
    """Every decision the document records, by id; a decision without a rule or reason is an error."""
    found: dict[str, dict[str, Any]] = {}
    for pointer, mark in _marks(document):
        entry = found.setdefault(mark["id"], {"rule": "", "why": "", "sides": set(), "where": []})
        for key in ("rule", "why"):
            if mark.get(key):
                if entry[key] and entry[key] != mark[key]:
                    raise SpecError(f"decision {mark['id']!r} states its {key} twice, differently")
                entry[key] = str(mark[key]).strip()
        sides = set(mark.get("sides", []))
        if not sides or not sides <= _SIDES:
            raise SpecError(f"decision {mark['id']!r} at {pointer}: 'sides' lists request and/or response")
        entry["sides"] |= sides
        entry["where"].append(pointer)
    result: dict[str, Decision] = {}
    for decision_id, entry in found.items():
        if not entry["rule"] or not entry["why"]:
            raise SpecError(f"decision {decision_id!r} needs a rule and a reason (why)")
        result[decision_id] = Decision(decision_id, entry["rule"], entry["why"], frozenset(entry["sides"]),
                                       tuple(entry["where"]))  # fmt: skip
    return result


def relax(document: Mapping[str, Any], ids: Iterable[str]) -> dict[str, Any]:
    """A copy of ``document`` with the decisions ``ids`` set aside (their ``platform`` reading applied)."""
    chosen = frozenset(ids)
    unknown = chosen - decisions(document).keys()
    if unknown:
        raise SpecError(f"unknown decision(s): {', '.join(sorted(unknown))}")
    relaxed: dict[str, Any] = copy.deepcopy(dict(document))
    for pointer, mark in list(_marks(relaxed)):
        if mark["id"] in chosen and isinstance(mark.get("platform"), dict):
            _merge(_node(relaxed, pointer), mark["platform"])
    return relaxed


def view(spec: Spec, ids: Iterable[str]) -> Spec:
    """``spec`` with the decisions ``ids`` set aside, loaded like the original."""
    return from_document(relax(spec.raw, ids), spec.path)


def platform_view(spec: Spec, *, sides: Iterable[str] = _SIDES) -> Spec:
    """``spec`` as the description states it: every decision on one of ``sides`` set aside."""
    wanted = frozenset(sides)
    return view(spec, [d.id for d in decisions(spec.raw).values() if d.sides & wanted])


def _marks(document: Any, pointer: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(document, dict):
        mark = document.get(DECISION_EXTENSION)
        for one in mark if isinstance(mark, list) else [mark] if mark is not None else []:
            if not isinstance(one, dict) or not isinstance(one.get("id"), str):
                raise SpecError(f"{pointer or '/'}: {DECISION_EXTENSION} needs an id")
            yield pointer, one
        for key, value in document.items():
            if key != DECISION_EXTENSION:
                yield from _marks(value, f"{pointer}/{_escape(str(key))}")
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from _marks(value, f"{pointer}/{index}")


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _node(document: Any, pointer: str) -> Any:
    node = document
    for part in pointer.lstrip("/").split("/") if pointer else []:
        part = part.replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def _merge(target: dict[str, Any], patch: Mapping[str, Any]) -> None:
    """RFC 7386 merge: dicts merge, ``None`` removes, anything else replaces."""
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = copy.deepcopy(value)
