"""Levels and policy: --fail-on, accepted and expired breaks, deprecation-aware removals, the rule table."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from iotda_contract import cli
from iotda_contract.governance import RULES, Change, Severity, diff_specs, read_source

HISTORY = Path(__file__).parent / "fixtures" / "history"
LIMIT_AT = "GET /things: query limit: schema"


def _accept(tmp_path: Path, expires: str | None) -> Path:
    entry = {"rule": "request-constraint-tightened", "path": LIMIT_AT, "reason": "approved by the API board"}
    if expires:
        entry["expires"] = expires
    path = tmp_path / ".iotda-contract-accept.yaml"
    path.write_text(yaml.safe_dump({"accepted": [entry]}), encoding="utf-8")
    return path


def _limit_lowered(tmp_path: Path) -> Path:
    text = (HISTORY / "v1.yaml").read_text(encoding="utf-8").replace("maximum: 50", "maximum: 40")
    (tmp_path / "new.yaml").write_text(text, encoding="utf-8")
    return tmp_path / "new.yaml"


def test_every_rule_has_an_id_a_level_and_a_category() -> None:
    assert len(RULES) >= 60
    for rule_id, rule in RULES.items():
        assert rule.id == rule_id
        assert isinstance(rule.level, Severity)
        assert rule.category
        assert rule.summary


def test_a_change_reported_at_another_level_than_its_rule_is_refused() -> None:
    with pytest.raises(ValueError, match="is a breaking rule"):
        Change(Severity.INFO, "operation-removed", "GET /x", "removed")


def test_an_accepted_break_passes_and_is_reported_as_accepted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    new = _limit_lowered(tmp_path)
    _accept(tmp_path, "2999-12-31")
    monkeypatch.chdir(tmp_path)  # the accept file is read from the current folder by default
    assert cli.main(["diff", str(HISTORY / "v1.yaml"), str(new)]) == 0
    out = capsys.readouterr().out
    assert "(1 accepted)" in out
    assert "maximum 50 -> 40 [accepted: approved by the API board]" in out
    assert cli.main(["diff", "--format", "json", str(HISTORY / "v1.yaml"), str(new)]) == 0
    [change] = json.loads(capsys.readouterr().out)["changes"]
    assert change["status"] == "accepted"
    assert change["reason"] == "approved by the API board"


def test_an_expired_acceptance_fails_again(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new = _limit_lowered(tmp_path)
    accept = _accept(tmp_path, "2000-01-01")
    assert cli.main(["diff", "--accept-file", str(accept), str(HISTORY / "v1.yaml"), str(new)]) == 1
    out = capsys.readouterr().out
    assert "(1 acceptance expired)" in out
    assert "[not accepted: approved by the API board (acceptance expired 2000-01-01)]" in out


def test_an_acceptance_without_expiry_holds_and_a_stale_one_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    accept = _accept(tmp_path, None)
    assert (
        cli.main(
            ["diff", "--accept-file", str(accept), str(HISTORY / "v1.yaml"), str(_limit_lowered(tmp_path))]
        )
        == 0
    )
    assert (
        cli.main(["diff", "--accept-file", str(accept), str(HISTORY / "v1.yaml"), str(HISTORY / "v1.yaml")])
        == 0
    )
    assert "matches no change" in capsys.readouterr().err


def test_an_unknown_rule_in_the_accept_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "accept.yaml"
    path.write_text(
        yaml.safe_dump({"accepted": [{"rule": "nope", "path": "x", "reason": "y"}]}), encoding="utf-8"
    )
    assert (
        cli.main(["diff", "--accept-file", str(path), str(HISTORY / "v1.yaml"), str(HISTORY / "v1.yaml")])
        == 2
    )
    assert "no rule 'nope'" in capsys.readouterr().err


def test_fail_on_chooses_the_level_that_fails(tmp_path: Path) -> None:
    v1, v2 = str(HISTORY / "v1.yaml"), str(HISTORY / "v2.yaml")  # v2 only adds and deprecates: all info
    assert cli.main(["diff", v1, v2]) == 0
    assert cli.main(["diff", "--fail-on", "warning", v1, v2]) == 0
    assert cli.main(["diff", "--fail-on", "info", v1, v2]) == 1


def _kinds(old: str, new: str, today: dt.date | None = None) -> dict[str, Severity]:
    changes = diff_specs(read_source(str(HISTORY / old)).spec, read_source(str(HISTORY / new)).spec, today)
    return {f"{c.kind} {c.location}": c.severity for c in changes}


def test_deprecate_then_remove_is_a_warning_remove_at_once_is_a_break() -> None:
    deprecated = _kinds("v1.yaml", "v2.yaml")
    assert deprecated["deprecation-changed GET /things: query colour"] is Severity.INFO
    assert (
        deprecated["deprecation-changed GET /things: 200 body application/json[].legacy_code"]
        is Severity.INFO
    )
    removed = _kinds("v2.yaml", "v3.yaml")
    assert removed["deprecated-parameter-removed GET /things: query colour"] is Severity.WARNING
    assert (
        removed["deprecated-property-removed GET /things: 200 body application/json[].legacy_code"]
        is Severity.WARNING
    )
    at_once = _kinds("v1.yaml", "v3.yaml")
    assert at_once["parameter-removed GET /things: query colour"] is Severity.BREAKING
    assert (
        at_once["property-removed GET /things: 200 body application/json[].legacy_code"] is Severity.BREAKING
    )


def test_a_removal_follows_the_sunset_date(tmp_path: Path) -> None:
    text = (HISTORY / "v1.yaml").read_text(encoding="utf-8")
    sunset = text.replace(
        "description: Only things of this colour.", "description: Colour.\n          x-sunset: 2030-06-30"
    )
    (tmp_path / "sunset.yaml").write_text(sunset, encoding="utf-8")
    gone = text.replace(
        "        - name: colour\n          in: query\n          description: Only things of this colour.\n"
        "          schema: {type: string, enum: [red, green, blue]}\n",
        "",
    )
    (tmp_path / "gone.yaml").write_text(gone, encoding="utf-8")
    old, new = read_source(str(tmp_path / "sunset.yaml")).spec, read_source(str(tmp_path / "gone.yaml")).spec
    before = {c.kind: c for c in diff_specs(old, new, dt.date(2030, 6, 1))}
    assert before["parameter-removed"].severity is Severity.BREAKING
    assert "before its sunset date 2030-06-30" in before["parameter-removed"].message
    after = {c.kind: c for c in diff_specs(old, new, dt.date(2030, 7, 1))}
    assert after["deprecated-parameter-removed"].severity is Severity.WARNING


def test_a_rename_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["diff", str(HISTORY / "v2.yaml"), str(HISTORY / "v3.yaml")]) == 1
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "'title'" in line or "'name'" in line]
    assert lines == [
        "BREAKING property-renamed           GET /things/{id}: 200 body application/json.title: "
        "property 'title' renamed to 'name' (same schema)",
        "BREAKING property-renamed           GET /things: 200 body application/json[].title: "
        "property 'title' renamed to 'name' (same schema)",
    ]
