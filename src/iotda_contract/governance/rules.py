"""The gate's rules: each kind of change has a stable id, one level and the category it belongs to."""

from __future__ import annotations

from dataclasses import dataclass

from iotda_contract.governance.changes import Severity

B, W, I = Severity.BREAKING, Severity.WARNING, Severity.INFO  # noqa: E741


@dataclass(frozen=True)
class Rule:
    """One kind of change: its id (the ``kind`` of every change it reports), level and category."""

    id: str
    level: Severity
    category: str
    summary: str


_TABLE: tuple[tuple[str, Severity, str, str], ...] = (
    # paths and operations
    ("operation-removed", B, "paths", "an operation (or its path) was removed"),
    (
        "deprecated-operation-removed",
        W,
        "paths",
        "an operation deprecated (or past its x-sunset) was removed",
    ),
    ("operation-added", I, "paths", "an operation was added"),
    ("operation-id-changed", B, "paths", "the operationId changed: generated functions are renamed"),
    ("deprecation-changed", I, "paths", "an operation or schema was deprecated or undeprecated"),
    ("platform-limits-changed", W, "paths", "x-iotda-platform-limits (caps on creates) changed"),
    # parameters
    ("parameter-removed", B, "parameters", "a parameter was removed"),
    ("deprecated-parameter-removed", W, "parameters", "a deprecated parameter was removed"),
    ("parameter-renamed", B, "parameters", "a parameter was removed and one with the same schema added"),
    ("parameter-added-required", B, "parameters", "a required parameter was added"),
    ("parameter-added-optional", I, "parameters", "an optional parameter was added"),
    ("parameter-made-required", B, "parameters", "a parameter became required"),
    ("parameter-made-optional", I, "parameters", "a parameter became optional"),
    ("path-parameter-renamed", I, "parameters", "a path parameter was renamed in the same place"),
    ("json-schema-added", B, "parameters", "a JSON-text parameter gained an x-iotda-json-schema"),
    ("json-schema-removed", I, "parameters", "a JSON-text parameter lost its x-iotda-json-schema"),
    # request bodies
    ("request-body-removed", B, "request bodies", "the request body was removed"),
    ("request-body-added-required", B, "request bodies", "a required request body was added"),
    ("request-body-added-optional", I, "request bodies", "an optional request body was added"),
    ("request-body-made-required", B, "request bodies", "the request body became required"),
    ("request-body-made-optional", I, "request bodies", "the request body became optional"),
    ("request-media-type-added", I, "request bodies", "a request media type was added"),
    ("media-type-removed", B, "request bodies", "a request or response media type was removed"),
    ("request-property-added-required", B, "request bodies", "a required request property was added"),
    # responses
    ("response-status-removed", B, "responses", "a status code is no longer documented"),
    ("response-status-added", W, "responses", "a status code was added: clients may not handle it"),
    ("response-media-type-added", W, "responses", "a response media type was added"),
    ("links-changed", I, "responses", "response links were edited"),
    # headers
    ("response-header-removed", B, "headers", "a response header was removed"),
    ("response-header-added", I, "headers", "a response header was added"),
    # schemas
    ("property-removed", B, "schemas", "a property was removed"),
    ("deprecated-property-removed", W, "schemas", "a deprecated property was removed"),
    ("property-renamed", B, "schemas", "a property was removed and one with the same schema added"),
    ("property-added", I, "schemas", "an optional property (or a response property) was added"),
    ("request-property-made-required", B, "schemas", "a request property became required"),
    ("request-property-made-optional", I, "schemas", "a request property became optional"),
    ("response-property-made-required", I, "schemas", "a response property became required"),
    ("response-property-made-optional", B, "schemas", "a response property became optional"),
    ("request-constraint-tightened", B, "schemas", "a bound, pattern or closure added or tightened"),
    ("request-constraint-loosened", I, "schemas", "a request constraint was loosened or removed"),
    ("response-constraint-tightened", I, "schemas", "a response constraint was tightened"),
    ("response-constraint-loosened", W, "schemas", "a response constraint was loosened or removed"),
    ("request-pattern-changed", B, "schemas", "a request pattern was replaced by another"),
    ("response-pattern-changed", W, "schemas", "a response pattern was replaced by another"),
    ("type-changed", B, "schemas", "a schema's type changed"),
    ("schema-replaced", B, "schemas", "a schema was replaced by something that is not a schema"),
    ("schema-too-deep", W, "schemas", "schemas differ below the depth compared"),
    ("keyword-changed", W, "schemas", "another schema keyword (oneOf, readOnly, ...) changed"),
    # enums
    ("request-enum-narrowed", B, "enums", "a value was removed from a request enum"),
    ("request-enum-widened", I, "enums", "a value was added to a request enum"),
    ("response-enum-narrowed", I, "enums", "a value was removed from a response enum"),
    ("response-enum-widened", W, "enums", "a value was added to a response enum"),
    # formats and defaults
    ("format-changed", B, "formats", "a schema's format changed"),
    ("default-changed", B, "defaults", "a default value changed"),
    ("default-removed", B, "defaults", "a default value was removed"),
    ("default-added", W, "defaults", "a default value was added"),
    # security
    ("security-removed", B, "security", "a security alternative is no longer accepted"),
    ("security-added", B, "security", "an open operation now requires credentials"),
    ("security-alternative-added", I, "security", "a security alternative was added"),
    ("security-scheme-changed", B, "security", "a used security scheme is sent differently"),
    # the paging extension
    ("paging-added", B, "paging", "an operation became paged (x-iotda-paging added)"),
    ("paging-removed", B, "paging", "x-iotda-paging was removed"),
    ("paging-changed", B, "paging", "a key of x-iotda-paging changed"),
    # documentation
    ("info-changed", I, "documentation", "info.title, version or description edited"),
    ("servers-changed", I, "documentation", "servers edited"),
    ("description-changed", I, "documentation", "a description, summary or title edited"),
    ("example-changed", I, "documentation", "an example edited"),
    ("extension-changed", I, "documentation", "another vendor extension (x-...) edited"),
)

RULES: dict[str, Rule] = {row[0]: Rule(*row) for row in _TABLE}


def rule(rule_id: str) -> Rule:
    """The rule with this id; ``KeyError`` names an unknown one."""
    try:
        return RULES[rule_id]
    except KeyError:
        raise KeyError(f"no rule {rule_id!r}") from None
