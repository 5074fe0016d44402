"""The document's model: its operations, their parameters, the whole spec (every local ``$ref`` resolved)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iotda_contract.spec import extensions
from iotda_contract.spec.extensions import DownloadLimits, Paging, PlatformLimits
from iotda_contract.spec.refs import SpecError, flatten

Schema = dict[str, Any]


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
        return extensions.platform_limits(self.raw)

    @property
    def download_limits(self) -> DownloadLimits | None:
        """The platform's download rate on this (file) operation, when the spec states it."""
        return extensions.download_limits(self.raw)


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
