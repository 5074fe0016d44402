"""The list filters of the paging contract and whether a task matches them (the spec's description)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

APP_ID = "app_id"
APP_TYPE = "app_type"
RESOURCE_CONDITION = "resource_condition"
CONDITION_KEY = "task_id"
#: ``app_type`` value that, without ``app_id``, narrows the list to the project's default app.
ONE_APP = "APP"

Filters = Mapping[str, str]


@dataclass(frozen=True)
class AppScope:
    """The app ``app_type=APP`` without ``app_id`` means: ``app_id`` (None: tasks without an app id).

    ``known`` is False when that list was empty: it then matches no task.
    """

    known: bool
    app_id: str | None


#: The contract's decision ``default-app``: the tasks created without an app id.
CONTRACT_SCOPE = AppScope(known=True, app_id=None)


def condition_text(task_id: str) -> str:
    """The query text of a resource condition, as the official SDK sends it."""
    return json.dumps({CONDITION_KEY: task_id})


def matches(task: Mapping[str, Any], filters: Filters, scope: AppScope | None = None) -> bool:
    """Whether ``task`` belongs to the list selected by ``filters`` (project and instance aside).

    ``scope`` is what ``app_type=APP`` without ``app_id`` means (the contract's reading when None).
    """
    scope = CONTRACT_SCOPE if scope is None else scope
    if APP_ID in filters:
        if task.get(APP_ID) != filters[APP_ID]:
            return False
    elif filters.get(APP_TYPE) == ONE_APP and (not scope.known or task.get(APP_ID) != scope.app_id):
        return False
    if RESOURCE_CONDITION in filters:
        wanted = json.loads(filters[RESOURCE_CONDITION]).get(CONDITION_KEY)
        condition = task.get(RESOURCE_CONDITION)
        if not isinstance(condition, Mapping) or condition.get(CONDITION_KEY) != wanted:
            return False
    return True


def describe(filters: Filters) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(filters.items())) or "no filter"
