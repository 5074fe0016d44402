"""The breaking-change gate: every difference between two versions of the spec, with its severity."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from iotda_contract import spec as spec_module
from iotda_contract.governance import deprecation
from iotda_contract.governance.changes import Change, Severity, Side, side_kind
from iotda_contract.governance.documents import flatten, position
from iotda_contract.governance.schema_diff import diff_schema, pair_renames
from iotda_contract.spec import Operation, Parameter, Spec

_PATH_PARAMETER = re.compile(r"\{([^}]+)\}")
#: Extensions compared by a dedicated rule rather than as ``extension-changed``.
_OWN_EXTENSIONS = (spec_module.PAGING_EXTENSION, spec_module.JSON_SCHEMA_EXTENSION)


def diff_specs(old: Spec, new: Spec, today: dt.date | None = None) -> list[Change]:
    """Every change from ``old`` to ``new``, breaking ones first; sunset dates are judged as of ``today``."""
    with deprecation.today_is(today):
        return _diff_specs(old, new)


def _diff_specs(old: Spec, new: Spec) -> list[Change]:
    changes: list[Change] = [*_info(old.raw, new.raw)]
    old_ops = {_operation_key(op): op for op in old.operations.values()}
    new_ops = {_operation_key(op): op for op in new.operations.values()}
    for key, op in old_ops.items():
        if key not in new_ops:
            kind, message = deprecation.removal(
                op.raw, "operation-removed", f"operation {op.operation_id} removed"
            )
            severity = Severity.BREAKING if kind == "operation-removed" else Severity.WARNING
            at = position(new.raw.get("paths", {}).get(op.path)) or position(new.raw, "paths")
            changes.append(Change(severity, kind, _label(op), message, **at))
    for key, op in new_ops.items():
        if key not in old_ops:
            message = f"operation {op.operation_id} added"
            changes.append(Change(Severity.INFO, "operation-added", _label(op), message, **position(op.raw)))
    for key, op in old_ops.items():
        if key in new_ops:
            changes.extend(_operation(old, new, op, new_ops[key]))
    return sorted(_unique(changes), key=lambda c: (c.severity.rank, c.location, c.kind))


def is_breaking(changes: Iterable[Change], fail_on: Severity = Severity.BREAKING) -> bool:
    """Whether any change is at least as severe as ``fail_on``."""
    return bool(failing(changes, fail_on))


def failing(changes: Iterable[Change], fail_on: Severity = Severity.BREAKING) -> list[Change]:
    """The changes that fail the gate: at least as severe as ``fail_on`` and not accepted."""
    return [c for c in changes if c.severity.rank <= fail_on.rank and c.status != "accepted"]


def _operation_key(op: Operation) -> tuple[str, str]:
    """Method and path with path parameters unnamed: renaming ``{id}`` changes nothing on the wire."""
    return op.method, _PATH_PARAMETER.sub("{}", op.path)


def _label(op: Operation) -> str:
    return f"{op.method} {op.path}"


def _unique(changes: Iterable[Change]) -> list[Change]:
    seen: set[Change] = set()
    result = []
    for change in changes:
        if change not in seen:
            seen.add(change)
            result.append(change)
    return result


def _info(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    changes = []
    for key in ("title", "version", "description"):
        before, after = old.get("info", {}).get(key), new.get("info", {}).get(key)
        if before != after:
            at = position(new.get("info"), key)
            message = f"info.{key} {before!r} -> {after!r}" if key == "version" else f"info.{key} edited"
            changes.append(Change(Severity.INFO, "info-changed", f"info.{key}", message, before, after, **at))
    if old.get("servers") != new.get("servers"):
        at = position(new, "servers")
        changes.append(Change(Severity.INFO, "servers-changed", "servers", "servers edited", **at))
    return changes


def _operation(old_spec: Spec, new_spec: Spec, old: Operation, new: Operation) -> list[Change]:
    where = _label(new)
    changes: list[Change] = []
    if old.operation_id != new.operation_id:
        message = f"operationId {old.operation_id} -> {new.operation_id}: the generated function is renamed"
        at = position(new.raw, "operationId")
        changes.append(Change(Severity.BREAKING, "operation-id-changed", where, message, **at))
    for key in ("summary", "description"):
        if old.raw.get(key) != new.raw.get(key):
            at = position(new.raw, key)
            changes.append(Change(Severity.INFO, "description-changed", where, f"{key} edited", **at))
    if bool(old.raw.get("deprecated")) != bool(new.raw.get("deprecated")):
        message = "deprecated" if new.raw.get("deprecated") else "no longer deprecated"
        at = position(new.raw, "deprecated") if "deprecated" in new.raw else position(new.raw)
        changes.append(Change(Severity.INFO, "deprecation-changed", where, message, **at))
    changes.extend(_extensions(old.raw, new.raw, where))
    changes.extend(_paging(old, new, where))
    changes.extend(_parameters(old, new, where))
    changes.extend(_request_body(old_spec, new_spec, old, new, where))
    changes.extend(_responses(old, new, where))
    changes.extend(_security(old_spec, new_spec, old, new, where))
    return changes


def _paging(old: Operation, new: Operation, where: str) -> list[Change]:
    before = old.raw.get(spec_module.PAGING_EXTENSION)
    after = new.raw.get(spec_module.PAGING_EXTENSION)
    at = f"{where}: {spec_module.PAGING_EXTENSION}"
    if before == after:
        return []
    if before is None:
        pos = position(new.raw, spec_module.PAGING_EXTENSION)
        return [
            Change(Severity.BREAKING, "paging-added", at, "the operation is now paged", None, after, **pos)
        ]
    if after is None:
        message = "the operation is no longer paged"
        return [Change(Severity.BREAKING, "paging-removed", at, message, before, None, **position(new.raw))]
    changes = []
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            message = f"{key} {before.get(key)!r} -> {after.get(key)!r}"
            pos = position(after, key) if key in after else position(after)
            old_value, new_value = before.get(key), after.get(key)
            changes.append(
                Change(
                    Severity.BREAKING, "paging-changed", f"{at}.{key}", message, old_value, new_value, **pos
                )
            )
    return changes


def _extensions(old: Mapping[str, Any], new: Mapping[str, Any], where: str) -> list[Change]:
    """Vendor extensions of an operation other than paging: platform limits warn, the rest inform."""
    changes = []
    for key in sorted(k for k in set(old) | set(new) if isinstance(k, str) and k.startswith("x-")):
        if key in _OWN_EXTENSIONS or old.get(key) == new.get(key):
            continue
        at = position(new, key) if key in new else position(new)
        if key == spec_module.LIMITS_EXTENSION:
            message = f"{key} {old.get(key)!r} -> {new.get(key)!r}"
            changes.append(
                Change(Severity.WARNING, "platform-limits-changed", f"{where}: {key}", message, **at)
            )
        else:
            changes.append(
                Change(Severity.INFO, "extension-changed", f"{where}: {key}", f"{key} edited", **at)
            )
    return changes


def _parameter_key(param: Parameter, renames: Mapping[str, str]) -> tuple[str, str]:
    if param.location == "header":
        return param.location, param.name.lower()
    if param.location == "path":
        return param.location, renames.get(param.name, param.name)
    return param.location, param.name


def _node(param: Parameter) -> Any:
    return getattr(param, "node", None)


def _parameters(old: Operation, new: Operation, where: str) -> list[Change]:
    # A path parameter is known by its place in the path, not by its name.
    renames = dict(zip(_PATH_PARAMETER.findall(old.path), _PATH_PARAMETER.findall(new.path), strict=False))
    old_params = {_parameter_key(p, renames): p for p in old.parameters}
    new_params = {_parameter_key(p, {}): p for p in new.parameters}
    list_at = position(new.raw, "parameters") if "parameters" in new.raw else position(new.raw)
    removed = {key: p for key, p in old_params.items() if key not in new_params}
    added = {key: p for key, p in new_params.items() if key not in old_params}
    moved: dict[tuple[str, str], tuple[str, str]] = {}
    for location in sorted({key[0] for key in removed}):
        pairs = pair_renames(
            {key[1]: _wire(p) for key, p in removed.items() if key[0] == location},
            {key[1]: _wire(p) for key, p in added.items() if key[0] == location},
        )
        moved.update({(location, a): (location, b) for a, b in pairs.items()})
    changes = []
    for key, param in removed.items():
        at = f"{where}: {param.location} {param.name}"
        if key in moved:
            renamed = added[moved[key]]
            message = f"parameter {param.name} renamed to {renamed.name} (same schema)"
            changes.append(
                Change(Severity.BREAKING, "parameter-renamed", at, message, **position(_node(renamed)))
            )
            continue
        kind, message = deprecation.removal(
            _node(param), "parameter-removed", f"parameter {param.name} removed"
        )
        severity = Severity.BREAKING if kind == "parameter-removed" else Severity.WARNING
        changes.append(Change(severity, kind, at, message, **list_at))
    for key, param in old_params.items():
        if key in new_params:
            target = new_params[key]
            changes.extend(_parameter(param, target, f"{where}: {param.location} {target.name}"))
    for key, param in added.items():
        if key in moved.values():
            continue
        at = f"{where}: {param.location} {param.name}"
        pos = position(_node(param))
        if param.required:
            message = f"required parameter {param.name} added"
            changes.append(Change(Severity.BREAKING, "parameter-added-required", at, message, **pos))
        else:
            message = f"optional parameter {param.name} added"
            changes.append(Change(Severity.INFO, "parameter-added-optional", at, message, **pos))
    return changes


def _wire(param: Parameter) -> dict[str, Any]:
    """What a parameter's rename must keep: its schema, whether it is required, its JSON-text schema."""
    return {"schema": param.schema, "required": param.required, "json": param.json_schema}


