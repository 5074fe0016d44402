"""The spec: the only reader of the OpenAPI document.

``document`` reads it (the bundled copy is package data, read through ``importlib.resources``); ``model``
is what it says (operations, parameters, schemas); ``refs`` resolves its ``$ref`` and pointers;
``extensions`` reads the vendor extensions (paging, platform limits, JSON text parameters); ``keywords``
enforces the schema keywords (the mock's validator and, copied by the generator, the client's checks);
``decisions`` reads the contract's decisions and gives the views with some of them set aside.
"""

from __future__ import annotations

from functools import cache

from iotda_contract.spec import keywords
from iotda_contract.spec.document import BUNDLED_SPEC, DEFAULT_SPEC_PATH, bundled_spec, from_document, load
from iotda_contract.spec.extensions import (
    JSON_SCHEMA_EXTENSION,
    LIMITS_EXTENSION,
    PAGING_EXTENSION,
    DownloadLimits,
    Paging,
    PlatformLimits,
)
from iotda_contract.spec.model import Operation, Parameter, Schema, Spec
from iotda_contract.spec.refs import SpecError, flatten, json_pointer_get, resolve_ref

#: A schema ``pattern`` compiled with JSON Schema's (ECMA-262) meaning: the one keyword module's, cached.
pattern_regex = cache(keywords.pattern_regex)

__all__ = [
    "BUNDLED_SPEC",
    "DEFAULT_SPEC_PATH",
    "JSON_SCHEMA_EXTENSION",
    "LIMITS_EXTENSION",
    "PAGING_EXTENSION",
    "DownloadLimits",
    "Operation",
    "Paging",
    "Parameter",
    "PlatformLimits",
    "Schema",
    "Spec",
    "SpecError",
    "bundled_spec",
    "flatten",
    "from_document",
    "json_pointer_get",
    "load",
    "pattern_regex",
    "resolve_ref",
]
