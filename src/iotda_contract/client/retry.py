"""Retrying httpx transports: 429 and 5xx answers, exponential backoff with full jitter, Retry-After honoured.

Which failures are retried:

- 429 for every method (the request was refused before any work was done);
- 5xx, read timeouts and dropped connections only for idempotent methods (GET, HEAD, OPTIONS, PUT, DELETE),
  since a create that reached the server may have happened (``retry_non_idempotent=True`` lifts this);
- connect errors for every method (nothing was sent).

The wait before attempt ``n + 1`` is ``Retry-After`` when the answer has one (seconds or an HTTP date), else a
random time in ``[0, min(max_backoff, base_backoff * 2**n)]``. A ``Retry-After`` above ``max_retry_after`` is
not waited for: the answer is returned as it is. The transport sits below the auth layer, so a retry resends
the same signed request; the bounds keep the total wait far inside the 15 minutes a signature stays valid.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})


@dataclass(frozen=True)
class RetryPolicy:
    """When and how long to wait before trying a request again."""

    max_attempts: int = 4  # in all, the first one included
    base_backoff: float = 0.25
    max_backoff: float = 8.0
    max_retry_after: float = 60.0
    retry_non_idempotent: bool = False
    statuses: frozenset[int] = field(default_factory=lambda: frozenset({429, *range(500, 600)}))

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts is at least 1")
        if self.base_backoff < 0 or self.max_backoff < 0 or self.max_retry_after < 0:
            raise ValueError("backoff bounds are not negative")

    def may_retry_status(self, method: str, status: int) -> bool:
        if status not in self.statuses:
            return False
        return status == 429 or self.retry_non_idempotent or method.upper() in IDEMPOTENT_METHODS

    def may_retry_error(self, method: str, error: httpx.TransportError) -> bool:
        if isinstance(error, httpx.ConnectError | httpx.ConnectTimeout):
            return True
        retryable = isinstance(error, httpx.ReadTimeout | httpx.RemoteProtocolError | httpx.ReadError)
        return retryable and (self.retry_non_idempotent or method.upper() in IDEMPOTENT_METHODS)

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Full-jitter exponential backoff after failed attempt number ``attempt`` (0-based)."""
        return rng.uniform(0.0, min(self.max_backoff, self.base_backoff * (2.0**attempt)))

    def wait_after(self, attempt: int, response: httpx.Response | None, rng: random.Random) -> float | None:
        """Seconds to wait before the next attempt, or ``None`` to stop and return what we have."""
        if attempt + 1 >= self.max_attempts:
            return None
        retry_after = parse_retry_after(response.headers.get("Retry-After")) if response else None
        if retry_after is None:
            return self.backoff(attempt, rng)
        return retry_after if retry_after <= self.max_retry_after else None


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a ``Retry-After`` value (delta-seconds or HTTP date); ``None`` if absent or unreadable."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


class RetryTransport(httpx.BaseTransport):
    """Wrap a sync transport and retry as :class:`RetryPolicy` says."""

    def __init__(
        self,
        wrapped: httpx.BaseTransport | None = None,
        policy: RetryPolicy | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.wrapped = wrapped if wrapped is not None else httpx.HTTPTransport()
        self.policy = policy or RetryPolicy()
        self._sleep = sleep
        self._rng = rng or random.Random()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        attempt = 0
        while True:
            try:
                response = self.wrapped.handle_request(request)
            except httpx.TransportError as error:
                wait = self.policy.wait_after(attempt, None, self._rng)
                if wait is None or not self.policy.may_retry_error(request.method, error):
                    raise
            else:
                if not self.policy.may_retry_status(request.method, response.status_code):
                    return response
                wait = self.policy.wait_after(attempt, response, self._rng)
                if wait is None:
                    return response
                response.read()  # drain so the connection can be reused
                response.close()
            self._sleep(wait)
            attempt += 1

    def close(self) -> None:
        self.wrapped.close()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """Wrap an async transport and retry as :class:`RetryPolicy` says."""

    def __init__(
        self,
        wrapped: httpx.AsyncBaseTransport | None = None,
        policy: RetryPolicy | None = None,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.wrapped = wrapped if wrapped is not None else httpx.AsyncHTTPTransport()
        self.policy = policy or RetryPolicy()
        self._sleep = sleep
        self._rng = rng or random.Random()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        attempt = 0
        while True:
            try:
                response = await self.wrapped.handle_async_request(request)
            except httpx.TransportError as error:
                wait = self.policy.wait_after(attempt, None, self._rng)
                if wait is None or not self.policy.may_retry_error(request.method, error):
                    raise
            else:
                if not self.policy.may_retry_status(request.method, response.status_code):
                    return response
                wait = self.policy.wait_after(attempt, response, self._rng)
                if wait is None:
                    return response
                await response.aread()
                await response.aclose()
            await self._sleep(wait)
            attempt += 1

    async def aclose(self) -> None:
        await self.wrapped.aclose()
