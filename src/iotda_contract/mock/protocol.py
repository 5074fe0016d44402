"""uvicorn's httptools protocol, answering requests it cannot parse in the API's error format."""

from __future__ import annotations

import itertools
import os

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from iotda_contract.mock.errors import MalformedRequest

_PREFIX = os.urandom(8).hex()
_COUNTER = itertools.count(1)
_BODY = MalformedRequest().body()


class MockHttpProtocol(HttpToolsProtocol):
    """Like uvicorn's, but a request line or header the parser refuses (raw non-ASCII bytes, an
    unknown method token) gets 400 ``IOTDA.000008`` with ``X-Request-Id`` instead of plain text."""

    def send_400_response(self, msg: str) -> None:
        request_id = f"{_PREFIX}p{next(_COUNTER):015x}".encode()
        self.transport.write(
            b"HTTP/1.1 400 Bad Request\r\n"
            b"content-type: application/json\r\n"
            b"content-length: " + str(len(_BODY)).encode() + b"\r\n"
            b"x-request-id: " + request_id + b"\r\n"
            b"connection: close\r\n\r\n" + _BODY
        )
        self.transport.close()
