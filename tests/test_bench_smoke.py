"""The benchmark harness's pure parts: wrk output parsing, statistics, workload, report. No timing."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import check_cost, check_timing, cpuload, hostile, report, scenarios, stats, workload, wrk  # noqa: E402
from bench.probe import Reply  # noqa: E402
from bench.run import parse_args, records_label  # noqa: E402

WRK_LATENCY = """\
Running 5s test @ http://127.0.0.1:8765/v5/iot/demo-project/export-tasks
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   300.03us  115.28us   2.67ms   88.58%
    Req/Sec    53.88k     1.43k   55.58k    80.00%
  Latency Distribution
     50%  268.00us
     75%  282.00us
     90%  486.00us
     99%    1.59ms
  160667 requests in 3.00s, 24.98MB read
Requests/sec:  53533.66
Transfer/sec:      8.32MB
"""

WRK_ERRORS = """\
Running 1m test @ http://127.0.0.1:9000/x
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.20s   300.00ms   2.00s    70.00%
    Req/Sec    12.00      3.00     20.00     60.00%
  720 requests in 1.00m, 100.00KB read
  Socket errors: connect 1, read 2, write 3, timeout 4
  Non-2xx or 3xx responses: 700
Requests/sec:     12.00
Transfer/sec:      1.67KB
"""


def test_parse_output_reads_throughput_and_percentiles_in_microseconds():
    result = wrk.parse_output(WRK_LATENCY)
    assert result.requests == 160667
    assert result.duration_s == pytest.approx(3.0)
    assert result.requests_per_sec == pytest.approx(53533.66)
    assert result.latency_avg_us == pytest.approx(300.03)
    assert result.latency_max_us == pytest.approx(2670.0)
    assert result.percentiles_us == pytest.approx({50.0: 268.0, 75.0: 282.0, 90.0: 486.0, 99.0: 1590.0})
    assert result.p99_us == pytest.approx(1590.0)
    assert (result.non_2xx, result.socket_errors) == (0, 0)


def test_parse_output_reads_errors_and_long_units():
    result = wrk.parse_output(WRK_ERRORS)
    assert result.duration_s == pytest.approx(60.0)
    assert result.latency_avg_us == pytest.approx(1_200_000.0)
    assert result.non_2xx == 700
    assert result.socket_errors == 10
    assert result.percentiles_us == {}
    with pytest.raises(wrk.WrkError, match="--latency"):
        _ = result.p99_us


def test_parse_output_refuses_what_it_does_not_understand():
    with pytest.raises(wrk.WrkError, match="unrecognised"):
        wrk.parse_output("unable to connect to 127.0.0.1:8766 Connection refused\n")


def test_lua_script_lists_every_path_and_escapes_quotes():
    script = wrk.lua_script(["/a?x=1", '/b?y="2"'], {"X-Auth-Token": "anything"})
    assert '  "/a?x=1",' in script
    assert '  "/b?y=\\"2\\"",' in script
    assert 'wrk.headers["X-Auth-Token"] = "anything"' in script
    assert "function request()" in script
    with pytest.raises(ValueError, match="path"):
        wrk.lua_script([], {})


def test_run_refuses_anything_but_the_loopback():
    with pytest.raises(wrk.WrkError, match="loopback"):
        wrk.run("http://example.invalid/", duration_s=1, connections=1, cpu=None)


def test_summary_takes_median_min_and_max():
    summary = stats.summarize([3.0, 1.0, 2.0])
    assert (summary.median, summary.min, summary.max) == (2.0, 1.0, 3.0)
    assert summary.format("{:.1f}") == "2.0 (1.0-3.0)"
    assert stats.summarize([4.0]).format("{:.1f}") == "4.0"
    assert stats.summarize([1.0, 2.0, 3.0, 10.0]).median == 2.5
    with pytest.raises(ValueError, match="no values"):
        stats.summarize([])


def test_ratios_pair_runs_in_order():
    assert stats.ratios([10.0, 30.0], [20.0, 40.0]) == [0.5, 0.75]
    with pytest.raises(ValueError, match="numerators"):
        stats.ratios([1.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="zero"):
        stats.ratios([1.0], [0.0])


def test_meets_compares_the_median_in_the_right_direction():
    summary = stats.summarize([0.3, 0.5, 0.45])
    assert stats.meets(summary, 0.40, at_least=True)
    assert not stats.meets(summary, 0.50, at_least=True)
    assert stats.meets(summary, 0.45, at_least=False)
    assert not stats.meets(summary, 0.40, at_least=False)


def _figures():
    return [
        report.Figure("r", "ratio", "", stats.summarize([0.3, 0.35, 0.5]), target=0.4),
        report.Figure("p", "p99", "ms", stats.summarize([1.5]), target=2.0, at_least=False),
        report.Figure("s", "seeding", "s", stats.summarize([12.0])),
    ]


def test_figures_report_their_verdict():
    ratio, p99, seeding = _figures()
    assert (ratio.met, ratio.verdict, ratio.target_text) == (False, "MISSED", ">= 0.4")
    assert (p99.met, p99.verdict, p99.target_text) == (True, "met", "<= 2 ms")
    assert (seeding.met, seeding.verdict, seeding.target_text) == (None, "-", "report")


def test_a_disturbed_figure_says_so_in_its_verdict():
    figure = report.Figure("r", "ratio", "", stats.summarize([0.5]), target=0.4, reliable=False)
    assert figure.met is True
    assert figure.verdict == "met (disturbed)"


def test_tables_hold_one_row_per_figure():
    figures = _figures()
    text = report.text_table(figures).splitlines()
    assert len(text) == 2 + len(figures)
    assert text[2].split()[:4] == ["ratio", ">=", "0.4", "0.3500"]
    markdown = report.markdown_table(figures).splitlines()
    assert markdown[2] == "| ratio | >= 0.4 | 0.3500 | 0.3000 | 0.5000 | MISSED |"
    assert markdown[3] == "| p99 | <= 2 ms | 1.500 ms | 1.500 | 1.500 | met |"


def test_save_writes_json_and_markdown_named_with_the_date(tmp_path):
    from datetime import datetime

    results = report.Results(
        started=datetime(2025, 1, 2, 3, 4, 5), command="bench/run.py", config={"runs": 3}, environment={}
    )
    results.figures = _figures()
    results.add_raw("wrk_bare", wrk.parse_output(WRK_LATENCY))
    json_path, md_path = report.save(results, tmp_path, suffix="_quick")
    assert json_path.name == "2025-01-02_030405_quick.json"
    assert md_path.name == "2025-01-02_030405_quick.md"
    data = json.loads(json_path.read_text())
    assert [f["key"] for f in data["figures"]] == ["r", "p", "s"]
    assert data["figures"][0]["values"] == [0.3, 0.35, 0.5]
    assert data["figures"][0]["met"] is False
    assert data["raw"]["wrk_bare"][0]["requests"] == 160667
    assert "| ratio | >= 0.4 |" in md_path.read_text()


def test_records_label_and_quick_defaults():
    assert [records_label(n) for n in (1_000, 100_000, 1_000_000, 1_500)] == ["1k", "100k", "1M", "1500"]
    quick = parse_args(["--quick"])
    assert (quick.runs, quick.duration) == (1, 1.0)
    full = parse_args([])
    assert (full.runs, full.duration, full.typical, full.large) == (3, 5.0, 100_000, 1_000_000)


def test_workload_reads_its_constants_from_the_spec(spec):
    load = workload.Workload.from_spec(spec)
    op = spec.operation("ListExportTasks")
    limit = op.parameter("limit").schema
    assert load.page_limit == limit["maximum"]
    assert load.invalid_limit == limit["minimum"] - 1
    marker = load.hex_marker(255)
    assert len(marker) == len(op.parameter("marker").schema["default"])
    assert marker.endswith("ff")
    query = parse_qs(urlsplit(load.page_path(marker)).query)
    assert query == {
        "resource_type": [load.resource_type],
        "limit": [str(load.page_limit)],
        "marker": [marker],
    }
    assert urlsplit(load.page_path(marker)).path == "/v5/iot/demo-project/export-tasks"


class _FakeList:
    """The paging contract over a sorted list of record ids, answering like the mock does."""

    def __init__(self, load: workload.Workload, ids: list[int]) -> None:
        self.load, self.ids, self.calls = load, sorted(ids), 0

    def get(self, base_url: str, path: str) -> Reply:
        self.calls += 1
        query = parse_qs(urlsplit(path).query)
        limit = int(query["limit"][0])
        below = int(query["marker"][0], 16) if "marker" in query else 1 << 96
        items = [i for i in reversed(self.ids) if i < below][:limit]
        page: dict[str, object] = {"count": len(self.ids)}
        if items:
            page["marker"] = self.load.hex_marker(items[-1])
        body = {"export_tasks": [{"id": i} for i in items], "page": page}
        return Reply(200, json.dumps(body).encode())


def test_mid_set_markers_span_the_middle_half_of_the_ids(spec, monkeypatch):
    load = workload.Workload.from_spec(spec)
    ids = [1_000_000 + 7 * n for n in range(1_000)]
    fake = _FakeList(load, ids)
    monkeypatch.setattr(workload, "get", fake.get)
    found = workload.mid_set_markers("http://127.0.0.1:1", load, seeded=2_000, how_many=10)
    assert (found.newest, found.oldest, found.visible_count) == (
        load.hex_marker(ids[-1]),
        load.hex_marker(ids[0]),
        1_000,
    )
    values = [int(m, 16) for m in found.markers]
    assert len(values) == 10
    assert values == sorted(values)
    span = ids[-1] - ids[0]
    assert ids[0] + span // 4 <= values[0]
    assert values[-1] <= ids[0] + 3 * span // 4 + 1
    assert fake.calls < 120  # bisection, not a walk
    workload.check_full_pages("http://127.0.0.1:1", load, found.markers)


def test_mid_set_markers_refuses_a_count_above_what_was_seeded(spec, monkeypatch):
    load = workload.Workload.from_spec(spec)
    monkeypatch.setattr(workload, "get", _FakeList(load, list(range(10, 500))).get)
    with pytest.raises(workload.WorkloadError, match="seeded"):
        workload.mid_set_markers("http://127.0.0.1:1", load, seeded=100)


def test_check_full_pages_refuses_a_short_page(spec, monkeypatch):
    load = workload.Workload.from_spec(spec)
    monkeypatch.setattr(workload, "get", _FakeList(load, list(range(10, 30))).get)
    with pytest.raises(workload.WorkloadError, match="full page"):
        workload.check_full_pages("http://127.0.0.1:1", load, [load.hex_marker(25)])


def _result(requests: int, seconds: float, p99_us: float, non_2xx: int = 0) -> wrk.WrkResult:
    return wrk.WrkResult(
        requests=requests,
        duration_s=seconds,
        requests_per_sec=requests / seconds,
        latency_avg_us=p99_us / 2,
        latency_max_us=p99_us * 2,
        percentiles_us={99.0: p99_us},
        non_2xx=non_2xx,
    )


def test_run_totals_add_requests_and_take_the_median_p99():
    totals = scenarios.RunTotals(
        [
            scenarios.Slice("a", _result(1000, 1.0, 900.0), 0.10),
            scenarios.Slice("a", _result(3000, 1.0, 100.0), 0.30),
            scenarios.Slice("a", _result(2000, 2.0, 500.0), None),
        ]
    )
    assert totals.requests_per_sec == pytest.approx(6000 / 4.0)
    assert totals.p99_us == 500.0
    assert totals.foreign_cpu == pytest.approx(0.20)


def test_slice_order_rotates_so_no_scenario_always_leads():
    names = ["bare", "page", "invalid"]
    assert scenarios.slice_order(names, 0) == names
    assert scenarios.slice_order(names, 1) == ["page", "invalid", "bare"]
    assert scenarios.slice_order(names, 3) == names
    assert scenarios.slice_order([], 5) == []


def test_check_answers_refuses_the_wrong_class_of_answers():
    scenarios.check_answers("ok", _result(10, 1.0, 1.0), expect_ok=True)
    scenarios.check_answers("bad", _result(10, 1.0, 1.0, non_2xx=10), expect_ok=False)
    with pytest.raises(wrk.WrkError, match="not 2xx"):
        scenarios.check_answers("ok", _result(10, 1.0, 1.0, non_2xx=1), expect_ok=True)
    with pytest.raises(wrk.WrkError, match="were 2xx"):
        scenarios.check_answers("bad", _result(10, 1.0, 1.0, non_2xx=9), expect_ok=False)
    with pytest.raises(wrk.WrkError, match="no request"):
        scenarios.check_answers("none", _result(0, 1.0, 1.0), expect_ok=True)


def test_core_ticks_reads_proc_stat():
    busy, total = cpuload.core_ticks(0)
    assert 0 <= busy <= total
    assert total > 0
    with pytest.raises(ValueError, match="cpu9999"):
        cpuload.core_ticks(9999)


def test_parse_report_reads_timings_and_violations():
    report = {
        "seconds": 4.5,
        "first_violation_at": 0.25,
        "violated": ["walk-complete"],
        "schemathesis": {"failures": {"response_schema_conformance": ["..."]}},
    }
    assert check_timing.parse_report(report) == (
        4.5,
        0.25,
        ["walk-complete", "schemathesis:response_schema_conformance"],
    )
    assert check_timing.parse_report({}) == (None, None, [])


def test_foreign_load_gives_shares_between_zero_and_one():
    sampler = cpuload.ForeignLoad(0, cpuload.own_ticks_of_self_and_children)
    sampler.start()
    sum(range(200_000))
    share = sampler.stop()
    assert 0.0 <= share.foreign <= 1.0
    assert 0.0 <= share.own <= 1.0


def test_hostile_request_is_the_attack_runs_and_p99_is_the_99th_percentile():
    request = hostile.hostile_request("127.0.0.1:1")
    head = request.decode().split("\r\n")
    authorization = next(line for line in head if line.startswith("Authorization: "))
    # the request line and the empty end aside: Host, X-Sdk-Date, Connection, the headers, Authorization
    assert len(head) - 3 == 3 + hostile.HOSTILE_HEADERS + 1
    assert authorization.count(";") == hostile.HOSTILE_HEADERS + 1
    assert 450_000 < len(request) < 550_000
    assert hostile.p99([float(i) for i in range(1, 101)]) == 100.0
    assert hostile.p99([float(i) for i in range(1, 1001)]) == 991.0
    assert parse_args(["--skip-hostile"]).skip_hostile


def test_check_cost_counts_the_busiest_second_and_prints_a_row_per_cell():
    assert check_cost.most_in_a_second([0.0, 0.1, 0.5, 0.99, 1.0, 1.5, 3.0]) == 4, "a second: [t, t + 1)"
    assert check_cost.most_in_a_second([]) == 0
    assert check_cost.spread([3.0]) == "3.0"
    assert check_cost.spread([3.0, 1.0, 2.0]) == "2.0 (1.0-3.0)"
    cell = check_cost.Cell(50.0, 250, 4, 10, 1519, 2237, 69.04, 9, "exit 0")
    assert check_cost.row([cell]) == "| 50 | 250 | 4 | yes, 10 examples | 1519 | 2237 | 8.9 | 69.0 | exit 0 |"
    read_only = check_cost.Cell(50.0, 250, 1, 0, 1050, 1463, 84.8, 9, "exit 0")
    assert "| 1 | no | 1050 | 1463 |" in check_cost.row([read_only])
    assert check_cost.HEADER.count("|---") == check_cost.row([cell]).count(" | ") + 1
