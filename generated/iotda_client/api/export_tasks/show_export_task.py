"""GET /v5/iot/{project_id}/export-tasks/{export_task_id}/file (ShowExportTask), generated from the spec; do not edit.

``sync``, ``sync_detailed``, ``asyncio`` and ``asyncio_detailed`` send one request. Before sending, each
checks every argument against the spec's constraints and raises ``ParameterError`` (a ``ValueError``)
without sending anything when one is broken. An enum argument takes the member or its value.
"""

from http import HTTPStatus
from io import BytesIO
from typing import Any
from urllib.parse import quote

import httpx

from ... import _checks, errors
from ...client import AuthenticatedClient, Client
from ...models.error import Error
from ...types import UNSET, File, Response, Unset

_RULES: dict[str, _checks.Rule] = {
    "project_id": _checks.Rule(
        name="project_id",
        location="path",
        required=True,
        schema={"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[A-Za-z0-9_-]+$"},
        json_schema=None,
    ),
    "export_task_id": _checks.Rule(
        name="export_task_id",
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
}


def _get_kwargs(
    project_id: str,
    export_task_id: str,
    *,
    instance_id: str | Unset = UNSET,
) -> dict[str, Any]:
    _checks.check_arguments(
        _RULES,
        {
            "project_id": project_id,
            "export_task_id": export_task_id,
            "instance_id": instance_id,
        },
    )
    headers: dict[str, Any] = {}
    if not isinstance(instance_id, Unset):
        headers["Instance-Id"] = instance_id

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v5/iot/{project_id}/export-tasks/{export_task_id}/file".format(
            project_id=quote(str(project_id), safe=""),
            export_task_id=quote(str(export_task_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Error | File | None:
    if response.status_code == 200:
        response_200 = File(payload=BytesIO(response.content))

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

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 429:
        response_429 = Error.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Error | File]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    project_id: str,
    export_task_id: str,
    *,
    client: AuthenticatedClient | Client,
    instance_id: str | Unset = UNSET,
) -> Response[Error | File]:
    """Download an export task's file

     Downloads the export file of a task: an Excel 97-2003 workbook (`application/vnd.ms-excel`)
    whose first sheet holds a header row and then one row per exported batch-task result, as
    many rows as the task's `export_count`. The file exists exactly when the task succeeded:
    while it is Processing, after it Failed, and once a newer task with the same conditions
    overwrote it, the answer is 404 `IOTDA.000404`. Export files can be downloaded once every 30
    seconds per user: a download sooner than that is answered 429 `IOTDA.021101` with
    `Retry-After`, the whole seconds until the next one is allowed. Decision: the platform says
    only that a new task with the same conditions overwrites the previous task's file; the
    earlier task then has no file, and its download answers 404. Decision: the mock counts a
    user as the project.

    Args:
        project_id (str):  Example: 0a1b2c3d4e5f60718293a4b5c6d7e8f9.
        export_task_id (str): An export task's id: 1 to 64 letters, digits, underscores or
            hyphens. Decision: the
            description's example (`jeQDJQZltU8iKgFFoW060F5SGZka`, 28 characters) is not a record id,
            so an export task id is opaque and is never used as a marker. Example:
            jeQDJQZltU8iKgFFoW060F5SGZka.
        instance_id (str | Unset):  Example: 1a7ffc5c-4b22-4a8e-9d0f-3c5a0a1b2c3d.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | File]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        export_task_id=export_task_id,
        instance_id=instance_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    project_id: str,
    export_task_id: str,
    *,
    client: AuthenticatedClient | Client,
    instance_id: str | Unset = UNSET,
) -> Error | File | None:
    """Download an export task's file

     Downloads the export file of a task: an Excel 97-2003 workbook (`application/vnd.ms-excel`)
    whose first sheet holds a header row and then one row per exported batch-task result, as
    many rows as the task's `export_count`. The file exists exactly when the task succeeded:
    while it is Processing, after it Failed, and once a newer task with the same conditions
    overwrote it, the answer is 404 `IOTDA.000404`. Export files can be downloaded once every 30
    seconds per user: a download sooner than that is answered 429 `IOTDA.021101` with
    `Retry-After`, the whole seconds until the next one is allowed. Decision: the platform says
    only that a new task with the same conditions overwrites the previous task's file; the
    earlier task then has no file, and its download answers 404. Decision: the mock counts a
    user as the project.

    Args:
        project_id (str):  Example: 0a1b2c3d4e5f60718293a4b5c6d7e8f9.
        export_task_id (str): An export task's id: 1 to 64 letters, digits, underscores or
            hyphens. Decision: the
            description's example (`jeQDJQZltU8iKgFFoW060F5SGZka`, 28 characters) is not a record id,
            so an export task id is opaque and is never used as a marker. Example:
            jeQDJQZltU8iKgFFoW060F5SGZka.
        instance_id (str | Unset):  Example: 1a7ffc5c-4b22-4a8e-9d0f-3c5a0a1b2c3d.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | File
    """

    return sync_detailed(
        project_id=project_id,
        export_task_id=export_task_id,
        client=client,
        instance_id=instance_id,
    ).parsed


async def asyncio_detailed(
    project_id: str,
    export_task_id: str,
    *,
    client: AuthenticatedClient | Client,
    instance_id: str | Unset = UNSET,
) -> Response[Error | File]:
    """Download an export task's file

     Downloads the export file of a task: an Excel 97-2003 workbook (`application/vnd.ms-excel`)
    whose first sheet holds a header row and then one row per exported batch-task result, as
    many rows as the task's `export_count`. The file exists exactly when the task succeeded:
    while it is Processing, after it Failed, and once a newer task with the same conditions
    overwrote it, the answer is 404 `IOTDA.000404`. Export files can be downloaded once every 30
    seconds per user: a download sooner than that is answered 429 `IOTDA.021101` with
    `Retry-After`, the whole seconds until the next one is allowed. Decision: the platform says
    only that a new task with the same conditions overwrites the previous task's file; the
    earlier task then has no file, and its download answers 404. Decision: the mock counts a
    user as the project.

    Args:
        project_id (str):  Example: 0a1b2c3d4e5f60718293a4b5c6d7e8f9.
        export_task_id (str): An export task's id: 1 to 64 letters, digits, underscores or
            hyphens. Decision: the
            description's example (`jeQDJQZltU8iKgFFoW060F5SGZka`, 28 characters) is not a record id,
            so an export task id is opaque and is never used as a marker. Example:
            jeQDJQZltU8iKgFFoW060F5SGZka.
        instance_id (str | Unset):  Example: 1a7ffc5c-4b22-4a8e-9d0f-3c5a0a1b2c3d.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | File]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        export_task_id=export_task_id,
        instance_id=instance_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: str,
    export_task_id: str,
    *,
    client: AuthenticatedClient | Client,
    instance_id: str | Unset = UNSET,
) -> Error | File | None:
    """Download an export task's file

     Downloads the export file of a task: an Excel 97-2003 workbook (`application/vnd.ms-excel`)
    whose first sheet holds a header row and then one row per exported batch-task result, as
    many rows as the task's `export_count`. The file exists exactly when the task succeeded:
    while it is Processing, after it Failed, and once a newer task with the same conditions
    overwrote it, the answer is 404 `IOTDA.000404`. Export files can be downloaded once every 30
    seconds per user: a download sooner than that is answered 429 `IOTDA.021101` with
    `Retry-After`, the whole seconds until the next one is allowed. Decision: the platform says
    only that a new task with the same conditions overwrites the previous task's file; the
    earlier task then has no file, and its download answers 404. Decision: the mock counts a
    user as the project.

    Args:
        project_id (str):  Example: 0a1b2c3d4e5f60718293a4b5c6d7e8f9.
        export_task_id (str): An export task's id: 1 to 64 letters, digits, underscores or
            hyphens. Decision: the
            description's example (`jeQDJQZltU8iKgFFoW060F5SGZka`, 28 characters) is not a record id,
            so an export task id is opaque and is never used as a marker. Example:
            jeQDJQZltU8iKgFFoW060F5SGZka.
        instance_id (str | Unset):  Example: 1a7ffc5c-4b22-4a8e-9d0f-3c5a0a1b2c3d.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | File
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            export_task_id=export_task_id,
            client=client,
            instance_id=instance_id,
        )
    ).parsed
