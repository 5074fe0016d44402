"""The mock in-process: httpx transports that call its ASGI app directly, with no socket and no thread."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx


class SyncASGITransport(httpx.BaseTransport):
    """httpx's ``ASGITransport`` for a sync client: each request runs the app on a private event loop."""

    def __init__(self, app: Callable[..., Any]) -> None:
        self._inner = httpx.ASGITransport(app=app)
        self._loop = asyncio.new_event_loop()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def exchange() -> httpx.Response:
            answer = await self._inner.handle_async_request(request)
            body = await answer.aread()
            return httpx.Response(answer.status_code, headers=answer.headers, content=body, request=request)

        return self._loop.run_until_complete(exchange())

    def close(self) -> None:
        if not self._loop.is_closed():
            self._loop.close()


def async_transport(app: Callable[..., Any]) -> httpx.AsyncBaseTransport:
    """The async twin: httpx's own ASGI transport."""
    return httpx.ASGITransport(app=app)
