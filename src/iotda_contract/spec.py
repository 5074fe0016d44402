"""Load the OpenAPI document once and expose its operations with every local ``$ref`` resolved."""

from __future__ import annotations

import atexit
import contextlib
import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from iotda_contract import keywords

#: Where the spec lies inside the package, as ``importlib.resources`` names it. In the repository the file is
#: a relative symlink to ``openapi/iotda-export-tasks.yaml``, the one copy; a wheel holds the file itself.
BUNDLED_SPEC = ("openapi", "iotda-export-tasks.yaml")


def bundled_spec() -> Traversable:
    """The spec shipped with the package: the single source of truth."""
    return resources.files("iotda_contract").joinpath(*BUNDLED_SPEC)


def _bundled_spec_path() -> Path:
    """A file system path to the bundled spec; extracted for the process's lifetime from a zipped install."""
    resource = bundled_spec()
    if isinstance(resource, Path):
        return resource
    stack = contextlib.ExitStack()
    atexit.register(stack.close)
    return stack.enter_context(resources.as_file(resource))


#: The bundled spec as a path (the default of every ``--spec``), inside the installed package.
DEFAULT_SPEC_PATH: Path = _bundled_spec_path()

#: The vendor extension that declares marker paging on a list operation.
PAGING_EXTENSION = "x-iotda-paging"
#: The vendor extension on a create operation that states the platform's caps on creates.
LIMITS_EXTENSION = "x-iotda-platform-limits"
#: The vendor extension that names the JSON schema of a parameter carried as JSON text.
JSON_SCHEMA_EXTENSION = "x-iotda-json-schema"

Schema = dict[str, Any]


class SpecError(ValueError):
    """The document cannot be read as this project needs it (bad ``$ref``, missing piece)."""


@dataclass(frozen=True)
class Parameter:
    """One parameter of an operation, its schema flattened (``$ref`` and single ``allOf`` merged)."""

    name: str
    location: str  # "path" | "query" | "header"
    required: bool
    schema: Schema
    description: str = ""
    #: For a string parameter that carries JSON text: the schema its decoded value must satisfy.
    json_schema: Schema | None = None

    @property
    def default(self) -> Any:
        return self.schema.get("default")


@dataclass(frozen=True)
class Paging:
    """The ``x-iotda-paging`` extension of a list operation."""

    marker_parameter: str
    limit_parameter: str
    offset_parameter: str | None
    items_pointer: str
    next_marker_pointer: str
    count_pointer: str | None
    order: str
    #: The field of an item that identifies it (``itemKey``); the fields that never change (``stableFields``).
    item_key: str | None = None
    stable_fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlatformLimits:
    """``x-iotda-platform-limits``: tasks kept per project, unfinished tasks allowed, the busy answer."""

    max_tasks: int
    max_unfinished: int
    busy_status: int
    busy_code: str


@dataclass(frozen=True)
class DownloadLimits:
    """``x-iotda-platform-limits`` of the download: one file per interval per user, and the answer beyond."""

    interval_seconds: float
    limited_status: int
    limited_code: str


@dataclass(frozen=True)
class Operation:
    """One operation of the document."""

    operation_id: str
    method: str
    path: str
    parameters: tuple[Parameter, ...]
    responses: Mapping[str, Any]
    request_body_schema: Schema | None = None
    paging: Paging | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)

    def parameter(self, name: str) -> Parameter:
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        raise KeyError(f"{self.operation_id} has no parameter {name!r}")

    def parameters_in(self, location: str) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == location)

    @property
    def limits(self) -> PlatformLimits | None:
        """The platform's caps on this (create) operation, when the spec states them."""
        raw = self.raw.get(LIMITS_EXTENSION)
        if raw is None or ("maxTasks" not in raw and "downloadIntervalSeconds" in raw):
            return None  # none stated, or the download's limits (download_limits)
        try:
            return PlatformLimits(int(raw["maxTasks"]), int(raw["maxUnfinished"]), int(raw["busyStatus"]),
                                  str(raw["busyCode"]))  # fmt: skip
        except (KeyError, TypeError, ValueError) as err:
            raise SpecError(
                f"{LIMITS_EXTENSION} needs maxTasks, maxUnfinished, busyStatus, busyCode"
            ) from err

    @property
    def download_limits(self) -> DownloadLimits | None:
        """The platform's download rate on this (file) operation, when the spec states it."""
        raw = self.raw.get(LIMITS_EXTENSION)
        if raw is None or "downloadIntervalSeconds" not in raw:
            return None
        try:
            return DownloadLimits(float(raw["downloadIntervalSeconds"]), int(raw["limitedStatus"]),
                                  str(raw["limitedCode"]))  # fmt: skip
        except (KeyError, TypeError, ValueError) as err:
            raise SpecError(
                f"{LIMITS_EXTENSION} of a download needs downloadIntervalSeconds, limitedStatus, limitedCode"
            ) from err


