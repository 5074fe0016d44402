"""Units of the conformance suite: the contract read from the spec, strategies, curl, filters, reports."""

from __future__ import annotations

import json
import re
import shutil
from xml.etree import ElementTree as ET

import yaml
from hypothesis import given
from hypothesis import strategies as st

from iotda_contract import spec as spec_module
from iotda_contract.conformance.contract import load_contract
from iotda_contract.conformance.filters import condition_text, matches
from iotda_contract.conformance.laws_reject import invalid_values, json_text_valid, satisfies
from iotda_contract.conformance.report import write_reports
from iotda_contract.conformance.results import LawResult, RunResult, SchemathesisResult
from iotda_contract.conformance.st_engine import schemathesis_document
from iotda_contract.conformance.strategies import markers
from iotda_contract.conformance.target import Exchange

CONTRACT = load_contract(spec_module.load())


def test_the_contract_comes_from_the_spec(tmp_path):
    copy = tmp_path / "spec.yaml"
    shutil.copy(spec_module.DEFAULT_SPEC_PATH, copy)
    document = yaml.safe_load(copy.read_text())
    document["components"]["parameters"]["Limit"]["schema"].update(maximum=20, default=7)
    copy.write_text(yaml.safe_dump(document))
    edited = load_contract(spec_module.load(copy))
    assert (edited.limit.maximum, edited.limit.default) == (20, 7)
    assert (CONTRACT.limit.minimum, CONTRACT.limit.maximum) == (1, 50)
    assert CONTRACT.required_query == (("resource_type", "BatchTask"),)
    assert CONTRACT.bad_request_codes == {"IOTDA.000006", "IOTDA.000008", "IOTDA.000017"}


@given(markers(CONTRACT, ["659219d70000000000000001", "65921a000000000000000abc"]))
def test_drawn_markers_satisfy_the_marker_pattern(marker):
    assert CONTRACT.marker_matches(marker)


@given(st.data())
def test_invalid_values_never_satisfy_their_parameter(data):
    parameter = data.draw(st.sampled_from([p for p in CONTRACT.list_op.parameters if p.location != "path"]))
    value = data.draw(invalid_values(parameter))
    assert not json_text_valid(parameter, value)


def test_satisfies_reads_bounds_and_patterns():
    limit = CONTRACT.parameter("limit")
    assert satisfies(limit.schema, "50")
    assert not satisfies(limit.schema, "51")
    assert not satisfies(limit.schema, "1.5")
    assert satisfies(CONTRACT.marker.schema, "ABCDEF0123456789abcdef01")
    assert not satisfies(CONTRACT.marker.schema, "ABCDEF0123456789abcdef0")
    assert json_text_valid(
        CONTRACT.parameter("resource_condition"), condition_text("61b7ed6a66a1a5f5d5e26c8f")
    )
    assert not json_text_valid(CONTRACT.parameter("resource_condition"), '{"task_id": "x", "more": 1}')


def test_filters_follow_the_description():
    default_app = {"export_task_id": "a", "resource_condition": {"task_id": "1" * 24}}
    app_one = {"export_task_id": "b", "app_id": "app_01", "resource_condition": {"task_id": "2" * 24}}
    assert matches(app_one, {"app_id": "app_01"})
    assert not matches(default_app, {"app_id": "app_01"})
    assert matches(default_app, {"app_type": "APP"})
    assert not matches(app_one, {"app_type": "APP"})
    assert matches(app_one, {"app_type": "GLOBAL"})
    assert matches(app_one, {"app_type": "APP", "app_id": "app_01"})
    assert not matches(app_one, {"resource_condition": condition_text("1" * 24)})


def test_curl_keeps_the_token_out():
    headers = (("X-Auth-Token", "secret"), ("Instance-Id", "i-1"))
    exchange = Exchange("GET", "http://h/x?limit=1", headers, b"", 200, (), "{}", 0.0)
    curl = exchange.curl()
    assert "secret" not in curl
    assert '"X-Auth-Token: $IOTDA_TOKEN"' in curl
    assert "'Instance-Id: i-1'" in curl


