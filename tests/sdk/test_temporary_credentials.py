"""Temporary credentials (AK/SK with ``X-Security-Token``): signing.py byte for byte against the official
SDK's ``Credentials.sign_request`` (both schemes), the verifier's refusals, and the SDK against the mock."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sdk_support import EXPIRED_AK, EXPIRED_SK, EXPIRED_TOKEN, SECURITY_TOKEN, TEMP_AK, TEMP_SK
from sdk_support import TOKEN as TOKEN_OF_MOCK

from iotda_contract import signing
from iotda_contract.client import ApiError, make_client
from iotda_contract.conformance.redact import Redactor
from iotda_contract.conformance.st_signing import RequestsSigner

AK, SK, TOKEN = "HPUATEMPAK000001", "temporary-secret-key-1", "sts-token/with+odd=chars"
PERMANENT_AK, PERMANENT_SK = "HPUAPERMANENTAK1", "permanent-secret"
PROJECT = "p-0123456789"
EXPIRES = datetime(2030, 1, 1, tzinfo=UTC)
CREDS = signing.Credentials.from_json(
    {
        "credentials": [
            {"ak": AK, "sk": SK, "security_token": TOKEN, "expires_at": "2030-01-01T00:00:00Z",
             "projects": [PROJECT]},
            {"ak": PERMANENT_AK, "sk": PERMANENT_SK, "projects": [PROJECT]},
        ]
    }
)  # fmt: skip
_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=10)
_dates = st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2029, 12, 31)).map(
    lambda d: d.replace(microsecond=0)
)


@st.composite
def requests_(draw: st.DrawFn) -> dict[str, Any]:
    method = draw(st.sampled_from(["GET", "POST", "DELETE"]))
    segment = draw(st.one_of(st.none(), _text.filter(bool)))
    path = f"/v5/iot/{PROJECT}/export-tasks" + ("" if segment is None else "/" + quote(segment, safe=""))
    return {
        "method": method,
        "resource_path": path,
        "query": draw(st.lists(st.tuples(_text, _text), max_size=4)),
        "body": draw(st.binary(max_size=30)) if method == "POST" else b"",
        "date": draw(_dates),
        "region": draw(st.one_of(st.none(), st.sampled_from(["cn-north-4", "ap-southeast-1"]))),
        "token": draw(st.one_of(st.just(TOKEN), st.text(st.characters(min_codepoint=33, max_codepoint=126),
                                                        min_size=1, max_size=40))),
    }  # fmt: skip


def sdk_sign(sdk: SimpleNamespace, spec: dict[str, Any], *, ak: str = AK, sk: str = SK) -> dict[str, Any]:
    """The SDK's own path for temporary credentials: ``with_security_token`` and ``sign_request``."""
    request = sdk.sdk_request.SdkRequest(
        method=spec["method"],
        schema="http",
        host="127.0.0.1:8080",
        resource_path=spec["resource_path"],
        query_params=list(spec["query"]),
        header_params={
            "Content-Type": "application/json",
            "X-Project-Id": PROJECT,
            "X-Sdk-Date": spec["date"].strftime(signing.DATE_FORMAT),
        },
        body=spec["body"],
    )
    credentials = sdk.credentials.BasicCredentials(ak, sk, PROJECT).with_security_token(spec["token"])
    if spec["region"] is not None:
        credentials.with_derived_predicate(lambda request: True)
        credentials._process_derived_auth_params("iotdm", spec["region"])
    signed = credentials.sign_request(request)
    raw_path, _, raw_query = signed.uri.partition("?")
    return {"raw_path": raw_path, "raw_query": raw_query, "headers": dict(signed.header_params)}


def _verify(
    spec: dict[str, Any],
    wire: dict[str, Any],
    now: datetime | None = None,
    credentials: signing.Credentials = CREDS,
) -> signing.Principal:
    moment = (spec["date"] if now is None else now).replace(tzinfo=UTC)
    return signing.verify_request(
        spec["method"],
        wire["raw_path"],
        wire["raw_query"],
        wire["headers"],
        spec["body"],
        credentials,
        moment,
    )


def _expiring(at: datetime) -> signing.Credentials:
    """CREDS' temporary AK, expiring at ``at`` (naive: UTC)."""
    entry = {"ak": AK, "sk": SK, "security_token": TOKEN, "projects": [PROJECT],
             "expires_at": at.replace(tzinfo=UTC).isoformat()}  # fmt: skip
    return signing.Credentials.from_json({"credentials": [entry]})


