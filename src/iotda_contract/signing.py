"""Huawei Cloud API request signing: canonical request, SDK-HMAC-SHA256 and V11-HMAC-SHA256, sign and verify.

Pure standard library (``hashlib``, ``hmac``). The recipe is the one the official SDK
(``huaweicloudsdkcore.signer.signer.Signer`` and ``DerivationAKSKSigner``) implements; tests check that
:func:`sign_request` produces the SDK's signature byte for byte and that :func:`verify_request` accepts it.

Canonical request (lines joined by ``\\n``): method; the path percent-decoded, split on ``/``, each
segment re-encoded with only ``~`` (and unreserved characters) safe, with a trailing ``/``; the decoded
query pairs sorted and re-encoded the same way, joined by ``&``; one ``name:value`` line per signed header
(lower-case name, trimmed value) followed by an empty line; the ``;``-joined signed header names; the hex
SHA-256 of the body.

Schemes:

- ``SDK-HMAC-SHA256``: string to sign ``SDK-HMAC-SHA256\\n{X-Sdk-Date}\\n{sha256(canonical)}``,
  key = the secret.
  Header: ``SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex``.
- ``V11-HMAC-SHA256`` (derived): ``info = YYYYMMDD/region/service``; key = hex text of
  ``HMAC(HMAC(AK, SK), info + 0x01)``; string to sign
  ``V11-HMAC-SHA256\\n{date}\\n{info}\\n{sha256(canonical)}``.
  Header: ``V11-HMAC-SHA256 Credential=AK/info, SignedHeaders=a;b, Signature=hex``.

Temporary credentials (an AK/SK with a security token, as IAM hands out): the token travels in
``X-Security-Token`` and is signed like any other header, as the SDK's ``Credentials.sign_request`` does
(``BasicCredentials(ak, sk, project_id).with_security_token(token)``). The verifier refuses a temporary AK
without its token, with another token, with the token unsigned, and after the token's ``expires_at``.

Credentials (:class:`Credentials`, :class:`Credential`, :class:`Principal`) live in
:mod:`iotda_contract.credentials` and are re-exported here.

Errors::

    AuthError                 base class, never raised itself
    ├── AuthMissing           neither Authorization nor X-Auth-Token (platform: 401 IOTDA.000002)
    └── SignatureError        malformed header, unknown AK, bad signature, X-Sdk-Date missing or skewed,
        │                     X-Security-Token missing, wrong or unsigned
        ├── TokenError        X-Auth-Token not known
        └── CredentialExpired the temporary AK's security token is past its expires_at
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, quote, unquote

# Re-exported: the verifier's callers (the mock, tests) take credentials from here.
from iotda_contract.credentials import (  # noqa: F401
    WILDCARD_PROJECT,
    Credential,
    Credentials,
    Principal,
    token_id,
)

SDK_ALGORITHM = "SDK-HMAC-SHA256"
DERIVED_ALGORITHM = "V11-HMAC-SHA256"
#: The service name IoTDA uses in the derived scheme's credential scope.
DERIVED_SERVICE = "iotdm"
DATE_HEADER = "X-Sdk-Date"
CONTENT_HASH_HEADER = "X-Sdk-Content-Sha256"
TOKEN_HEADER = "X-Auth-Token"
#: The header that carries a temporary AK/SK's security token (signed, as the SDK signs it).
SECURITY_TOKEN_HEADER = "X-Security-Token"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
#: Huawei's gateway refuses an X-Sdk-Date further than this from its own clock.
MAX_CLOCK_SKEW = timedelta(minutes=15)
#: Headers a verifier insists on seeing signed: without them a captured request could be replayed elsewhere.
REQUIRED_SIGNED_HEADERS = ("host", "x-sdk-date")
#: Never signed by :func:`sign_request` by default: hop-by-hop or rewritten by transports and proxies.
UNSIGNED_BY_DEFAULT = frozenset(
    {"authorization", "connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade",
     "content-length", "accept-encoding", "proxy-authorization"}
)  # fmt: skip

_EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
_DATE_RE = re.compile(r"^\d{8}T\d{6}Z$")
_SIGNATURE_RE = re.compile(r"^[0-9a-f]{64}$")
_HEADER_NAME_RE = re.compile(r"^[a-z0-9!#$%&'*+.^`|~-]+$")


class AuthError(Exception):
    """A request that cannot be authenticated; ``reason`` says why (safe to log, never contains a secret)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class AuthMissing(AuthError):
    """The request carries neither ``Authorization`` nor ``X-Auth-Token``."""


class SignatureError(AuthError):
    """The AK/SK signature is malformed, unknown, wrong or out of its time window."""


class TokenError(SignatureError):
    """The ``X-Auth-Token`` is not a known token."""


class CredentialExpired(SignatureError):
    """The temporary access key's security token has expired (its ``expires_at`` is past)."""


