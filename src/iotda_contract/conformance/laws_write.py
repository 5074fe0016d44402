"""The laws that create and delete tasks; they run only with ``--allow-writes``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import DataObject

from iotda_contract.conformance.cleanup import interrupts_deferred
from iotda_contract.conformance.context import LawContext, fail
from iotda_contract.conformance.contract import PagingContract
from iotda_contract.conformance.errors import Skip, UnexpectedResponse
from iotda_contract.conformance.filters import APP_ID, APP_TYPE, CONDITION_KEY, ONE_APP, RESOURCE_CONDITION
from iotda_contract.conformance.registry import law
from iotda_contract.conformance.strategies import from_schema
from iotda_contract.conformance.target import Exchange
from iotda_contract.conformance.walks import Walk

#: Tasks created for a run on a project that holds none (deleted at the end of the run).
SEED_TASKS = 3
#: Pages walked after the creates in walk-stable-under-insert: a shift shows on the first of them.
PAGES_AFTER_INSERTS = 3


def task_bodies(ctx: LawContext, *, app_id: bool | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """Valid create bodies from the AddExportTask schema: required fields, optional condition and app."""
    schema = ctx.contract.create_body_schema
    props = schema.get("properties", {})
    body: dict[str, st.SearchStrategy[Any]] = {k: st.just(v) for k, v in minimal_body(ctx).items()}
    condition = props.get(RESOURCE_CONDITION, {}).get("properties", {}).get(CONDITION_KEY)
    if condition is not None:
        body[RESOURCE_CONDITION] = from_schema(condition).map(lambda t: {CONDITION_KEY: t.lower()})
    apps = from_schema(props[APP_ID]) if APP_ID in props else st.nothing()
    if app_id is True:
        body[APP_ID] = apps
    optional = {APP_ID: apps} if app_id is None and APP_ID in props else {}
    return st.fixed_dictionaries(body, optional=optional)


def create(
    ctx: LawContext, body: Mapping[str, Any], headers: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Create a task (remembered for clean-up) and return it; Skip when the backend is busy."""
    return create_exchange(ctx, body, headers)[0]


def create_exchange(
    ctx: LawContext, body: Mapping[str, Any], headers: Mapping[str, str] | None = None
) -> tuple[dict[str, Any], Exchange]:
    """Like :func:`create`, with the exchange, for a violation's evidence."""
    ctx.forget()
    with interrupts_deferred():  # a task the backend made is always on the clean-up list
        exchange = ctx.target.create(body, headers=headers)
        return _remember(ctx, exchange, headers), exchange


def _remember(ctx: LawContext, exchange: Exchange, headers: Mapping[str, str] | None) -> dict[str, Any]:
    limits = ctx.contract.limits
    if limits is not None and exchange.status == limits.busy_status:
        raise Skip(f"the backend refused a create with {exchange.status} ({exchange.response_text[:80]}): "
                   f"more than {limits.max_unfinished} unfinished tasks; try again when they have "
                   "finished")  # fmt: skip
    created = exchange.json()
    if exchange.status != 201 or not isinstance(created, dict) or ctx.contract.key_field not in created:
        raise fail(f"a valid create was answered {exchange.status}, not 201 with a task", exchange)
    task_id = created[ctx.contract.key_field]
    if not usable_id(ctx, task_id):
        raise fail(
            f"the created task's {ctx.contract.key_field} {task_id!r} is not an id the spec allows", exchange
        )
    ctx.created.append((str(task_id), dict(headers or {})))
    ctx.created_log.append((str(task_id), f"law {ctx.current_law}"))
    return created


def usable_id(ctx: LawContext, task_id: object) -> bool:
    """An id from the backend, checked before it goes anywhere: a string the platform view's schema allows."""
    from iotda_contract.conformance.laws_reject import satisfies

    if not isinstance(task_id, str) or task_id in (".", "..") or not task_id.isprintable():
        return False
    schema = ctx.platform.delete_parameter.schema if ctx.platform.delete_op is not None else {}
    return satisfies(schema, task_id)


def seed_records(ctx: LawContext) -> None:
    """Give an empty project a few tasks, so that the read laws have something to judge (deleted later)."""
    ctx.current_law = "seed"
    for _ in range(SEED_TASKS):
        try:
            create(ctx, minimal_body(ctx))
        except Skip:
            return  # the backend is busy: the laws work with what there is


