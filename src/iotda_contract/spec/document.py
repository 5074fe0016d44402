"""Read the OpenAPI document: the bundled one (package data) or another, into the model."""

from __future__ import annotations

import atexit
import contextlib
import copy
from collections.abc import Mapping
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from iotda_contract.spec import extensions
from iotda_contract.spec.extensions import JSON_SCHEMA_EXTENSION
from iotda_contract.spec.model import Operation, Parameter, Spec
from iotda_contract.spec.refs import SpecError, flatten

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
    if "operationId" not in data:
        raise SpecError(f"{method.upper()} {api_path} has no operationId")
    return Operation(
        operation_id=data["operationId"],
        method=method.upper(),
        path=api_path,
        parameters=tuple(by_key.values()),
        responses=flatten(raw, data.get("responses", {})),
        request_body_schema=body_schema,
        paging=extensions.paging(data),
        raw=data,
    )
