"""httpx authentication for the IoTDA API: AK/SK request signing (both schemes) and IAM tokens."""

from __future__ import annotations

from collections.abc import Callable, Generator
from datetime import UTC, datetime

import httpx

from iotda_contract import signing

#: The header that carries an IAM token.
TOKEN_HEADER = signing.TOKEN_HEADER


class AkSkAuth(httpx.Auth):
    """Sign every request with an access key and secret key.

    ``SDK-HMAC-SHA256`` by default; with ``region`` the derived ``V11-HMAC-SHA256`` scheme that IoTDA standard
    and enterprise instances require. Works with ``httpx.Client`` and ``httpx.AsyncClient``. The request is
    signed after the client's default headers are merged, so ``Instance-Id`` and the like are signed too.
    With ``security_token`` (temporary credentials from IAM) every request carries it in
    ``X-Security-Token``, signed, as the official SDK's ``with_security_token`` does.
    """

    requires_request_body = True

    def __init__(
        self,
        access_key: str,
        secret_key: str,
        *,
        region: str | None = None,
        service: str = signing.DERIVED_SERVICE,
        clock: Callable[[], datetime] | None = None,
        security_token: str | None = None,
    ) -> None:
        if not access_key or not secret_key:
            raise ValueError("access_key and secret_key are required")
        if security_token is not None and not security_token:
            raise ValueError("security_token, when given, must not be empty")
        self._security_token = security_token
        self.access_key = access_key
        self._secret_key = secret_key
        self.region = region
        self.service = service
        self._clock = clock or (lambda: datetime.now(UTC))

    def __repr__(self) -> str:  # never show the secret
        temporary = ", temporary" if self._security_token is not None else ""
        return f"AkSkAuth(access_key={self.access_key!r}, region={self.region!r}{temporary})"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        raw_path, _, raw_query = request.url.raw_path.decode("ascii").partition("?")
        request.headers.pop("X-Sdk-Date", None)
        request.headers.pop("Authorization", None)
        request.headers.pop(signing.SECURITY_TOKEN_HEADER, None)
        added = signing.sign_request(
            request.method,
            raw_path,
            raw_query,
            request.headers,
            request.content,
            access_key=self.access_key,
            secret_key=self._secret_key,
            now=self._clock(),
            region=self.region,
            service=self.service,
            security_token=self._security_token,
        )
        request.headers.update(added)
        yield request


class TokenAuth(httpx.Auth):
    """Send an IAM token in ``X-Auth-Token``; ``token`` may be a callable, called for each request."""

    def __init__(self, token: str | Callable[[], str]) -> None:
        if not token:
            raise ValueError("a token is required")
        self._token = token

    def __repr__(self) -> str:
        return "TokenAuth(<token>)"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers[TOKEN_HEADER] = self._token() if callable(self._token) else self._token
        yield request
