"""uvicorn's httptools protocol under the mock's limits (sizes, timeouts, connections), in the API's format.

Everything here happens before the app sees a request, and costs no more than reading it:

- the request head (request line and headers) is counted while it is read and cut off at
  ``max_header_bytes`` (431 ``IOTDA.000431``; 400 ``IOTDA.000008`` when the request line alone is too
  long), so a header of any size is never buffered; more than ``max_headers`` fields get 431, a query
  string over ``max_query_bytes`` 400;
- a body declared or received over ``max_body_bytes`` gets 413 ``IOTDA.000413``;
- a head not complete within ``head_timeout`` of the connection's opening or of the previous request,
  or a body not complete within ``body_timeout`` of its head, gets 408 ``IOTDA.000408`` (a connection
  on which nothing of a request has arrived is closed without an answer);
- a connection beyond ``max_connections`` gets 503 ``IOTDA.000503`` to its first bytes;
- a WebSocket upgrade gets 400 ``IOTDA.000008``; another upgrade (``h2c``) is answered as HTTP/1.1
  and the connection closed after the answer;
- a request the parser refuses (an unknown method token, raw non-ASCII bytes, a broken chunked body)
  gets 400 ``IOTDA.000008``.

A refused connection is answered, then half-closed and drained (what the client still sends is read
and dropped) for at most :data:`LINGER_SECONDS`, so that the client reads the answer instead of a reset.
"""

from __future__ import annotations

import asyncio
import itertools
import os
from collections.abc import Callable
from http import HTTPStatus
from typing import Any, ClassVar

import httptools
from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from iotda_contract.mock import errors
from iotda_contract.mock.settings import Settings

#: The longest a refused connection is drained before it is closed (never longer than the head timeout).
LINGER_SECONDS = 2.0

_PREFIX = os.urandom(8).hex()
_COUNTER = itertools.count(1)


class _Refused(Exception):
    """Raised in a parser callback to stop parsing; the answer is in ``MockHttpProtocol._refusal``."""


def refusal_bytes(error: errors.ApiError, extra_headers: bytes = b"") -> bytes:
    """A complete ``connection: close`` response carrying ``error`` in the API's format."""
    body = error.body()
    request_id = f"{_PREFIX}p{next(_COUNTER):015x}".encode()
    return b"".join(
        [
            b"HTTP/1.1 %d %s\r\n" % (error.status, HTTPStatus(error.status).phrase.encode()),
            b"content-type: application/json\r\n",
            b"content-length: %d\r\n" % len(body),
            b"x-request-id: " + request_id + b"\r\n",
            extra_headers,
            b"connection: close\r\n\r\n",
            body,
        ]
    )


class MockHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol under the limits of :attr:`settings` (see the module docstring).

    Serve a subclass made by :func:`protocol_class` to choose the limits.
    """

    settings: ClassVar[Settings] = Settings()

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        settings = self.settings
        self._max_head = settings.max_header_bytes
        self._head_timeout = settings.head_timeout
        #: Between the end of a request (or the connection's opening) and the end of the next head.
        self._reading_head = True
        self._head_bytes = 0
        self._body_bytes = 0
        self._refusal: errors.ApiError | None = None
        #: Answered and half-closed: what the client still sends is dropped.
        self._draining = False
        self._over_cap = False
        # One deadline at a time; its timer is re-armed only when it fires before the deadline, so a
        # request on a kept-alive connection moves a float instead of creating a timer.
        self._deadline = 0.0
        self._on_expiry: Callable[[], None] | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = 0.0
        self._linger: asyncio.TimerHandle | None = None

    # -- connection ------------------------------------------------------------------------

    def connection_made(  # type: ignore[override]
        self, transport: asyncio.Transport
    ) -> None:
        super().connection_made(transport)
        settings = self.settings
        if len(self.connections) > settings.max_connections:
            # Not counted, never parsed: answered 503 at its first bytes, closed soon in any case.
            self.connections.discard(self)
            self._over_cap = True
            self._set_deadline(min(LINGER_SECONDS, settings.head_timeout), self._close)
            return
        self._set_deadline(settings.head_timeout, self._head_timed_out)

    def connection_lost(self, exc: Exception | None) -> None:
        self._on_expiry = None
        for handle in (self._timer, self._linger):
            if handle is not None:
                handle.cancel()
        self._timer = self._linger = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._draining:
            return
        if self._over_cap:
            limit = self.settings.max_connections
            self._refuse(
                errors.ServiceUnavailable(f"Too many connections (at most {limit}). Retry later."),
                b"retry-after: 1\r\n",
            )
            return
        self._unset_keepalive_if_required()
        limit = self._max_head
        if self._reading_head and self._head_bytes + len(data) <= limit:  # the common case: one piece
            self._head_bytes += len(data)
            self._feed(data)
            return
        while data:
            if self._reading_head:
                room = limit - self._head_bytes
                if room <= 0:
                    self._refuse(self._head_too_large())
                    return
                if len(data) > room:
                    piece, data = data[:room], data[room:]
                else:
                    piece, data = data, b""
                self._head_bytes += len(piece)
            else:
                piece, data = data, b""
            if not self._feed(piece):
                return

    def _feed(self, piece: bytes) -> bool:
        """Parse ``piece``; False when the connection was refused (or upgraded) and parsing must stop."""
        try:
            self.parser.feed_data(piece)
        except httptools.HttpParserCallbackError:
            if self._refusal is not None:
                self._refuse(self._refusal)
            else:  # one of uvicorn's callbacks refused the request (e.g. an unparsable URL)
                self._invalid()
            return False
        except httptools.HttpParserError:
            self._invalid()
            return False
        except httptools.HttpParserUpgrade:
            # After an upgrade request that is not honoured (h2c): it is answered and the connection
            # closed (on_headers_complete); whatever follows it is not HTTP/1.1 and is dropped.
            return False
        return True

    def _invalid(self) -> None:
        self.logger.warning("Invalid HTTP request received.")
        self._refuse(errors.MalformedRequest())

    def send_400_response(self, msg: str) -> None:
        self._refuse(errors.MalformedRequest())

    # -- parser callbacks ------------------------------------------------------------------

    def on_headers_complete(self) -> None:
        # Until super() has made the request's cycle, a refusal answers on behalf of the previous one.
        settings = self.settings
        headers = self.headers
        if len(headers) > settings.max_headers:
            count = settings.max_headers
            self._stop(errors.HeadersTooLarge(f"The request has more than {count} header fields."))
        question = self.url.find(b"?")
        if question >= 0 and len(self.url) - question - 1 > settings.max_query_bytes:
            self._stop(self._query_too_long())
        length = 0
        chunked = False
        for name, value in headers:
            if name == b"content-length":  # llhttp lets one through, of digits only
                length = int(value) if value.strip().isdigit() else 0
            elif name == b"transfer-encoding":
                chunked = True
        if length > settings.max_body_bytes:
            self._stop(self._body_too_large())
        upgrade = self.parser.should_upgrade()
        if upgrade and self._get_upgrade() == b"websocket":
            self._stop(errors.MalformedRequest("Invalid input. WebSocket upgrades are not supported."))
        super().on_headers_complete()
        self._reading_head = False
        self._body_bytes = 0
        if upgrade:
            self.cycle.keep_alive = False
        if length or chunked:
            self._set_deadline(settings.body_timeout, self._body_timed_out)
        else:
            self._on_expiry = None

    def on_body(self, body: bytes) -> None:
        self._body_bytes += len(body)
        if self._body_bytes > self.settings.max_body_bytes:
            self._stop(self._body_too_large())
        super().on_body(body)

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._reading_head = True
        self._head_bytes = 0
        self._set_deadline(self._head_timeout, self._head_timed_out)

    def _stop(self, error: errors.ApiError) -> None:
        self._refusal = error
        raise _Refused(error.code)

    # -- refusals --------------------------------------------------------------------------

    def _query_too_long(self) -> errors.ApiError:
        return errors.MalformedRequest(
            f"Invalid input. The query string is longer than {self.settings.max_query_bytes} bytes."
        )

    def _head_too_large(self) -> errors.ApiError:
        if len(self.url) > self.settings.max_query_bytes:  # the request line alone is too long
            return self._query_too_long()
        return errors.HeadersTooLarge(
            f"The request head is longer than {self.settings.max_header_bytes} bytes."
        )

    def _body_too_large(self) -> errors.ApiError:
        limit = self.settings.max_body_bytes
        return errors.PayloadTooLarge(f"The request body is longer than {limit} bytes.")

    def _refuse(self, error: errors.ApiError, extra_headers: bytes = b"") -> None:
        """Answer ``error`` unless the request was answered already or another answer is under way,
        then drain and close the connection."""
        self._on_expiry = None
        self._draining = True
        cycle = self.cycle
        if self._reading_head:  # the refused request has no cycle: the previous one must be done
            can_answer = cycle is None or cycle.response_complete
        else:  # the refused request's own cycle (the app may have answered without reading the body)
            can_answer = not cycle.response_started
        can_answer = can_answer and not self.pipeline
        if cycle is not None and not cycle.response_complete:
            # The app's receive() now answers http.disconnect and its send() is dropped: no second
            # answer, no "returned without starting response" error in the log.
            cycle.disconnected = True
            cycle.message_event.set()
        transport = self.transport
        if transport.is_closing():
            return
        if not can_answer:  # a partial answer may sit in the buffer of a client that does not read
            self._abort()
            return
        if not transport.can_write_eof():
            transport.write(refusal_bytes(error, extra_headers))
            transport.close()
            return
        transport.write(refusal_bytes(error, extra_headers))
        transport.write_eof()
        self.flow.resume_reading()
        self._linger = self.loop.call_later(min(LINGER_SECONDS, self.settings.head_timeout), self._abort)

    def _close(self) -> None:
        if not self.transport.is_closing():
            self.transport.close()

    def _abort(self) -> None:
        """Close now, dropping what is still unsent (a client that does not read keeps close() waiting)."""
        self.transport.abort()

    # -- deadlines -------------------------------------------------------------------------

    def _set_deadline(self, seconds: float, on_expiry: Callable[[], None]) -> None:
        self._deadline = self.loop.time() + seconds
        self._on_expiry = on_expiry
        if self._timer is None or self._deadline < self._timer_at:
            if self._timer is not None:
                self._timer.cancel()
            self._timer_at = self._deadline
            self._timer = self.loop.call_at(self._deadline, self._tick)

    def _tick(self) -> None:
        self._timer = None
        if self._on_expiry is None or self.transport.is_closing():
            return
        if self.loop.time() < self._deadline:  # moved on since the timer was set
            self._timer_at = self._deadline
            self._timer = self.loop.call_at(self._deadline, self._tick)
            return
        on_expiry, self._on_expiry = self._on_expiry, None
        on_expiry()

    def _head_timed_out(self) -> None:
        timeout = self.settings.head_timeout
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            if not self.flow.write_paused:  # the answer is being made: not the client's doing
                self._set_deadline(timeout, self._head_timed_out)
            else:  # the client does not read its answer
                self._abort()
            return
        if self._head_bytes == 0:  # nothing of a request since the last one (or the opening)
            self._close()
            return
        self._refuse(errors.RequestTimeout(f"The request head was not received within {timeout:g} s."))

    def _body_timed_out(self) -> None:
        timeout = self.settings.body_timeout
        self._refuse(errors.RequestTimeout(f"The request body was not received within {timeout:g} s."))


def protocol_class(settings: Settings) -> type[MockHttpProtocol]:
    """The protocol class to give uvicorn (``Config(http=...)``) for the limits of ``settings``."""

    class Configured(MockHttpProtocol):
        pass

    Configured.settings = settings
    Configured.__name__ = Configured.__qualname__ = MockHttpProtocol.__name__
    return Configured
