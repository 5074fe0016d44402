"""Run schemathesis (every phase, every built-in check, plus paging checks) against the same target."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from itertools import pairwise
from typing import Any

import schemathesis
from schemathesis.engine import events, from_schema

from iotda_contract.conformance.contract import PagingContract
from iotda_contract.conformance.results import HELD, SKIPPED, VIOLATED, SchemathesisResult
from iotda_contract.conformance.st_signing import RequestsSigner, signing_sessions
from iotda_contract.spec import JSON_SCHEMA_EXTENSION, json_pointer_get

PHASES = ("examples", "coverage", "fuzzing", "stateful")
#: The contract the paging checks read; set for the duration of a run.
_ACTIVE: list[PagingContract] = []


def schemathesis_document(contract: PagingContract) -> dict[str, Any]:
    """The spec as schemathesis should read it.

    A query parameter that carries JSON text (``x-iotda-json-schema``) is declared with OpenAPI's
    ``content: application/json`` instead, so schemathesis generates JSON of that schema rather than
    arbitrary strings that the contract rightly refuses (its positive_data_acceptance would flag them).
    """
    document: dict[str, Any] = copy.deepcopy(dict(contract.spec.raw))
    for parameter in document.get("components", {}).get("parameters", {}).values():
        json_schema = parameter.pop(JSON_SCHEMA_EXTENSION, None)
        if json_schema is not None:
            parameter.pop("schema", None)
            parameter["content"] = {"application/json": {"schema": json_schema}}
    return document


def _list_page(response: Any, case: Any) -> tuple[PagingContract, list[Any], dict[str, Any]] | None:
    if not _ACTIVE or response.status_code != 200:
        return None
    contract = _ACTIVE[-1]
    if getattr(case.operation, "label", "") != f"{contract.list_op.method} {contract.list_op.path}":
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    items = json_pointer_get(body, contract.paging.items_pointer)
    if not isinstance(items, list):
        return None
    return contract, items, body


@schemathesis.check
def paging_page_size(ctx: Any, response: Any, case: Any) -> bool | None:
    """page-size: an accepted list never holds more records than the limit (or its default)."""
    found = _list_page(response, case)
    if found is None:
        return None
    contract, items, _ = found
    raw = (case.query or {}).get(contract.limit.name, contract.limit.default)
    try:
        limit = int(raw)
    except (TypeError, ValueError):
        return None
    if len(items) > limit:
        raise AssertionError(f"page-size: {len(items)} records on a page with limit {limit}")
    return None


@schemathesis.check
def paging_marker_presence(ctx: Any, response: Any, case: Any) -> bool | None:
    """marker-continues: page.marker is present exactly when the page is not empty."""
    found = _list_page(response, case)
    if found is None:
        return None
    contract, items, body = found
    marker = json_pointer_get(body, contract.paging.next_marker_pointer)
    if bool(items) != (marker is not None):
        raise AssertionError(f"marker-continues: {len(items)} records and page.marker {marker!r}")
    return None


@schemathesis.check
def paging_newest_first(ctx: Any, response: Any, case: Any) -> bool | None:
    """newest-first: create_time never increases along a page."""
    found = _list_page(response, case)
    if found is None:
        return None
    stamps = [str(item.get("create_time")) for item in found[1] if isinstance(item, dict)]
    for earlier, later in pairwise(stamps):
        if later > earlier:
            raise AssertionError(f"newest-first: create_time rises from {earlier} to {later} on one page")
    return None


def run_schemathesis(
    contract: PagingContract,
    *,
    base_url: str,
    project_id: str,
    headers: dict[str, str],
    allow_writes: bool,
    max_examples: int,
    seed: int | None,
    exclude_checks: tuple[str, ...] = (),
    on_event: Callable[[str], None] | None = None,
    signer: RequestsSigner | None = None,
) -> SchemathesisResult:
    """Run every phase with every check; without writes only the list operation is exercised.

    With ``signer`` every request is signed with an access key and secret key (``st_signing``).
    """
    started = time.monotonic()
    config: dict[str, Any] = {
        "base-url": base_url,
        "headers": headers,
        "parameters": {"project_id": project_id},
        "generation": {"max-examples": max_examples},
        "phases": {name: {"enabled": True} for name in PHASES},
        "checks": {name: {"enabled": False} for name in exclude_checks},
        "workers": 1,
    }
    if seed is not None:
        config["seed"] = seed
    schema: Any = schemathesis.openapi.from_dict(
        schemathesis_document(contract), config=schemathesis.Config.from_dict(config)
    )
    if not allow_writes:
        schema = schema.include(operation_id=contract.list_op.operation_id)
    result = SchemathesisResult(status=HELD, phases=list(PHASES))
    seen: set[tuple[str, str]] = set()
    _ACTIVE.append(contract)
    try:
        with signing_sessions(signer):
            for event in from_schema(schema).execute():
                if isinstance(event, events.ScenarioFinished):
                    result.cases += len(event.recorder.cases)
                    for interaction in event.recorder.interactions.values():
                        if interaction.response is not None:
                            kind = f"{interaction.response.status_code // 100}xx"
                            result.responses[kind] = result.responses.get(kind, 0) + 1
                    for checks in event.recorder.checks.values():
                        for check in checks:
                            info = check.failure_info
                            if info is None:
                                continue
                            title = str(info.failure.title)
                            if (check.name, title) in seen:
                                continue
                            seen.add((check.name, title))
                            text = f"[{event.phase.value}] {title}: {str(info.failure.message).strip()[:300]}"
                            result.failures.setdefault(check.name, []).append(f"{text}\n{info.code_sample}")
                elif isinstance(event, events.NonFatalError | events.FatalError):
                    error = getattr(event, "value", None) or getattr(event, "exception", None)
                    result.errors.append(f"{type(event).__name__}: {error}")
                elif isinstance(event, events.PhaseFinished) and on_event is not None:
                    on_event(f"schemathesis {event.phase.name.value}: {event.status.value}")
    finally:
        _ACTIVE.pop()
    result.seconds = time.monotonic() - started
    if result.failures:
        result.status = VIOLATED
    elif result.cases and not result.responses.get("2xx"):
        # nothing was accepted (say, every request refused 401): no check could look at a real answer
        result.status = SKIPPED
        result.reason = f"no request was answered 2xx ({result.responses}): check the credentials"
    elif result.errors and result.cases == 0:
        result.status, result.reason = SKIPPED, result.errors[0]
    return result
