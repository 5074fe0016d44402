"""The list filters of the paging contract and whether a task matches them (the spec's description)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

APP_ID = "app_id"
APP_TYPE = "app_type"
RESOURCE_CONDITION = "resource_condition"
CONDITION_KEY = "task_id"
#: ``app_type`` value that, without ``app_id``, narrows the list to the project's default app.
ONE_APP = "APP"

Filters = Mapping[str, str]


def condition_text(task_id: str) -> str:
    """The query text of a resource condition, as the official SDK sends it."""
    return json.dumps({CONDITION_KEY: task_id})


def matches(task: Mapping[str, Any], filters: Filters) -> bool:
    """Whether ``task`` belongs to the list selected by ``filters`` (project and instance aside)."""
    if APP_ID in filters:
        if task.get(APP_ID) != filters[APP_ID]:
            return False
    elif filters.get(APP_TYPE) == ONE_APP and task.get(APP_ID) is not None:
        return False
    if RESOURCE_CONDITION in filters:
        wanted = json.loads(filters[RESOURCE_CONDITION]).get(CONDITION_KEY)
        condition = task.get(RESOURCE_CONDITION)
        if not isinstance(condition, Mapping) or condition.get(CONDITION_KEY) != wanted:
            return False
    return True


def describe(filters: Filters) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(filters.items())) or "no filter"
