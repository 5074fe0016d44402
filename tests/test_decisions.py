"""The decisions the spec records: each documented, each with a platform reading that the suite can use."""

from __future__ import annotations

from pathlib import Path

import pytest

from iotda_contract import spec as spec_module
from iotda_contract.spec import SpecError
from iotda_contract.spec.decisions import decisions, platform_view, relax

DOCS = Path(__file__).resolve().parents[1] / "docs" / "decisions.md"


def test_every_decision_in_the_spec_is_documented_with_its_id():
    text = DOCS.read_text()
    found = decisions(spec_module.load().raw)
    assert len(found) >= 15
    for decision_id in found:
        assert f"| `{decision_id}` |" in text, decision_id


def test_the_platform_view_sets_the_decisions_aside():
    spec = spec_module.load()
    view = platform_view(spec)
    instance = view.operation("ListExportTasks").parameter("Instance-Id").schema
    assert "pattern" not in instance
    assert "maxLength" not in instance
    assert "200" in view.operation("DeleteExportTask").responses
    assert "200" not in spec.operation("DeleteExportTask").responses
    assert "BatchTasks" in view.schema("ResourceType")["enum"]


def test_setting_aside_one_decision_leaves_the_others():
    spec = spec_module.load()
    relaxed = spec_module.from_document(relax(spec.raw, ["delete-204"]), spec.path)
    assert "200" in relaxed.operation("DeleteExportTask").responses
    assert "pattern" in relaxed.operation("ListExportTasks").parameter("Instance-Id").schema


def test_an_unknown_decision_is_refused():
    with pytest.raises(SpecError, match="no-such"):
        relax(spec_module.load().raw, ["no-such"])
