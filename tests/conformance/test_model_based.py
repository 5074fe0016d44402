"""Model-based test of the mock: create, delete, list, walk and time passing, against a plain model."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass

import httpx
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from iotda_contract import spec as spec_module
from iotda_contract.conformance.contract import load_contract
from iotda_contract.mock.settings import Settings
from iotda_contract.mock.testing import AUTH_HEADERS, serve_in_thread

PROJECT = "demo-project"
MAX_TASKS, MAX_UNFINISHED, TASK_SECONDS = 6, 3, 10.0
INSTANCES = (None, "instance-2")
APPS = (None, "app_01", "app_02")
BATCHES = ("61b7ed6a66a1a5f5d5e26c8f", "5c90fa7d3c4e4405e8525079")
CONTRACT = load_contract(spec_module.load())


class Clock:
    """The mock's clock, moved only by the test (steps of 3 s and 20 s never land on a 10 s boundary)."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0
        self.lock = threading.Lock()

    def __call__(self) -> float:
        with self.lock:
            return self.now


@dataclass
class ModelTask:
    key: str
    instance: str | None
    app_id: str | None
    batch: str
    created: float


@pytest.fixture(scope="module")
def mock():
    clock = Clock()
    options = Settings(max_tasks=MAX_TASKS, max_unfinished=MAX_UNFINISHED, task_seconds=TASK_SECONDS)
    with (
        serve_in_thread(options, clock=clock) as url,
        httpx.Client(base_url=url, headers=AUTH_HEADERS) as client,
    ):
        yield client, clock