def _parameter(old: Parameter, new: Parameter, at: str) -> list[Change]:
    node = _node(new)
    changes = []
    if old.name != new.name:
        message = f"renamed from {old.name}"
        changes.append(Change(Severity.INFO, "path-parameter-renamed", at, message, **position(node, "name")))
    if not old.required and new.required:
        message = f"{new.name} is now required"
        changes.append(
            Change(Severity.BREAKING, "parameter-made-required", at, message, **position(node, "required"))
        )
    if old.required and not new.required:
        pos = position(node, "required") if node and "required" in node else position(node)
        changes.append(
            Change(Severity.INFO, "parameter-made-optional", at, f"{new.name} is now optional", **pos)
        )
    if old.description != new.description:
        pos = position(node, "description")
        changes.append(Change(Severity.INFO, "description-changed", at, "description edited", **pos))
    if bool((_node(old) or {}).get("deprecated")) != bool((node or {}).get("deprecated")):
        message = "deprecated" if (node or {}).get("deprecated") else "no longer deprecated"
        changes.append(Change(Severity.INFO, "deprecation-changed", at, message, **position(node)))
    changes.extend(_extensions(_node(old) or {}, node or {}, at))
    changes.extend(diff_schema(old.schema, new.schema, f"{at}: schema", Side.REQUEST))
    if old.json_schema != new.json_schema:
        pos = position(node, spec_module.JSON_SCHEMA_EXTENSION) or position(node)
        if old.json_schema is None:
            message = f"{spec_module.JSON_SCHEMA_EXTENSION} added"
            changes.append(Change(Severity.BREAKING, "json-schema-added", at, message, **pos))
        elif new.json_schema is None:
            message = f"{spec_module.JSON_SCHEMA_EXTENSION} removed"
            changes.append(Change(Severity.INFO, "json-schema-removed", at, message, **pos))
        else:
            changes.extend(diff_schema(old.json_schema, new.json_schema, f"{at}: JSON text", Side.REQUEST))
    return changes


