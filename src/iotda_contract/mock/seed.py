"""Deterministic synthetic export tasks for ``--seed N --seed-random S``."""

from __future__ import annotations

import random
from collections.abc import Iterator

from iotda_contract.mock.tasks import RecordIds, Task, new_export_task_id, planned_count
from iotda_contract.spec import Spec

#: The instances a seed spreads over: the default one (no Instance-Id header) and a second one.
INSTANCES = ("", "instance-2")
#: The apps a seed spreads over; None is the project's default app.
APPS = (None, "app_01", "app_02", "app_03", "app_04")
#: How many distinct batch task_ids a seed uses.
BATCH_TASKS = 5
#: The create_time of the first seeded task: 2024-01-01T00:00:00.000Z.
START_MS = 1_704_067_200_000
#: The largest gap between two seeded tasks' create_time.
MAX_GAP_MS = 60_000
#: The chance that a seeded task is created in the same millisecond as the one before it (tasks
#: created together), so that a seed holds groups of tasks sharing one create_time: the contract
#: orders by record id, and a backend that pages by create_time must meet ties.
TIE_CHANCE = 0.25


def seed_tasks(
    count: int,
    seed: int,
    project_id: str,
    resource_type: str,
    export_format: str,
) -> Iterator[Task]:
    """``count`` tasks in record-id order, the same for the same (count, seed).

    ``resource_type`` and ``export_format`` come from the spec's enums.

    The first task is Failed in the default instance, the second Success in ``instance-2``, the
    newest of each instance is a frozen Processing snapshot, the rest are Success or Failed. About
    a quarter of the tasks share the create_time of the task before them (:data:`TIE_CHANCE`).
    """
    rng = random.Random(seed)
    # A stream of its own, so that the ties leave every other drawn value as it was without them.
    ties = random.Random(f"ties-{seed}")
    batch_ids = [f"{rng.getrandbits(96):024x}" for _ in range(BATCH_TASKS)]
    instances = [rng.choice(INSTANCES) for _ in range(count)]
    if count > 0:
        instances[0] = INSTANCES[0]
    if count > 1:
        instances[1] = INSTANCES[1]
    newest = {instance: index for index, instance in enumerate(instances)}
    frozen = set(newest.values())
    ids = RecordIds()
    now = START_MS
    for index, instance in enumerate(instances):
        gap = rng.randint(1, MAX_GAP_MS)
        if index == 0 or ties.random() >= TIE_CHANCE:
            now += gap
        record_id = ids.next(now)
        app_id = rng.choice(APPS)
        app_type = "APP" if app_id is not None else rng.choice(("GLOBAL", "APP"))
        task_id = rng.choice(batch_ids) if rng.random() < 0.8 else None
        planned = planned_count(record_id)
        if index in frozen:
            status = "Processing"
        elif index == 0:
            status = "Failed"
        elif index == 1:
            status = "Success"
        else:
            status = "Failed" if rng.random() < 0.15 else "Success"
        progress = 100 if status == "Success" else rng.randint(0, 99)
        end_ms = None if status == "Processing" else now + rng.randint(1_000, 120_000)
        yield Task(
            record_id=record_id,
            project_id=project_id,
            instance_id=instance,
            export_task_id=new_export_task_id(rng),
            resource_type=resource_type,
            task_id=task_id,
            export_format=export_format,
            app_type=app_type,
            app_id=app_id,
            status=status,
            progress=progress,
            export_count=planned * progress // 100,
            create_ms=now,
            end_ms=end_ms,
            live=False,
        )


def spec_seed_tasks(document: Spec, count: int, seed: int, project_id: str) -> Iterator[Task]:
    """:func:`seed_tasks` with the resource type and export format the spec's ExportTask enums allow."""
    properties = document.schema("ExportTask")["properties"]
    return seed_tasks(count, seed, project_id, resource_type=properties["resource_type"]["enum"][0],
                      export_format=properties["export_format"]["enum"][0])  # fmt: skip
