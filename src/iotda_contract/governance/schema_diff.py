"""Compare two flattened JSON schemas keyword by keyword and classify each difference for one side."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from iotda_contract.governance.changes import Change, Severity, Side, constraint_severity

#: Keywords whose larger value is a looser rule.
_UPPER_BOUNDS = ("maximum", "maxLength", "maxItems", "maxProperties")
#: Keywords whose smaller value is a looser rule.
_LOWER_BOUNDS = ("minimum", "minLength", "minItems", "minProperties")
#: Boolean keywords whose ``true`` is the tighter rule.
_TIGHT_WHEN_TRUE = ("exclusiveMaximum", "exclusiveMinimum", "uniqueItems")
#: Keywords that only document.
_DOCUMENTATION = ("description", "title", "example", "examples", "externalDocs", "xml")
#: Keywords handled by a dedicated comparison below.
_HANDLED = frozenset(
    (
        *_UPPER_BOUNDS,
        *_LOWER_BOUNDS,
        *_TIGHT_WHEN_TRUE,
        *_DOCUMENTATION,
        "type",
        "format",
        "default",
        "pattern",
        "enum",
        "nullable",
        "multipleOf",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "deprecated",
    )
)
_MAX_DEPTH = 64


def diff_schema(old: Any, new: Any, location: str, side: Side) -> list[Change]:
    """Every difference between ``old`` and ``new`` (flattened schemas), classified for ``side``."""
    changes: list[Change] = []
    _compare(old, new, location, side, changes, 0)
    return changes


def _compare(old: Any, new: Any, where: str, side: Side, out: list[Change], depth: int) -> None:
    if old == new:
        return
    if depth > _MAX_DEPTH:
        out.append(
            Change(Severity.WARNING, "schema-too-deep", where, "schemas differ below the depth compared")
        )
        return
    if not isinstance(old, Mapping) or not isinstance(new, Mapping):
        out.append(Change(Severity.BREAKING, "schema-replaced", where, "the schema was replaced", old, new))
        return
    _type_and_format(old, new, where, out)
    _default(old, new, where, out)
    _bounds(old, new, where, side, out)
    _pattern(old, new, where, side, out)
    _enum(old, new, where, side, out)
    _nullable(old, new, where, side, out)
    _object(old, new, where, side, out, depth)
    if old.get("items") != new.get("items"):
        _compare(old.get("items", {}), new.get("items", {}), f"{where}[]", side, out, depth + 1)
    _documentation(old, new, where, out)
    _others(old, new, where, out)


def _type_and_format(old: Mapping[str, Any], new: Mapping[str, Any], where: str, out: list[Change]) -> None:
    for key, kind in (("type", "type-changed"), ("format", "format-changed")):
        if old.get(key) != new.get(key):
            message = f"{key} {old.get(key)!r} -> {new.get(key)!r}"
            out.append(Change(Severity.BREAKING, kind, where, message, old.get(key), new.get(key)))


def _default(old: Mapping[str, Any], new: Mapping[str, Any], where: str, out: list[Change]) -> None:
    if old.get("default") == new.get("default") and ("default" in old) == ("default" in new):
        return
    if "default" not in old:
        severity, kind = Severity.WARNING, "default-added"
    elif "default" not in new:
        severity, kind = Severity.BREAKING, "default-removed"
    else:
        severity, kind = Severity.BREAKING, "default-changed"
    message = f"default {old.get('default')!r} -> {new.get('default')!r}"
    out.append(Change(severity, kind, where, message, old.get("default"), new.get("default")))


def _bounds(
    old: Mapping[str, Any], new: Mapping[str, Any], where: str, side: Side, out: list[Change]
) -> None:
    for key in (*_UPPER_BOUNDS, *_LOWER_BOUNDS):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if before is None or after is None:
            tightened = before is None
        else:
            tightened = after < before if key in _UPPER_BOUNDS else after > before
        _constraint(key, before, after, tightened, where, side, out)
    for key in _TIGHT_WHEN_TRUE:
        before, after = bool(old.get(key, False)), bool(new.get(key, False))
        if before != after:
            _constraint(key, before, after, after, where, side, out)
    if old.get("multipleOf") != new.get("multipleOf"):
        tightened = new.get("multipleOf") is not None
        _constraint("multipleOf", old.get("multipleOf"), new.get("multipleOf"), tightened, where, side, out)


def _pattern(
    old: Mapping[str, Any], new: Mapping[str, Any], where: str, side: Side, out: list[Change]
) -> None:
    before, after = old.get("pattern"), new.get("pattern")
    if before == after:
        return
    if before is not None and after is not None:
        # Whether one regular expression accepts more than another is not decidable here: any other
        # pattern may reject a value the old one accepted, so it counts as narrowed for writers and
        # widened for readers.
        severity = Severity.BREAKING if side is Side.REQUEST else Severity.WARNING
        out.append(
            Change(severity, "pattern-changed", where, f"pattern {before!r} -> {after!r}", before, after)
        )
        return
    _constraint("pattern", before, after, after is not None, where, side, out)


def _enum(old: Mapping[str, Any], new: Mapping[str, Any], where: str, side: Side, out: list[Change]) -> None:
    before, after = old.get("enum"), new.get("enum")
    if before == after:
        return
    if before is None or after is None:
        _constraint("enum", before, after, before is None, where, side, out)
        return
    removed = [value for value in before if value not in after]
    added = [value for value in after if value not in before]
    if removed:
        severity = constraint_severity(side, tightened=True)
        out.append(
            Change(severity, "enum-narrowed", where, f"enum values removed: {removed!r}", before, after)
        )
    if added:
        severity = constraint_severity(side, tightened=False)
        out.append(Change(severity, "enum-widened", where, f"enum values added: {added!r}", before, after))


def _nullable(
    old: Mapping[str, Any], new: Mapping[str, Any], where: str, side: Side, out: list[Change]
) -> None:
    before, after = bool(old.get("nullable", False)), bool(new.get("nullable", False))
    if before != after:
        _constraint("nullable", before, after, not after, where, side, out)


def _object(
    old: Mapping[str, Any], new: Mapping[str, Any], where: str, side: Side, out: list[Change], depth: int
) -> None:
    old_props: Mapping[str, Any] = old.get("properties") or {}
    new_props: Mapping[str, Any] = new.get("properties") or {}
    old_required = set(old.get("required") or ())
    new_required = set(new.get("required") or ())
    for name in old_props:
        if name not in new_props:
            message = f"property {name!r} removed"
            out.append(Change(Severity.BREAKING, "property-removed", f"{where}.{name}", message))
    for name in new_props:
        if name in old_props:
            continue
        if side is Side.REQUEST and name in new_required:
            out.append(
                Change(
                    Severity.BREAKING,
                    "property-added-required",
                    f"{where}.{name}",
                    f"required {name!r} added",
                )
            )
        else:
            out.append(Change(Severity.INFO, "property-added", f"{where}.{name}", f"optional {name!r} added"))
    for name in old_props:
        if name in new_props:
            _compare(old_props[name], new_props[name], f"{where}.{name}", side, out, depth + 1)
    for name in sorted(new_required - old_required):
        if name in old_props:
            severity = Severity.BREAKING if side is Side.REQUEST else Severity.INFO
            out.append(
                Change(severity, "property-made-required", f"{where}.{name}", f"{name!r} is now required")
            )
    for name in sorted(old_required - new_required):
        if name in new_props:
            severity = Severity.INFO if side is Side.REQUEST else Severity.BREAKING
            out.append(
                Change(severity, "property-made-optional", f"{where}.{name}", f"{name!r} is now optional")
            )
    _additional_properties(old, new, where, side, out, depth)


def _additional_properties(
    old: Mapping[str, Any], new: Mapping[str, Any], where: str, side: Side, out: list[Change], depth: int
) -> None:
    before, after = old.get("additionalProperties", True), new.get("additionalProperties", True)
    if before == after:
        return
    if isinstance(before, Mapping) and isinstance(after, Mapping):
        _compare(before, after, f"{where}.*", side, out, depth + 1)
        return
    # True (anything) is looser than a schema, which is looser than False (nothing).
    openness = {True: 2, False: 0}
    rank_before = openness.get(before, 1) if isinstance(before, bool) else 1
    rank_after = openness.get(after, 1) if isinstance(after, bool) else 1
    _constraint("additionalProperties", before, after, rank_after < rank_before, where, side, out)


def _documentation(old: Mapping[str, Any], new: Mapping[str, Any], where: str, out: list[Change]) -> None:
    for key in _DOCUMENTATION:
        if old.get(key) != new.get(key):
            kind = "example-changed" if key.startswith("example") else "description-changed"
            out.append(Change(Severity.INFO, kind, where, f"{key} edited", old.get(key), new.get(key)))
    if bool(old.get("deprecated")) != bool(new.get("deprecated")):
        message = "deprecated" if new.get("deprecated") else "no longer deprecated"
        out.append(Change(Severity.INFO, "deprecation-changed", where, message))


def _others(old: Mapping[str, Any], new: Mapping[str, Any], where: str, out: list[Change]) -> None:
    for key in sorted((set(old) | set(new)) - _HANDLED):
        if old.get(key) == new.get(key):
            continue
        if key.startswith("x-"):
            severity, kind = Severity.INFO, "extension-changed"
        else:
            # readOnly, writeOnly, oneOf, anyOf, not, discriminator...: not classified precisely.
            severity, kind = Severity.WARNING, "keyword-changed"
        out.append(Change(severity, kind, where, f"{key} changed", old.get(key), new.get(key)))


def _constraint(
    key: str, before: Any, after: Any, tightened: bool, where: str, side: Side, out: list[Change]
) -> None:
    kind = "constraint-tightened" if tightened else "constraint-loosened"
    message = f"{key} {before!r} -> {after!r}"
    out.append(Change(constraint_severity(side, tightened), kind, where, message, before, after))