def test_schemathesis_reads_json_text_parameters_as_json_content():
    document = schemathesis_document(CONTRACT.spec.raw)
    condition = document["components"]["parameters"]["ResourceCondition"]
    assert "schema" not in condition
    assert condition["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ResourceCondition"
    }
    assert "x-iotda-json-schema" in CONTRACT.spec.raw["components"]["parameters"]["ResourceCondition"]


def test_reports_are_written_in_three_formats(tmp_path):
    result = RunResult("http://h", "p", None, False, 1, 5)
    exchange = Exchange("GET", "http://h/x", (), b"", 200, (), "{}", 0.0).to_dict()
    result.laws = [
        LawResult("walk-complete", "A walk ends.", "violated", "it did not end", [exchange], 3, 0.5, 0.2),
        LawResult("created-first", "New first.", "skipped", "needs --allow-writes"),
    ]
    result.schemathesis = SchemathesisResult("held", cases=10)
    paths = write_reports(result, tmp_path / "out")
    data = json.loads(paths[0].read_text())
    assert data["ok"] is False
    assert data["violated"] == ["walk-complete"]
    assert data["first_violation_at"] == 0.2
    suite = ET.parse(paths[1]).getroot().find("testsuite[@name='paging-laws']")
    assert (suite.get("failures"), suite.get("skipped")) == ("1", "1")
    summary = paths[2].read_text()
    assert re.search(r"`walk-complete`.*violated", summary)
    assert "curl -sS -X GET http://h/x" in summary


def test_a_failure_resting_on_a_rate_limited_probe_is_not_counted():
    from types import SimpleNamespace

    from iotda_contract.conformance.st_engine import _rate_limited_probe

    def recorder(status):
        answer = SimpleNamespace(response=SimpleNamespace(status_code=status))
        return SimpleNamespace(interactions={"probe": answer})

    failure = SimpleNamespace(case_id="probe")
    assert _rate_limited_probe(recorder(429), failure)
    assert not _rate_limited_probe(recorder(200), failure), "an answered probe is judged"
    assert not _rate_limited_probe(recorder(429), SimpleNamespace(case_id="other"))


def test_ast_parse_is_one_at_a_time_within_a_concurrent_run_and_itself_after():
    import ast
    import threading

    from iotda_contract.conformance.sharing import ast_parse_serialised

    original, inside, overlapping = ast.parse, [0], []

    def slow(source: str, *args: object, **kwargs: object) -> ast.Module:
        inside[0] += 1
        overlapping.append(inside[0])
        threading.Event().wait(0.01)
        inside[0] -= 1
        return ast.Module(body=[], type_ignores=[])

    ast.parse = slow  # type: ignore[assignment]
    try:
        with ast_parse_serialised():
            threads = [threading.Thread(target=ast.parse, args=("x = 1",)) for _ in range(4)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        assert ast.parse is slow, "put back as it was"
    finally:
        ast.parse = original
    assert overlapping == [1, 1, 1, 1], "never two parses at once"


def test_schemathesis_parts_combine_into_one_result():
    listed = SchemathesisResult(status="held", cases=3, responses={"2xx": 3}, notes=["n"], phases=["a"])
    written = SchemathesisResult(status="violated", cases=2, failures={"c": ["x"]}, notes=["n", "m"],
                                 responses={"2xx": 1, "4xx": 1}, phases=["a", "b"])  # fmt: skip
    whole = SchemathesisResult.combine([listed, written])
    assert (whole.status, whole.cases, whole.responses) == ("violated", 5, {"2xx": 4, "4xx": 1})
    assert (whole.failures, whole.notes, whole.phases) == ({"c": ["x"]}, ["n", "m"], ["a", "b"])
    refused = SchemathesisResult.combine([SchemathesisResult(status="held", cases=2, responses={"4xx": 2})])
    assert refused.status == "skipped", "no 2xx in any part: nothing was judged"
