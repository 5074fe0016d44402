"""``iotda-contract check`` signing with AK/SK (both schemes) against the mock's ``--auth verify``."""

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
    with serve_subprocess(mock_arguments(80, [], credentials)) as server:
        yield server.url


def signed_check(url, *extra, sk=SK):
    return main(["check", "--base-url", url, "--project-id", "demo-project", "--ak", AK, "--sk", sk,
                 "--seed", "3", "--max-examples", "5", *extra])  # fmt: skip


@pytest.mark.parametrize(
    "scheme", [[], ["--region", "cn-north-4"]], ids=["SDK-HMAC-SHA256", "V11-HMAC-SHA256"]
)
def test_signed_requests_pass_every_law(mock_url, tmp_path, scheme):
    assert signed_check(mock_url, *scheme, "--allow-writes", "--report-dir", str(tmp_path)) == 0
    report = json.loads((tmp_path / "report.json").read_text())
    assert {law["status"] for law in report["laws"]} == {"held"}
    assert report["schemathesis"]["status"] == "skipped"
    assert "AK/SK" in report["schemathesis"]["reason"]


def test_a_wrong_secret_is_a_usage_error_not_a_violation(mock_url, capsys):
    assert signed_check(mock_url, "--no-schemathesis", sk="not-the-secret") == 2
    assert "401" in capsys.readouterr().err