# --- canonical request -----------------------------------------------------------------------------------


def encode(text: str) -> str:
    """Percent-encode with only unreserved characters and ``~`` left as they are (UTF-8)."""
    return quote(text, safe="~")


def canonical_uri(raw_path: str) -> str:
    """The path as signed: decoded, split on ``/``, each segment re-encoded, with a trailing ``/``."""
    path = "/".join(encode(segment) for segment in unquote(raw_path).split("/"))
    return path if path.endswith("/") else path + "/"


def parse_query(raw_query: str) -> list[tuple[str, str]]:
    """Decode a query string exactly as Starlette does (``+`` is a space, blank values kept)."""
    return parse_qsl(raw_query, keep_blank_values=True)


def canonical_query(pairs: Iterable[tuple[str, str]]) -> str:
    """Decoded pairs sorted (on the decoded text, as the SDK sorts), re-encoded, joined by ``&``."""
    return "&".join(f"{encode(key)}={encode(value)}" for key, value in sorted(pairs))


def payload_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest() if body else _EMPTY_SHA256


def canonical_request(
    method: str,
    raw_path: str,
    query: Iterable[tuple[str, str]],
    headers: Mapping[str, str],
    signed_headers: Sequence[str],
    body_hash: str,
) -> str:
    """The canonical request; ``headers`` keyed by lower-case name, each signed header present."""
    header_lines = "".join(f"{name}:{headers[name].strip()}\n" for name in signed_headers)
    return "\n".join(
        [
            method.upper(),
            canonical_uri(raw_path),
            canonical_query(query),
            header_lines,
            ";".join(signed_headers),
            body_hash,
        ]
    )


def derived_key(access_key: str, secret_key: str, info: str) -> str:
    """The V11 signing key: hex of ``HMAC(HMAC(AK, SK), info + 0x01)`` (one HKDF expand step, 32 bytes)."""
    prk = hmac.new(access_key.encode("utf-8"), secret_key.encode("utf-8"), hashlib.sha256).digest()
    return hmac.new(prk, info.encode("utf-8") + b"\x01", hashlib.sha256).hexdigest()


