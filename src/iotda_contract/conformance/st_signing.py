"""The session schemathesis' requests go on through (``st_relay``): AK/SK signing, pace, 429 retries, caps.

A signature covers each request's method, path, query, headers and body, so it is computed on the prepared
request (:class:`RequestsSigner`); every attempt waits for the run's pace (:class:`PacedAdapter`), a 429 is
waited out within bounds (:class:`CappedRetry`), and each answer is read within the run's caps
(:func:`bounded_reads`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from iotda_contract import signing
from iotda_contract.conformance.pacing import Pace


class RequestsSigner(requests.auth.AuthBase):
    """Sign a ``requests`` request with an access key and secret key (both schemes, as ``AkSkAuth``)."""

    def __init__(
        self,
        access_key: str,
        secret_key: str,
        *,
        region: str | None = None,
        security_token: str | None = None,
    ) -> None:
        self.access_key, self.secret_key, self.region = access_key, secret_key, region
        self.security_token = security_token

    def __repr__(self) -> str:  # never show the secret key or the security token
        return f"RequestsSigner(access_key={self.access_key!r}, region={self.region!r})"

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        url = urlsplit(request.url or "")
        headers = request.headers
        headers.pop(signing.DATE_HEADER, None)
        headers.pop("Authorization", None)
        headers.pop(signing.SECURITY_TOKEN_HEADER, None)
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
            secret_key=self.secret_key,
            now=datetime.now(UTC),
            region=self.region,
            security_token=self.security_token,
        )
        headers.update(added)
        return request


class CappedRetry(Retry):
    """urllib3's retry on 429 that honours ``Retry-After`` up to a bound (a backend cannot stall the run)."""

    def get_retry_after(self, response: Any) -> float | None:
        wait = super().get_retry_after(response)
        return None if wait is None else min(wait, MAX_RETRY_WAIT)


#: The longest wait for one rate-limited schemathesis request, whatever Retry-After asks (seconds).
MAX_RETRY_WAIT = 30.0
#: Rate-limit answers waited out for one schemathesis request, at most.
RETRIES = 6


class PacedAdapter(HTTPAdapter):
    """An adapter whose every send (retries included) waits for its slot of the run's rate limit."""

    def __init__(self, pace: Pace | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pace = pace

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        if self.pace is None:
            return super().send(request, *args, **kwargs)
        with self.pace.slot():
            return super().send(request, *args, **kwargs)


def rate_limit_retries(pace: Pace | None = None) -> HTTPAdapter:
    """An adapter that waits out 429 answers (``Retry-After``), then gives the last answer back; each
    attempt within ``pace``, the run's own rate limit."""
    retry = CappedRetry(total=RETRIES, connect=0, read=0, redirect=0, status_forcelist=(429,),
                        allowed_methods=None, respect_retry_after_header=True, backoff_factor=0.5,
                        raise_on_status=False)  # fmt: skip
    return PacedAdapter(pace, max_retries=retry)


def bounded_reads(max_body: int, deadline: float, problems: list[str]) -> Callable[..., Any]:
    """A response hook that reads each body itself, within ``max_body`` bytes (inflated) and ``deadline`` s.

    requests runs response hooks before it reads the body, so this read is the only one. A body over the
    cap, too slow, or nested too deep for a JSON reader is replaced by an empty one and the problem is
    appended to ``problems`` (reported as schemathesis errors): schemathesis never sees it.
    """

    def hook(response: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
        started, data, problem = time.monotonic(), bytearray(), None
        try:
            for chunk in response.raw.stream(65536, decode_content=True):
                data += chunk
                if len(data) > max_body:
                    problem = f"an answer to schemathesis is larger than the cap of {max_body} bytes"
                elif time.monotonic() - started > deadline:
                    problem = f"an answer to schemathesis took more than {deadline:g} s to read"
                if problem:
                    break
        finally:
            response.close()
        if problem is None:
            try:
                json.loads(data)
            except RecursionError:
                problem = "an answer to schemathesis nests deeper than a JSON reader can follow"
            except ValueError:
                pass  # not JSON: schemathesis' own checks say what that means
        if problem is not None:
            problems.append(f"{problem} ({response.request.method} {response.request.path_url})")
            data = bytearray()
        response._content = bytes(data)
        response._content_consumed = True
        return response

    return hook


def answer_deadline(timeout: float) -> float:
    """The longest one request through :func:`rate_limit_retries` can take: every attempt within
    ``timeout``, and each wait on a 429 within :data:`MAX_RETRY_WAIT` (plus a little for the pace)."""
    return (RETRIES + 1) * timeout + RETRIES * MAX_RETRY_WAIT + 10.0
