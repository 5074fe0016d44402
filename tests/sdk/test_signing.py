"""signing.py against the official SDK's signers: same signatures, SDK requests verified, changes refused."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iotda_contract import signing

AK = "HPUAEXAMPLEAK0001"
SK = "example-secret-key-0001"
PROJECT = "p-0123456789"
CREDS = signing.Credentials.from_json(
    {
        "credentials": [
            {"ak": AK, "sk": SK, "projects": [PROJECT]},
            {"ak": "OTHERAK", "sk": "other-secret", "projects": ["*"]},
            {"token": "iam-token-1", "id": "alice", "projects": [PROJECT]},
        ]
    }
)

_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
_header_value = st.text(
    st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=12
).filter(lambda v: v.strip() != "")
_header_name = st.from_regex(r"\A[a-z][a-z0-9-]{0,10}\Z").filter(
    lambda n: (
        n not in signing.UNSIGNED_BY_DEFAULT
        and n not in ("host", "x-sdk-date", "content-type", "x-sdk-content-sha256")
    )
)
_dates = st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2099, 12, 31)).map(
    lambda d: d.replace(microsecond=0)
)


@dataclass(frozen=True)
class Wire:
    """A request as the server receives it, plus what the SDK signed."""

    method: str
    raw_path: str
    raw_query: str
    headers: dict[str, str]
    body: bytes
    signed_at: datetime
    region: str | None


@st.composite
def sdk_requests(draw: st.DrawFn) -> dict[str, Any]:
    method = draw(st.sampled_from(["GET", "POST", "DELETE", "PUT", "PATCH"]))
    segments = draw(st.lists(_text.filter(bool), max_size=2))
    resource_path = f"/v5/iot/{PROJECT}/export-tasks" + "".join("/" + quote(s, safe="") for s in segments)
    query = draw(st.lists(st.tuples(_text, _text), max_size=5))
    query += draw(st.lists(st.tuples(st.sampled_from(["limit", "offset"]), st.integers(-5, 600)), max_size=1))
    query = [(k, str(v)) for k, v in query]
    extra = draw(st.dictionaries(_header_name, _header_value, max_size=3))
    body = draw(st.binary(max_size=40)) if method in ("POST", "PUT", "PATCH") else b""
    return {
        "method": method,
        "resource_path": resource_path,
        "query": query,
        "headers": {"Content-Type": "application/json", "X-Project-Id": PROJECT, **extra},
        "body": body,
        "date": draw(_dates),
        "region": draw(st.one_of(st.none(), st.sampled_from(["cn-north-4", "ap-southeast-1"]))),
    }


def sdk_sign(sdk: SimpleNamespace, spec: dict[str, Any], secret: str = SK) -> Wire:
    """Have the official SDK sign the request; return it as it goes on the wire."""
    headers = {**spec["headers"], "X-Sdk-Date": spec["date"].strftime(signing.DATE_FORMAT)}
    request = sdk.sdk_request.SdkRequest(
        method=spec["method"],
        schema="http",
        host="127.0.0.1:8080",
        resource_path=spec["resource_path"],
        query_params=list(spec["query"]),
        header_params=headers,
        body=spec["body"],
    )
    credentials = sdk.credentials.BasicCredentials(AK, secret, PROJECT)
    if spec["region"] is None:
        signed = sdk.signer.Signer(credentials).sign(request)
    else:
        signed = sdk.signer.DerivationAKSKSigner(credentials).sign(request, "iotdm", spec["region"])
    raw_path, _, raw_query = signed.uri.partition("?")
    assert raw_path == spec["resource_path"]
    return Wire(
        method=spec["method"],
        raw_path=raw_path,
        raw_query=raw_query,
        headers=dict(signed.header_params),
        body=spec["body"],
        signed_at=spec["date"],
        region=spec["region"],
    )


def verify(wire: Wire, now: datetime | None = None) -> signing.Principal:
    moment = (wire.signed_at if now is None else now).replace(tzinfo=UTC)
    return signing.verify_request(
        wire.method, wire.raw_path, wire.raw_query, wire.headers, wire.body, CREDS, moment
    )


@given(spec=sdk_requests())
def test_sign_request_equals_official_signer(sdk, spec):
    wire = sdk_sign(sdk, spec)
    unsigned = {k: v for k, v in spec["headers"].items()}
    unsigned["Host"] = "127.0.0.1:8080"
    ours = signing.sign_request(
        spec["method"],
        wire.raw_path,
        wire.raw_query,
        unsigned,
        spec["body"],
        access_key=AK,
        secret_key=SK,
        now=spec["date"],
        region=spec["region"],
    )
    assert ours["Authorization"] == wire.headers["Authorization"]
    assert ours["X-Sdk-Date"] == wire.headers["X-Sdk-Date"]


@given(spec=sdk_requests(), skew=st.integers(-900, 900))
def test_verify_accepts_official_signature_within_15_minutes(sdk, spec, skew):
    wire = sdk_sign(sdk, spec)
    principal = verify(wire, now=spec["date"] + timedelta(seconds=skew))
    assert principal == signing.Principal(AK, frozenset({PROJECT}))


@given(spec=sdk_requests(), data=st.data())
def test_verify_rejects_any_change_after_signing(sdk, spec, data):
    wire = sdk_sign(sdk, spec)
    kinds = ["query_value", "query_added", "header", "method", "path", "date_header", "secret", "old"]
    if spec["query"]:
        kinds.append("query_dropped")
    if wire.body:
        kinds.append("body")
    kind = data.draw(st.sampled_from(kinds), label="change")
    tampered = _tamper(sdk, spec, wire, kind, data)
    with pytest.raises(signing.SignatureError):
        verify(tampered, now=spec["date"] + (timedelta(minutes=16) if kind == "old" else timedelta()))


def _tamper(sdk: SimpleNamespace, spec: dict[str, Any], wire: Wire, kind: str, data: st.DataObject) -> Wire:
    pairs = signing.parse_query(wire.raw_query)
    if kind == "query_value":
        if not pairs:
            return replace(wire, raw_query="limit=1")
        index = data.draw(st.integers(0, len(pairs) - 1), label="pair")
        key, value = pairs[index]
        pairs[index] = (key, value + data.draw(_text.filter(bool), label="suffix"))
        return replace(wire, raw_query="&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs))
    if kind == "query_added":
        extra = f"{quote(data.draw(_text, label='key'), safe='')}={quote(data.draw(_text), safe='')}"
        return replace(wire, raw_query=f"{wire.raw_query}&{extra}" if wire.raw_query else extra)
    if kind == "query_dropped":
        index = data.draw(st.integers(0, len(pairs) - 1), label="pair")
        del pairs[index]
        return replace(wire, raw_query=signing.canonical_query(pairs))
    if kind == "header":
        name = data.draw(st.sampled_from(sorted(k for k in wire.headers if k != "Authorization")))
        headers = {**wire.headers, name: wire.headers[name] + "x"}
        return replace(wire, headers=headers)
    if kind == "method":
        other = data.draw(st.sampled_from([m for m in ("GET", "POST", "DELETE", "PUT") if m != wire.method]))
        return replace(wire, method=other)
    if kind == "path":
        return replace(wire, raw_path=wire.raw_path + "/x")
    if kind == "date_header":
        later = (spec["date"] + timedelta(seconds=1)).strftime(signing.DATE_FORMAT)
        return replace(wire, headers={**wire.headers, "X-Sdk-Date": later})
    if kind == "secret":
        return sdk_sign(sdk, spec, secret=SK + "x")
    if kind == "body":
        index = data.draw(st.integers(0, len(wire.body) - 1), label="byte")
        body = bytearray(wire.body)
        body[index] ^= 0x01
        return replace(wire, body=bytes(body))
    assert kind == "old"
    return wire


def test_plus_in_query_is_a_space_so_it_cannot_replace_an_encoded_plus(sdk):
    spec = {
        "method": "GET",
        "resource_path": f"/v5/iot/{PROJECT}/export-tasks",
        "query": [("app_id", "a+b c")],
        "headers": {"Content-Type": "application/json"},
        "body": b"",
        "date": datetime(2026, 1, 1, 12, 0, 0),
        "region": None,
    }
    wire = sdk_sign(sdk, spec)
    assert wire.raw_query == "app_id=a%2Bb%20c"
    assert verify(replace(wire, raw_query="app_id=a%2Bb+c")).access_key_or_token_id == AK
    with pytest.raises(signing.SignatureError, match="mismatch"):
        verify(replace(wire, raw_query="app_id=a+b%20c"))


def test_sixteen_minutes_old_or_ahead_is_refused_fifteen_is_not(sdk):
    spec = {
        "method": "GET",
        "resource_path": f"/v5/iot/{PROJECT}/export-tasks",
        "query": [],
        "headers": {"Content-Type": "application/json"},
        "body": b"",
        "date": datetime(2026, 1, 1, 12, 0, 0),
        "region": "cn-north-4",
    }
    wire = sdk_sign(sdk, spec)
    for minutes in (-15, 15):
        assert verify(wire, now=spec["date"] + timedelta(minutes=minutes)).access_key_or_token_id == AK
    for minutes in (-16, 16):
        with pytest.raises(signing.SignatureError, match="clock"):
            verify(wire, now=spec["date"] + timedelta(minutes=minutes))


def _signed(**overrides: Any) -> Wire:
    headers = {"Host": "h", "Content-Type": "application/json"}
    added = signing.sign_request(
        "GET", "/p", "a=1", headers, b"", access_key=AK, secret_key=SK, now=datetime(2026, 1, 1)
    )
    wire = Wire("GET", "/p", "a=1", {**headers, **added}, b"", datetime(2026, 1, 1), None)
    return replace(wire, **overrides)


@pytest.mark.parametrize(
    ("authorization", "reason"),
    [
        ("Basic abc", "unsupported"),
        ("SDK-HMAC-SHA256 Access=AK", "needs"),
        ("SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature=XYZ", "hex"),
        ("SDK-HMAC-SHA256 Access=AK, Access=AK, SignedHeaders=host, Signature=" + "0" * 64, "malformed"),
        ("SDK-HMAC-SHA256 Access=, SignedHeaders=host;x-sdk-date, Signature=" + "0" * 64, "empty"),
        ("SDK-HMAC-SHA256 Access=AK, SignedHeaders=Host;x-sdk-date, Signature=" + "0" * 64, "SignedHeaders"),
        (
            "V11-HMAC-SHA256 Credential=AK/2026/r/iotdm, SignedHeaders=host, Signature=" + "0" * 64,
            "Credential",
        ),
        ("V11-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=" + "0" * 64, "needs"),
    ],
)
def test_malformed_authorization_is_a_signature_error(authorization, reason):
    wire = _signed()
    with pytest.raises(signing.SignatureError, match=reason):
        verify(replace(wire, headers={**wire.headers, "Authorization": authorization}))


def test_unknown_access_key_and_token_credential_used_as_ak_are_refused():
    wire = _signed()
    for access_key in ("NOPE", "alice"):
        auth = wire.headers["Authorization"].replace(f"Access={AK}", f"Access={access_key}")
        with pytest.raises(signing.SignatureError, match="unknown access key"):
            verify(replace(wire, headers={**wire.headers, "Authorization": auth}))


def test_unsigned_host_or_date_is_refused():
    headers = {"Host": "h", "Content-Type": "application/json"}
    added = signing.sign_request(
        "GET", "/p", "", headers, b"", access_key=AK, secret_key=SK, now=datetime(2026, 1, 1)
    )
    # Forge a header that leaves host out: the verifier must refuse before even checking the signature.
    forged = added["Authorization"].replace("content-type;host;x-sdk-date", "content-type;x-sdk-date")
    wire = Wire(
        "GET", "/p", "", {**headers, **added, "Authorization": forged}, b"", datetime(2026, 1, 1), None
    )
    with pytest.raises(signing.SignatureError, match="host must be signed"):
        verify(wire)


def test_missing_or_bad_date_header_is_refused():
    wire = _signed()
    without = {k: v for k, v in wire.headers.items() if k != "X-Sdk-Date"}
    with pytest.raises(signing.SignatureError, match="missing"):
        verify(replace(wire, headers=without))
    with pytest.raises(signing.SignatureError, match="YYYYMMDD"):
        verify(replace(wire, headers={**wire.headers, "X-Sdk-Date": "2026-01-01T00:00:00Z"}))
    with pytest.raises(signing.SignatureError, match="valid date"):
        verify(replace(wire, headers={**wire.headers, "X-Sdk-Date": "20261340T000000Z"}))


def test_duplicate_signed_header_is_refused():
    wire = _signed()

    class Multi(dict[str, str]):
        def items(self):  # type: ignore[override]
            return [*super().items(), ("content-type", "text/plain")]

    with pytest.raises(signing.SignatureError, match="more than once"):
        verify(replace(wire, headers=Multi(wire.headers)))


def test_header_names_are_case_insensitive():
    wire = _signed()
    shouted = {k.upper(): v for k, v in wire.headers.items()}
    assert verify(replace(wire, headers=shouted)).access_key_or_token_id == AK


def test_token_and_missing_auth():
    wire = _signed()
    bare = {"Host": "h"}
    with pytest.raises(signing.AuthMissing):
        verify(replace(wire, headers=bare))
    assert verify(replace(wire, headers={**bare, "x-auth-token": "iam-token-1"})) == signing.Principal(
        "alice", frozenset({PROJECT})
    )
    with pytest.raises(signing.TokenError):
        verify(replace(wire, headers={**bare, "X-Auth-Token": "iam-token-2"}))


def test_derived_scope_must_match_date_and_service(sdk):
    spec = {
        "method": "GET",
        "resource_path": "/p",
        "query": [],
        "headers": {"Content-Type": "application/json"},
        "body": b"",
        "date": datetime(2026, 1, 1, 12, 0, 0),
        "region": "cn-north-4",
    }
    wire = sdk_sign(sdk, spec)
    auth = wire.headers["Authorization"]
    with pytest.raises(signing.SignatureError, match="date"):
        verify(
            replace(wire, headers={**wire.headers, "Authorization": auth.replace("/20260101/", "/20260102/")})
        )
    with pytest.raises(signing.SignatureError, match="service"):
        verify(replace(wire, headers={**wire.headers, "Authorization": auth.replace("/iotdm,", "/iam,")}))
    with pytest.raises(signing.SignatureError, match="mismatch"):
        verify(
            replace(wire, headers={**wire.headers, "Authorization": auth.replace("cn-north-4", "cn-east-3")})
        )


def test_unsigned_payload_only_when_allowed_and_declared_hash_must_match(sdk):
    spec = {
        "method": "POST",
        "resource_path": "/p",
        "query": [],
        "headers": {"Content-Type": "text/plain"},  # the SDK then declares UNSIGNED-PAYLOAD
        "body": b"hello",
        "date": datetime(2026, 1, 1),
        "region": None,
    }
    wire = sdk_sign(sdk, spec)
    assert wire.headers["X-Sdk-Content-Sha256"] == "UNSIGNED-PAYLOAD"
    with pytest.raises(signing.SignatureError, match="UNSIGNED-PAYLOAD"):
        verify(wire)
    principal = signing.verify_request(
        wire.method,
        wire.raw_path,
        wire.raw_query,
        wire.headers,
        b"other",
        CREDS,
        datetime(2026, 1, 1, tzinfo=UTC),
        allow_unsigned_payload=True,
    )
    assert principal.access_key_or_token_id == AK
    declared = {**wire.headers, "X-Sdk-Content-Sha256": "0" * 64}
    with pytest.raises(signing.SignatureError, match="does not match"):
        verify(replace(wire, headers=declared))


def test_derived_key_matches_sdk_hkdf(sdk):
    hkdf = __import__("huaweicloudsdkcore.signer.hkdf", fromlist=["get_der_key_sha256"])
    for ak, sk, info in [(AK, SK, "20260101/cn-north-4/iotdm"), ("a", "b", "x/y/z")]:
        assert signing.derived_key(ak, sk, info) == hkdf.get_der_key_sha256(ak, sk, info)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "credentials"),
        ({"credentials": [{"ak": "a", "projects": ["p"]}]}, "'sk'"),
        ({"credentials": [{"ak": "a", "sk": "s"}]}, "projects"),
        ({"credentials": [{"ak": "a/b", "sk": "s", "projects": ["p"]}]}, "'/'"),
        ({"credentials": [{"token": "t", "sk": "s", "projects": ["p"]}]}, "token entry"),
        ({"credentials": [{"ak": "a", "sk": "s", "projects": ["p"], "x": 1}]}, "unknown keys"),
        ({"credentials": [{"ak": "a", "sk": "s", "projects": ["p"]}] * 2}, "twice"),
    ],
)
def test_bad_credentials_documents_are_refused(document, message):
    with pytest.raises(ValueError, match=message):
        signing.Credentials.from_json(document)


def test_credentials_load_and_lookup(tmp_path):
    path = tmp_path / "creds.json"
    path.write_text(
        json.dumps(
            {"credentials": [{"ak": "A", "sk": "S", "projects": ["*"]}, {"token": "T", "projects": ["p"]}]}
        )
    )
    loaded = signing.Credentials.load(path)
    assert len(loaded) == 2
    ak_entry = loaded.by_access_key("A")
    assert ak_entry is not None
    assert ak_entry.allows("anything")
    token_entry = loaded.by_token("T")
    assert token_entry is not None
    assert token_entry.access_key == signing.token_id("T") != "T"
    assert not token_entry.allows("q")
    assert loaded.by_access_key("T") is None
    assert loaded.by_token("A") is None
    with pytest.raises(ValueError, match="cannot read"):
        signing.Credentials.load(tmp_path / "missing.json")