def _hmac_hex(key: str, message: str) -> str:
    return hmac.new(key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def _signature(
    canonical: str, date: str, access_key: str, secret_key: str, scope: str | None
) -> tuple[str, str]:
    """(algorithm, signature) for a canonical request; ``scope`` is the derived ``info`` or ``None``."""
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    if scope is None:
        return SDK_ALGORITHM, _hmac_hex(secret_key, f"{SDK_ALGORITHM}\n{date}\n{digest}")
    key = derived_key(access_key, secret_key, scope)
    return DERIVED_ALGORITHM, _hmac_hex(key, f"{DERIVED_ALGORITHM}\n{date}\n{scope}\n{digest}")


def format_date(moment: datetime) -> str:
    """``YYYYMMDDTHHMMSSZ`` in UTC (a naive datetime is taken as UTC)."""
    return _as_utc(moment).strftime(DATE_FORMAT)


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# --- signing ---------------------------------------------------------------------------------------------


def sign_request(
    method: str,
    raw_path: str,
    raw_query: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    access_key: str,
    secret_key: str,
    now: datetime | None = None,
    region: str | None = None,
    service: str = DERIVED_SERVICE,
    signed_headers: Iterable[str] | None = None,
    security_token: str | None = None,
) -> dict[str, str]:
    """Sign a request; return the headers to add (``X-Sdk-Date``, ``Authorization``, ``X-Security-Token``).

    ``raw_path`` and ``raw_query`` are as sent on the wire (percent-encoded); ``headers`` must have ``Host``.
    An ``X-Sdk-Date`` already in ``headers`` is used as is (as the SDK does); otherwise ``now`` (default: the
    clock) gives it. With ``region`` the derived ``V11-HMAC-SHA256`` scheme is used. By default every header
    is signed except those with ``_`` in their name (the SDK's rule) and :data:`UNSIGNED_BY_DEFAULT`.
    With ``security_token`` (temporary credentials) ``X-Security-Token`` is added and always signed.
    """
    if not access_key or not secret_key:
        raise ValueError("access_key and secret_key are required")
    if security_token is not None and not security_token:
        raise ValueError("security_token, when given, must not be empty")
    lowered = _lower_headers(headers.items())
    if "host" not in lowered:
        raise ValueError("the Host header is required to sign a request")
    date = lowered.get("x-sdk-date") or format_date(now if now is not None else datetime.now(UTC))
    added = {DATE_HEADER: date}
    lowered["x-sdk-date"] = date
    always = set(REQUIRED_SIGNED_HEADERS)
    if security_token is not None:
        # the SDK sets the header before signing, replacing any the caller put there
        added[SECURITY_TOKEN_HEADER] = security_token
        lowered[SECURITY_TOKEN_HEADER.lower()] = security_token
        always.add(SECURITY_TOKEN_HEADER.lower())
    if signed_headers is None:
        names = sorted(n for n in lowered if "_" not in n and n not in UNSIGNED_BY_DEFAULT)
    else:
        names = sorted({n.lower() for n in signed_headers} | always)
        missing = [n for n in names if n not in lowered]
        if missing:
            raise ValueError(f"headers to sign are not in the request: {missing}")
    body_hash = _body_hash(lowered, body, allow_unsigned_payload=True)
    canonical = canonical_request(method, raw_path, parse_query(raw_query), lowered, names, body_hash)
    scope = f"{date[:8]}/{region}/{service}" if region else None
    algorithm, signature = _signature(canonical, date, access_key, secret_key, scope)
    credential_part = f"Access={access_key}" if scope is None else f"Credential={access_key}/{scope}"
    added["Authorization"] = (
        f"{algorithm} {credential_part}, SignedHeaders={';'.join(names)}, Signature={signature}"
    )
    return added


def _lower_headers(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    return _index_headers(items)[0]


def _index_headers(items: Iterable[tuple[str, str]]) -> tuple[dict[str, str], frozenset[str]]:
    """(lower-case name -> value, the names given more than once), in one pass over ``items``.

    A repeated name's distinct values are joined with ``,`` (a value equal to what is already there adds
    nothing); they are gathered in lists and joined once, so a header repeated n times costs O(n), not the
    O(n^2) of growing one string.
    """
    parts: dict[str, list[str]] = {}
    lengths: dict[str, int] = {}
    repeated: set[str] = set()
    for name, value in items:
        key = name.lower()
        found = parts.get(key)
        if found is None:
            parts[key] = [value]
            lengths[key] = len(value)
            continue
        repeated.add(key)
        # equal to the joined text so far? (its length is known, so the join is rarely needed)
        if lengths[key] == len(value) and ",".join(found) == value:
            continue
        found.append(value)
        lengths[key] += 1 + len(value)
    lowered = {key: values[0] if len(values) == 1 else ",".join(values) for key, values in parts.items()}
    return lowered, frozenset(repeated)


def _body_hash(lowered: Mapping[str, str], body: bytes, *, allow_unsigned_payload: bool) -> str:
    """The payload hash as the SDK computes it, refusing a declared hash that does not match the body."""
    if not body:
        return _EMPTY_SHA256
    declared = lowered.get(CONTENT_HASH_HEADER.lower())
    if declared is None:
        return payload_hash(body)
    declared = declared.strip()
    if declared == UNSIGNED_PAYLOAD:
        if not allow_unsigned_payload:
            raise SignatureError("UNSIGNED-PAYLOAD is not accepted: the body must be signed")
        return declared
    if not hmac.compare_digest(declared, payload_hash(body)):
        raise SignatureError("X-Sdk-Content-Sha256 does not match the body")
    return declared


# --- verification ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuthorizationHeader:
    """A parsed ``Authorization`` header of either scheme."""

    algorithm: str
    access_key: str
    scope: str | None  # derived scheme: "YYYYMMDD/region/service"
    signed_headers: tuple[str, ...]
    signature: str


def parse_authorization(value: str) -> AuthorizationHeader:
    """Parse an ``Authorization`` header; :class:`SignatureError` when it is not one of the two schemes."""
    algorithm, _, rest = value.strip().partition(" ")
    if algorithm not in (SDK_ALGORITHM, DERIVED_ALGORITHM):
        raise SignatureError(f"unsupported authorization scheme {algorithm[:40]!r}")
    fields: dict[str, str] = {}
    for part in rest.split(","):
        key, eq, field_value = part.strip().partition("=")
        if not eq or key in fields:
            raise SignatureError("malformed Authorization header")
        fields[key] = field_value.strip()
    credential_key = "Access" if algorithm == SDK_ALGORITHM else "Credential"
    if set(fields) != {credential_key, "SignedHeaders", "Signature"}:
        raise SignatureError(f"{algorithm} needs {credential_key}, SignedHeaders and Signature")
    signature = fields["Signature"]
    if not _SIGNATURE_RE.match(signature):
        raise SignatureError("the signature is not 64 lower-case hex digits")
    names = tuple(fields["SignedHeaders"].split(";"))
    if not all(_HEADER_NAME_RE.match(n) for n in names) or len(set(names)) != len(names):
        raise SignatureError("malformed SignedHeaders")
    scope: str | None = None
    access_key = fields[credential_key]
    if algorithm == DERIVED_ALGORITHM:
        access_key, slash, scope = access_key.partition("/")
        parts = scope.split("/")
        if not slash or len(parts) != 3 or not all(parts) or not re.fullmatch(r"\d{8}", parts[0]):
            raise SignatureError("the Credential is not AK/YYYYMMDD/region/service")
    if not access_key:
        raise SignatureError("the access key is empty")
    return AuthorizationHeader(algorithm, access_key, scope, names, signature)


def verify_request(
    method: str,
    raw_path: str,
    raw_query: str,
    headers: Mapping[str, str],
    body: bytes,
    credentials: Credentials,
    now: datetime,
    *,
    service: str = DERIVED_SERVICE,
    max_skew: timedelta = MAX_CLOCK_SKEW,
    allow_unsigned_payload: bool = False,
) -> Principal:
    """Authenticate a received request and return who sent it.

    ``raw_path`` and ``raw_query`` are as received (ASGI ``raw_path`` without the query, ``query_string``);
    header names are case-insensitive and values may be given as ASGI servers decode them (latin-1).
    ``Authorization`` (AK/SK, either scheme) is checked first, else ``X-Auth-Token``.
    Raises :class:`AuthMissing`, :class:`SignatureError` or :class:`TokenError`.
    """
    # Linear in the request's size: the headers are read once into a dict (and the set of repeated
    # names), and nothing below scans them again per signed header.
    lowered, repeated = _index_headers((name, _wire_text(value)) for name, value in headers.items())
    authorization = lowered.get("authorization")
    if authorization is None:
        token = lowered.get(TOKEN_HEADER.lower())
        if token is None:
            raise AuthMissing("no Authorization or X-Auth-Token header")
        credential = credentials.by_token(token.strip())
        if credential is None:
            raise TokenError("unknown token")
        return Principal(credential.access_key, credential.projects)

    parsed = parse_authorization(authorization)
    # The cheapest refusal first: an unknown access key costs one lookup, whatever the request holds.
    credential = credentials.by_access_key(parsed.access_key)
    if credential is None or credential.secret_key is None:
        raise SignatureError("unknown access key")
    date = lowered.get("x-sdk-date")
    if date is None:
        raise SignatureError("X-Sdk-Date is missing")
    date = date.strip()
    if not _DATE_RE.match(date):
        raise SignatureError("X-Sdk-Date is not YYYYMMDDTHHMMSSZ")
    try:
        signed_at = datetime.strptime(date, DATE_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        raise SignatureError("X-Sdk-Date is not a valid date") from None
    if abs(_as_utc(now) - signed_at) > max_skew:
        raise SignatureError("X-Sdk-Date is too far from the server's clock")
    for name in REQUIRED_SIGNED_HEADERS:
        if name not in parsed.signed_headers:
            raise SignatureError(f"{name} must be signed")
    for name in parsed.signed_headers:
        if name not in lowered:
            raise SignatureError(f"signed header {name} is not in the request")
        if name in repeated:
            raise SignatureError(f"signed header {name} appears more than once")
    if parsed.scope is not None:
        scope_date, _, scope_service = parsed.scope.split("/")
        if scope_date != date[:8]:
            raise SignatureError("the credential scope's date is not X-Sdk-Date's date")
        if scope_service != service:
            raise SignatureError(f"the credential scope's service is not {service!r}")

    body_hash = _body_hash(lowered, body, allow_unsigned_payload=allow_unsigned_payload)
    canonical = canonical_request(
        method, raw_path, parse_query(raw_query), lowered, parsed.signed_headers, body_hash
    )
    _, expected = _signature(canonical, date, parsed.access_key, credential.secret_key, parsed.scope)
    if not hmac.compare_digest(expected, parsed.signature):
        raise SignatureError("signature mismatch")
    _check_security_token(credential, lowered, parsed.signed_headers, now)
    return Principal(credential.access_key, credential.projects)


def _check_security_token(
    credential: Credential, lowered: Mapping[str, str], signed: Sequence[str], now: datetime
) -> None:
    """A temporary AK needs its own, signed, unexpired ``X-Security-Token``; a permanent AK sends none.

    Checked after the signature, so that only the holder of the secret key learns that a token expired.
    """
    name = SECURITY_TOKEN_HEADER.lower()
    sent = lowered.get(name)
    if credential.security_token is None:
        if sent is not None:
            raise SignatureError("X-Security-Token sent with a permanent access key")
        return
    if sent is None:
        raise SignatureError("X-Security-Token is missing (temporary access key)")
    if name not in signed:
        raise SignatureError("x-security-token must be signed")
    if not hmac.compare_digest(sent.strip().encode("utf-8"), credential.security_token.encode("utf-8")):
        raise SignatureError("X-Security-Token is not this access key's token")
    if credential.expires_at is not None and _as_utc(now) >= credential.expires_at:
        raise CredentialExpired("the security token has expired")


def _wire_text(value: str) -> str:
    """A header value as the signer saw it: ASGI servers decode bytes as latin-1, the SDK signs UTF-8 text."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value
