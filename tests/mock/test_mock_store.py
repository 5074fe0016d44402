"""The store: write-through SQLite, in-memory index, task life cycle, create rules (controllable clock)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from iotda_contract.mock.paging import PageQuery, page
from iotda_contract.mock.seed import seed_tasks
from iotda_contract.mock.store import ALL, DEFAULT_APP, Limits, Store
from iotda_contract.mock.tasks import RecordIds, new_live_task

T0 = 1_800_000_000.0
DEFAULTS = {"export_format": "xls", "app_type": "GLOBAL"}
TOP = "f" * 24


class Clock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _create(store: Store, task_id: str | None = None, app_id: str | None = None, instance: str = "") -> str:
    now = store.now_ms()
    body: dict[str, object] = {"resource_type": "BatchTask"}
    if task_id is not None:
        body["resource_condition"] = {"task_id": task_id}
    if app_id is not None:
        body["app_id"] = app_id
    record_id = store.next_record_id(now)
    task = new_live_task(
        record_id, "p", instance, body, DEFAULTS, now, store.limits.task_ms, export_task_id=f"t{record_id}"
    )
    store.add(task)
    return record_id


def test_record_ids_increase_strictly_within_one_second() -> None:
    ids = RecordIds()
    made = [ids.next(1_000_500) for _ in range(1000)]
    assert made == sorted(made)
    assert len(set(made)) == 1000
    assert all(len(i) == 24 and i == i.lower() for i in made)
    assert ids.next(5_000_000) > made[-1]
    assert ids.next(0) > made[-1]


def test_task_progress_rises_then_succeeds() -> None:
    clock = Clock()
    store = Store(":memory:", Limits(task_ms=10_000), clock=clock)
    record_id = _create(store, task_id="61b7ed6a66a1a5f5d5e26c8f")

    def view() -> dict[str, object]:
        return dict(json.loads(store.bodies([record_id])[0]))

    first = view()
    assert (first["status"], first["progress"], first["export_count"]) == ("Processing", 0, 0)
    assert "end_time" not in first
    clock.now = T0 + 4.2
    middle = view()
    assert (middle["status"], middle["progress"]) == ("Processing", 42)
    clock.now = T0 + 10
    done = view()
    assert (done["status"], done["progress"]) == ("Success", 100)
    assert isinstance(done["export_count"], int)
    assert done["export_count"] > 0
    assert done["end_time"] == "2027-01-15T08:00:10.000Z"
    assert done["create_time"] == "2027-01-15T08:00:00.000Z"


def test_the_failed_rule() -> None:
    clock = Clock()
    store = Store(":memory:", Limits(task_ms=10_000), clock=clock)
    record_id = _create(store, task_id="FA11ed6a66a1a5f5d5e26c8f")
    clock.now = T0 + 4.9
    assert json.loads(store.bodies([record_id])[0])["status"] == "Processing"
    clock.now = T0 + 5
    failed = json.loads(store.bodies([record_id])[0])
    assert (failed["status"], failed["progress"]) == ("Failed", 50)
    assert failed["end_time"] == "2027-01-15T08:00:05.000Z"


def test_max_unfinished_refuses_until_a_task_ends() -> None:
    clock = Clock()
    store = Store(":memory:", Limits(max_unfinished=2, task_ms=1_000), clock=clock)
    _create(store)
    _create(store)
    assert not store.can_start("p", "")
    assert store.can_start("p", "other-instance")
    clock.now = T0 + 1
    assert store.can_start("p", "")


def test_task_seconds_zero_finishes_at_once() -> None:
    store = Store(":memory:", Limits(max_unfinished=1, task_ms=0), clock=Clock())
    for _ in range(3):
        assert store.can_start("p", "")
        _create(store)


def test_max_tasks_evicts_the_earliest_per_instance() -> None:
    store = Store(":memory:", Limits(max_tasks=3, max_unfinished=0), clock=Clock())
    made = [_create(store) for _ in range(5)]
    other = _create(store, instance="i2")
    assert store.ids(("p", "", ALL, ALL)) == made[2:]
    assert store.ids(("p", "i2", ALL, ALL)) == [other]
    assert len(store) == 4


def test_reload_from_file_keeps_everything(tmp_path: Path) -> None:
    path = tmp_path / "mock.db"
    clock = Clock()
    store = Store(path, Limits(max_tasks=0, max_unfinished=3, task_ms=60_000), clock=clock)
    store.bulk_load(seed_tasks(200, 5, "p", "BatchTask", "xls"))
    made = [_create(store, app_id="app_01"), _create(store, task_id="61b7ed6a66a1a5f5d5e26c8f")]
    keys = [
        ("p", "", ALL, ALL),
        ("p", "instance-2", ALL, ALL),
        ("p", "", "app_01", ALL),
        ("p", "", DEFAULT_APP, ALL),
    ]
    before = {key: list(store.ids(key)) for key in keys}
    bodies = store.bodies(before[keys[0]])
    store.close()
    again = Store(path, Limits(max_tasks=0, max_unfinished=3, task_ms=60_000), clock=clock)
    assert {key: again.ids(key) for key in keys} == before
    assert again.bodies(before[keys[0]]) == bodies
    assert made[-1] in again.ids(("p", "", ALL, ALL))
    assert not again.can_start("p", "")  # the frozen seeded task and the two live ones
    assert again.next_record_id(0) > made[-1]
    again.close()


def test_seed_is_deterministic_and_varied() -> None:
    first = list(seed_tasks(300, 11, "demo-project", "BatchTask", "xls"))
    assert first == list(seed_tasks(300, 11, "demo-project", "BatchTask", "xls"))
    assert first != list(seed_tasks(300, 12, "demo-project", "BatchTask", "xls"))
    assert [t.record_id for t in first] == sorted(t.record_id for t in first)
    assert [t.create_ms for t in first] == sorted(t.create_ms for t in first)
    assert {t.status for t in first} == {"Processing", "Success", "Failed"}
    assert {t.instance_id for t in first} == {"", "instance-2"}
    assert len({t.app_id for t in first}) >= 4
    assert None in {t.app_id for t in first}
    assert 1 < len({t.task_id for t in first if t.task_id}) <= 5
    assert sum(t.status == "Processing" for t in first) == 2
    assert all(len(t.export_task_id) == 28 and t.export_task_id.isalnum() for t in first)
    assert len({t.export_task_id for t in first}) == 300


def test_small_seeds_still_have_every_status() -> None:
    statuses = {t.status for t in seed_tasks(4, 0, "p", "BatchTask", "xls")}
    assert statuses == {"Processing", "Success", "Failed"}


class StoreMachine(RuleBasedStateMachine):
    """The store against a plain model: a dict of record id -> (instance, app, task_id)."""

    @initialize()
    def start(self) -> None:
        self.clock = Clock()
        self.store = Store(":memory:", Limits(max_tasks=6, max_unfinished=0), clock=self.clock)
        self.model: dict[str, tuple[str, str | None, str | None]] = {}

    @rule(
        instance=st.sampled_from(["", "i2"]),
        app=st.sampled_from([None, "a1", "a2"]),
        task=st.sampled_from([None, "0" * 24, "1" * 24]),
        tick=st.sampled_from([0, 0.3, 2]),
    )
    def create(self, instance: str, app: str | None, task: str | None, tick: float) -> None:
        self.clock.now += tick
        record_id = _create(self.store, task_id=task, app_id=app, instance=instance)
        self.model[record_id] = (instance, app, task)
        mine = sorted(r for r, v in self.model.items() if v[0] == instance)
        for old in mine[:-6]:
            del self.model[old]

    @precondition(lambda self: bool(self.model))
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        record_id = data.draw(st.sampled_from(sorted(self.model)))
        instance = self.model.pop(record_id)[0]
        assert self.store.remove("p", instance, f"t{record_id}")
        assert not self.store.remove("p", instance, f"t{record_id}")

    @rule(
        instance=st.sampled_from(["", "i2"]),
        app=st.sampled_from([ALL, DEFAULT_APP, "a1"]),
        task=st.sampled_from([ALL, "0" * 24]),
        limit=st.integers(1, 4),
    )
    def walk(self, instance: str, app: str, task: str, limit: int) -> None:
        expected = sorted(
            (
                r
                for r, (i, a, t) in self.model.items()
                if i == instance and (app == ALL or (a or DEFAULT_APP) == app) and (task == ALL or t == task)
            ),
            reverse=True,
        )
        key = ("p", instance, app, task)
        ids = self.store.index(key)
        seen: list[str] = []
        marker = TOP
        while True:
            result = page(ids, PageQuery(marker=marker, offset=0, limit=limit))
            assert result.count == len(expected)
            bodies = self.store.page_bodies(key, result.start, result.stop)
            assert [json.loads(b)["export_task_id"] for b in bodies] == [f"t{r}" for r in result.ids]
            seen.extend(result.ids)
            if result.marker is None:
                break
            marker = result.marker
        assert seen == expected

    @invariant()
    def sizes_agree(self) -> None:
        if hasattr(self, "store"):
            assert len(self.store) == len(self.model)

    def teardown(self) -> None:
        if hasattr(self, "store"):
            self.store.close()


StoreMachine.TestCase.settings = settings(max_examples=40, stateful_step_count=25, deadline=None)
TestStoreMachine = StoreMachine.TestCase


@pytest.mark.parametrize("count", [0, 1, 2, 3])
def test_tiny_seeds_load(count: int) -> None:
    store = Store(":memory:", clock=Clock())
    assert store.bulk_load(seed_tasks(count, 0, "p", "BatchTask", "xls")) == count
    assert len(store) == count


def _ids_in(body: bytes) -> str:
    return str(json.loads(body)["export_task_id"])


def test_a_processing_task_is_rendered_fresh_until_it_finishes() -> None:
    clock = Clock()
    store = Store(":memory:", Limits(max_unfinished=0, task_ms=10_000), clock=clock)
    done = _create(store, task_id="61b7ed6a66a1a5f5d5e26c8f")
    clock.now += 10
    running = _create(store, task_id="61b7ed6a66a1a5f5d5e26c8f")
    keys = [("p", "", ALL, ALL), ("p", "", DEFAULT_APP, ALL), ("p", "", ALL, "61b7ed6a66a1a5f5d5e26c8f")]
    for step in (0, 3, 6):
        clock.now = T0 + 10 + step
        for key in keys:
            newest, oldest = (json.loads(b) for b in store.page_bodies(key, 0, 2))
            assert (newest["status"], newest["progress"]) == ("Processing", 10 * step)
            assert oldest["status"] == "Success"
            assert store.index(key).bodies == [store.bodies([done])[0], None]  # only the finished one cached
    clock.now = T0 + 20
    final = store.page_bodies(keys[0], 0, 2, ascending=True)
    assert [json.loads(b)["status"] for b in final] == ["Success", "Success"]
    for key in keys:  # cached once finished, in every key that lists it
        assert store.index(key).bodies == final
    assert store.bodies([running, done]) == final[::-1]


def test_bodies_follow_their_ids_through_inserts_evictions_and_deletes() -> None:
    clock = Clock()
    store = Store(":memory:", Limits(max_tasks=4, max_unfinished=0), clock=clock)
    made = [_create(store, app_id="a1" if n % 2 else None) for n in range(3)]
    key = ("p", "", ALL, ALL)
    assert [_ids_in(b) for b in store.page_bodies(key, 0, 3)] == [f"t{r}" for r in made[::-1]]
    made += [_create(store) for _ in range(3)]  # evicts the two earliest
    assert store.remove("p", "", f"t{made[3]}")
    expected = [made[2], made[4], made[5]]
    assert store.ids(key) == expected
    bodies = store.page_bodies(key, 0, 3, ascending=True)
    assert [_ids_in(b) for b in bodies] == [f"t{r}" for r in expected]
    assert store.index(key).bodies == bodies
    assert [_ids_in(b) for b in store.page_bodies(("p", "", "a1", ALL), 0, 1)] == []


def test_a_bulk_load_out_of_order_is_read_back_sorted() -> None:
    tasks = list(seed_tasks(20, 3, "p", "BatchTask", "xls"))
    store = Store(":memory:", Limits(max_tasks=0), clock=Clock())
    assert store.bulk_load(tasks[::-1]) == 20
    in_order = Store(":memory:", Limits(max_tasks=0), clock=Clock())
    in_order.bulk_load(tasks)
    for instance in ("", "instance-2"):
        key = ("p", instance, ALL, ALL)
        assert (
            store.ids(key)
            == in_order.ids(key)
            == sorted(t.record_id for t in tasks if t.instance_id == instance)
        )
        assert store.page_bodies(key, 0, 5) == in_order.page_bodies(key, 0, 5)
