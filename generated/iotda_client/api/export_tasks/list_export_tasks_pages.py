"""Paginators of GET /v5/iot/{project_id}/export-tasks (ListExportTasks), from the spec's ``x-iotda-paging``; generated, do not edit.

``list_export_tasks`` re-exports all four; each takes the arguments of ``list_export_tasks.sync`` plus caps:

- ``iterate_pages`` / ``aiterate_pages``: each parsed page, at most ``max_pages`` of them;
- ``iterate_items`` / ``aiterate_items``: each item of ``/export_tasks``, at most ``max_items`` of them.

The walk starts at the given marker and offset (the offset is sent with the first request only)
and follows ``/page/marker`` until the last page: an empty page, a page without a next marker,
or a page with fewer items than ``limit`` (10, the spec's default, when not given).
It raises ``PagingError`` (from ``paging``) on a non-2xx answer, a body that is not a page or a next
marker that does not advance.
"""

from collections.abc import AsyncIterator, Iterator

from ... import paging as _paging
from ...client import AuthenticatedClient, Client
from ...models.app_type import AppType
from ...models.error import Error
from ...models.export_task import ExportTask
from ...models.list_export_tasks_response import ListExportTasksResponse
from ...models.resource_type import ResourceType
from ...types import UNSET, Response, Unset


def _items_of(page: ListExportTasksResponse) -> list[ExportTask]:
    """The items of a page: ``/export_tasks``."""
    return page.export_tasks


def _marker_of(page: ListExportTasksResponse) -> str | None:
    """The marker of the next page: ``/page/marker``, ``None`` when absent."""
    value = page.page.marker
    return None if isinstance(value, Unset) else value


# Each function imports its request function when called: the endpoint module re-exports this module,
# so a module-level import would be circular (the generated models import each other the same way).
def iterate_pages(
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
    max_pages: int | None = None,
) -> Iterator[ListExportTasksResponse]:
    """Each parsed page of the marker walk, at most ``max_pages`` of them (see the module docstring)."""
    from .list_export_tasks import sync_detailed  # noqa: PLC0415

    _paging.check_cap("max_pages", max_pages)

    def fetch(page_marker: str | Unset, first: bool) -> Response[Error | ListExportTasksResponse]:
        return sync_detailed(
            project_id=project_id,
            client=client,
            limit=limit,
            marker=page_marker,
            offset=offset if first else UNSET,
            resource_type=resource_type,
            resource_condition=resource_condition,
            app_type=app_type,
            app_id=app_id,
            instance_id=instance_id,
        )

    return _paging.walk_pages(
        fetch,
        ListExportTasksResponse,
        _items_of,
        _marker_of,
        marker,
        max_pages,
        _paging.page_size(limit, 10),
    )


def iterate_items(
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
    max_pages: int | None = None,
    max_items: int | None = None,
) -> Iterator[ExportTask]:
    """Each item of the marker walk, at most ``max_items`` of them from at most ``max_pages`` pages."""
    from .list_export_tasks import sync_detailed  # noqa: PLC0415

    _paging.check_cap("max_pages", max_pages)
    _paging.check_cap("max_items", max_items)

    def fetch(page_marker: str | Unset, first: bool) -> Response[Error | ListExportTasksResponse]:
        return sync_detailed(
            project_id=project_id,
            client=client,
            limit=limit,
            marker=page_marker,
            offset=offset if first else UNSET,
            resource_type=resource_type,
            resource_condition=resource_condition,
            app_type=app_type,
            app_id=app_id,
            instance_id=instance_id,
        )

    pages = _paging.walk_pages(
        fetch,
        ListExportTasksResponse,
        _items_of,
        _marker_of,
        marker,
        max_pages,
        _paging.page_size(limit, 10),
    )
    return _paging.walk_items(pages, _items_of, max_items)


def aiterate_pages(
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
    max_pages: int | None = None,
) -> AsyncIterator[ListExportTasksResponse]:
    """The async twin of ``iterate_pages``: ``async for page in aiterate_pages(...)``."""
    from .list_export_tasks import asyncio_detailed  # noqa: PLC0415

    _paging.check_cap("max_pages", max_pages)

    async def fetch(page_marker: str | Unset, first: bool) -> Response[Error | ListExportTasksResponse]:
        return await asyncio_detailed(
            project_id=project_id,
            client=client,
            limit=limit,
            marker=page_marker,
            offset=offset if first else UNSET,
            resource_type=resource_type,
            resource_condition=resource_condition,
            app_type=app_type,
            app_id=app_id,
            instance_id=instance_id,
        )

    return _paging.awalk_pages(
        fetch,
        ListExportTasksResponse,
        _items_of,
        _marker_of,
        marker,
        max_pages,
        _paging.page_size(limit, 10),
    )


def aiterate_items(
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
    max_pages: int | None = None,
    max_items: int | None = None,
) -> AsyncIterator[ExportTask]:
    """The async twin of ``iterate_items``: ``async for item in aiterate_items(...)``."""
    from .list_export_tasks import asyncio_detailed  # noqa: PLC0415

    _paging.check_cap("max_pages", max_pages)
    _paging.check_cap("max_items", max_items)

    async def fetch(page_marker: str | Unset, first: bool) -> Response[Error | ListExportTasksResponse]:
        return await asyncio_detailed(
            project_id=project_id,
            client=client,
            limit=limit,
            marker=page_marker,
            offset=offset if first else UNSET,
            resource_type=resource_type,
            resource_condition=resource_condition,
            app_type=app_type,
            app_id=app_id,
            instance_id=instance_id,
        )

    pages = _paging.awalk_pages(
        fetch,
        ListExportTasksResponse,
        _items_of,
        _marker_of,
        marker,
        max_pages,
        _paging.page_size(limit, 10),
    )
    return _paging.awalk_items(pages, _items_of, max_items)
