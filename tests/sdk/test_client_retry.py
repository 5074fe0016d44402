"""client/retry.py through httpx.MockTransport: what is retried, how long it waits, and when it stops."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from iotda_contract.client import AsyncRetryTransport, RetryPolicy, RetryTransport
from iotda_contract.client.retry import parse_retry_after

Script = list[httpx.Response | Exception]


class Recorder:
    """A MockTransport handler that plays a script of answers and counts the calls."""

    def __init__(self, script: Script) -> None:
        self.script = list(script)
        self.calls = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        step = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        if isinstance(step, Exception):
            raise step
        return step


def client_for(
    script: Script, policy: RetryPolicy | None = None
) -> tuple[httpx.Client, Recorder, list[float]]:
    recorder = Recorder(script)
    sleeps: list[float] = []
    transport = RetryTransport(
        httpx.MockTransport(recorder), policy or RetryPolicy(), sleep=sleeps.append, rng=random.Random(7)
    )
    return httpx.Client(transport=transport, base_url="http://h"), recorder, sleeps


def ok() -> httpx.Response:
    return httpx.Response(200, json={"ok": True})


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_get_is_retried_on_429_and_5xx_until_it_succeeds(status):
    client, recorder, sleeps = client_for([httpx.Response(status), httpx.Response(status), ok()])
    response = client.get("/x")
    assert response.status_code == 200
    assert recorder.calls == 3
    assert len(sleeps) == 2


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409])
def test_other_statuses_are_not_retried(status):
    client, recorder, sleeps = client_for([httpx.Response(status), ok()])
    assert client.get("/x").status_code == status
    assert recorder.calls == 1
    assert sleeps == []


def test_attempts_are_bounded_and_the_last_answer_is_returned():
    client, recorder, sleeps = client_for([httpx.Response(503)], RetryPolicy(max_attempts=3))
    assert client.get("/x").status_code == 503
    assert recorder.calls == 3
    assert len(sleeps) == 2


def test_post_is_retried_on_429_but_not_on_5xx_unless_allowed():
    client, recorder, _ = client_for([httpx.Response(500), ok()])
    assert client.post("/x", json={}).status_code == 500
    assert recorder.calls == 1
    client, recorder, _ = client_for([httpx.Response(429), ok()])
    assert client.post("/x", json={}).status_code == 200
    assert recorder.calls == 2
    client, recorder, _ = client_for([httpx.Response(500), ok()], RetryPolicy(retry_non_idempotent=True))
    assert client.post("/x", json={}).status_code == 200
    assert recorder.calls == 2


def test_retry_after_seconds_is_honoured_exactly():
    client, _, sleeps = client_for([httpx.Response(429, headers={"Retry-After": "3"}), ok()])
    assert client.get("/x").status_code == 200
    assert sleeps == [3.0]


def test_retry_after_http_date_is_honoured():
    later = datetime.now(UTC) + timedelta(seconds=30)
    header = format_datetime(later, usegmt=True)
    client, _, sleeps = client_for([httpx.Response(503, headers={"Retry-After": header}), ok()])
    assert client.get("/x").status_code == 200
    assert 25.0 <= sleeps[0] <= 30.0


def test_retry_after_beyond_the_bound_returns_the_answer_without_waiting():
    client, recorder, sleeps = client_for(
        [httpx.Response(429, headers={"Retry-After": "3600"}), ok()], RetryPolicy(max_retry_after=60)
    )
    assert client.get("/x").status_code == 429
    assert (recorder.calls, sleeps) == (1, [])


def test_connect_errors_are_retried_for_every_method_read_timeouts_only_for_idempotent_ones():
    request = httpx.Request("GET", "http://h/x")
    client, recorder, _ = client_for([httpx.ConnectError("refused", request=request), ok()])
    assert client.post("/x", json={}).status_code == 200
    assert recorder.calls == 2
    client, recorder, _ = client_for([httpx.ReadTimeout("slow", request=request), ok()])
    with pytest.raises(httpx.ReadTimeout):
        client.post("/x", json={})
    assert recorder.calls == 1
    client, recorder, _ = client_for([httpx.ReadTimeout("slow", request=request), ok()])
    assert client.delete("/x").status_code == 200
    assert recorder.calls == 2


def test_errors_that_persist_are_raised_after_the_last_attempt():
    request = httpx.Request("GET", "http://h/x")
    client, recorder, _ = client_for(
        [httpx.ConnectError("refused", request=request)], RetryPolicy(max_attempts=2)
    )
    with pytest.raises(httpx.ConnectError):
        client.get("/x")
    assert recorder.calls == 2


@given(attempt=st.integers(0, 20), seed=st.integers(0, 2**32), base=st.floats(0, 2), cap=st.floats(0, 30))
def test_backoff_is_full_jitter_within_the_exponential_cap(attempt, seed, base, cap):
    policy = RetryPolicy(base_backoff=base, max_backoff=cap)
    wait = policy.backoff(attempt, random.Random(seed))
    assert 0.0 <= wait <= min(cap, base * 2.0**attempt)


def test_backoff_spreads_and_grows():
    policy = RetryPolicy(base_backoff=1.0, max_backoff=1000.0)
    rng = random.Random(1)
    waits = [[policy.backoff(n, rng) for _ in range(200)] for n in range(4)]
    for n, sample in enumerate(waits):
        assert len(set(sample)) == 200  # jitter: no two waits alike
        assert max(sample) > 0.8 * 2.0**n  # reaches near its cap
    assert sum(waits[3]) > sum(waits[0])


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, None), ("0", 0.0), (" 12 ", 12.0), ("soon", None), ("-1", None)],
)
def test_parse_retry_after(value, expected):
    assert parse_retry_after(value) == expected


def test_parse_retry_after_date_in_the_past_is_zero():
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert parse_retry_after("Wed, 31 Dec 2025 23:59:00 GMT", now=now) == 0.0
    assert parse_retry_after("Thu, 01 Jan 2026 00:00:10 GMT", now=now) == 10.0


def test_policy_rejects_nonsense():
    with pytest.raises(ValueError, match="max_attempts"):
        RetryPolicy(max_attempts=0)
    with pytest.raises(ValueError, match="negative"):
        RetryPolicy(base_backoff=-1)


@pytest.mark.asyncio
async def test_async_transport_retries_the_same_way():
    recorder = Recorder([httpx.Response(503), httpx.Response(429, headers={"Retry-After": "1"}), ok()])
    sleeps: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    def async_handler(fn: Callable[[httpx.Request], httpx.Response]):
        async def handler(request: httpx.Request) -> httpx.Response:
            return fn(request)

        return handler

    transport = AsyncRetryTransport(
        httpx.MockTransport(async_handler(recorder)), RetryPolicy(), sleep=fake_sleep, rng=random.Random(3)
    )
    async with httpx.AsyncClient(transport=transport, base_url="http://h") as client:
        response = await client.get("/x")
        assert response.status_code == 200
        assert recorder.calls == 3
        assert sleeps[1] == 1.0
        recorder = Recorder([httpx.Response(502)])
        transport.wrapped = httpx.MockTransport(async_handler(recorder))
        assert (await client.post("/x", json={})).status_code == 502
        assert recorder.calls == 1
