"""The generated paginators walk markers to the last page, honour their caps and stop loudly on errors."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from iotda_client import Client, PagingError, ParameterError
from iotda_client.api.export_tasks import list_export_tasks
from iotda_client.models import ResourceType
from iotda_client.types import UNSET

from iotda_contract import spec as spec_module
from iotda_contract.spec import json_pointer_get

SPEC = spec_module.load()
LIST = SPEC.operation("ListExportTasks")
PAGING = LIST.paging
assert PAGING is not None
LIMIT = LIST.parameter(PAGING.limit_parameter).schema
START = LIST.parameter(PAGING.marker_parameter).default
TASK = LIST.responses["200"]["content"]["application/json"]["examples"]["two-tasks"]["value"]["export_tasks"][
    0
]

Handler = Callable[[httpx.Request], httpx.Response]


def record_id(number: int) -> str:
    return f"{number:024x}"


def task(number: int) -> dict[str, Any]:
    return {**TASK, "export_task_id": f"task_{number}"}


def contract_server(count: int) -> Handler:
    """A server of ``count`` records (record ids 1..count) that follows the paging contract."""

    def handle(request: httpx.Request) -> httpx.Response:
        params = request.url.params
        below = int(params.get(PAGING.marker_parameter, START), 16)
        limit = int(params.get(PAGING.limit_parameter, LIMIT["default"]))
        offset = int(params.get(PAGING.offset_parameter or "", 0))
        numbers = [n for n in range(count, 0, -1) if n < below][offset : offset + limit]
        page: dict[str, Any] = {"count": count}
        if numbers:
            page["marker"] = record_id(numbers[-1])
        return httpx.Response(200, json={"export_tasks": [task(n) for n in numbers], "page": page})

    return handle


def scripted_server(*bodies: tuple[int, dict[str, Any]]) -> Handler:
    """A server answering the given (status, body) pairs in turn."""
    answers = iter(bodies)

    def handle(request: httpx.Request) -> httpx.Response:
        status, body = next(answers)
        return httpx.Response(status, json=body)

    return handle


class Recording:
    def __init__(self, handler: Handler) -> None:
        self.requests: list[httpx.Request] = []

        def record(request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            return handler(request)

        transport = httpx.MockTransport(record)
        self.client = Client(base_url="http://test")
        self.client.set_httpx_client(httpx.Client(base_url="http://test", transport=transport))
        self.client.set_async_httpx_client(httpx.AsyncClient(base_url="http://test", transport=transport))

    def sent(self, name: str) -> list[str | None]:
        return [request.url.params.get(name) for request in self.requests]


@pytest.fixture
def serve() -> Iterator[Callable[[Handler], Recording]]:
    opened: list[Recording] = []

    def make(handler: Handler) -> Recording:
        opened.append(Recording(handler))
        return opened[-1]

    yield make
    for recording in opened:
        recording.client.get_httpx_client().close()


def walk_args(recording: Recording, **extra: Any) -> dict[str, Any]:
    return {"project_id": "p1", "client": recording.client, "resource_type": ResourceType.BATCHTASK, **extra}


def test_several_pages_sync_send_each_page_s_marker(serve) -> None:
    server = serve(contract_server(23))
    pages = list(list_export_tasks.iterate_pages(**walk_args(server, limit=10)))
    assert [len(page.export_tasks) for page in pages] == [10, 10, 3]
    returned = [json_pointer_get(page.to_dict(), PAGING.next_marker_pointer) for page in pages]
    assert server.sent(PAGING.marker_parameter) == [START, *returned[:-1]]


def test_items_come_newest_first_each_once(serve) -> None:
    server = serve(contract_server(23))
    items = list(list_export_tasks.iterate_items(**walk_args(server, limit=10)))
    assert [item.export_task_id for item in items] == [f"task_{n}" for n in range(23, 0, -1)]


@pytest.mark.asyncio
async def test_several_pages_async_send_each_page_s_marker() -> None:
    server = Recording(contract_server(23))
    async with server.client.get_async_httpx_client():
        pages = [page async for page in list_export_tasks.aiterate_pages(**walk_args(server, limit=10))]
        items = [item async for item in list_export_tasks.aiterate_items(**walk_args(server, limit=7))]
    assert [len(page.export_tasks) for page in pages] == [10, 10, 3]
    returned = [page.page.marker for page in pages[:-1]]
    assert server.sent(PAGING.marker_parameter)[:3] == [START, *returned]
    assert [item.export_task_id for item in items] == [f"task_{n}" for n in range(23, 0, -1)]
    assert len(server.requests) == 3 + 4  # the items walk: 7, 7, 7 and the short page of 2


def test_an_empty_first_page_ends_the_walk(serve) -> None:
    server = serve(contract_server(0))
    pages = list(list_export_tasks.iterate_pages(**walk_args(server)))
    assert len(pages) == 1
    assert pages[0].export_tasks == []
    assert list(list_export_tasks.iterate_items(**walk_args(server))) == []
    assert len(server.requests) == 2


def test_a_short_page_with_a_marker_is_the_last(serve) -> None:
    server = serve(contract_server(12))
    pages = list(list_export_tasks.iterate_pages(**walk_args(server, limit=10)))
    assert [len(page.export_tasks) for page in pages] == [10, 2]
    assert pages[-1].page.marker == record_id(1)  # the server gave a marker, but the page is short
    assert len(server.requests) == 2
    assert len(list(list_export_tasks.iterate_items(**walk_args(server, limit=10)))) == 12
    assert len(server.requests) == 4


@pytest.mark.asyncio
async def test_a_short_page_with_a_marker_ends_the_async_walk() -> None:
    server = Recording(contract_server(12))
    async with server.client.get_async_httpx_client():
        pages = [page async for page in list_export_tasks.aiterate_pages(**walk_args(server, limit=10))]
        items = [item async for item in list_export_tasks.aiterate_items(**walk_args(server, limit=5))]
    assert [len(page.export_tasks) for page in pages] == [10, 2]
    assert len(items) == 12
    assert len(server.requests) == 2 + 3


def test_without_a_limit_a_page_is_short_below_the_spec_s_default(serve) -> None:
    server = serve(contract_server(LIMIT["default"] + 1))
    pages = list(list_export_tasks.iterate_pages(**walk_args(server, limit=UNSET)))
    assert [len(page.export_tasks) for page in pages] == [LIMIT["default"], 1]
    assert server.sent(PAGING.limit_parameter) == [None, None]


def test_a_full_last_page_is_followed_by_one_empty_page(serve) -> None:
    server = serve(contract_server(20))
    pages = list(list_export_tasks.iterate_pages(**walk_args(server, limit=10)))
    assert [len(page.export_tasks) for page in pages] == [10, 10, 0]


def test_a_page_without_marker_is_the_last(serve) -> None:
    server = serve(
        scripted_server(
            (200, {"export_tasks": [task(3), task(2)], "page": {"count": 3, "marker": record_id(2)}}),
            (200, {"export_tasks": [task(1)], "page": {"count": 3}}),
        )
    )
    items = list(list_export_tasks.iterate_items(**walk_args(server, limit=2)))
    assert [item.export_task_id for item in items] == ["task_3", "task_2", "task_1"]
    assert len(server.requests) == 2


def test_max_pages_caps_the_requests(serve) -> None:
    server = serve(contract_server(45))
    pages = list(list_export_tasks.iterate_pages(**walk_args(server, limit=10, max_pages=2)))
    assert len(pages) == 2
    assert len(server.requests) == 2
    items = list(list_export_tasks.iterate_items(**walk_args(server, limit=10, max_pages=3)))
    assert len(items) == 30


def test_max_items_caps_the_items_and_fetches_no_further_page(serve) -> None:
    server = serve(contract_server(45))
    items = list(list_export_tasks.iterate_items(**walk_args(server, limit=10, max_items=15)))
    assert [item.export_task_id for item in items] == [f"task_{n}" for n in range(45, 30, -1)]
    assert len(server.requests) == 2
    exact = list(list_export_tasks.iterate_items(**walk_args(server, limit=10, max_items=20)))
    assert len(exact) == 20
    assert len(server.requests) == 4


def test_zero_caps_send_nothing_and_negative_caps_are_refused(serve) -> None:
    server = serve(contract_server(5))
    assert list(list_export_tasks.iterate_pages(**walk_args(server, max_pages=0))) == []
    assert list(list_export_tasks.iterate_items(**walk_args(server, max_items=0))) == []
    assert server.requests == []
    with pytest.raises(ValueError, match="max_pages"):
        list_export_tasks.iterate_pages(**walk_args(server, max_pages=-1))
    with pytest.raises(ValueError, match="max_items"):
        list_export_tasks.iterate_items(**walk_args(server, max_items=-1))


def test_offset_is_sent_with_the_first_request_only(serve) -> None:
    server = serve(contract_server(30))
    items = list(list_export_tasks.iterate_items(**walk_args(server, limit=10, offset=5)))
    assert [item.export_task_id for item in items] == [f"task_{n}" for n in range(25, 0, -1)]
    assert server.sent(PAGING.offset_parameter or "") == ["5", None, None]  # 10, 10 and the short 5


def test_a_non_2xx_answer_stops_the_walk_with_paging_error(serve) -> None:
    error_body = {"error_code": "IOTDA.000017", "error_msg": "out of range"}
    server = serve(
        scripted_server(
            (200, {"export_tasks": [task(3)], "page": {"count": 3, "marker": record_id(3)}}),
            (400, error_body),
        )
    )
    seen = []
    with pytest.raises(PagingError) as caught:
        seen.extend(list_export_tasks.iterate_items(**walk_args(server, limit=1)))
    assert (caught.value.status_code, caught.value.page_number, caught.value.marker) == (400, 2, record_id(3))
    assert "400" in str(caught.value)
    assert len(server.requests) == 2


@pytest.mark.asyncio
async def test_a_non_2xx_answer_stops_the_async_walk() -> None:
    server = Recording(scripted_server((403, {"error_code": "IOTDA.000004", "error_msg": "no"})))
    async with server.client.get_async_httpx_client():
        with pytest.raises(PagingError, match="403"):
            async for _ in list_export_tasks.aiterate_pages(**walk_args(server)):
                pass


def test_a_marker_that_does_not_advance_stops_the_walk(serve) -> None:
    stuck = {"export_tasks": [task(5)], "page": {"count": 9, "marker": record_id(5)}}
    server = serve(scripted_server((200, stuck), (200, stuck), (200, stuck)))
    with pytest.raises(PagingError, match="never end"):
        list(list_export_tasks.iterate_pages(**walk_args(server, limit=1)))
    assert len(server.requests) == 2


def test_a_bad_marker_from_the_server_is_refused_before_the_next_request(serve) -> None:
    server = serve(scripted_server((200, {"export_tasks": [task(1)], "page": {"count": 1, "marker": "xyz"}})))
    with pytest.raises(ParameterError) as caught:
        list(list_export_tasks.iterate_pages(**walk_args(server, limit=1)))
    assert (caught.value.parameter, caught.value.constraint) == (PAGING.marker_parameter, "pattern")
    assert len(server.requests) == 1


@given(
    count=st.integers(min_value=0, max_value=60),
    limit=st.integers(min_value=LIMIT["minimum"], max_value=LIMIT["maximum"]),
    start=st.integers(min_value=0, max_value=70),
)
def test_the_item_walk_yields_every_record_below_the_start_marker_once(
    count: int, limit: int, start: int
) -> None:
    server = Recording(contract_server(count))
    with server.client.get_httpx_client():
        items = list(
            list_export_tasks.iterate_items(**walk_args(server, limit=limit, marker=record_id(start)))
        )
    expected = [n for n in range(count, 0, -1) if n < start]
    assert [item.export_task_id for item in items] == [f"task_{n}" for n in expected]
    # Full pages, then the short page that ends the walk (an empty one when the last page was full).
    assert len(server.requests) == len(expected) // limit + 1
