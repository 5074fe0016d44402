"""JSON references in the document: local ``$ref`` resolution, ``allOf`` merging, RFC 6901 pointers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class SpecError(ValueError):
    """The document cannot be read as this project needs it (bad ``$ref``, missing piece)."""


def resolve_ref(document: Mapping[str, Any], ref: str) -> Any:
    """The object a local JSON reference (``#/a/b``) points to."""
    if not ref.startswith("#/"):
        raise SpecError(f"only local references are supported, not {ref!r}")
    node: Any = document
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        try:
            node = node[part]
        except (KeyError, TypeError):
            raise SpecError(f"unresolvable reference {ref!r}") from None
    return node


def flatten(document: Mapping[str, Any], node: Any) -> Any:
    """Resolve every ``$ref`` below ``node`` and merge ``allOf`` lists into one schema."""
    if isinstance(node, list):
        return [flatten(document, item) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return flatten(document, resolve_ref(document, node["$ref"]))
    result: dict[str, Any] = {}
    for part in node.get("allOf", []):
        result.update(flatten(document, part))
    for key, value in node.items():
        if key == "allOf":
            continue
        result[key] = flatten(document, value) if key not in ("example", "examples") else value
    return result


def json_pointer_get(document: Any, pointer: str) -> Any:
    """The value at an RFC 6901 pointer, or ``None`` when a step is missing."""
    node = document
    for part in pointer.lstrip("/").split("/") if pointer not in ("", "/") else []:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node