@dataclass(frozen=True)
class Spec:
    """The whole document: raw (as written) and resolved operations."""

    path: Path
    raw: Mapping[str, Any]
    operations: Mapping[str, Operation]

    def operation(self, operation_id: str) -> Operation:
        try:
            return self.operations[operation_id]
        except KeyError:
            raise SpecError(f"the spec has no operation {operation_id!r}") from None

    def schema(self, name: str) -> Schema:
        """A component schema, fully resolved."""
        resolved: Schema = flatten(self.raw, {"$ref": f"#/components/schemas/{name}"})
        return resolved

    def paged_operations(self) -> list[Operation]:
        return [op for op in self.operations.values() if op.paging is not None]


def load(path: str | Path = DEFAULT_SPEC_PATH) -> Spec:
    """Read and resolve the document at ``path``."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise SpecError(f"cannot read spec {path}: {err}") from err
    return from_document(raw, path)


def from_document(raw: Any, path: Path) -> Spec:
    """Resolve an already parsed document (``path`` names where it came from)."""
    if not isinstance(raw, dict) or "paths" not in raw:
        raise SpecError(f"{path} is not an OpenAPI document")
    operations: dict[str, Operation] = {}
    for api_path, item in raw["paths"].items():
        shared = item.get("parameters", [])
        for method in ("get", "put", "post", "delete", "patch"):
            if method not in item:
                continue
            op = _operation(raw, api_path, method, item[method], shared)
            operations[op.operation_id] = op
    return Spec(path=path, raw=raw, operations=operations)


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


def _operation(
    raw: Mapping[str, Any],
    api_path: str,
    method: str,
    data: Mapping[str, Any],
    shared: list[Any],
) -> Operation:
    by_key: dict[tuple[str, str], Parameter] = {}
    for param_node in [*shared, *data.get("parameters", [])]:
        param = flatten(raw, param_node)
        json_schema = param.get(JSON_SCHEMA_EXTENSION)
        by_key[(param["in"], param["name"])] = Parameter(
            name=param["name"],
            location=param["in"],
            required=bool(param.get("required", False)),
            schema=copy.deepcopy(param.get("schema", {})),
            description=param.get("description", ""),
            json_schema=json_schema,
        )
    body = flatten(raw, data.get("requestBody", {}))
    body_schema = body.get("content", {}).get("application/json", {}).get("schema")
    paging_raw = data.get(PAGING_EXTENSION)
    paging = None
    if paging_raw is not None:
        paging = Paging(
            marker_parameter=paging_raw["markerParameter"],
            limit_parameter=paging_raw["limitParameter"],
            offset_parameter=paging_raw.get("offsetParameter"),
            items_pointer=paging_raw["itemsPointer"],
            next_marker_pointer=paging_raw["nextMarkerPointer"],
            count_pointer=paging_raw.get("countPointer"),
            order=paging_raw.get("order", "descending"),
            item_key=paging_raw.get("itemKey"),
            stable_fields=tuple(paging_raw.get("stableFields", ())),
        )
    if "operationId" not in data:
        raise SpecError(f"{method.upper()} {api_path} has no operationId")
    return Operation(
        operation_id=data["operationId"],
        method=method.upper(),
        path=api_path,
        parameters=tuple(by_key.values()),
        responses=flatten(raw, data.get("responses", {})),
        request_body_schema=body_schema,
        paging=paging,
        raw=data,
    )


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


#: A schema ``pattern`` compiled with JSON Schema's (ECMA-262) meaning: the one keyword module's, cached.
pattern_regex = cache(keywords.pattern_regex)
