"""The controls a run against a remote backend needs: rate limit, headers, TLS, config, replay."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hostile import PROJECT, hostile

from iotda_contract.cli import main
from iotda_contract.mock.settings import Settings
from iotda_contract.mock.testing import serve_in_thread


def check(url: str, *extra: str) -> int:
    return main(
        ["check", "--base-url", url, "--project-id", PROJECT, "--token", "tok", "--seed", "1", *extra]
    )


def most_in_one_second(times: list[float]) -> int:
    """The most requests that arrived within any one second, by the server's own clock."""
    most, start = 0, 0
    for end, stamp in enumerate(times):
        while stamp - times[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


def test_the_rate_limit_is_obeyed_by_the_laws_and_schemathesis_alike():
    with hostile("path-injection") as server:
        check(server.url, "--rate-limit", "20/s", "--max-examples", "2", "--law", "accept-valid")
        times = list(server.times)
    assert len(times) > 25, "enough requests to see the limit"
    assert most_in_one_second(times) <= 20


def test_the_rate_limit_holds_with_concurrency_by_the_servers_clock():
    with hostile("path-injection") as server:
        check(server.url, "--rate-limit", "20/s", "--concurrency", "4", "--max-examples", "2",
              "--law", "accept-valid", "--law", "reject-invalid", "--law", "count-stable")  # fmt: skip
        times = sorted(server.times)
    assert len(times) > 60, "enough requests, laws side by side and schemathesis beside them"
    assert most_in_one_second(times) <= 20


@pytest.mark.parametrize("value", ["0", "-2", "two", "1.5"])
def test_a_bad_concurrency_is_one_line_and_exit_2_before_any_request(value, capsys):
    with hostile("path-injection") as server:
        assert check(server.url, "--concurrency", value) == 2
        assert server.requests == 0
    err = capsys.readouterr().err
    assert err.startswith("error: --concurrency is ")
    assert err.count("\n") == 1, "one line"


def test_concurrency_comes_from_the_configuration_file_and_is_printed(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Path("iotda-contract.toml").write_text('base-url = "http://b"\nproject-id = "p"\nconcurrency = 3\n')
    assert main(["check", "--print-config"]) == 0
    assert "concurrency = 3" in capsys.readouterr().out
    assert main(["check", "--print-config", "--concurrency", "5"]) == 0
    assert "concurrency = 5" in capsys.readouterr().out, "the flag wins over the file"
    Path("iotda-contract.toml").write_text("concurrency = 0\n")
    assert main(["check", "--print-config"]) == 2
    assert "--concurrency" in capsys.readouterr().err


def verdicts(report: Path) -> tuple[object, ...]:
    data = json.loads((report / "report.json").read_text())
    laws = {law["law_id"]: (law["status"], law["deviations"]) for law in data["laws"]}
    st = data.get("schemathesis") or {}
    return laws, data["violated"], data["deviated"], sorted(st.get("failures", {})), st.get("status")


@pytest.mark.parametrize(("fault", "extra"), [(None, ()), ("accepts-invalid-limit", ("--no-schemathesis",))])
def test_concurrency_changes_no_verdict(fault, extra, tmp_path):
    faults = (fault,) if fault else ()
    for n in ("1", "4"):  # a fresh mock each: a run spends the download limit
        with serve_in_thread(Settings(seed=300, faults=faults)) as url:  # 161 records: longer than a head
            main(["check", "--base-url", url, "--project-id", "demo-project", "--token", "t", "--seed", "2",
                  "--max-examples", "4", "--exclude-check", "ignored_auth", "--concurrency", n, *extra,
                  "--report-dir", str(tmp_path / n)])  # fmt: skip
    one, four = verdicts(tmp_path / "1"), verdicts(tmp_path / "4")
    assert one == four
    assert one[1] == ([] if fault is None else ["reject-invalid"])
    assert one[3] == []


def test_headers_are_sent_with_every_request_and_never_replace_credentials(capsys):
    with hostile("path-injection") as server:
        check(server.url, "-H", "X-Trace: run-42", "--law", "walk-complete", "--no-schemathesis",
              "--max-examples", "2")  # fmt: skip
        seen = list(server.headers)
    assert seen
    assert all(h.get("x-trace") == "run-42" and h.get("x-auth-token") == "tok" for h in seen)
    with hostile("path-injection") as server:
        assert check(server.url, "-H", "X-Auth-Token: other") == 2
        assert server.requests == 0
    assert "not a credential" in capsys.readouterr().err


def test_a_missing_ca_bundle_is_a_usage_error(capsys, tmp_path):
    with hostile("path-injection") as server:
        assert check(server.url, "--ca-bundle", str(tmp_path / "none.pem")) == 2
        assert server.requests == 0
    assert "no such file" in capsys.readouterr().err


def test_insecure_and_ca_bundle_reach_the_transport(tmp_path):
    import argparse

    from iotda_contract.commands.check import add_arguments, options_from

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    base = ["--base-url", "https://b", "--project-id", "p"]
    assert options_from(parser.parse_args([*base, "--insecure"])).verify is False
    bundle = tmp_path / "ca.pem"
    assert options_from(parser.parse_args([*base, "--ca-bundle", str(bundle)])).verify == str(bundle)
    assert options_from(parser.parse_args(base)).verify is True


def test_a_configuration_file_with_env_secrets_and_flags_that_win(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MY_TOKEN", "from-the-environment")
    with hostile("path-injection") as server:
        Path("iotda-contract.toml").write_text(
            f'base-url = "{server.url}"\nproject-id = "{PROJECT}"\ntoken = "${{MY_TOKEN}}"\n'
            'max-examples = 2\nlaw = ["walk-complete"]\nno-schemathesis = true\nheader = ["X-From: config"]\n'
        )
        assert main(["check", "--print-config"]) == 0
        printed = capsys.readouterr().out
        assert 'token = "***"' in printed
        assert "from-the-environment" not in printed
        assert "max-examples = 2" in printed
        assert main(["check", "--max-examples", "1"]) in (0, 1)  # this backend's paging is not the point
        assert server.headers[-1]["x-auth-token"] == "from-the-environment"
        assert server.headers[-1]["x-from"] == "config"


def test_a_broken_configuration_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Path("iotda-contract.toml").write_text('base-url = "x"\ncolour = "blue"\n')
    assert main(["check"]) == 2
    assert "unknown key 'colour'" in capsys.readouterr().err
    Path("iotda-contract.toml").write_text('token = "${NOT_SET_ANYWHERE}"\n')
    assert main(["check"]) == 2
    assert "NOT_SET_ANYWHERE" in capsys.readouterr().err


def test_pyproject_tool_table_is_read(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Path("pyproject.toml").write_text('[tool.iotda-contract]\nproject-id = "from-pyproject"\n')
    assert main(["check", "--print-config"]) == 0
    assert 'project-id = "from-pyproject"' in capsys.readouterr().out


@pytest.mark.parametrize("missing", [["--project-id", "p"], ["--base-url", "http://x"]])
def test_without_base_url_or_project_id_exit_2(missing, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["check", *missing, "--token", "t"]) == 2
    assert "needed" in capsys.readouterr().err


def test_replay_says_still_failing_then_fixed(tmp_path, capsys):
    report = tmp_path / "run"
    with serve_in_thread(Settings(seed=60, faults=("offset-ignored",))) as faulty:
        code = main(["check", "--base-url", faulty, "--project-id", "demo-project", "--token", "t", "--law",
                     "offset-skips", "--no-schemathesis", "--max-examples", "15", "--seed", "3",
                     "--report-dir", str(report)])  # fmt: skip
        assert code == 1
        data = json.loads((report / "report.json").read_text())
        assert data["violated"] == ["offset-skips"]
        assert (report / "hypothesis").is_dir(), "the failing example is kept for the next run"
        assert main(["replay", str(report), "--token", "t"]) == 1
        assert "STILL FAILING  offset-skips" in capsys.readouterr().out
    with serve_in_thread(Settings(seed=60)) as clean:
        assert main(["replay", str(report / "report.json"), "--base-url", clean, "--token", "t"]) == 0
    assert "FIXED          offset-skips" in capsys.readouterr().out


def test_replay_of_a_file_that_is_no_report_exits_2(tmp_path, capsys):
    (tmp_path / "report.json").write_text('{"laws": "not a list"}')
    assert main(["replay", str(tmp_path)]) == 2
    assert "not a check report" in capsys.readouterr().err


def test_serve_takes_a_latency(tmp_path):
    import httpx

    with serve_in_thread(Settings(seed=5, latency_ms=20)) as url:
        answer = httpx.get(f"{url}/v5/iot/demo-project/export-tasks?resource_type=BatchTask",
                           headers={"X-Auth-Token": "t"})  # fmt: skip
    assert answer.status_code == 200
