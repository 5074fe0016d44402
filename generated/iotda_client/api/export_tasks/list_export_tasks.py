"""GET /v5/iot/{project_id}/export-tasks (ListExportTasks), generated from the spec; do not edit.

``sync``, ``sync_detailed``, ``asyncio`` and ``asyncio_detailed`` send one request. Before sending, each
checks every argument against the spec's constraints and raises ``ParameterError`` (a ``ValueError``)
without sending anything when one is broken. An enum argument takes the member or its value.

The paginators ``iterate_pages``, ``iterate_items``, ``aiterate_pages`` and ``aiterate_items`` are
re-exported from ``list_export_tasks_pages``.
"""

from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import _checks, errors
from ...client import AuthenticatedClient, Client
from ...models.app_type import AppType
from ...models.error import Error
from ...models.list_export_tasks_response import ListExportTasksResponse
from ...models.resource_type import ResourceType
from ...types import UNSET, Response, Unset

_RULES: dict[str, _checks.Rule] = {
    "project_id": _checks.Rule(
        name="project_id",
        location="path",
        required=True,
        schema={"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[A-Za-z0-9_-]+$"},
        json_schema=None,
    ),
    "instance_id": _checks.Rule(
        name="Instance-Id",
        location="header",
        required=False,
        schema={"type": "string", "minLength": 1, "maxLength": 36, "pattern": "^[A-Za-z0-9_-]+$"},
        json_schema=None,
    ),
    "limit": _checks.Rule(
        name="limit",
        location="query",
        required=False,
        schema={"type": "integer", "format": "int32", "minimum": 1, "maximum": 50},
        json_schema=None,
    ),
    "marker": _checks.Rule(
        name="marker",
        location="query",
        required=False,
        schema={"type": "string", "pattern": "^[0-9a-fA-F]{24}$"},
        json_schema=None,
    ),
    "offset": _checks.Rule(
        name="offset",
        location="query",
        required=False,
        schema={"type": "integer", "format": "int32", "minimum": 0, "maximum": 500},
        json_schema=None,
    ),
    "resource_type": _checks.Rule(
        name="resource_type",
        location="query",
        required=True,
        schema={"type": "string", "enum": ["BatchTask"]},
        json_schema=None,
    ),
    "resource_condition": _checks.Rule(
        name="resource_condition",
        location="query",
        required=False,
        schema={"type": "string", "minLength": 2, "maxLength": 256},
        json_schema={
            "type": "object",
            "additionalProperties": False,
            "properties": {"task_id": {"type": "string", "pattern": "^[0-9a-fA-F]{24}$"}},
        },
    ),
    "app_type": _checks.Rule(
        name="app_type",
        location="query",
        required=False,
        schema={"type": "string", "enum": ["GLOBAL", "APP"]},
        json_schema=None,
    ),
    "app_id": _checks.Rule(
        name="app_id",
        location="query",
        required=False,
        schema={"type": "string", "minLength": 1, "maxLength": 36, "pattern": "^[A-Za-z0-9_-]+$"},
        json_schema=None,
    ),
}


