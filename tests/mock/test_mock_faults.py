"""Each ``--fault`` changes what a client observes over HTTP; the clean server keeps the contract."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import xlrd

from iotda_contract.mock.faults import FAULTS
from iotda_contract.mock.settings import Settings
from iotda_contract.mock.testing import AUTH_HEADERS, serve_in_thread

LIST = "/v5/iot/demo-project/export-tasks"
BODY = {"resource_type": "BatchTask"}


def _transcript(url: str) -> list[Any]:
    """A fixed script of requests; the observable part of each answer."""
    out: list[Any] = []
    with httpx.Client(base_url=url, headers=AUTH_HEADERS) as client:

        def get(**params: Any) -> dict[str, Any]:
            response = client.get(LIST, params={"resource_type": "BatchTask", **params})
            body = response.json()
            out.append((response.status_code, body))
            return dict(body)

        first = get(limit=5)
        marker = first["page"]["marker"]
        get(limit=5, marker=marker)
        get(limit=5, marker=marker, offset=3)
        get(limit=5, offset=3)
        app_first = get(limit=3, app_id="app_01")
        get(limit=3, app_id="app_01", marker=app_first["page"]["marker"])
        get()
        get(limit=0)
        get(limit=51)
        get(offset=500)
        get(limit=3, offset=max(0, first["page"]["count"] - 2))  # the last page: two records
        get(limit=3, marker="0" * 24)  # an empty page
        step = first
        for _ in range(20):  # a walk with limit 1 meets records that share a create_time
            step = get(limit=1, marker=step["page"].get("marker") or "0" * 24)
        _downloads(client, get(limit=50)["export_tasks"], out)
        before_insert = get(limit=4)
        created = client.post(LIST, json=BODY)
        out.append(created.status_code)
        get(limit=4, marker=before_insert["page"]["marker"])
    return out


def _downloads(client: httpx.Client, tasks: list[dict[str, Any]], out: list[Any]) -> None:
    """The first Success task's file that is given, an unfinished task's, then the first one's again."""

    def download(task: dict[str, Any]) -> tuple[int, Any]:
        response = client.get(f"{LIST}/{task['export_task_id']}/file")
        if response.status_code == 200:
            return 200, xlrd.open_workbook(file_contents=response.content).sheet_by_index(0).nrows
        return response.status_code, response.json()

    given = next((t, answer) for t in tasks if t["status"] == "Success" and (answer := download(t))[0] == 200)
    out.append(given[1])
    out.append(download(next(t for t in tasks if t["status"] == "Processing")))
    out.append(download(given[0]))


@pytest.fixture(scope="module")
def clean() -> list[Any]:
    with serve_in_thread(Settings(seed=150, seed_random=1, max_tasks=0)) as url:
        return _transcript(url)


def test_clean_transcript_keeps_the_contract(clean: list[Any]) -> None:
    first = clean[0][1]
    second = clean[1][1]
    assert len(first["export_tasks"]) == len(second["export_tasks"]) == 5
    assert first["page"]["count"] == second["page"]["count"]
    assert clean[7][0] == clean[8][0] == 400
    assert clean[9][0] == 200
    assert clean[-2] == 201
    after = clean[-1][1]["export_tasks"]
    before = clean[-3][1]["export_tasks"]
    assert after[0] != before[-1]


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_fault_is_observable(fault: str, clean: list[Any]) -> None:
    with serve_in_thread(Settings(seed=150, seed_random=1, max_tasks=0, faults=(fault,))) as url:
        faulty = _transcript(url)
    assert faulty != clean
    assert len(faulty) == len(clean)


def test_targeted_fault_effects(clean: list[Any]) -> None:
    with serve_in_thread(
        Settings(
            seed=150,
            seed_random=1,
            max_tasks=0,
            faults=("server-error-at-max-offset", "error-body-nonstandard", "accepts-invalid-limit"),
        )
    ) as url:
        faulty = _transcript(url)
    assert faulty[9][0] == 500
    assert set(faulty[9][1]) == {"code", "message"}
    assert faulty[7] == (200, {"export_tasks": [], "page": {"count": clean[0][1]["page"]["count"]}})
    assert faulty[8][0] == 200
    count = clean[0][1]["page"]["count"]
    assert len(faulty[8][1]["export_tasks"]) == min(51, count) > 10


def test_unknown_fault_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown fault"), serve_in_thread(Settings(faults=("nope",))):
        pass


# -- the faults taken from public issue threads, each shown directly -------------------------------


