"""Compare two flattened JSON schemas keyword by keyword and classify each difference for one side."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from iotda_contract.governance import deprecation
from iotda_contract.governance.changes import Change, Severity, Side, constraint_severity, side_kind
from iotda_contract.governance.documents import position

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
        message = "schemas differ below the depth compared"
        out.append(Change(Severity.WARNING, "schema-too-deep", where, message, **position(new)))
        return
    if not isinstance(old, Mapping) or not isinstance(new, Mapping):
        message = "the schema was replaced"
        out.append(Change(Severity.BREAKING, "schema-replaced", where, message, old, new, **position(new)))
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
            at = position(new, key)
            out.append(Change(Severity.BREAKING, kind, where, message, old.get(key), new.get(key), **at))


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
    at = position(new, "default")
    out.append(Change(severity, kind, where, message, old.get("default"), new.get("default"), **at))


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
        _constraint(key, before, after, tightened, where, side, out, new)
    for key in _TIGHT_WHEN_TRUE:
        before, after = bool(old.get(key, False)), bool(new.get(key, False))
        if before != after:
            _constraint(key, before, after, after, where, side, out, new)
    if old.get("multipleOf") != new.get("multipleOf"):
        before, after = old.get("multipleOf"), new.get("multipleOf")
        # A new multipleOf, or one that is not a divisor of the old one, rejects values accepted before.
        tightened = after is not None and (before is None or before % after != 0)
        _constraint("multipleOf", before, after, tightened, where, side, out, new)


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
        message = f"pattern {before!r} -> {after!r}"
        kind = side_kind(side, "pattern-changed")
        out.append(Change(severity, kind, where, message, before, after, **position(new, "pattern")))
        return
    _constraint("pattern", before, after, after is not None, where, side, out, new)


def _enum(old: Mapping[str, Any], new: Mapping[str, Any], where: str, side: Side, out: list[Change]) -> None:
    before, after = old.get("enum"), new.get("enum")
    if before == after:
        return
    if before is None or after is None:
        _constraint("enum", before, after, before is None, where, side, out, new)
        return
    at = position(new, "enum")
    removed = [value for value in before if value not in after]
    added = [value for value in after if value not in before]
    if removed:
        severity = constraint_severity(side, tightened=True)
        message = f"enum values removed: {removed!r}"
        out.append(Change(severity, side_kind(side, "enum-narrowed"), where, message, before, after, **at))
    if added:
        severity = constraint_severity(side, tightened=False)
        message = f"enum values added: {added!r}"
        out.append(Change(severity, side_kind(side, "enum-widened"), where, message, before, after, **at))


def _nullable(
    old: Mapping[str, Any], new: Mapping[str, Any], where: str, side: Side, out: list[Change]
) -> None:
    before, after = bool(old.get("nullable", False)), bool(new.get("nullable", False))
    if before != after:
        _constraint("nullable", before, after, not after, where, side, out, new)


def _object(
    old: Mapping[str, Any], new: Mapping[str, Any], where: str, side: Side, out: list[Change], depth: int
) -> None:
    old_props: Mapping[str, Any] = old.get("properties") or {}
    new_props: Mapping[str, Any] = new.get("properties") or {}
    old_required = set(old.get("required") or ())
    new_required = set(new.get("required") or ())
    removed = {name: old_props[name] for name in old_props if name not in new_props}
    added = {name: new_props[name] for name in new_props if name not in old_props}
    renames = pair_renames(removed, added)
    props_at = position(new, "properties") if "properties" in new else position(new)
    for name, schema in removed.items():
        if name in renames:
            message = f"property {name!r} renamed to {renames[name]!r} (same schema)"
            at = position(new_props, renames[name])
            out.append(Change(Severity.BREAKING, "property-renamed", f"{where}.{name}", message, **at))
            continue
        kind, message = deprecation.removal(schema, "property-removed", f"property {name!r} removed")
        severity = Severity.BREAKING if kind == "property-removed" else Severity.WARNING
        out.append(Change(severity, kind, f"{where}.{name}", message, **props_at))
    for name in added:
        if name in renames.values():
            continue
        at = position(new_props, name)
        if side is Side.REQUEST and name in new_required:
            kind, message = "request-property-added-required", f"required {name!r} added"
            out.append(Change(Severity.BREAKING, kind, f"{where}.{name}", message, **at))
        else:
            out.append(
                Change(Severity.INFO, "property-added", f"{where}.{name}", f"optional {name!r} added", **at)
            )
    for name in old_props:
        if name in new_props:
            _compare(old_props[name], new_props[name], f"{where}.{name}", side, out, depth + 1)
    required_at = position(new, "required") if "required" in new else position(new)
    for name in sorted(new_required - old_required):
        if name in old_props and name in new_props:
            severity = Severity.BREAKING if side is Side.REQUEST else Severity.INFO
            kind = side_kind(side, "property-made-required")
            message = f"{name!r} is now required"
            out.append(Change(severity, kind, f"{where}.{name}", message, **required_at))
    for name in sorted(old_required - new_required):
        if name in new_props and name in old_props:
            severity = Severity.INFO if side is Side.REQUEST else Severity.BREAKING
            kind = side_kind(side, "property-made-optional")
            message = f"{name!r} is now optional"
            out.append(Change(severity, kind, f"{where}.{name}", message, **required_at))
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
    tightened = rank_after < rank_before
    _constraint("additionalProperties", before, after, tightened, where, side, out, new)


def _documentation(old: Mapping[str, Any], new: Mapping[str, Any], where: str, out: list[Change]) -> None:
    for key in _DOCUMENTATION:
        if old.get(key) != new.get(key):
            kind = "example-changed" if key.startswith("example") else "description-changed"
            at = position(new, key)
            out.append(Change(Severity.INFO, kind, where, f"{key} edited", old.get(key), new.get(key), **at))
    if bool(old.get("deprecated")) != bool(new.get("deprecated")):
        message = "deprecated" if new.get("deprecated") else "no longer deprecated"
        out.append(
            Change(Severity.INFO, "deprecation-changed", where, message, **position(new, "deprecated"))
        )


def _others(old: Mapping[str, Any], new: Mapping[str, Any], where: str, out: list[Change]) -> None:
    for key in sorted((set(old) | set(new)) - _HANDLED):
        if old.get(key) == new.get(key):
            continue
        if key.startswith("x-"):
            severity, kind = Severity.INFO, "extension-changed"
        else:
            # readOnly, writeOnly, oneOf, anyOf, not, discriminator...: not classified precisely.
            severity, kind = Severity.WARNING, "keyword-changed"
        at = position(new, key) if key in new else position(new)
        out.append(Change(severity, kind, where, f"{key} changed", old.get(key), new.get(key), **at))


def _constraint(
    key: str,
    before: Any,
    after: Any,
    tightened: bool,
    where: str,
    side: Side,
    out: list[Change],
    node: Any,
) -> None:
    kind = side_kind(side, "constraint-tightened" if tightened else "constraint-loosened")
    message = f"{key} {before!r} -> {after!r}"
    at = position(node, key) if key in node else position(node)
    out.append(Change(constraint_severity(side, tightened), kind, where, message, before, after, **at))


def same_schema(old: Any, new: Any) -> bool:
    """Whether two schemas accept the same values: equal once descriptions and examples are set aside."""
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        keys = (set(old) | set(new)) - set(_DOCUMENTATION)
        return all(same_schema(old.get(key), new.get(key)) for key in keys)
    if isinstance(old, list) and isinstance(new, list):
        return len(old) == len(new) and all(same_schema(a, b) for a, b in zip(old, new, strict=True))
    return bool(old == new)


def pair_renames(removed: Mapping[str, Any], added: Mapping[str, Any]) -> dict[str, str]:
    """Old name -> new name for each removed element whose schema only one added element has, and back."""
    pairs: dict[str, str] = {}
    for old_name, old_schema in removed.items():
        matches = [name for name, schema in added.items() if same_schema(old_schema, schema)]
        if len(matches) != 1:
            continue
        backs = [name for name, schema in removed.items() if same_schema(schema, added[matches[0]])]
        if backs == [old_name]:
            pairs[old_name] = matches[0]
    return pairs
