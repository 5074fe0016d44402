"""The control API over a real socket: reset, seed, advance, state; off unless asked for."""

from __future__ import annotations

import httpx

from iotda_contract.mock.control import ControlledMock
from iotda_contract.mock.settings import Settings
from iotda_contract.mock.testing import AUTH_HEADERS, serve_app, serve_in_thread

LIST = "/v5/iot/demo-project/export-tasks"
QUERY = {"resource_type": "BatchTask"}


def test_reset_seed_advance_and_state():
    controlled = ControlledMock(Settings(seed=30, control=True, task_seconds=60))
    try:
        with serve_app(controlled) as url, httpx.Client(base_url=url, headers=AUTH_HEADERS) as client:
            assert client.get("/__iotda/state").json()["tasks"] == 30
            client.post(LIST, json={"resource_type": "BatchTask"})
            state = client.post("/__iotda/reset", json={"seed": 0, "faults": ["offset-ignored"]}).json()
            assert (state["tasks"], state["faults"]) == (0, ["offset-ignored"])
            assert client.get(LIST, params=QUERY).json()["page"]["count"] == 0
            assert client.post("/__iotda/seed", json={"count": 12}).json()["tasks"] == 12
            created = client.post(LIST, json={"resource_type": "BatchTask"}).json()
            assert created["status"] == "Processing"
            assert client.post("/__iotda/advance", json={"seconds": 61}).json()["clock_offset"] == 61
            first = client.get(LIST, params={**QUERY, "limit": 1}).json()["export_tasks"][0]
            assert (first["export_task_id"], first["status"]) == (created["export_task_id"], "Success")
            assert client.post("/__iotda/reset").json() == {**state, "faults": [], "seed": 30, "tasks": 30}
    finally:
        controlled.app.store.close()


def test_a_bad_control_request_is_refused_and_changes_nothing():
    controlled = ControlledMock(Settings(seed=10, control=True))
    try:
        with serve_app(controlled) as url, httpx.Client(base_url=url) as client:
            for body in ({"faults": ["no-such-fault"]}, {"max_tasks": "many"}, {"colour": 1}, [1]):
                refused = client.post("/__iotda/reset", json=body)
                assert refused.status_code == 400
                assert refused.json()["error_code"] == "IOTDA.000006"
            assert client.post("/__iotda/seed", json={"count": 5}).status_code == 400  # not empty
            assert client.get("/__iotda/nothing").status_code == 404
            assert client.get("/__iotda/state").json()["tasks"] == 10
    finally:
        controlled.app.store.close()


def test_the_control_api_is_off_by_default():
    with serve_in_thread(Settings(seed=5)) as url:
        answer = httpx.post(f"{url}/__iotda/reset", headers=AUTH_HEADERS)
    assert answer.status_code == 404
    assert answer.json()["error_code"] == "IOTDA.000404"