@given(spec=requests_())
def test_sign_request_with_security_token_equals_official_sdk(sdk, spec):
    wire = sdk_sign(sdk, spec)
    ours = signing.sign_request(
        spec["method"],
        wire["raw_path"],
        wire["raw_query"],
        {"Host": "127.0.0.1:8080", "Content-Type": "application/json", "X-Project-Id": PROJECT},
        spec["body"],
        access_key=AK,
        secret_key=SK,
        now=spec["date"],
        region=spec["region"],
        security_token=spec["token"],
    )
    assert ours == {
        "X-Sdk-Date": wire["headers"]["X-Sdk-Date"],
        "X-Security-Token": wire["headers"]["X-Security-Token"],
        "Authorization": wire["headers"]["Authorization"],
    }
    assert "x-security-token" in ours["Authorization"].split("SignedHeaders=")[1].split(",")[0].split(";")


@given(spec=requests_().map(lambda s: {**s, "token": TOKEN}), lifetime=st.integers(1, 900))
def test_verify_accepts_the_sdks_temporary_credentials_until_they_expire(sdk, spec, lifetime):
    wire = sdk_sign(sdk, spec)
    assert _verify(spec, wire) == signing.Principal(AK, frozenset({PROJECT}))
    expiring = _expiring(spec["date"] + timedelta(seconds=lifetime))
    _verify(spec, wire, now=spec["date"] + timedelta(seconds=lifetime - 1), credentials=expiring)
    with pytest.raises(signing.CredentialExpired):
        _verify(spec, wire, now=spec["date"] + timedelta(seconds=lifetime), credentials=expiring)


def _one(sdk: SimpleNamespace, **overrides: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    spec = {"method": "GET", "resource_path": f"/v5/iot/{PROJECT}/export-tasks", "body": b"",
            "query": [("limit", "10")], "date": datetime(2026, 12, 1, 12), "region": None, "token": TOKEN,
            **overrides}  # fmt: skip
    return spec, sdk_sign(sdk, spec)


@pytest.mark.parametrize("region", [None, "cn-north-4"])
def test_expiry_is_exact_and_a_token_never_outlives_expires_at(sdk, region):
    spec, wire = _one(sdk, date=EXPIRES.replace(tzinfo=None) - timedelta(seconds=1), region=region)
    _verify(spec, wire)
    with pytest.raises(signing.CredentialExpired, match="expired"):
        _verify(spec, wire, now=EXPIRES.replace(tzinfo=None))
    with pytest.raises(signing.CredentialExpired):
        _verify(spec, wire, now=EXPIRES.replace(tzinfo=None) + timedelta(minutes=14))


def test_missing_wrong_or_unsigned_security_token_is_refused(sdk):
    spec, wire = _one(sdk)
    headers = wire["headers"]
    dropped = {k: v for k, v in headers.items() if k != "X-Security-Token"}
    with pytest.raises(signing.SignatureError, match="x-security-token is not in the request"):
        _verify(spec, {**wire, "headers": dropped})
    # signed correctly, but as if the key were permanent: no token at all
    plain = {"Host": "127.0.0.1:8080", "Content-Type": "application/json"}
    plain.update(signing.sign_request("GET", wire["raw_path"], wire["raw_query"], plain, b"",
                                      access_key=AK, secret_key=SK, now=spec["date"]))  # fmt: skip
    with pytest.raises(signing.SignatureError, match="X-Security-Token is missing"):
        _verify(spec, {**wire, "headers": plain})
    # a different token, signed correctly with the right secret: still not this AK's token
    other, other_wire = _one(sdk, token=TOKEN + "x")
    with pytest.raises(signing.SignatureError, match="not this access key's token") as caught:
        _verify(other, other_wire)
    assert not isinstance(caught.value, signing.CredentialExpired)
    # the token present but left out of SignedHeaders
    unsigned_headers = {k: v for k, v in headers.items() if k not in ("X-Security-Token", "Authorization")}
    unsigned_headers["Host"] = "127.0.0.1:8080"
    added = signing.sign_request(
        "GET", wire["raw_path"], wire["raw_query"], unsigned_headers, b"", access_key=AK, secret_key=SK,
        now=spec["date"],
    )  # fmt: skip
    unsigned_headers.update(added, **{"X-Security-Token": TOKEN})
    with pytest.raises(signing.SignatureError, match="must be signed"):
        _verify(spec, {**wire, "headers": unsigned_headers})
    # the token changed after signing breaks the signature itself
    changed = {**headers, "X-Security-Token": TOKEN + "y"}
    with pytest.raises(signing.SignatureError, match="signature mismatch"):
        _verify(spec, {**wire, "headers": changed})


def test_a_security_token_with_a_permanent_key_is_refused_and_expiry_needs_the_signature(sdk):
    spec, _ = _one(sdk)
    permanent = sdk_sign(sdk, spec, ak=PERMANENT_AK, sk=PERMANENT_SK)
    with pytest.raises(signing.SignatureError, match="permanent access key"):
        _verify(spec, permanent)
    # an expired token with a wrong secret is a plain signature failure: expiry is not disclosed
    bad = sdk_sign(sdk, spec, sk=SK + "x")
    with pytest.raises(signing.SignatureError) as caught:
        _verify(spec, bad, now=EXPIRES.replace(tzinfo=None))
    assert not isinstance(caught.value, signing.CredentialExpired)


def test_sign_request_signs_the_token_even_with_an_explicit_header_list():
    added = signing.sign_request(
        "GET", "/p/", "", {"Host": "h"}, b"", access_key=AK, secret_key=SK, signed_headers=["host"],
        security_token=TOKEN,
    )  # fmt: skip
    assert "SignedHeaders=host;x-sdk-date;x-security-token," in added["Authorization"]
    with pytest.raises(ValueError, match="security_token"):
        signing.sign_request("GET", "/", "", {"Host": "h"}, b"", access_key=AK, secret_key=SK,
                             security_token="")  # fmt: skip


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"ak": "a", "sk": "s", "security_token": "", "projects": ["p"]}, "security_token"),
        ({"ak": "a", "sk": "s", "expires_at": "2030-01-01T00:00:00Z", "projects": ["p"]}, "needs a security"),
        ({"ak": "a", "sk": "s", "security_token": "t", "expires_at": "soon", "projects": ["p"]}, "ISO 8601"),
        ({"ak": "a", "sk": "s", "security_token": "t", "expires_at": "2030-01-01T00:00:00",
          "projects": ["p"]}, "time zone"),
        ({"token": "t", "security_token": "x", "projects": ["p"]}, "token entry"),
    ],
)  # fmt: skip
def test_bad_temporary_credential_entries_are_refused(entry, message):
    with pytest.raises(ValueError, match=message):
        signing.Credentials.from_json({"credentials": [entry]})


