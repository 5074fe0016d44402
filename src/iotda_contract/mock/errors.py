"""The mock's errors: each carries an HTTP status, a platform error code and a message.

ApiError
├── BadRequest (400)
│   ├── InvalidData         IOTDA.000006  a value breaks the spec (type, pattern, enum, length, schema)
│   ├── MalformedRequest    IOTDA.000008  the request cannot be read (bad escape, UTF-8, JSON, repeats)
│   └── OutOfRange          IOTDA.000017  an integer outside the spec's minimum..maximum
├── Unauthorized (401)
│   ├── AuthMissing         IOTDA.000002  no Authorization / X-Auth-Token
│   └── BadSignature        APIGW.0301    a signature or token that does not verify
│       └── CredentialExpired APIGW.0301  a temporary AK/SK whose security token has expired
├── Forbidden (403)
│   ├── WrongProject        IOTDA.000004  a credential used on a project it is not bound to
│   └── TooManyUnfinished   IOTDA.000021  a create beyond --max-unfinished Processing tasks
├── NotFound (404)          IOTDA.000404  an unknown export task id or an unknown path
│   ├── FileNotReady                      a download of a Processing or Failed task's file
│   └── FileOverwritten                   a download of a file a newer task with the same conditions overwrote
├── MethodNotAllowed (405)  IOTDA.000405  a method the path does not serve
├── RequestTimeout (408)    IOTDA.000408  a request head or body not received within its timeout
├── DownloadLimited (429)   IOTDA.021101  a second export-file download within the interval (Retry-After)
├── PayloadTooLarge (413)   IOTDA.000413  a body over --max-body-bytes
├── HeadersTooLarge (431)   IOTDA.000431  over --max-headers fields or --max-header-bytes of head
├── InjectedServerError (500) IOTDA.000500  from the faults server-error-at-max-offset, download-limit-500
└── ServiceUnavailable (503) IOTDA.000503  a connection beyond --max-connections

The 408, 413, 431 and 503 codes are the mock's own (docs/decisions.md): the platform lists none.
"""

from __future__ import annotations

import json
from typing import ClassVar


class ApiError(Exception):
    """An answer in the platform's error format."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "IOTDA.000006"
    message: ClassVar[str] = "Invalid input data."

    def __init__(self, message: str | None = None) -> None:
        self.msg = message if message is not None else self.message
        super().__init__(f"{self.status} {self.code}: {self.msg}")

    def body(self, nonstandard: bool = False) -> bytes:
        """The JSON body; ``nonstandard`` uses the keys of the `error-body-nonstandard` fault."""
        if nonstandard:
            return json.dumps({"code": self.code, "message": self.msg}).encode()
        return json.dumps({"error_code": self.code, "error_msg": self.msg}).encode()


class BadRequest(ApiError):
    status = 400


class InvalidData(BadRequest):
    code = "IOTDA.000006"
    message = "Invalid input data."


class MalformedRequest(BadRequest):
    code = "IOTDA.000008"
    message = "Invalid input. The request format is invalid."


class OutOfRange(BadRequest):
    code = "IOTDA.000017"
    message = "Invalid input. The specified parameter is out of range."

    def __init__(self, parameter: str) -> None:
        self.parameter = parameter
        super().__init__(f"Invalid input. The specified parameter '{parameter}' is out of range.")


class Unauthorized(ApiError):
    status = 401


class AuthMissing(Unauthorized):
    code = "IOTDA.000002"
    message = "Authentication failed."


class BadSignature(Unauthorized):
    code = "APIGW.0301"
    message = "Incorrect IAM authentication information: verify aksk signature fail."


class CredentialExpired(BadSignature):
    message = "Incorrect IAM authentication information: the security token has expired."


class Forbidden(ApiError):
    status = 403


class WrongProject(Forbidden):
    code = "IOTDA.000004"
    message = "Invalid access token."


class TooManyUnfinished(Forbidden):
    code = "IOTDA.000021"
    message = "Operation not allowed."


class NotFound(ApiError):
    status = 404
    code = "IOTDA.000404"
    message = "The export task does not exist."


class FileNotReady(NotFound):
    message = "The export file does not exist: the task has not succeeded."

    def __init__(self, status: str) -> None:
        super().__init__(f"The export file does not exist: the task is {status}.")


class FileOverwritten(NotFound):
    message = "The export file does not exist: a newer export task with the same conditions overwrote it."


class DownloadLimited(ApiError):
    """Beyond the download rate (ShowExportTask's ``x-iotda-platform-limits``); wait ``retry_after`` s."""

    status = 429
    code = "IOTDA.021101"
    message = "The request is overload: export files can be downloaded once every 30 seconds."

    def __init__(self, retry_after: int, interval_seconds: float) -> None:
        self.retry_after = retry_after
        every = f"{interval_seconds:g}"
        super().__init__(
            f"The request is overload: export files can be downloaded once every {every} seconds."
        )


class PathNotFound(NotFound):
    message = "The requested path does not exist."


class MethodNotAllowed(ApiError):
    status = 405
    code = "IOTDA.000405"
    message = "The method is not allowed on this path."

    def __init__(self, allowed: tuple[str, ...]) -> None:
        self.allowed = allowed
        super().__init__()


class RequestTimeout(ApiError):
    status = 408
    code = "IOTDA.000408"
    message = "The request was not received in time."


class PayloadTooLarge(ApiError):
    status = 413
    code = "IOTDA.000413"
    message = "The request body is too large."


class HeadersTooLarge(ApiError):
    status = 431
    code = "IOTDA.000431"
    message = "The request headers are too large."


class InjectedServerError(ApiError):
    status = 500
    code = "IOTDA.000500"
    message = "Internal server error (injected by a fault: server-error-at-max-offset, download-limit-500)."


class ServiceUnavailable(ApiError):
    status = 503
    code = "IOTDA.000503"
    message = "Too many connections. Retry later."