def minimal_body(ctx: LawContext) -> dict[str, Any]:
    """A create body with the required fields only, each at its first allowed value."""
    schema = ctx.contract.create_body_schema
    props = schema.get("properties", {})
    return {name: props[name].get("enum", [props[name].get("default", props[name].get("example"))])[0]
            for name in schema.get("required", [])}  # fmt: skip


def delete(ctx: LawContext, task_id: str, headers: Mapping[str, str] | None = None) -> Exchange:
    ctx.forget()
    exchange = ctx.target.delete(task_id, headers=headers)
    ctx.created[:] = [c for c in ctx.created if c[0] != task_id]
    return exchange


@contextmanager
def cleaning(ctx: LawContext) -> Iterator[None]:
    """Delete every task created inside the block, whatever happens."""
    try:
        yield
    finally:
        for task_id, headers in list(ctx.created):
            delete(ctx, task_id, headers or None)


def _require_writes(ctx: LawContext) -> None:
    if not ctx.allow_writes:
        raise Skip("creates and deletes tasks: run with --allow-writes")


@law("created-first", "A task just created heads the list.", writes=True)
def created_first(ctx: LawContext, data: DataObject) -> None:
    _require_writes(ctx)
    with cleaning(ctx):
        task = create(ctx, data.draw(task_bodies(ctx), label="body"))
        page = ctx.page({ctx.contract.limit.name: ctx.contract.limit.minimum})
        if page.keys[:1] != (task[ctx.contract.key_field],):
            raise fail(f"the new task {task[ctx.contract.key_field]} is not first in the list", page)


@law("walk-stable-under-insert", "Tasks created during a walk cause no repeat and no gap.", writes=True)
def walk_stable_under_insert(ctx: LawContext, data: DataObject) -> None:
    _require_writes(ctx)
    c = ctx.contract
    limit = data.draw(st.integers(c.limit.minimum, min(c.limit.maximum, 5)), label="limit")
    inserts = data.draw(st.integers(1, 3), label="inserts")
    walked = limit * (PAGES_AFTER_INSERTS + 1)  # the first page and the pages after the creates
    with cleaning(ctx):
        before = ctx.head(walked + 10)  # the list's head, and some room for tasks others delete meanwhile
        if len(before.keys) <= limit:
            raise Skip(f"needs more than {limit} records to walk past a first page")
        bodies = [data.draw(task_bodies(ctx), label=f"body_{i}") for i in range(inserts)]
        first = ctx.page({c.limit.name: limit})
        made = [create_exchange(ctx, body) for body in bodies]
        new = {task[ctx.contract.key_field] for task, _ in made}
        if first.marker is None:
            raise fail("a page with records carries no page.marker", first)
        rest = ctx.walk(limit=limit, start=first.marker, enough=limit * PAGES_AFTER_INSERTS)
        after = set(ctx.head(walked + inserts + 10).keys)
        seen = first.keys + rest.keys
        expected = tuple(k for k in before.keys if k in after or k in first.keys)
        if rest.cut:
            expected = expected[: len(seen)]
        repeated = sorted({k for k in seen if seen.count(k) > 1})
        if repeated or any(k in new for k in rest.keys) or seen != expected:
            detail = f"repeated {repeated}" if repeated else f"{len(seen)} records, expected {len(expected)}"
            raise fail(f"{inserts} tasks created after the first page (limit {limit}): {detail}",
                       first, [exchange for _, exchange in made], *_head(rest))  # fmt: skip


@law("deleted-gone", "A deleted task is gone from the list, and deleting it again is refused with 404.",
     writes=True)  # fmt: skip
def deleted_gone(ctx: LawContext, data: DataObject) -> None:
    _require_writes(ctx)
    with cleaning(ctx):
        task_id = str(create(ctx, data.draw(task_bodies(ctx), label="body"))[ctx.contract.key_field])
        gone = delete(ctx, task_id)
        if not _success(ctx.platform, gone.status):
            raise fail(f"deleting task {task_id} was answered {gone.status}", gone)
        if not _success(ctx.contract, gone.status):
            ids = ctx.responsible(lambda view: _success(view, gone.status), "response")
            ctx.deviate(ids, f"deleting task {task_id} was answered {gone.status}", gone)
        listed = ctx.head(ctx.contract.limit.maximum)  # the newest task: on the first page if anywhere
        if task_id in listed.keys:
            raise fail(f"task {task_id} is still listed after its delete", gone, *_head(listed))
        again = ctx.target.delete(task_id)
        if not 400 <= again.status < 500:
            raise fail(f"deleting task {task_id} twice was answered {again.status}, not refused", gone, again)
        if again.status != 404:
            twice = f"deleting task {task_id} twice was answered {again.status}, not 404"
            ctx.deviate("not-found-404", twice, gone, again)


