"""client/auth.py: what our httpx auth sends carries the signature the official SDK computes for it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from types import SimpleNamespace

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from iotda_contract import signing
from iotda_contract.client import AkSkAuth, TokenAuth

AK, SK = "HPUAEXAMPLEAK0002", "another-example-secret"
MOMENT = datetime(2026, 11, 1, 8, 30, 5, tzinfo=UTC)

_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=10)
_ascii_value = st.from_regex(r"\A[A-Za-z0-9_-]{1,36}\Z")


def capture(auth: httpx.Auth, method: str, url: str, **kwargs) -> httpx.Request:
    """Send through ``auth`` to a MockTransport and return the request exactly as it left the client."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    with httpx.Client(transport=httpx.MockTransport(handler), auth=auth) as client:
        client.request(method, url, **kwargs)
    (request,) = seen
    return request


def sdk_authorization(sdk: SimpleNamespace, request: httpx.Request, region: str | None) -> str:
    """The Authorization the official signer computes for the same request and the same signed headers."""
    parsed = signing.parse_authorization(request.headers["Authorization"])
    raw_path, _, raw_query = request.url.raw_path.decode("ascii").partition("?")
    sdk_request = sdk.sdk_request.SdkRequest(
        method=request.method,
        schema="http",
        host=request.url.netloc.decode("ascii"),
        resource_path=raw_path,
        query_params=signing.parse_query(raw_query),
        header_params={name: request.headers[name] for name in parsed.signed_headers},
        body=request.content,
    )
    credentials = sdk.credentials.BasicCredentials(AK, SK)
    if region is None:
        signed = sdk.signer.Signer(credentials).sign(sdk_request)
    else:
        signed = sdk.signer.DerivationAKSKSigner(credentials).sign(sdk_request, "iotdm", region)
    authorization: str = signed.header_params["Authorization"]
    return authorization


@given(
    method=st.sampled_from(["GET", "POST", "DELETE"]),
    task_id=_ascii_value,
    params=st.dictionaries(_text.filter(bool), _text, max_size=4),
    instance_id=st.one_of(st.none(), _ascii_value),
    body=st.one_of(st.none(), st.dictionaries(st.sampled_from(["resource_type", "app_id"]), _text)),
    region=st.one_of(st.none(), st.sampled_from(["cn-north-4", "ap-southeast-3"])),
)
def test_aksk_auth_signature_equals_official_signer(sdk, method, task_id, params, instance_id, body, region):
    auth = AkSkAuth(AK, SK, region=region, clock=lambda: MOMENT)
    headers = {"Instance-Id": instance_id} if instance_id else {}
    url = f"http://127.0.0.1:8123/v5/iot/p1/export-tasks/{task_id}"
    request = capture(auth, method, url, params=params, headers=headers, json=body)
    assert request.headers["X-Sdk-Date"] == "20261101T083005Z"
    parsed = signing.parse_authorization(request.headers["Authorization"])
    assert parsed.algorithm == (signing.SDK_ALGORITHM if region is None else signing.DERIVED_ALGORITHM)
    assert {"host", "x-sdk-date"} <= set(parsed.signed_headers)
    assert ("instance-id" in parsed.signed_headers) == bool(instance_id)
    assert request.headers["Authorization"] == sdk_authorization(sdk, request, region)


def test_signed_request_verifies_and_a_changed_query_does_not():
    credentials = signing.Credentials.from_json({"credentials": [{"ak": AK, "sk": SK, "projects": ["p1"]}]})
    auth = AkSkAuth(AK, SK, clock=lambda: MOMENT)
    request = capture(auth, "GET", "http://h/v5/iot/p1/export-tasks", params={"app_id": "a b+c", "limit": 3})
    raw_path, _, raw_query = request.url.raw_path.decode("ascii").partition("?")
    assert raw_query == "app_id=a+b%2Bc&limit=3"  # httpx writes a space as '+', which the verifier reads back

    def check(query: str) -> signing.Principal:
        return signing.verify_request("GET", raw_path, query, dict(request.headers), b"", credentials, MOMENT)

    assert check(raw_query).access_key_or_token_id == AK
    with pytest.raises(signing.SignatureError):
        check(raw_query.replace("limit=3", "limit=4"))


def test_body_is_signed():
    auth = AkSkAuth(AK, SK, clock=lambda: MOMENT)
    first = capture(auth, "POST", "http://h/x", json={"resource_type": "BatchTask"})
    second = capture(auth, "POST", "http://h/x", json={"resource_type": "BatchTasks"})
    assert json.loads(first.content) != json.loads(second.content)
    assert first.headers["Authorization"] != second.headers["Authorization"]


async def _async_capture(auth: httpx.Auth) -> httpx.Request:
    seen: list[httpx.Request] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200)

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler), auth=auth) as client:
        await client.post("http://h/x?b=2&a=1", json={"k": "v"})
    return seen[0]


@pytest.mark.asyncio
async def test_async_client_signs_the_same_way():
    auth = AkSkAuth(AK, SK, region="cn-north-4", clock=lambda: MOMENT)
    sent = await _async_capture(auth)
    again = capture(auth, "POST", "http://h/x?b=2&a=1", json={"k": "v"})
    assert sent.headers["Authorization"] == again.headers["Authorization"]
    assert sent.headers["Authorization"].startswith(
        "V11-HMAC-SHA256 Credential=" + AK + "/20261101/cn-north-4/iotdm,"
    )


def test_token_auth_sets_x_auth_token_and_calls_a_provider_each_time():
    tokens = iter(["t1", "t2"])
    auth = TokenAuth(lambda: next(tokens))
    assert capture(auth, "GET", "http://h/x").headers["X-Auth-Token"] == "t1"
    assert capture(auth, "GET", "http://h/x").headers["X-Auth-Token"] == "t2"
    assert "Authorization" not in capture(TokenAuth("fixed"), "GET", "http://h/x").headers


def test_reprs_hide_secrets():
    assert SK not in repr(AkSkAuth(AK, SK))
    assert "secret-token" not in repr(TokenAuth("secret-token"))
    with pytest.raises(ValueError, match="required"):
        AkSkAuth(AK, "")
