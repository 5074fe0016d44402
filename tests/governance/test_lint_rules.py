"""Each of the project's Spectral rules fails on a copy of the spec that breaks it and passes on ours."""

from __future__ import annotations

import copy
import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SPECTRAL = ROOT / "node_modules" / ".bin" / "spectral"
RULESET = ROOT / "openapi" / ".spectral.yaml"
SPEC = ROOT / "openapi" / "iotda-export-tasks.yaml"
LIST = "/v5/iot/{project_id}/export-tasks"
ONE = "/v5/iot/{project_id}/export-tasks/{export_task_id}"

Doc = dict[str, Any]


def _list_op(doc: Doc) -> Doc:
    op: Doc = doc["paths"][LIST]["get"]
    return op


def _params(doc: Doc) -> Doc:
    params: Doc = doc["components"]["parameters"]
    return params


def _schemas(doc: Doc) -> Doc:
    schemas: Doc = doc["components"]["schemas"]
    return schemas


def _set(mapping: Doc, key: str, value: Any) -> None:
    mapping[key] = value


def _page_marker_own_pattern(doc: Doc) -> None:
    _schemas(doc)["Page"]["properties"]["marker"]["pattern"] = "^[0-9a-f]{24}$"


def _marker_param_own_pattern(doc: Doc) -> None:
    _params(doc)["Marker"]["schema"] = {"type": "string", "pattern": "^[0-9a-f]+$", "default": "ff"}


def _inline_bad_request(doc: Doc) -> None:
    bad = doc["components"]["responses"]["BadRequest"]["content"]["application/json"]
    bad["schema"] = {"type": "object", "properties": {"message": {"type": "string", "description": "Text."}}}
    bad["example"] = {"message": "no"}


def _add_unpaged_list(doc: Doc) -> None:
    op = copy.deepcopy(_list_op(doc))
    del op["x-iotda-paging"]
    op["operationId"] = "AllExportTasks"  # not named List...: found by its array answer
    del op["responses"]["200"]["links"]
    doc["paths"][LIST + "/all"] = {"parameters": doc["paths"][LIST]["parameters"], "get": op}


#: (case id, the rule it must trigger, the mutation).
CASES: list[tuple[str, str, Callable[[Doc], None]]] = [
    ("page-marker-pattern-differs", "iotda-marker-pattern-shared", _page_marker_own_pattern),
    ("marker-parameter-pattern-differs", "iotda-marker-pattern-shared", _marker_param_own_pattern),
    ("list-without-paging", "iotda-list-operation-paging", lambda d: _list_op(d).pop("x-iotda-paging")),
    ("second-list-without-paging", "iotda-list-operation-paging", _add_unpaged_list),
    (
        "paging-names-missing-parameter",
        "iotda-paging-extension-valid",
        lambda d: _set(_list_op(d)["x-iotda-paging"], "limitParameter", "page_size"),
    ),
    (
        "paging-items-pointer-dangles",
        "iotda-paging-extension-valid",
        lambda d: _set(_list_op(d)["x-iotda-paging"], "itemsPointer", "/tasks"),
    ),
    (
        "paging-lacks-next-marker",
        "iotda-paging-extension-valid",
        lambda d: _list_op(d)["x-iotda-paging"].pop("nextMarkerPointer"),
    ),
    (
        "limit-default-above-maximum",
        "iotda-limit-bounds",
        lambda d: _set(_params(d)["Limit"]["schema"], "default", 60),
    ),
    ("limit-without-maximum", "iotda-limit-bounds", lambda d: _params(d)["Limit"]["schema"].pop("maximum")),
    ("limit-without-default", "iotda-limit-bounds", lambda d: _params(d)["Limit"]["schema"].pop("default")),
    ("limit-minimum-zero", "iotda-limit-bounds", lambda d: _set(_params(d)["Limit"]["schema"], "minimum", 0)),
    (
        "offset-without-default",
        "iotda-offset-bounds",
        lambda d: _params(d)["Offset"]["schema"].pop("default"),
    ),
    (
        "delete-without-401",
        "iotda-error-responses",
        lambda d: d["paths"][ONE]["delete"]["responses"].pop("401"),
    ),
    ("bad-request-not-error-schema", "iotda-error-responses", _inline_bad_request),
    (
        "parameter-without-description",
        "iotda-parameter-description",
        lambda d: _params(d)["Offset"].pop("description"),
    ),
    (
        "property-without-description",
        "iotda-property-description",
        lambda d: _schemas(d)["ExportTask"]["properties"]["export_count"].pop("description"),
    ),
    (
        "referenced-schema-without-description",
        "iotda-property-description",
        lambda d: _schemas(d)["ExportTaskId"].pop("description"),
    ),
    (
        "json-text-example-breaks-schema",
        "iotda-json-text-example-valid",
        lambda d: _set(_params(d)["ResourceCondition"]["schema"], "example", '{"task_id": "xyz"}'),
    ),
    (
        "json-text-example-not-json",
        "iotda-json-text-example-valid",
        lambda d: _set(_params(d)["ResourceCondition"]["schema"], "example", "task_id=1"),
    ),
    (
        "media-example-breaks-schema",
        "oas3-valid-media-example",
        lambda d: _set(
            _list_op(d)["responses"]["200"]["content"]["application/json"]["examples"]["two-tasks"]["value"][
                "page"
            ],
            "marker",
            "not-a-record-id",
        ),
    ),
    (
        "schema-example-breaks-schema",
        "oas3-valid-schema-example",
        lambda d: _set(_params(d)["Limit"]["schema"], "example", 500),
    ),
]


def _spectral(*paths: Path) -> list[dict[str, Any]]:
    """Run the project's ruleset over ``paths`` and return Spectral's JSON results."""
    completed = subprocess.run(
        [str(SPECTRAL), "lint", "--format", "json", "--quiet", "--ruleset", str(RULESET), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
        cwd=ROOT,
    )
    assert completed.returncode in (0, 1), completed.stderr
    results: list[dict[str, Any]] = json.loads(completed.stdout or "[]")
    return results


@pytest.fixture(scope="module")
def mutated_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    """One Spectral run over every mutated copy: the rule codes reported per case id."""
    folder = tmp_path_factory.mktemp("lint-mutants")
    original = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    files: dict[str, Path] = {}
    for case_id, _, mutate in CASES:
        doc = copy.deepcopy(original)
        mutate(doc)
        files[case_id] = folder / f"{case_id}.yaml"
        files[case_id].write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    by_file: dict[str, set[str]] = {case_id: set() for case_id in files}
    for result in _spectral(*files.values()):
        by_file[Path(result["source"]).stem].add(result["code"])
    return by_file


def test_our_spec_breaks_no_rule() -> None:
    assert _spectral(SPEC) == []


def test_every_custom_rule_has_a_breaking_case() -> None:
    ruleset = yaml.safe_load(RULESET.read_text(encoding="utf-8"))
    custom = {name for name in ruleset["rules"] if name.startswith("iotda-")}
    assert custom, "the ruleset declares no project rule"
    assert custom <= {rule for _, rule, _ in CASES}


@pytest.mark.parametrize(("case_id", "rule"), [(case_id, rule) for case_id, rule, _ in CASES])
def test_rule_fails_on_a_spec_that_breaks_it(
    mutated_results: dict[str, set[str]], case_id: str, rule: str
) -> None:
    assert rule in mutated_results[case_id], f"{case_id}: got {sorted(mutated_results[case_id])}"
