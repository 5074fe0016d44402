"""Who may call: ``--auth any`` (a credential header must be present) or ``--auth verify`` (signatures)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from iotda_contract.mock.errors import AuthMissing, BadSignature, CredentialExpired, WrongProject

Headers = list[tuple[bytes, bytes]]


class Authenticator:
    """``--auth any``: an ``Authorization`` or ``X-Auth-Token`` header with any non-empty value."""

    def check(
        self,
        method: str,
        raw_path: bytes,
        raw_query: bytes,
        headers: Headers,
        body: bytes,
        project_id: str,
    ) -> None:
        for name, value in headers:
            if (name == b"authorization" or name == b"x-auth-token") and value.strip():
                return
        raise AuthMissing()


class VerifyingAuthenticator(Authenticator):
    """``--auth verify``: signatures and tokens checked by ``iotda_contract.signing``.

    A credential is bound to project ids: a valid credential on another project gets 403.
    """

    def __init__(self, credentials_path: str, clock: Callable[[], datetime] | None = None) -> None:
        try:
            self._signing: Any = importlib.import_module("iotda_contract.signing")
        except ImportError as err:
            raise RuntimeError("--auth verify needs iotda_contract.signing, which is not installed") from err
        self._credentials = self._signing.Credentials.load(credentials_path)
        self._clock = clock or (lambda: datetime.now(UTC))

    def check(
        self,
        method: str,
        raw_path: bytes,
        raw_query: bytes,
        headers: Headers,
        body: bytes,
        project_id: str,
    ) -> None:
        signing = self._signing
        # One pass, one dict: a repeated header is joined once (joining as it comes is quadratic).
        values: dict[bytes, list[bytes]] = {}
        for raw_name, raw_value in headers:
            key = raw_name.lower()
            found = values.get(key)
            if found is None:
                values[key] = [raw_value]
            else:
                found.append(raw_value)
        mapping = {key.decode("latin-1"): b",".join(parts).decode("latin-1") for key, parts in values.items()}
        try:
            principal = signing.verify_request(
                method,
                raw_path.decode("latin-1"),
                raw_query.decode("latin-1"),
                mapping,
                body,
                self._credentials,
                self._clock(),
            )
        except signing.AuthMissing:
            raise AuthMissing() from None
        except signing.CredentialExpired:
            raise CredentialExpired() from None
        except signing.SignatureError:
            raise BadSignature() from None
        if not principal.allows(project_id):
            raise WrongProject()
