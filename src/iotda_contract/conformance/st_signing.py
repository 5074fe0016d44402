"""AK/SK signing of the requests schemathesis sends, which it has no hook for.

schemathesis 4.32.5 (pinned) sends through a ``requests.Session`` built by
``schemathesis.engine.context.make_session`` and takes only static headers or basic auth from its config.
A signature covers each request's method, path, query, headers and body, so it must be computed on the
prepared request: :func:`signing_sessions` wraps ``make_session`` for the duration of a run so that every
session it builds signs with a :class:`RequestsSigner`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests
import schemathesis.engine.context as engine_context

from iotda_contract import signing


class RequestsSigner(requests.auth.AuthBase):
    """Sign a ``requests`` request with an access key and secret key (both schemes, as ``AkSkAuth``)."""

    def __init__(self, access_key: str, secret_key: str, *, region: str | None = None) -> None:
        self.access_key, self._secret_key, self.region = access_key, secret_key, region

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        url = urlsplit(request.url or "")
        headers = request.headers
        headers.pop(signing.DATE_HEADER, None)
        headers.pop("Authorization", None)
        # urllib3 adds Host only when sending: sign the one it will send
        headers.setdefault("Host", url.netloc)
        raw = request.body
        body = raw.encode("utf-8") if isinstance(raw, str) else raw if isinstance(raw, bytes) else b""
        text_headers = {k: v if isinstance(v, str) else v.decode("latin-1") for k, v in headers.items()}
        added = signing.sign_request(
            request.method or "GET",
            url.path,
            url.query,
            text_headers,
            body,
            access_key=self.access_key,
            secret_key=self._secret_key,
            now=datetime.now(UTC),
            region=self.region,
        )
        headers.update(added)
        return request


@contextmanager
def signing_sessions(signer: RequestsSigner | None) -> Iterator[None]:
    """While the block runs, every session schemathesis builds signs its requests with ``signer``."""
    if signer is None:
        yield
        return
    original: Callable[..., requests.Session] = engine_context.make_session

    def make_session(*args: Any, **kwargs: Any) -> requests.Session:
        session = original(*args, **kwargs)
        session.auth = signer
        return session

    engine_context.make_session = make_session
    try:
        yield
    finally:
        engine_context.make_session = original