@law("count-follows-writes", "After every create and delete, page.count equals the number of records a "
     "complete walk visits.", writes=True)  # fmt: skip
def count_follows_writes(ctx: LawContext, data: DataObject) -> None:
    _require_writes(ctx)
    # every draw comes before the first write: a draw that fails discards the example, and its writes
    bodies = [data.draw(task_bodies(ctx), label=f"body_{i}")
              for i in range(data.draw(st.integers(1, 2), label="creates"))]  # fmt: skip
    with cleaning(ctx):
        if ctx.shared.first("count-follows-writes before"):
            # the data before any write: once a run (a later example starts where an earlier one ended,
            # after writes whose counts it checked)
            _count_agrees(ctx, "before any write")
        made = [str(create(ctx, body)[ctx.contract.key_field]) for body in bodies]
        _count_agrees(ctx, f"after creating {', '.join(made)}")
        delete(ctx, made[0])
        _count_agrees(ctx, f"after deleting {made[0]}")


def _count_agrees(ctx: LawContext, when: str) -> None:
    w = ctx.walk(limit=ctx.contract.limit.maximum)
    if not w.ended:
        raise Skip(f"needs a complete walk {when}, which stopped: {w.stop_reason}")
    count = w.pages[0].count
    if count is not None and count != len(w.keys):
        raise fail(f"{when}: page.count is {count}, but a complete walk visits {len(w.keys)} records",
                   *w.pages[:2])  # fmt: skip


def _success(contract: PagingContract, status: int) -> bool:
    """Whether the delete operation of ``contract`` documents ``status`` as a success."""
    delete_op = contract.delete_op
    return delete_op is not None and str(status) in delete_op.responses and 200 <= status < 300


@law("isolation", "A task created under one instance or app is not visible under another.", writes=True)
def isolation(ctx: LawContext, data: DataObject) -> None:
    _require_writes(ctx)
    c = ctx.contract
    body = data.draw(task_bodies(ctx, app_id=True), label="body")
    # drawn before the create: a draw that fails discards the example, and the create would be wasted
    other_app = data.draw(
        from_schema(c.parameter(APP_ID).schema).filter(lambda a: a != body[APP_ID]), label="other"
    )
    with cleaning(ctx):
        task = create(ctx, body)
        key, app = str(task[ctx.contract.key_field]), str(task.get(APP_ID))
        # its own app's view first (named ""), then the others: read side by side, the same data
        views: dict[str, tuple[dict[str, str], dict[str, str] | None]] = {"": ({APP_ID: app}, None)}
        if other_app != app:  # the backend kept another app than the body's: its own is not "other"
            views[f"app_id={other_app}"] = ({APP_ID: other_app}, None)
        views[f"{APP_TYPE}={ONE_APP}"] = ({APP_TYPE: ONE_APP}, None)
        instances = [i for i in (None, ctx.other_instance_id) if i != ctx.target.instance_id]
        for instance in instances:
            views[f"instance {instance or '(default)'}"] = ({}, ctx.target.headers(instance))

        def listed(name: str) -> Walk | None:
            query, headers = views[name]
            try:
                return ctx.walk(limit=c.limit.maximum, filters=query, headers=headers)
            except UnexpectedResponse as refused:
                if name and all(400 <= e.status < 500 for e in refused.exchanges):
                    return None  # another instance may be refused outright: nothing is visible there
                raise

        for name, seen in ctx.fetch_all(list(views), listed):
            if not name and seen is not None and key not in seen.keys:
                raise fail(f"the new task {key} is not listed under its own app {app}", *_head(seen))
            if name and seen is not None and key in seen.keys:
                raise fail(f"the task {key} of app {app} is visible under {name}", *_head(seen))


def _head(w: Walk) -> list[Any]:
    return list(w.pages[:3])
