"""``iotda-contract check`` (laws and schemathesis) signs with AK/SK in both schemes: ``--auth verify``."""

from __future__ import annotations

import json

import pytest

from iotda_contract.cli import main
from iotda_contract.commands.demo import mock_arguments
from iotda_contract.mock.testing import serve_subprocess

AK, SK = "CHECKSIGNEDAK0001", "check-signed-secret"


@pytest.fixture(scope="module")
def mock_url(tmp_path_factory):
    credentials = tmp_path_factory.mktemp("creds") / "credentials.json"
    credentials.write_text(json.dumps({"credentials": [{"ak": AK, "sk": SK, "projects": ["demo-project"]}]}))
    # the module's runs share one mock: a short download interval keeps the limit without a 30 s wait per run
    with serve_subprocess([*mock_arguments(80, [], credentials), "--download-interval", "3"]) as server:
        yield server.url


def signed_check(url, *extra, sk=SK):
    return main(["check", "--base-url", url, "--project-id", "demo-project", "--ak", AK, "--sk", sk,
                 "--seed", "3", "--max-examples", "5", *extra])  # fmt: skip


@pytest.mark.parametrize(
    "scheme", [[], ["--region", "cn-north-4"]], ids=["SDK-HMAC-SHA256", "V11-HMAC-SHA256"]
)
def test_signed_requests_pass_every_law(mock_url, tmp_path, scheme):
    code = signed_check(
        mock_url, *scheme, "--allow-writes", "--i-accept-eviction", "--report-dir", str(tmp_path)
    )
    assert code == 0
    report = json.loads((tmp_path / "report.json").read_text())
    assert {law["status"] for law in report["laws"]} == {"held"}
    # schemathesis' requests were signed: valid ones were answered 2xx (unsigned, every one would get 401)
    assert report["schemathesis"]["status"] == "held"
    assert report["schemathesis"]["responses"].get("2xx", 0) > 0
    assert any("ignored_auth left out" in note for note in report["schemathesis"]["notes"])


def test_a_wrong_secret_is_a_usage_error_not_a_violation(mock_url, capsys):
    assert signed_check(mock_url, "--no-schemathesis", sk="not-the-secret") == 2
    assert "401" in capsys.readouterr().err


def test_schemathesis_with_every_request_refused_is_not_reported_as_held(mock_url):
    from iotda_contract import spec
    from iotda_contract.conformance.context import LawContext
    from iotda_contract.conformance.contract import load_contract
    from iotda_contract.conformance.st_engine import run_schemathesis
    from iotda_contract.conformance.target import Target

    contract = load_contract(spec.load())
    # no credentials at all: the mock answers 401 to everything
    ctx = LawContext(Target(mock_url, "demo-project", contract), contract)
    result = run_schemathesis(ctx, token=None, max_examples=3, seed=1)
    assert result.cases > 0
    assert "2xx" not in result.responses
    assert result.status == "skipped"
    assert "no request was answered 2xx" in result.reason
