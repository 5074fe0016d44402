"""POST /v5/iot/{project_id}/export-tasks (CreateExportTask), generated from the spec; do not edit.

``sync``, ``sync_detailed``, ``asyncio`` and ``asyncio_detailed`` send one request. Before sending, each
checks every argument against the spec's constraints and raises ``ParameterError`` (a ``ValueError``)
without sending anything when one is broken. An enum argument takes the member or its value.
The body may be the model ``AddExportTask`` or a dict of its JSON form; either is checked.
"""

from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import _checks, errors
from ...client import AuthenticatedClient, Client
from ...models.add_export_task import AddExportTask
from ...models.error import Error
from ...models.export_task import ExportTask
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
}
_BODY_SCHEMA: _checks.Schema = {
    "type": "object",
    "required": ["resource_type"],
    "additionalProperties": False,
    "properties": {
        "resource_type": {"type": "string", "enum": ["BatchTask"]},
        "resource_condition": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"task_id": {"type": "string", "pattern": "^[0-9a-fA-F]{24}$"}},
        },
        "export_format": {"type": "string", "enum": ["xls"]},
        "app_type": {"type": "string", "enum": ["GLOBAL", "APP"]},
        "app_id": {"type": "string", "minLength": 1, "maxLength": 36, "pattern": "^[A-Za-z0-9_-]+$"},
    },
}


def _get_kwargs(
    project_id: str,
    *,
    body: AddExportTask | dict[str, Any],
    instance_id: str | Unset = UNSET,
) -> dict[str, Any]:
    _checks.check_arguments(
        _RULES,
        {
            "project_id": project_id,
            "instance_id": instance_id,
        },
    )
    _checks.check_body(_BODY_SCHEMA, True, body)
    if isinstance(body, dict):
        body = AddExportTask.from_dict(body)
    headers: dict[str, Any] = {}
    if not isinstance(instance_id, Unset):
        headers["Instance-Id"] = instance_id

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v5/iot/{project_id}/export-tasks".format(
            project_id=quote(str(project_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Error | ExportTask | None:
    if response.status_code == 201:
        response_201 = ExportTask.from_dict(response.json())

        return response_201

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
) -> Response[Error | ExportTask]:
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
    body: AddExportTask | dict[str, Any],
    instance_id: str | Unset = UNSET,
) -> Response[Error | ExportTask]:
    """Create an export task

     Creates an export task of a batch task's results. A project and instance hold at most 50
    export tasks: a create beyond that removes the earliest ones. At most 5 tasks may be
    Processing at once: a create beyond that is refused with 403 `IOTDA.000021`.

    Args:
        project_id (str):  Example: 0a1b2c3d4e5f60718293a4b5c6d7e8f9.
        instance_id (str | Unset):  Example: 1a7ffc5c-4b22-4a8e-9d0f-3c5a0a1b2c3d.
        body (AddExportTask): The body of a create.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ExportTask]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        body=body,
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
    body: AddExportTask | dict[str, Any],
    instance_id: str | Unset = UNSET,
) -> Error | ExportTask | None:
    """Create an export task

     Creates an export task of a batch task's results. A project and instance hold at most 50
    export tasks: a create beyond that removes the earliest ones. At most 5 tasks may be
    Processing at once: a create beyond that is refused with 403 `IOTDA.000021`.

    Args:
        project_id (str):  Example: 0a1b2c3d4e5f60718293a4b5c6d7e8f9.
        instance_id (str | Unset):  Example: 1a7ffc5c-4b22-4a8e-9d0f-3c5a0a1b2c3d.
        body (AddExportTask): The body of a create.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ExportTask
    """

    return sync_detailed(
        project_id=project_id,
        client=client,
        body=body,
        instance_id=instance_id,
    ).parsed


async def asyncio_detailed(
    project_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: AddExportTask | dict[str, Any],
    instance_id: str | Unset = UNSET,
) -> Response[Error | ExportTask]:
    """Create an export task

     Creates an export task of a batch task's results. A project and instance hold at most 50
    export tasks: a create beyond that removes the earliest ones. At most 5 tasks may be
    Processing at once: a create beyond that is refused with 403 `IOTDA.000021`.

    Args:
        project_id (str):  Example: 0a1b2c3d4e5f60718293a4b5c6d7e8f9.
        instance_id (str | Unset):  Example: 1a7ffc5c-4b22-4a8e-9d0f-3c5a0a1b2c3d.
        body (AddExportTask): The body of a create.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Error | ExportTask]
    """

    kwargs = _get_kwargs(
        project_id=project_id,
        body=body,
        instance_id=instance_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    project_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: AddExportTask | dict[str, Any],
    instance_id: str | Unset = UNSET,
) -> Error | ExportTask | None:
    """Create an export task

     Creates an export task of a batch task's results. A project and instance hold at most 50
    export tasks: a create beyond that removes the earliest ones. At most 5 tasks may be
    Processing at once: a create beyond that is refused with 403 `IOTDA.000021`.

    Args:
        project_id (str):  Example: 0a1b2c3d4e5f60718293a4b5c6d7e8f9.
        instance_id (str | Unset):  Example: 1a7ffc5c-4b22-4a8e-9d0f-3c5a0a1b2c3d.
        body (AddExportTask): The body of a create.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Error | ExportTask
    """

    return (
        await asyncio_detailed(
            project_id=project_id,
            client=client,
            body=body,
            instance_id=instance_id,
        )
    ).parsed