def test_a_temporary_entry_without_expires_at_never_expires():
    creds = signing.Credentials.from_json(
        {"credentials": [{"ak": "a", "sk": "s", "security_token": "t", "projects": ["p"]}]}
    )
    entry = creds.by_access_key("a")
    assert entry is not None
    assert (entry.security_token, entry.expires_at) == ("t", None)


def test_the_security_token_is_redacted_and_never_in_a_repr():
    redact = Redactor.of(ak=AK, sk=SK, security_token=TOKEN)
    assert TOKEN not in redact(f"curl -H 'X-Security-Token: {TOKEN}'")
    signer = RequestsSigner(AK, SK, security_token=TOKEN)
    assert TOKEN not in repr(signer)
    assert SK not in repr(signer)


# --- the official SDK and our client against the mock (--auth verify, real socket) ----------------------


def _list(sdk: SimpleNamespace, client: Any) -> Any:
    request = sdk.iotda.ListExportTasksRequest(resource_type="BatchTask", limit=10)
    return client.list_export_tasks(request)


@pytest.mark.parametrize("derived", [False, True])
def test_the_sdk_with_temporary_credentials_is_accepted_by_the_mock(sdk, sdk_client, project, derived):
    sent: list[dict[str, str]] = []
    client = sdk_client(
        project,
        ak=TEMP_AK,
        sk=TEMP_SK,
        security_token=SECURITY_TOKEN,
        derived=derived,
        on_request=lambda **kw: sent.append(dict(kw["request"].header_params)),
    )
    body = sdk.iotda.AddExportTask(resource_type="BatchTask")
    client.create_export_task(sdk.iotda.CreateExportTaskRequest(body=body))
    assert _list(sdk, client).page.count == 1
    assert sent[0]["X-Security-Token"] == SECURITY_TOKEN
    assert "x-security-token" in sent[0]["Authorization"]