def _request_body(old_spec: Spec, new_spec: Spec, old: Operation, new: Operation, where: str) -> list[Change]:
    before = flatten(old.raw.get("requestBody")) or {}
    after = flatten(new.raw.get("requestBody")) or {}
    at = f"{where}: request body"
    if not before and not after:
        return []
    if not after:
        message = "the request body was removed"
        return [Change(Severity.BREAKING, "request-body-removed", at, message, **position(new.raw))]
    if not before:
        if after.get("required"):
            message = "a required body was added"
            return [Change(Severity.BREAKING, "request-body-added-required", at, message, **position(after))]
        message = "an optional body was added"
        return [Change(Severity.INFO, "request-body-added-optional", at, message, **position(after))]
    changes = []
    if not before.get("required") and after.get("required"):
        message = "the body is now required"
        pos = position(after, "required")
        changes.append(Change(Severity.BREAKING, "request-body-made-required", at, message, **pos))
    if before.get("required") and not after.get("required"):
        message = "the body is now optional"
        pos = position(after, "required") if "required" in after else position(after)
        changes.append(Change(Severity.INFO, "request-body-made-optional", at, message, **pos))
    if before.get("description") != after.get("description"):
        pos = position(after, "description") if "description" in after else position(after)
        changes.append(Change(Severity.INFO, "description-changed", at, "description edited", **pos))
    changes.extend(_content(before.get("content", {}), after.get("content", {}), at, Side.REQUEST))
    return changes


def _content(before: Mapping[str, Any], after: Mapping[str, Any], at: str, side: Side) -> list[Change]:
    changes = []
    for media in before:
        if media not in after:
            pos = position(after)
            changes.append(
                Change(Severity.BREAKING, "media-type-removed", f"{at} {media}", f"{media} removed", **pos)
            )
    for media in after:
        if media not in before:
            severity = Severity.INFO if side is Side.REQUEST else Severity.WARNING
            kind = side_kind(side, "media-type-added")
            changes.append(
                Change(severity, kind, f"{at} {media}", f"{media} added", **position(after, media))
            )
            continue
        old_media, new_media = before[media] or {}, after[media] or {}
        changes.extend(
            diff_schema(old_media.get("schema", {}), new_media.get("schema", {}), f"{at} {media}", side)
        )
        if (old_media.get("example"), old_media.get("examples")) != (
            new_media.get("example"),
            new_media.get("examples"),
        ):
            pos = position(new_media)
            changes.append(
                Change(Severity.INFO, "example-changed", f"{at} {media}", "examples edited", **pos)
            )
    return changes


