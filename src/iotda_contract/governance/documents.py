"""Read a spec spread over files: YAML read with line numbers, every ``$ref`` followed with ``referencing``.

Each mapping read keeps the file and line it came from (``Node``), and keeps them when its ``$ref``s are
inlined and its ``allOf`` merged, so a change found anywhere is reported at its own file and line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin

import referencing
import referencing.exceptions
import yaml
from referencing._core import Resolver

from iotda_contract import spec as spec_module

_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


class DocumentError(ValueError):
    """A document cannot be read: unreadable or invalid YAML, a ``$ref`` to nothing, a cycle of ``$ref``s."""


class Node(dict[Any, Any]):
    """A mapping read from YAML with the file and 1-based line of itself and of each of its keys."""

    file: str
    line: int
    key_pos: dict[Any, tuple[str, int]]

    def __init__(self, file: str = "", line: int = 0) -> None:
        super().__init__()
        self.file, self.line, self.key_pos = file, line, {}


def position(node: Any, key: Any = None) -> dict[str, Any]:
    """``file`` and ``line`` of ``node[key]`` (or of ``node``), as keyword arguments of ``Change``."""
    if not isinstance(node, Node):
        return {}
    file, line = node.key_pos.get(key, (node.file, node.line)) if key is not None else (node.file, node.line)
    return {"file": file, "line": line}


@dataclass(frozen=True)
class Store:
    """Where documents come from: ``read`` gives the bytes of a URI, ``name`` how to show it to people."""

    read: Callable[[str], bytes]
    name: Callable[[str], str]


class _Loader(yaml.SafeLoader):
    file = ""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Iterator[Node]:
    data = Node(loader.file, node.start_mark.line + 1)
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_pos[key] = (loader.file, key_node.start_mark.line + 1)


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def parse(text: str, file: str) -> Any:
    """A YAML (or JSON) document whose mappings are ``Node``s naming ``file``."""
    loader = _Loader(text)
    loader.file = file
    try:
        return loader.get_single_data()
    except yaml.YAMLError as err:
        raise DocumentError(f"{file}: not valid YAML: {_one_line(str(err))}") from err
    finally:
        loader.dispose()


def load(root_uri: str, store: Store) -> spec_module.Spec:
    """The spec at ``root_uri`` with every ``$ref``, local or to another file, inlined."""
    parsed: dict[str, Any] = {}

    def retrieve(uri: str) -> referencing.Resource[Any]:
        if uri not in parsed:
            try:
                text = store.read(uri).decode("utf-8")
            except (OSError, UnicodeDecodeError, DocumentError) as err:
                raise DocumentError(f"cannot read {store.name(uri)}: {_reason(err)}") from err
            parsed[uri] = parse(text, store.name(uri))
        return referencing.Resource.opaque(parsed[uri])

    resolver = referencing.Registry(retrieve=retrieve).resolver(base_uri=root_uri)  # type: ignore[call-arg]
    try:
        root = resolver.lookup(root_uri)
    except referencing.exceptions.Unresolvable as err:
        raise DocumentError(_cause(err, store.name(root_uri))) from err
    raw = _Inliner(store).inline(root.contents, root_uri, root.resolver, ())
    return to_spec(raw, store.name(root_uri))


class _Inliner:
    """Replace every ``{$ref: ...}`` by (a copy of) what it points to, each target inlined once."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._done: dict[str, Any] = {}

    def inline(self, node: Any, base: str, resolver: Resolver[Any], stack: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [self.inline(item, base, resolver, stack) for item in node]
        if not isinstance(node, Mapping):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str):
            return self._follow(node, ref, base, resolver, stack)
        copy = _like(node)
        for key, value in node.items():
            copy[key] = value if key in ("example", "examples") else self.inline(value, base, resolver, stack)
        return copy

    def _follow(
        self,
        node: Mapping[str, Any],
        ref: str,
        base: str,
        resolver: Resolver[Any],
        stack: tuple[str, ...],
    ) -> Any:
        target = urljoin(base, ref)
        if target in stack:
            cycle = " -> ".join(self._show(uri) for uri in (*stack[stack.index(target) :], target))
            raise DocumentError(f"circular $ref: {cycle}")
        if target in self._done:
            return self._done[target]
        where = position(node)
        at = f"{where['file']}:{where['line']}" if where else self._show(base)
        try:
            resolved = resolver.lookup(ref)
        except referencing.exceptions.Unresolvable as err:
            raise DocumentError(f"{at}: $ref {ref!r}: {_cause(err, self._show(target))}") from err
        result = self.inline(resolved.contents, urldefrag(target).url, resolved.resolver, (*stack, target))
        self._done[target] = result
        return result

    def _show(self, uri: str) -> str:
        url, fragment = urldefrag(uri)
        return self._store.name(url) + (f"#{fragment}" if fragment else "")


