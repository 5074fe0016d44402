"""The paging checks given to schemathesis: each catches the fault that breaks its law, as a typed failure."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from iotda_contract.cli import main
from iotda_contract.conformance import st_checks
from iotda_contract.mock.settings import Settings
from iotda_contract.mock.testing import serve_in_thread

#: Each check, the mock fault that breaks its law, and the failure class it raises.
CAUGHT = {
    "paging_page_size": ("limit-off-by-one", st_checks.PageSize),
    "paging_newest_first": ("ascending-order", st_checks.NewestFirst),
    "paging_marker_presence": ("no-marker-on-last-page", st_checks.MarkerContinues),
}


def schemathesis_failures(tmp_path, faults: tuple[str, ...]) -> dict[str, list[str]]:
    with serve_in_thread(Settings(seed=40, faults=faults)) as url:
        main(["check", "--base-url", url, "--project-id", "demo-project", "--token", "t", "--seed", "1",
              "--max-examples", "10", "--law", "defaults", "--report-dir", str(tmp_path)])  # fmt: skip
    return read_failures(tmp_path)


@pytest.mark.parametrize("check", sorted(CAUGHT))
def test_each_paging_check_catches_the_fault_that_breaks_its_law(tmp_path, check):
    fault, failure = CAUGHT[check]
    found = schemathesis_failures(tmp_path, (fault,))
    assert check in found, found
    assert any(f"{failure.law}:" in text for text in found[check]), "the failure is titled with the law's id"


def test_a_failure_names_the_backend_not_the_relay_schemathesis_talks_to(tmp_path):
    with serve_in_thread(Settings(seed=40, faults=("limit-off-by-one",))) as url:
        main(["check", "--base-url", url, "--project-id", "demo-project", "--token", "t", "--seed", "1",
              "--max-examples", "10", "--law", "defaults", "--report-dir", str(tmp_path)])  # fmt: skip
    texts = "\n".join(t for found in read_failures(tmp_path).values() for t in found)
    assert "curl" in texts
    assert set(re.findall(r"http://127\.0\.0\.1:\d+", texts)) == {url}


def read_failures(folder: Path) -> dict[str, list[str]]:
    report = json.loads((folder / "report.json").read_text())
    failures: dict[str, list[str]] = report["schemathesis"]["failures"]
    return failures


def test_the_clean_mock_raises_no_paging_failure(tmp_path):
    assert not set(schemathesis_failures(tmp_path, ())) & set(CAUGHT)


def test_the_failures_are_typed_and_named_after_their_laws():
    from schemathesis.core.failures import Failure

    from iotda_contract.conformance.registry import LAWS, all_laws

    all_laws()
    for _, failure in CAUGHT.values():
        assert issubclass(failure, Failure)
        assert failure.law in LAWS
        assert failure.__name__ == "".join(part.title() for part in failure.law.split("-"))
