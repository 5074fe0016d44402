"""client/factory.py: the generated client wired with auth, Instance-Id, errors with request ids, timeouts."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from iotda_client.api.export_tasks import delete_export_task, list_export_tasks
from iotda_client.models.list_export_tasks_response import ListExportTasksResponse
from iotda_client.models.resource_type import ResourceType

from iotda_contract import signing
from iotda_contract.client import ApiError, ClientError, RetryPolicy, ServerError, make_auth, make_client

AK, SK, PROJECT = "HPUAEXAMPLEAK0003", "factory-secret", "p-factory"
PAGE = {"export_tasks": [], "page": {"count": 0}}


def mock(answers: list[httpx.Response]) -> tuple[httpx.MockTransport, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answers.pop(0) if len(answers) > 1 else answers[0]

    return httpx.MockTransport(handler), seen


def test_generated_list_is_signed_carries_instance_id_and_parses():
    transport, seen = mock([httpx.Response(200, json=PAGE, headers={"X-Request-Id": "r1"})])
    client = make_client(
        "http://127.0.0.1:9",
        PROJECT,
        ak=AK,
        sk=SK,
        instance_id="inst-1",
        region="cn-north-4",
        derived=True,
        transport=transport,
    )
    with client:
        response = list_export_tasks.sync_detailed(
            PROJECT, client=client, resource_type=ResourceType.BATCHTASK
        )
    assert isinstance(response.parsed, ListExportTasksResponse)
    (request,) = seen
    assert request.headers["Instance-Id"] == "inst-1"
    assert request.headers["X-Project-Id"] == PROJECT
    parsed = signing.parse_authorization(request.headers["Authorization"])
    assert parsed.algorithm == signing.DERIVED_ALGORITHM
    assert "instance-id" in parsed.signed_headers
    credentials = signing.Credentials.from_json(
        {"credentials": [{"ak": AK, "sk": SK, "projects": [PROJECT]}]}
    )
    raw_path, _, raw_query = request.url.raw_path.decode().partition("?")
    principal = signing.verify_request(
        "GET",
        raw_path,
        raw_query,
        dict(request.headers),
        request.content,
        credentials,
        datetime.now(UTC),
    )
    assert principal.allows(PROJECT)


def test_a_call_can_override_the_default_instance_id():
    transport, seen = mock([httpx.Response(204)])
    client = make_client("http://h", token="tok", instance_id="default-inst", transport=transport)
    delete_export_task.sync_detailed(PROJECT, "task1", client=client, instance_id="other-inst")
    assert seen[0].headers.get_list("Instance-Id") == ["other-inst"]
    assert seen[0].headers["X-Auth-Token"] == "tok"


def test_errors_raise_with_code_message_and_request_id():
    body = {
        "error_code": "IOTDA.000017",
        "error_msg": "Invalid input. The specified parameter 'limit' is out of range.",
    }
    transport, _ = mock([httpx.Response(400, json=body, headers={"X-Request-Id": "req-400"})])
    client = make_client("http://h", token="tok", transport=transport)
    with pytest.raises(ClientError) as caught:
        list_export_tasks.sync_detailed(PROJECT, client=client, resource_type=ResourceType.BATCHTASK)
    error = caught.value
    assert (error.status_code, error.error_code, error.request_id) == (400, "IOTDA.000017", "req-400")
    assert error.error_msg == body["error_msg"]
    assert "req-400" in str(error)


def test_a_body_without_both_keys_is_reported_as_the_sdk_does():
    transport, _ = mock([httpx.Response(502, text="bad gateway")])
    client = make_client("http://h", token="tok", retries=0, transport=transport)
    with pytest.raises(ServerError) as caught:
        list_export_tasks.sync_detailed(PROJECT, client=client, resource_type=ResourceType.BATCHTASK)
    assert (caught.value.error_code, caught.value.error_msg, caught.value.request_id) == (
        "502",
        "bad gateway",
        None,
    )


def test_without_raise_on_error_the_generated_error_model_is_returned():
    body = {"error_code": "IOTDA.000006", "error_msg": "Invalid input data."}
    transport, _ = mock([httpx.Response(400, json=body)])
    client = make_client("http://h", token="tok", raise_on_error=False, transport=transport)
    response = list_export_tasks.sync_detailed(PROJECT, client=client, resource_type=ResourceType.BATCHTASK)
    assert response.status_code == 400
    assert getattr(response.parsed, "error_code", None) == "IOTDA.000006"


def test_retries_are_wired_and_the_signature_survives_them():
    transport, seen = mock([httpx.Response(503), httpx.Response(200, json=PAGE)])
    client = make_client(
        "http://h", ak=AK, sk=SK, retries=RetryPolicy(max_attempts=2, base_backoff=0.0), transport=transport
    )
    list_export_tasks.sync_detailed(PROJECT, client=client, resource_type=ResourceType.BATCHTASK)
    assert len(seen) == 2
    assert seen[0].headers["Authorization"] == seen[1].headers["Authorization"]


@pytest.mark.asyncio
async def test_async_calls_are_signed_and_raise_too():
    answers = [
        httpx.Response(200, json=PAGE),
        httpx.Response(403, json={"error_code": "IOTDA.000004", "error_msg": "x"}),
    ]
    seen: list[httpx.Request] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answers.pop(0)

    client = make_client("http://h", ak=AK, sk=SK, async_transport=httpx.MockTransport(handler))
    async with client:
        page = await list_export_tasks.asyncio(PROJECT, client=client, resource_type=ResourceType.BATCHTASK)
        assert isinstance(page, ListExportTasksResponse)
        with pytest.raises(ApiError, match=r"IOTDA\.000004"):
            await list_export_tasks.asyncio(PROJECT, client=client, resource_type=ResourceType.BATCHTASK)
    assert seen[0].headers["Authorization"].startswith("SDK-HMAC-SHA256 Access=" + AK)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"ak": AK, "sk": SK, "token": "t"}, "not both"),
        ({"ak": AK}, "go together"),
        ({"ak": AK, "sk": SK, "derived": True}, "needs a region"),
    ],
)
def test_make_auth_refuses_incoherent_credentials(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_auth(**kwargs)


def test_no_credentials_means_no_auth_and_region_alone_keeps_the_plain_scheme():
    assert make_auth() is None
    auth = make_auth(ak=AK, sk=SK, region="cn-north-4")
    assert getattr(auth, "region", "missing") is None


@pytest.fixture
def silent_server() -> Iterator[tuple[str, list[socket.socket]]]:
    """A real socket that accepts connections and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.05)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            accepted.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    host, port = listener.getsockname()[:2]
    yield f"http://{host}:{port}", accepted
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


def test_timeout_applies_and_a_timed_out_get_is_retried(silent_server):
    url, accepted = silent_server
    client = make_client(url, token="tok", timeout=0.2, retries=RetryPolicy(max_attempts=2, base_backoff=0.0))
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        list_export_tasks.sync_detailed(PROJECT, client=client, resource_type=ResourceType.BATCHTASK)
    elapsed = time.monotonic() - started
    assert 0.35 <= elapsed < 3.0
    assert len(accepted) == 2