def _get_kwargs(
    project_id: str,
    *,
    limit: int | Unset = 10,
    marker: str | Unset = "ffffffffffffffffffffffff",
    offset: int | Unset = 0,
    resource_type: ResourceType | str,
    resource_condition: str | Unset = UNSET,
    app_type: AppType | str | Unset = UNSET,
    app_id: str | Unset = UNSET,
    instance_id: str | Unset = UNSET,
) -> dict[str, Any]:
    _checks.check_arguments(
        _RULES,
        {
            "project_id": project_id,
            "instance_id": instance_id,
            "limit": limit,
            "marker": marker,
            "offset": offset,
            "resource_type": resource_type,
            "resource_condition": resource_condition,
            "app_type": app_type,
            "app_id": app_id,
        },
    )
    resource_type = ResourceType(resource_type)
    if not isinstance(app_type, Unset):
        app_type = AppType(app_type)
    headers: dict[str, Any] = {}
    if not isinstance(instance_id, Unset):
        headers["Instance-Id"] = instance_id

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["marker"] = marker

    params["offset"] = offset

    json_resource_type = resource_type.value
    params["resource_type"] = json_resource_type

    params["resource_condition"] = resource_condition

    json_app_type: str | Unset = UNSET
    if not isinstance(app_type, Unset):
        json_app_type = app_type.value

    params["app_type"] = json_app_type

    params["app_id"] = app_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v5/iot/{project_id}/export-tasks".format(
            project_id=quote(str(project_id), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | ListExportTasksResponse | None:
    if response.status_code == 200:
        response_200 = ListExportTasksResponse.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | ListExportTasksResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project_id: str,
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 10,
    marker: str | Unset = "ffffffffffffffffffffffff",
    offset: int | Unset = 0,
    resource_type: ResourceType | str,
    resource_condition: str | Unset = UNSET,
    app_type: AppType | str | Unset = UNSET,
    app_id: str | Unset = UNSET,
    instance_id: str | Unset = UNSET,
) -> Response[Error | ListExportTasksResponse]:
    """Query the export task list

     Lists the export tasks of the project, newest first, paged by `marker`, `offset` and
    `limit` as the paging contract in the document's description states. Decision: a query
    parameter given twice is refused with 400 `IOTDA.000008`.

    Args:
        project_id (str):  Example: 0a1b2c3d4e5f60718293a4b5c6d7e8f9.
        limit (int | Unset):  Default: 10. Example: 50.
        marker (str | Unset): A record id: 24 hexadecimal digits, case-insensitive. Records are
            numbered by creation
            time, so a newer record has a larger record id. Default: 'ffffffffffffffffffffffff'.
            Example: 5c90fa7d3c4e4405e8525079.
        offset (int | Unset):  Default: 0. Example: 100.
        resource_type (ResourceType): The type of the exported resource; only `BatchTask` exists.
            Example: BatchTask.
        resource_condition (str | Unset):  Example: {"task_id": "61b7ed6a66a1a5f5d5e26c8f"}.
        app_type (AppType | Unset): The scope: `GLOBAL` (every app of the project) or `APP` (one
            app), `GLOBAL` by default. Example: APP.
        app_id (str | Unset): An app (resource space) id of 1 to 36 letters, digits, underscores
            or hyphens. Decision:
            an empty app id is refused. Example: app_01.
        instance_id (str | Unset):  Example: 1a7ffc5c-4b22-4a8e-9d0f-3c5a0a1b2c3d.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ListExportTasksResponse]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        limit=limit,
        marker=marker,
        offset=offset,
        resource_type=resource_type,
        resource_condition=resource_condition,
        app_type=app_type,
        app_id=app_id,
        instance_id=instance_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: str,
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 10,
    marker: str | Unset = "ffffffffffffffffffffffff",
    offset: int | Unset = 0,
    resource_type: ResourceType | str,
    resource_condition: str | Unset = UNSET,
    app_type: AppType | str | Unset = UNSET,
    app_id: str | Unset = UNSET,
    instance_id: str | Unset = UNSET,
) -> Error | ListExportTasksResponse | None:
    """Query the export task list

     Lists the export tasks of the project, newest first, paged by `marker`, `offset` and
    `limit` as the paging contract in the document's description states. Decision: a query
    parameter given twice is refused with 400 `IOTDA.000008`.

    Args:
        project_id (str):  Example: 0a1b2c3d4e5f60718293a4b5c6d7e8f9.
        limit (int | Unset):  Default: 10. Example: 50.
        marker (str | Unset): A record id: 24 hexadecimal digits, case-insensitive. Records are
            numbered by creation
            time, so a newer record has a larger record id. Default: 'ffffffffffffffffffffffff'.
            Example: 5c90fa7d3c4e4405e8525079.
        offset (int | Unset):  Default: 0. Example: 100.
        resource_type (ResourceType): The type of the exported resource; only `BatchTask` exists.
            Example: BatchTask.
        resource_condition (str | Unset):  Example: {"task_id": "61b7ed6a66a1a5f5d5e26c8f"}.
        app_type (AppType | Unset): The scope: `GLOBAL` (every app of the project) or `APP` (one
            app), `GLOBAL` by default. Example: APP.
        app_id (str | Unset): An app (resource space) id of 1 to 36 letters, digits, underscores
            or hyphens. Decision:
            an empty app id is refused. Example: app_01.
        instance_id (str | Unset):  Example: 1a7ffc5c-4b22-4a8e-9d0f-3c5a0a1b2c3d.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ListExportTasksResponse
    """

    return sync_detailed(
        project_id=project_id,
        client=client,
        limit=limit,
        marker=marker,
        offset=offset,
        resource_type=resource_type,
        resource_condition=resource_condition,
        app_type=app_type,
        app_id=app_id,
        instance_id=instance_id,
    ).parsed


async def asyncio_detailed(
    project_id: str,
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 10,
    marker: str | Unset = "ffffffffffffffffffffffff",
    offset: int | Unset = 0,
    resource_type: ResourceType | str,
    resource_condition: str | Unset = UNSET,
    app_type: AppType | str | Unset = UNSET,
    app_id: str | Unset = UNSET,
    instance_id: str | Unset = UNSET,
) -> Response[Error | ListExportTasksResponse]:
    """Query the export task list

     Lists the export tasks of the project, newest first, paged by `marker`, `offset` and
    `limit` as the paging contract in the document's description states. Decision: a query
    parameter given twice is refused with 400 `IOTDA.000008`.

    Args:
        project_id (str):  Example: 0a1b2c3d4e5f60718293a4b5c6d7e8f9.
        limit (int | Unset):  Default: 10. Example: 50.
        marker (str | Unset): A record id: 24 hexadecimal digits, case-insensitive. Records are
            numbered by creation
            time, so a newer record has a larger record id. Default: 'ffffffffffffffffffffffff'.
            Example: 5c90fa7d3c4e4405e8525079.
        offset (int | Unset):  Default: 0. Example: 100.
        resource_type (ResourceType): The type of the exported resource; only `BatchTask` exists.
            Example: BatchTask.
        resource_condition (str | Unset):  Example: {"task_id": "61b7ed6a66a1a5f5d5e26c8f"}.
        app_type (AppType | Unset): The scope: `GLOBAL` (every app of the project) or `APP` (one
            app), `GLOBAL` by default. Example: APP.
        app_id (str | Unset): An app (resource space) id of 1 to 36 letters, digits, underscores
            or hyphens. Decision:
            an empty app id is refused. Example: app_01.
        instance_id (str | Unset):  Example: 1a7ffc5c-4b22-4a8e-9d0f-3c5a0a1b2c3d.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ListExportTasksResponse]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        limit=limit,
        marker=marker,
        offset=offset,
        resource_type=resource_type,
        resource_condition=resource_condition,
        app_type=app_type,
        app_id=app_id,
        instance_id=instance_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: str,
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 10,
    marker: str | Unset = "ffffffffffffffffffffffff",
    offset: int | Unset = 0,
    resource_type: ResourceType | str,
    resource_condition: str | Unset = UNSET,
    app_type: AppType | str | Unset = UNSET,
    app_id: str | Unset = UNSET,
    instance_id: str | Unset = UNSET,
) -> Error | ListExportTasksResponse | None:
    """Query the export task list

     Lists the export tasks of the project, newest first, paged by `marker`, `offset` and
    `limit` as the paging contract in the document's description states. Decision: a query
    parameter given twice is refused with 400 `IOTDA.000008`.

    Args:
        project_id (str):  Example: 0a1b2c3d4e5f60718293a4b5c6d7e8f9.
        limit (int | Unset):  Default: 10. Example: 50.
        marker (str | Unset): A record id: 24 hexadecimal digits, case-insensitive. Records are
            numbered by creation
            time, so a newer record has a larger record id. Default: 'ffffffffffffffffffffffff'.
            Example: 5c90fa7d3c4e4405e8525079.
        offset (int | Unset):  Default: 0. Example: 100.
        resource_type (ResourceType): The type of the exported resource; only `BatchTask` exists.
            Example: BatchTask.
        resource_condition (str | Unset):  Example: {"task_id": "61b7ed6a66a1a5f5d5e26c8f"}.
        app_type (AppType | Unset): The scope: `GLOBAL` (every app of the project) or `APP` (one
            app), `GLOBAL` by default. Example: APP.
        app_id (str | Unset): An app (resource space) id of 1 to 36 letters, digits, underscores
            or hyphens. Decision:
            an empty app id is refused. Example: app_01.
        instance_id (str | Unset):  Example: 1a7ffc5c-4b22-4a8e-9d0f-3c5a0a1b2c3d.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ListExportTasksResponse
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            client=client,
            limit=limit,
            marker=marker,
            offset=offset,
            resource_type=resource_type,
            resource_condition=resource_condition,
            app_type=app_type,
            app_id=app_id,
            instance_id=instance_id,
        )
    ).parsed


from .list_export_tasks_pages import aiterate_items as aiterate_items
from .list_export_tasks_pages import aiterate_pages as aiterate_pages
from .list_export_tasks_pages import iterate_items as iterate_items
from .list_export_tasks_pages import iterate_pages as iterate_pages
