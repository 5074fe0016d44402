"""Hand-written support for the generated ``iotda_client``: auth, retries, errors and a client factory."""

from __future__ import annotations

from iotda_contract.client.auth import AkSkAuth, TokenAuth
from iotda_contract.client.errors import ApiError, ClientError, ServerError, request_id_of
from iotda_contract.client.factory import make_auth, make_client
from iotda_contract.client.retry import AsyncRetryTransport, RetryPolicy, RetryTransport

__all__ = [
    "AkSkAuth",
    "ApiError",
    "AsyncRetryTransport",
    "ClientError",
    "RetryPolicy",
    "RetryTransport",
    "ServerError",
    "TokenAuth",
    "make_auth",
    "make_client",
    "request_id_of",
]
