"""Build a generated ``iotda_client.Client`` with our auth, retries, timeouts, Instance-Id and errors."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from iotda_client import Client

from iotda_contract.client.auth import AkSkAuth, TokenAuth
from iotda_contract.client.errors import araise_for_api_error, raise_for_api_error
from iotda_contract.client.retry import AsyncRetryTransport, RetryPolicy, RetryTransport

INSTANCE_ID_HEADER = "Instance-Id"
#: The official SDK sends the project id in this header too; we do the same for parity.
PROJECT_ID_HEADER = "X-Project-Id"
DEFAULT_TIMEOUT = 30.0


def make_auth(
    *,
    ak: str | None = None,
    sk: str | None = None,
    token: str | Callable[[], str] | None = None,
    region: str | None = None,
    derived: bool = False,
    security_token: str | None = None,
) -> httpx.Auth | None:
    """The auth for the credentials given: AK/SK (derived needs a region; ``security_token`` makes them
    temporary credentials), a token, or none."""
    if token is not None and (ak is not None or sk is not None):
        raise ValueError("give either ak and sk or a token, not both")
    if security_token is not None and (ak is None or sk is None):
        raise ValueError("a security_token goes with ak and sk (temporary credentials)")
    if token is not None:
        return TokenAuth(token)
    if ak is None and sk is None:
        return None
    if not ak or not sk:
        raise ValueError("ak and sk go together")
    if derived and not region:
        raise ValueError("derived signing (V11-HMAC-SHA256) needs a region")
    return AkSkAuth(ak, sk, region=region if derived else None, security_token=security_token)


def make_client(
    base_url: str,
    project_id: str | None = None,
    *,
    ak: str | None = None,
    sk: str | None = None,
    security_token: str | None = None,
    token: str | Callable[[], str] | None = None,
    instance_id: str | None = None,
    region: str | None = None,
    derived: bool = False,
    timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
    retries: int | RetryPolicy = 3,
    raise_on_error: bool = True,
    transport: httpx.BaseTransport | None = None,
    async_transport: httpx.AsyncBaseTransport | None = None,
) -> Client:
    """A generated client whose sync and async httpx clients sign, retry and raise :class:`ApiError`.

    ``retries`` is the number of retries (0 turns them off) or a full :class:`RetryPolicy`. ``instance_id``
    becomes a default ``Instance-Id`` header (a call's own ``instance_id`` argument replaces it);
    ``project_id`` is sent as ``X-Project-Id`` as the SDK does. ``security_token`` (with ``ak`` and ``sk``:
    temporary credentials) is sent, signed, in ``X-Security-Token``. With ``raise_on_error`` every 4xx/5xx
    raises :class:`~iotda_contract.client.errors.ApiError` (with the request id) before the generated code
    parses it; without it the generated ``*_detailed`` functions return the ``Error`` model as usual.
    ``transport``/``async_transport`` replace the network layer below the retries (tests use
    ``httpx.MockTransport``).
    """
    auth = make_auth(ak=ak, sk=sk, token=token, region=region, derived=derived, security_token=security_token)
    policy = retries if isinstance(retries, RetryPolicy) else RetryPolicy(max_attempts=retries + 1)
    headers: dict[str, str] = {}
    if instance_id is not None:
        headers[INSTANCE_ID_HEADER] = instance_id
    if project_id is not None:
        headers[PROJECT_ID_HEADER] = project_id
    limits = httpx.Timeout(timeout) if not isinstance(timeout, httpx.Timeout) else timeout
    sync_client = httpx.Client(
        base_url=base_url,
        auth=auth,
        headers=headers,
        timeout=limits,
        transport=RetryTransport(transport, policy),
        event_hooks={"response": [raise_for_api_error]} if raise_on_error else None,
    )
    async_client = httpx.AsyncClient(
        base_url=base_url,
        auth=auth,
        headers=headers,
        timeout=limits,
        transport=AsyncRetryTransport(async_transport, policy),
        event_hooks={"response": [araise_for_api_error]} if raise_on_error else None,
    )
    client = Client(base_url=base_url, headers=headers, timeout=limits)
    client.set_httpx_client(sync_client)
    client.set_async_httpx_client(async_client)
    return client