def _responses(old: Operation, new: Operation, where: str) -> list[Change]:
    changes = []
    for code in old.responses:
        if code not in new.responses:
            message = f"status {code} is no longer documented"
            pos = position(new.raw, "responses")
            changes.append(
                Change(Severity.BREAKING, "response-status-removed", f"{where}: {code}", message, **pos)
            )
    for code in new.responses:
        at = f"{where}: {code}"
        if code not in old.responses:
            message = f"status {code} added; clients may not handle it"
            pos = position(new.responses, code)
            changes.append(Change(Severity.WARNING, "response-status-added", at, message, **pos))
            continue
        before, after = old.responses[code], new.responses[code]
        if before.get("description") != after.get("description"):
            pos = position(after, "description")
            changes.append(Change(Severity.INFO, "description-changed", at, "description edited", **pos))
        changes.extend(_extensions(before, after, at))
        changes.extend(_headers(before.get("headers") or {}, after.get("headers") or {}, at))
        changes.extend(
            _content(before.get("content") or {}, after.get("content") or {}, f"{at} body", Side.RESPONSE)
        )
        if before.get("links") != after.get("links"):
            pos = position(after, "links") if "links" in after else position(after)
            changes.append(Change(Severity.INFO, "links-changed", at, "links edited", **pos))
    return changes


def _headers(before: Mapping[str, Any], after: Mapping[str, Any], at: str) -> list[Change]:
    old_headers = {name.lower(): (name, value) for name, value in before.items()}
    new_headers = {name.lower(): (name, value) for name, value in after.items()}
    changes = []
    for key, (name, value) in old_headers.items():
        where = f"{at} header {name}"
        if key not in new_headers:
            message = f"header {name} removed"
            changes.append(
                Change(Severity.BREAKING, "response-header-removed", where, message, **position(after))
            )
            continue
        new_value = new_headers[key][1]
        changes.extend(
            diff_schema(value.get("schema", {}), new_value.get("schema", {}), where, Side.RESPONSE)
        )
    for key, (name, _) in new_headers.items():
        if key not in old_headers:
            where = f"{at} header {name}"
            message = f"header {name} added"
            changes.append(
                Change(Severity.INFO, "response-header-added", where, message, **position(after, name))
            )
    return changes


def _requirements(document: Spec, op: Operation) -> set[frozenset[tuple[str, tuple[str, ...]]]]:
    """The security alternatives of an operation: each a set of (scheme, scopes)."""
    raw = op.raw.get("security", document.raw.get("security", []))
    return {frozenset((name, tuple(scopes)) for name, scopes in alt.items()) for alt in raw or []}


def _security(old_spec: Spec, new_spec: Spec, old: Operation, new: Operation, where: str) -> list[Change]:
    before, after = _requirements(old_spec, old), _requirements(new_spec, new)
    at = f"{where}: security"
    pos = position(new.raw, "security") if "security" in new.raw else position(new_spec.raw, "security")
    changes = []
    anonymous = frozenset[tuple[str, tuple[str, ...]]]()
    open_after = not after or anonymous in after
    if before and not open_after:
        for alt in sorted(before - after, key=sorted):
            names = "+".join(sorted(name for name, _ in alt)) or "anonymous"
            message = f"{names} is no longer accepted"
            changes.append(Change(Severity.BREAKING, "security-removed", at, message, **pos))
    if (not before) and after and not open_after:
        message = "the operation now requires credentials"
        changes.append(Change(Severity.BREAKING, "security-added", at, message, **pos))
    for alt in sorted(after - before, key=sorted):
        names = "+".join(sorted(name for name, _ in alt)) or "anonymous"
        message = f"{names} is now accepted"
        changes.append(Change(Severity.INFO, "security-alternative-added", at, message, **pos))
    old_schemes = old_spec.raw.get("components", {}).get("securitySchemes", {})
    new_schemes = new_spec.raw.get("components", {}).get("securitySchemes", {})
    for name in sorted({name for alt in before & after for name, _ in alt}):
        fields = ("type", "in", "name", "scheme", "bearerFormat")
        if any(old_schemes.get(name, {}).get(f) != new_schemes.get(name, {}).get(f) for f in fields):
            message = f"security scheme {name} is sent differently"
            scheme_at = position(new_schemes, name)
            changes.append(Change(Severity.BREAKING, "security-scheme-changed", at, message, **scheme_at))
    return changes