class MockModel(RuleBasedStateMachine):
    """The mock against a list of tasks per instance, newest last."""

    client: httpx.Client
    clock: Clock

    @initialize()
    def reset(self) -> None:
        self.tasks: list[ModelTask] = []
        for instance in INSTANCES:
            for key in self.listed(instance, {"limit": CONTRACT.limit.maximum, "offset": 0}, walk=True):
                assert (
                    self.client.delete(f"{self.path}/{key}", headers=self.headers(instance)).status_code
                    == 204
                )
        self.last_page: tuple[str | None, dict[str, str], str, list[str]] | None = None

    path = f"/v5/iot/{PROJECT}/export-tasks"

    def headers(self, instance: str | None) -> dict[str, str]:
        return {"Instance-Id": instance} if instance else {}

    def listed(self, instance: str | None, query: dict[str, object], *, walk: bool = False) -> list[str]:
        params = {**dict(CONTRACT.required_query), **{k: str(v) for k, v in query.items()}}
        keys: list[str] = []
        while True:
            response = self.client.get(self.path, params=params, headers=self.headers(instance))
            assert response.status_code == 200, response.text
            body = response.json()
            keys += [t["export_task_id"] for t in body["export_tasks"]]
            if not walk or not body["export_tasks"]:
                return keys
            params["marker"] = body["page"]["marker"]

    def expected(self, instance: str | None, filters: dict[str, str]) -> list[str]:
        def keep(task: ModelTask) -> bool:
            if task.instance != instance:
                return False
            if "app_id" in filters and task.app_id != filters["app_id"]:
                return False
            if filters.get("app_type") == "APP" and "app_id" not in filters and task.app_id is not None:
                return False
            return (
                "resource_condition" not in filters
                or json.loads(filters["resource_condition"])["task_id"] == task.batch
            )

        return [t.key for t in reversed(self.tasks) if keep(t)]

    def processing(self, instance: str | None) -> int:
        return sum(
            1 for t in self.tasks if t.instance == instance and self.clock() < t.created + TASK_SECONDS
        )

    @rule(
        instance=st.sampled_from(INSTANCES),
        tasks=st.lists(st.tuples(st.sampled_from(APPS), st.sampled_from(BATCHES)), min_size=1, max_size=4),
    )
    def create(self, instance: str | None, tasks: list[tuple[str | None, str]]) -> None:
        for app_id, batch in tasks:
            self.create_one(instance, app_id, batch)

    def create_one(self, instance: str | None, app_id: str | None, batch: str) -> None:
        body: dict[str, object] = {"resource_type": "BatchTask", "resource_condition": {"task_id": batch}}
        if app_id:
            body["app_id"] = app_id
        response = self.client.post(self.path, json=body, headers=self.headers(instance))
        if self.processing(instance) >= MAX_UNFINISHED:
            assert response.status_code == 403, response.text
            assert response.json()["error_code"] == "IOTDA.000021"
            return
        assert response.status_code == 201, response.text
        self.tasks.append(ModelTask(response.json()["export_task_id"], instance, app_id, batch, self.clock()))
        mine = [t for t in self.tasks if t.instance == instance]
        for evicted in mine[: max(0, len(mine) - MAX_TASKS)]:
            self.tasks.remove(evicted)

    @precondition(lambda self: bool(self.tasks))
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        task = data.draw(st.sampled_from(self.tasks))
        response = self.client.delete(f"{self.path}/{task.key}", headers=self.headers(task.instance))
        assert response.status_code == 204, response.text
        self.tasks.remove(task)

    @rule()
    def delete_unknown(self) -> None:
        response = self.client.delete(f"{self.path}/no-such-task")
        assert response.status_code == 404
        assert response.json()["error_code"] == "IOTDA.000404"

    @rule(seconds=st.sampled_from([3.0, 20.0]))
    def time_passes(self, seconds: float) -> None:
        with self.clock.lock:
            self.clock.now += seconds

    @rule(
        instance=st.sampled_from(INSTANCES),
        limit=st.integers(CONTRACT.limit.minimum, CONTRACT.limit.maximum),
        offset=st.integers(0, MAX_TASKS + 1),
        filters=st.fixed_dictionaries(
            {},
            optional={
                "app_id": st.sampled_from([a for a in APPS if a]),
                "app_type": st.sampled_from(["GLOBAL", "APP"]),
                "resource_condition": st.sampled_from(BATCHES).map(lambda b: json.dumps({"task_id": b})),
            },
        ),
    )
    def list_page(self, instance: str | None, limit: int, offset: int, filters: dict[str, str]) -> None:
        got = self.listed(instance, {"limit": limit, "offset": offset, **filters})
        want = self.expected(instance, filters)[offset : offset + limit]
        assert got == want
        params = {**dict(CONTRACT.required_query), "limit": str(limit), **filters}
        body = self.client.get(self.path, params=params, headers=self.headers(instance)).json()
        if body["export_tasks"]:
            self.last_page = (
                instance,
                filters,
                body["page"]["marker"],
                [t["export_task_id"] for t in body["export_tasks"]],
            )

    @precondition(lambda self: self.last_page is not None)
    @rule(limit=st.integers(CONTRACT.limit.minimum, CONTRACT.limit.maximum))
    def next_page(self, limit: int) -> None:
        assert self.last_page is not None
        instance, filters, marker, keys = self.last_page
        got = self.listed(instance, {"limit": limit, "marker": marker, **filters})
        full = self.expected(instance, filters)
        if keys[-1] in full:  # the page's last task may have been deleted or evicted since
            start = full.index(keys[-1]) + 1
            assert got == full[start : start + limit]

    @rule(instance=st.sampled_from(INSTANCES), limit=st.integers(CONTRACT.limit.minimum, 4))
    def walk(self, instance: str | None, limit: int) -> None:
        assert self.listed(instance, {"limit": limit}, walk=True) == self.expected(instance, {})

    @invariant()
    def counts_match(self) -> None:
        if not hasattr(self, "tasks"):
            return
        for instance in INSTANCES:
            params = dict(CONTRACT.required_query)
            body = self.client.get(self.path, params=params, headers=self.headers(instance)).json()
            assert body["page"]["count"] == len(self.expected(instance, {}))


def test_mock_matches_the_model(mock):
    client, clock = mock
    machine = type("BoundModel", (MockModel,), {"client": client, "clock": clock})
    profile = settings.default
    machine.TestCase.settings = settings(
        max_examples=max(10, profile.max_examples // 2), stateful_step_count=40, deadline=None
    )
    machine.TestCase().runTest()
