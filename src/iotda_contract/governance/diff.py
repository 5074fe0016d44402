"""The breaking-change gate: every difference between two versions of the spec, with its severity."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from iotda_contract import spec as spec_module
from iotda_contract.governance.changes import Change, Severity, Side
from iotda_contract.governance.schema_diff import diff_schema
from iotda_contract.spec import Operation, Parameter, Spec

_PATH_PARAMETER = re.compile(r"\{([^}]+)\}")


def diff_specs(old: Spec, new: Spec) -> list[Change]:
    """Every change from ``old`` to ``new``, breaking ones first."""
    changes: list[Change] = [*_info(old.raw, new.raw)]
    old_ops = {_operation_key(op): op for op in old.operations.values()}
    new_ops = {_operation_key(op): op for op in new.operations.values()}
    for key, op in old_ops.items():
        if key not in new_ops:
            message = f"operation {op.operation_id} removed"
            changes.append(Change(Severity.BREAKING, "operation-removed", _label(op), message))
    for key, op in new_ops.items():
        if key not in old_ops:
            changes.append(
                Change(Severity.INFO, "operation-added", _label(op), f"operation {op.operation_id} added")
            )
    for key, op in old_ops.items():
        if key in new_ops:
            changes.extend(_operation(old, new, op, new_ops[key]))
    return sorted(_unique(changes), key=lambda c: (c.severity.rank, c.location, c.kind))


def is_breaking(changes: Iterable[Change], fail_on: Severity = Severity.BREAKING) -> bool:
    """Whether any change is at least as severe as ``fail_on``."""
    return any(change.severity.rank <= fail_on.rank for change in changes)


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
            changes.append(
                Change(Severity.INFO, "info-changed", f"info.{key}", f"info.{key} edited", before, after)
            )
    if old.get("servers") != new.get("servers"):
        changes.append(Change(Severity.INFO, "servers-changed", "servers", "servers edited"))
    return changes


def _operation(old_spec: Spec, new_spec: Spec, old: Operation, new: Operation) -> list[Change]:
    where = _label(new)
    changes: list[Change] = []
    if old.operation_id != new.operation_id:
        message = f"operationId {old.operation_id} -> {new.operation_id}: the generated function is renamed"
        changes.append(Change(Severity.BREAKING, "operation-id-changed", where, message))
    for key in ("summary", "description"):
        if old.raw.get(key) != new.raw.get(key):
            changes.append(Change(Severity.INFO, "description-changed", where, f"{key} edited"))
    if bool(old.raw.get("deprecated")) != bool(new.raw.get("deprecated")):
        changes.append(Change(Severity.INFO, "deprecation-changed", where, "deprecated flag changed"))
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
        return [Change(Severity.BREAKING, "paging-added", at, "the operation is now paged", None, after)]
    if after is None:
        return [
            Change(Severity.BREAKING, "paging-removed", at, "the operation is no longer paged", before, None)
        ]
    changes = []
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            message = f"{key} {before.get(key)!r} -> {after.get(key)!r}"
            changes.append(
                Change(
                    Severity.BREAKING,
                    "paging-changed",
                    f"{at}.{key}",
                    message,
                    before.get(key),
                    after.get(key),
                )
            )
    return changes


def _parameter_key(param: Parameter, renames: Mapping[str, str]) -> tuple[str, str]:
    if param.location == "header":
        return param.location, param.name.lower()
    if param.location == "path":
        return param.location, renames.get(param.name, param.name)
    return param.location, param.name


def _parameters(old: Operation, new: Operation, where: str) -> list[Change]:
    # A path parameter is known by its place in the path, not by its name.
    renames = dict(zip(_PATH_PARAMETER.findall(old.path), _PATH_PARAMETER.findall(new.path), strict=False))
    old_params = {_parameter_key(p, renames): p for p in old.parameters}
    new_params = {_parameter_key(p, {}): p for p in new.parameters}
    changes = []
    for key, param in old_params.items():
        at = f"{where}: {param.location} {param.name}"
        if key not in new_params:
            changes.append(
                Change(Severity.BREAKING, "parameter-removed", at, f"parameter {param.name} removed")
            )
            continue
        changes.extend(
            _parameter(param, new_params[key], f"{where}: {param.location} {new_params[key].name}")
        )
    for key, param in new_params.items():
        if key in old_params:
            continue
        at = f"{where}: {param.location} {param.name}"
        if param.required:
            changes.append(
                Change(
                    Severity.BREAKING,
                    "parameter-added-required",
                    at,
                    f"required parameter {param.name} added",
                )
            )
        else:
            changes.append(
                Change(
                    Severity.INFO, "parameter-added-optional", at, f"optional parameter {param.name} added"
                )
            )
    return changes


def _parameter(old: Parameter, new: Parameter, at: str) -> list[Change]:
    changes = []
    if old.name != new.name:
        changes.append(Change(Severity.INFO, "path-parameter-renamed", at, f"renamed from {old.name}"))
    if not old.required and new.required:
        changes.append(
            Change(Severity.BREAKING, "parameter-made-required", at, f"{new.name} is now required")
        )
    if old.required and not new.required:
        changes.append(Change(Severity.INFO, "parameter-made-optional", at, f"{new.name} is now optional"))
    if old.description != new.description:
        changes.append(Change(Severity.INFO, "description-changed", at, "description edited"))
    changes.extend(diff_schema(old.schema, new.schema, f"{at}: schema", Side.REQUEST))
    if old.json_schema != new.json_schema:
        if old.json_schema is None or new.json_schema is None:
            message = (
                f"{spec_module.JSON_SCHEMA_EXTENSION} {'added' if old.json_schema is None else 'removed'}"
            )
            severity = Severity.BREAKING if old.json_schema is None else Severity.INFO
            changes.append(Change(severity, "json-schema-changed", at, message))
        else:
            changes.extend(diff_schema(old.json_schema, new.json_schema, f"{at}: JSON text", Side.REQUEST))
    return changes


def _request_body(old_spec: Spec, new_spec: Spec, old: Operation, new: Operation, where: str) -> list[Change]:
    before = spec_module.flatten(old_spec.raw, old.raw.get("requestBody")) or {}
    after = spec_module.flatten(new_spec.raw, new.raw.get("requestBody")) or {}
    at = f"{where}: request body"
    if not before and not after:
        return []
    if not after:
        return [Change(Severity.BREAKING, "request-body-removed", at, "the request body was removed")]
    if not before:
        if after.get("required"):
            return [Change(Severity.BREAKING, "request-body-added-required", at, "a required body was added")]
        return [Change(Severity.INFO, "request-body-added-optional", at, "an optional body was added")]
    changes = []
    if not before.get("required") and after.get("required"):
        changes.append(
            Change(Severity.BREAKING, "request-body-made-required", at, "the body is now required")
        )
    if before.get("description") != after.get("description"):
        changes.append(Change(Severity.INFO, "description-changed", at, "description edited"))
    changes.extend(_content(before.get("content", {}), after.get("content", {}), at, Side.REQUEST))
    return changes


def _content(before: Mapping[str, Any], after: Mapping[str, Any], at: str, side: Side) -> list[Change]:
    changes = []
    for media in before:
        if media not in after:
            changes.append(
                Change(Severity.BREAKING, "media-type-removed", f"{at} {media}", f"{media} removed")
            )
    for media in after:
        if media not in before:
            severity = Severity.INFO if side is Side.REQUEST else Severity.WARNING
            changes.append(Change(severity, "media-type-added", f"{at} {media}", f"{media} added"))
            continue
        old_media, new_media = before[media] or {}, after[media] or {}
        changes.extend(
            diff_schema(old_media.get("schema", {}), new_media.get("schema", {}), f"{at} {media}", side)
        )
        if (old_media.get("example"), old_media.get("examples")) != (
            new_media.get("example"),
            new_media.get("examples"),
        ):
            changes.append(Change(Severity.INFO, "example-changed", f"{at} {media}", "examples edited"))
    return changes


def _responses(old: Operation, new: Operation, where: str) -> list[Change]:
    changes = []
    for code in old.responses:
        if code not in new.responses:
            message = f"status {code} is no longer documented"
            changes.append(Change(Severity.BREAKING, "response-status-removed", f"{where}: {code}", message))
    for code in new.responses:
        at = f"{where}: {code}"
        if code not in old.responses:
            message = f"status {code} added; clients may not handle it"
            changes.append(Change(Severity.WARNING, "response-status-added", at, message))
            continue
        before, after = old.responses[code], new.responses[code]
        if before.get("description") != after.get("description"):
            changes.append(Change(Severity.INFO, "description-changed", at, "description edited"))
        changes.extend(_headers(before.get("headers") or {}, after.get("headers") or {}, at))
        changes.extend(
            _content(before.get("content") or {}, after.get("content") or {}, f"{at} body", Side.RESPONSE)
        )
        if before.get("links") != after.get("links"):
            changes.append(Change(Severity.INFO, "links-changed", at, "links edited"))
    return changes


def _headers(before: Mapping[str, Any], after: Mapping[str, Any], at: str) -> list[Change]:
    old_headers = {name.lower(): (name, value) for name, value in before.items()}
    new_headers = {name.lower(): (name, value) for name, value in after.items()}
    changes = []
    for key, (name, value) in old_headers.items():
        where = f"{at} header {name}"
        if key not in new_headers:
            changes.append(
                Change(Severity.BREAKING, "response-header-removed", where, f"header {name} removed")
            )
            continue
        new_value = new_headers[key][1]
        changes.extend(
            diff_schema(value.get("schema", {}), new_value.get("schema", {}), where, Side.RESPONSE)
        )
    for key, (name, _) in new_headers.items():
        if key not in old_headers:
            where = f"{at} header {name}"
            changes.append(Change(Severity.INFO, "response-header-added", where, f"header {name} added"))
    return changes


def _requirements(document: Spec, op: Operation) -> set[frozenset[tuple[str, tuple[str, ...]]]]:
    """The security alternatives of an operation: each a set of (scheme, scopes)."""
    raw = op.raw.get("security", document.raw.get("security", []))
    return {frozenset((name, tuple(scopes)) for name, scopes in alt.items()) for alt in raw or []}


def _security(old_spec: Spec, new_spec: Spec, old: Operation, new: Operation, where: str) -> list[Change]:
    before, after = _requirements(old_spec, old), _requirements(new_spec, new)
    at = f"{where}: security"
    changes = []
    anonymous = frozenset[tuple[str, tuple[str, ...]]]()
    open_after = not after or anonymous in after
    if before and not open_after:
        for alt in sorted(before - after, key=sorted):
            names = "+".join(sorted(name for name, _ in alt)) or "anonymous"
            changes.append(
                Change(Severity.BREAKING, "security-removed", at, f"{names} is no longer accepted")
            )
    if (not before) and after and not open_after:
        changes.append(
            Change(Severity.BREAKING, "security-added", at, "the operation now requires credentials")
        )
    for alt in sorted(after - before, key=sorted):
        names = "+".join(sorted(name for name, _ in alt)) or "anonymous"
        changes.append(Change(Severity.INFO, "security-alternative-added", at, f"{names} is now accepted"))
    old_schemes = old_spec.raw.get("components", {}).get("securitySchemes", {})
    new_schemes = new_spec.raw.get("components", {}).get("securitySchemes", {})
    for name in sorted({name for alt in before & after for name, _ in alt}):
        fields = ("type", "in", "name", "scheme", "bearerFormat")
        if any(old_schemes.get(name, {}).get(f) != new_schemes.get(name, {}).get(f) for f in fields):
            message = f"security scheme {name} is sent differently"
            changes.append(Change(Severity.BREAKING, "security-scheme-changed", at, message))
    return changes