def _like(node: Mapping[Any, Any]) -> Node:
    if isinstance(node, Node):
        copy = Node(node.file, node.line)
        copy.key_pos = dict(node.key_pos)
        return copy
    return Node()


def flatten(node: Any) -> Any:
    """Merge ``allOf`` lists into one schema (references are already inlined), keeping every position."""
    if isinstance(node, list):
        return [flatten(item) for item in node]
    if not isinstance(node, Mapping):
        return node
    result = _like(node)
    for part in node.get("allOf", []):
        merged = flatten(part)
        result.update(merged)
        if isinstance(merged, Node):
            result.key_pos.update(merged.key_pos)
    for key, value in node.items():
        if key == "allOf":
            continue
        result[key] = value if key in ("example", "examples") else flatten(value)
        if isinstance(node, Node) and key in node.key_pos:
            result.key_pos[key] = node.key_pos[key]
    return result


@dataclass(frozen=True)
class LocatedParameter(spec_module.Parameter):
    """A parameter with the (flattened) mapping that declares it, for its position and flags."""

    node: Any = None


def to_spec(raw: Any, name: str) -> spec_module.Spec:
    """The operations of an inlined document, flattened by ``flatten`` so positions survive."""
    if not isinstance(raw, Mapping) or not isinstance(raw.get("paths"), Mapping):
        raise DocumentError(f"{name} is not an OpenAPI document")
    operations: dict[str, spec_module.Operation] = {}
    for api_path, item in raw["paths"].items():
        for method in _METHODS:
            if isinstance(item, Mapping) and isinstance(item.get(method), Mapping):
                op = _operation(api_path, method, item[method], item.get("parameters") or [], name)
                operations[op.operation_id] = op
    return spec_module.Spec(path=Path(name), raw=raw, operations=operations)


def _operation(
    api_path: str, method: str, data: Mapping[str, Any], shared: list[Any], name: str
) -> spec_module.Operation:
    by_key: dict[tuple[str, str], LocatedParameter] = {}
    for param_node in [*shared, *(data.get("parameters") or [])]:
        param = flatten(param_node)
        try:
            by_key[(param["in"], param["name"])] = LocatedParameter(
                name=param["name"],
                location=param["in"],
                required=bool(param.get("required", False)),
                schema=param.get("schema") or Node(),
                description=param.get("description", ""),
                json_schema=param.get(spec_module.JSON_SCHEMA_EXTENSION),
                node=param,
            )
        except (KeyError, TypeError) as err:
            raise DocumentError(f"{name}: {method.upper()} {api_path}: a parameter lacks name or in") from err
    if "operationId" not in data:
        raise DocumentError(f"{name}: {method.upper()} {api_path} has no operationId")
    return spec_module.Operation(
        operation_id=data["operationId"],
        method=method.upper(),
        path=api_path,
        parameters=tuple(by_key.values()),
        responses=flatten(data.get("responses") or Node()),
        raw=data,
    )


def _cause(err: BaseException, target: str) -> str:
    if isinstance(err, referencing.exceptions.PointerToNowhere):
        return f"{target} has nothing there"
    cause = err.__cause__
    while cause is not None and not isinstance(cause, DocumentError) and cause.__cause__ is not None:
        cause = cause.__cause__
    if isinstance(cause, DocumentError):
        return str(cause)
    return f"cannot resolve {target}" + (f": {_reason(cause)}" if cause else "")


def _reason(err: BaseException) -> str:
    if isinstance(err, OSError) and err.strerror:
        return err.strerror
    return _one_line(str(err))


def _one_line(text: str) -> str:
    return " ".join(text.split())