def _page(client: httpx.Client, **params: Any) -> dict[str, Any]:
    response = client.get(LIST, params={"resource_type": "BatchTask", **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _keys(body: dict[str, Any]) -> list[str]:
    return [task["export_task_id"] for task in body["export_tasks"]]


@contextmanager
def _client(*faults: str) -> Iterator[httpx.Client]:
    """A client of the mock on the seed of the transcript, with ``faults``."""
    settings = Settings(seed=150, seed_random=1, max_tasks=0, faults=faults)
    with serve_in_thread(settings) as url, httpx.Client(base_url=url, headers=AUTH_HEADERS) as client:
        yield client


@pytest.fixture(scope="module")
def records() -> list[tuple[str, str, str]]:
    """(record id, create_time, export_task_id) of every record, newest first, from the clean mock."""
    out: list[tuple[str, str, str]] = []
    with _client() as client:
        marker = None
        while True:
            body = _page(client, limit=1, **({"marker": marker} if marker else {}))
            if not body["export_tasks"]:
                return out
            task = body["export_tasks"][0]
            marker = body["page"]["marker"]
            out.append((marker, task["create_time"], task["export_task_id"]))


def _tie(records: list[tuple[str, str, str]]) -> int:
    """The position of a record whose next (older) record has the same create_time."""
    ties = [i for i in range(len(records) - 1) if records[i][1] == records[i + 1][1]]
    assert ties, "the seed holds no records sharing a create_time"
    return ties[0]


def test_the_seed_holds_records_sharing_a_create_time(records: list[tuple[str, str, str]]) -> None:
    times = [created for _, created, _ in records]
    assert times == sorted(times, reverse=True)
    assert len(set(times)) < len(times)
    assert len({record_id for record_id, _, _ in records}) == len(records)


def test_marker_by_create_time_skips_the_records_sharing_the_markers_create_time(
    records: list[tuple[str, str, str]],
) -> None:
    at = _tie(records)
    marker, created, _ = records[at]
    with _client("marker-by-create-time") as client:
        body = _page(client, limit=50, marker=marker)
    assert records[at + 1][2] not in _keys(body)  # the tied sibling below the marker is lost
    second = created[:19]  # create_time to the second: yyyy-MM-ddTHH:mm:ss
    assert _keys(body) == [key for _, time, key in records if time[:19] < second][:50]


def test_marker_by_create_time_inclusive_repeats_the_marker_and_its_ties(
    records: list[tuple[str, str, str]],
) -> None:
    at = _tie(records)
    marker, created, key = records[at + 1]  # the older of the two: its tie is above it
    with _client("marker-by-create-time-inclusive") as client:
        body = _page(client, limit=50, marker=marker)
    assert records[at][2] in _keys(body)  # already returned above the marker
    assert key in _keys(body)  # the marker's own record comes back
    second = created[:19]
    assert _keys(body) == [key for _, time, key in records if time[:19] <= second][:50]


def test_marker_on_empty_page_echoes_the_requested_marker() -> None:
    low = "0" * 24
    with _client() as client:
        assert _page(client, marker=low)["page"] == {"count": _page(client)["page"]["count"]}
    with _client("marker-on-empty-page") as client:
        body = _page(client, marker=low)
    assert body["export_tasks"] == []
    assert body["page"]["marker"] == low


def test_no_marker_on_last_page_drops_the_marker_of_the_final_records(
    records: list[tuple[str, str, str]],
) -> None:
    count = len(records)
    with _client("no-marker-on-last-page") as client:
        last = _page(client, limit=3, offset=count - 2)
        before_last = _page(client, limit=3, offset=count - 4)
        walked: list[str] = []
        body = _page(client, limit=50)
        while True:
            walked += _keys(body)
            if "marker" not in body["page"]:
                break
            body = _page(client, limit=50, marker=body["page"]["marker"])
    assert _keys(last) == [key for _, _, key in records[-2:]]
    assert "marker" not in last["page"]
    assert before_last["page"]["marker"] == records[-2][0]  # not the end yet: the marker is there
    assert body["export_tasks"]  # the walk stops on a page with records, never on an empty one
    assert walked == [key for _, _, key in records]


def test_limit_before_offset_cuts_the_page_then_skips_into_it(records: list[tuple[str, str, str]]) -> None:
    whole = [key for _, _, key in records]
    with _client("limit-before-offset") as client:
        short = _page(client, limit=5, offset=3)
        gone = _page(client, limit=5, offset=5)
        plain = _page(client, limit=5)
    assert _keys(short) == whole[3:5]  # the contract's page is whole[3:8]
    assert _keys(gone) == []
    assert _keys(plain) == whole[:5]


def test_count_after_offset_subtracts_the_offset(records: list[tuple[str, str, str]]) -> None:
    with _client("count-after-offset") as client:
        assert _page(client, limit=5)["page"]["count"] == len(records)
        assert _page(client, limit=5, offset=3)["page"]["count"] == len(records) - 3
        assert _page(client, limit=5, offset=len(records) + 7)["page"]["count"] == 0
