"""Each ``--fault`` changes what a client observes over HTTP; the clean server keeps the contract."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

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
        before_insert = get(limit=4)
        created = client.post(LIST, json=BODY)
        out.append(created.status_code)
        get(limit=4, marker=before_insert["page"]["marker"])
    return out


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
