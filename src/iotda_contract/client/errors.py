"""The error our client raises for an API error answer, with the request id from ``X-Request-Id``.

Exception tree::

    ApiError              any 4xx or 5xx answer: status_code, error_code, error_msg, request_id
    ├── ClientError       4xx (the SDK's ClientRequestException)
    └── ServerError       5xx (the SDK's ServerResponseException)
"""

from __future__ import annotations

import json
from typing import Any

import httpx

REQUEST_ID_HEADER = "X-Request-Id"


class ApiError(Exception):
    """An error answer. ``error_code``/``error_msg`` come from the body when it has both (as the SDK reads
    it); otherwise ``error_code`` is the status as text and ``error_msg`` the raw body."""

    def __init__(
        self, status_code: int, error_code: str, error_msg: str, request_id: str | None, content: bytes = b""
    ) -> None:
        super().__init__(f"{status_code} {error_code}: {error_msg} (request id {request_id or 'none'})")
        self.status_code = status_code
        self.error_code = error_code
        self.error_msg = error_msg
        self.request_id = request_id
        self.content = content

    @classmethod
    def from_response(cls, response: httpx.Response) -> ApiError:
        content = response.content
        code, message = str(response.status_code), content.decode("utf-8", errors="replace")
        body = _json(content)
        if isinstance(body, dict) and isinstance(body.get("error_code"), str) and "error_msg" in body:
            code, message = body["error_code"], str(body["error_msg"])
        kind = ServerError if response.status_code >= 500 else ClientError
        return kind(response.status_code, code, message, request_id_of(response), content)


class ClientError(ApiError):
    """A 4xx answer."""


class ServerError(ApiError):
    """A 5xx answer."""


def request_id_of(response: httpx.Response) -> str | None:
    """The request id the server gave this answer, if any."""
    value = response.headers.get(REQUEST_ID_HEADER)
    return value if isinstance(value, str) else None


def raise_for_api_error(response: httpx.Response) -> None:
    """httpx response hook (sync clients): raise :class:`ApiError` for a 4xx or 5xx answer."""
    if response.status_code >= 400:
        response.read()
        raise ApiError.from_response(response)


async def araise_for_api_error(response: httpx.Response) -> None:
    """httpx response hook (async clients): raise :class:`ApiError` for a 4xx or 5xx answer."""
    if response.status_code >= 400:
        await response.aread()
        raise ApiError.from_response(response)


def _json(content: bytes) -> Any:
    try:
        return json.loads(content)
    except ValueError:
        return None