@pytest.mark.parametrize("derived", [False, True])
def test_an_expired_or_missing_security_token_is_refused_with_apigw_0301(sdk, sdk_client, project, derived):
    cases = [
        ({"ak": EXPIRED_AK, "sk": EXPIRED_SK, "security_token": EXPIRED_TOKEN}, "expired"),
        ({"ak": TEMP_AK, "sk": TEMP_SK}, "verify aksk signature fail"),
        (
            {"ak": TEMP_AK, "sk": TEMP_SK, "security_token": SECURITY_TOKEN + "x"},
            "verify aksk signature fail",
        ),
    ]
    for kwargs, message in cases:
        client = sdk_client(project, derived=derived, **kwargs)
        with pytest.raises(sdk.exceptions.ClientRequestException) as caught:
            _list(sdk, client)
        error = caught.value
        assert (error.status_code, error.error_code) == (401, "APIGW.0301")
        assert message in error.error_msg
        assert error.request_id


def test_make_client_with_security_token_against_the_mock(mock_url, project):
    from iotda_client.api.export_tasks import list_export_tasks

    with make_client(mock_url, project, ak=TEMP_AK, sk=TEMP_SK, security_token=SECURITY_TOKEN) as client:
        page = list_export_tasks.sync(project_id=project, client=client, resource_type="BatchTask")
    assert page is not None
    expired = make_client(mock_url, project, ak=EXPIRED_AK, sk=EXPIRED_SK, security_token=EXPIRED_TOKEN)
    with expired, pytest.raises(ApiError) as caught:
        list_export_tasks.sync(project_id=project, client=expired, resource_type="BatchTask")
    assert (caught.value.status_code, caught.value.error_code) == (401, "APIGW.0301")
    raw = httpx.get(f"{mock_url}/v5/iot/{project}/export-tasks", params={"resource_type": "BatchTask"})
    assert json.loads(raw.text)["error_code"] == "IOTDA.000002"


# --- iotda-contract check --security-token ---------------------------------------------------------------


def _check(mock_url: str, project: str, report: Any, *credentials: str) -> int:
    from iotda_contract.cli import main

    return main(["check", "--base-url", mock_url, "--project-id", project, *credentials, "--seed", "1",
                 "--max-examples", "2", "--law", "walk-complete", "--report-dir", str(report)])  # fmt: skip


def test_check_signs_laws_and_schemathesis_with_the_security_token(mock_url, project, tmp_path, capsys):
    created = httpx.post(f"{mock_url}/v5/iot/{project}/export-tasks", json={"resource_type": "BatchTask"},
                         headers={"X-Auth-Token": TOKEN_OF_MOCK})  # fmt: skip
    assert created.status_code == 201, created.text
    keys = ["--ak", TEMP_AK, "--sk", TEMP_SK, "--security-token", SECURITY_TOKEN]
    assert _check(mock_url, project, tmp_path / "ok", *keys) == 0, capsys.readouterr().err
    out = capsys.readouterr()
    written = b"".join(p.read_bytes() for p in sorted((tmp_path / "ok").rglob("*")) if p.is_file())
    report = json.loads((tmp_path / "ok" / "report.json").read_text())
    assert report["schemathesis"]["responses"].get("2xx", 0) > 0, "schemathesis' requests were accepted"
    for secret in (SECURITY_TOKEN, TEMP_SK):
        assert secret not in out.out + out.err
        assert secret.encode() not in written
    assert _check(mock_url, project, tmp_path / "expired", "--ak", EXPIRED_AK, "--sk", EXPIRED_SK,
                  "--security-token", EXPIRED_TOKEN) == 2  # fmt: skip
    assert EXPIRED_TOKEN not in capsys.readouterr().err
    # without the token the temporary key is refused too
    assert _check(mock_url, project, tmp_path / "none", "--ak", TEMP_AK, "--sk", TEMP_SK) == 2


def test_check_refuses_a_security_token_without_access_keys(capsys):
    from iotda_contract.cli import main

    assert main(["check", "--base-url", "http://127.0.0.1:9", "--project-id", "p", "--token", "t",
                 "--security-token", SECURITY_TOKEN]) == 2  # fmt: skip
    err = capsys.readouterr().err
    assert "--security-token goes with --ak and --sk" in err
    assert SECURITY_TOKEN not in err
