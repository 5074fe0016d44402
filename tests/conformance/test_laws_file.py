"""The export-file laws on backends taking the readings the description leaves open, and on hostile files."""

from __future__ import annotations

import copy

import httpx
import pytest
from fake_backend import FakeBackend

from iotda_contract import spec as spec_module
from iotda_contract.conformance.context import LawContext
from iotda_contract.conformance.contract import load_contract
from iotda_contract.conformance.engine import run_law
from iotda_contract.conformance.registry import LAWS
from iotda_contract.conformance.results import DEVIATED, HELD, SKIPPED, VIOLATED
from iotda_contract.conformance.target import Target

FILE_LAWS = ("file-when-succeeded", "file-rows", "download-limit-announced")


class Backend(FakeBackend):
    """The fake backend with one download answer replaced: ``answer(task, attempt)`` or None for the usual."""

    def __init__(self, spec: spec_module.Spec, answer, **options) -> None:  # type: ignore[no-untyped-def]
        super().__init__(spec, **options)
        self.answer = answer
        self.downloads: list[str] = []

    def download(self, export_task_id: str) -> httpx.Response:
        self.downloads.append(export_task_id)
        task = next(r["task"] for r in self.rows if r["task"]["export_task_id"] == export_task_id)
        replaced = self.answer(self, task, self.downloads.count(export_task_id))
        return replaced if replaced is not None else super().download(export_task_id)


def run(spec, answer, law_id, *, profile="contract", records=37):  # type: ignore[no-untyped-def]
    contract = load_contract(spec)
    backend = Backend(spec, answer, records=records)
    target = Target("http://fake.invalid", "demo-project", contract, token="t", transport=backend.transport())
    ctx = LawContext(target, contract, profile=profile)
    return run_law(LAWS[law_id], ctx, max_examples=10, seed=1), backend


def usual(backend, task, attempt):  # type: ignore[no-untyped-def]
    return None


@pytest.mark.parametrize("profile", ["contract", "platform"])
@pytest.mark.parametrize("law_id", FILE_LAWS)
def test_each_file_law_holds_on_a_backend_that_follows_the_contract(spec, law_id, profile):
    result, backend = run(spec, usual, law_id, profile=profile)
    assert result.status == HELD, result.reason
    assert len(set(backend.downloads)) <= 2, "one file and one refusal, whatever the examples"


def test_a_file_that_is_not_a_workbook_is_a_violation_not_a_crash(spec):
    def garbage(backend, task, attempt):  # type: ignore[no-untyped-def]
        return httpx.Response(200, content=b"\xd0\xcf\x11\xe0" + b"\xff" * 5000)

    result, _ = run(spec, garbage, "file-rows")
    assert result.status == VIOLATED
    assert "not an Excel 97-2003 workbook" in result.reason


def test_a_file_without_a_header_row_deviates_only_from_the_contract(spec):
    def headerless(backend, task, attempt):  # type: ignore[no-untyped-def]
        import io

        import xlwt  # type: ignore[import-untyped]

        book = xlwt.Workbook()
        sheet = book.add_sheet("r")
        for row in range(task["export_count"]):
            sheet.write(row, 0, row)
        buffer = io.BytesIO()
        book.save(buffer)
        return httpx.Response(200, content=buffer.getvalue())

    contract, _ = run(spec, headerless, "file-rows")
    assert (contract.status, contract.deviations) == (DEVIATED, ["file-rows"])
    platform, _ = run(spec, headerless, "file-rows", profile="platform")
    assert platform.status == HELD


def test_a_limit_answered_403_with_the_platform_code_deviates_only_from_the_contract(spec):
    def forbidden(backend, task, attempt):  # type: ignore[no-untyped-def]
        if attempt > 1:
            return httpx.Response(403, json={"error_code": "IOTDA.021101", "error_msg": "overload"})
        return None

    contract, _ = run(spec, forbidden, "download-limit-announced")
    assert (contract.status, contract.deviations) == (DEVIATED, ["download-interval"])
    platform, _ = run(spec, forbidden, "download-limit-announced", profile="platform")
    assert platform.status == HELD


def test_a_backend_without_a_download_limit_is_skipped_not_violated(spec):
    def unlimited(backend, task, attempt):  # type: ignore[no-untyped-def]
        backend._last_download = None
        return None

    platform, _ = run(spec, unlimited, "download-limit-announced", profile="platform")
    assert platform.status == SKIPPED
    assert "no download limit" in platform.reason
    contract, _ = run(spec, unlimited, "download-limit-announced")
    assert (contract.status, contract.deviations) == (DEVIATED, ["download-interval"])


def test_a_limit_answered_with_a_server_error_is_a_violation(spec):
    def broken(backend, task, attempt):  # type: ignore[no-untyped-def]
        return httpx.Response(503, text="upstream overloaded") if attempt > 1 else None

    result, _ = run(spec, broken, "download-limit-announced", profile="platform")
    assert result.status == VIOLATED
    assert "503" in result.reason


def test_a_task_that_finished_between_the_list_and_its_download_is_no_violation(spec):
    def finishing(backend, task, attempt):  # type: ignore[no-untyped-def]
        if task["status"] == "Failed":  # it was listed Processing, say; it is Success by the download
            task["status"], task["progress"] = "Success", 100
        return None

    result, _ = run(spec, finishing, "file-when-succeeded")
    assert result.status == HELD, result.reason


def test_an_unfinished_task_s_file_is_a_violation_under_both_profiles(spec):
    def leaky(backend, task, attempt):  # type: ignore[no-untyped-def]
        return httpx.Response(200, content=b"file") if task["status"] != "Success" else None

    for profile in ("contract", "platform"):
        result, _ = run(spec, leaky, "file-when-succeeded", profile=profile)
        assert result.status == VIOLATED
        assert "is Failed, but its download gave a file" in result.reason


def test_a_refusal_other_than_404_deviates_only_from_the_contract(spec):
    def not_ready(backend, task, attempt):  # type: ignore[no-untyped-def]
        if task["status"] != "Success":
            return httpx.Response(400, json={"error_code": "IOTDA.000006", "error_msg": "not ready"})
        return None

    contract, _ = run(spec, not_ready, "file-when-succeeded")
    assert (contract.status, contract.deviations) == (DEVIATED, ["file-when-succeeded"])
    assert run(spec, not_ready, "file-when-succeeded", profile="platform")[0].status == HELD


def test_the_file_laws_skip_on_a_spec_without_a_download(spec):
    document = copy.deepcopy(spec.raw)
    del document["paths"]["/v5/iot/{project_id}/export-tasks/{export_task_id}/file"]
    without = spec_module.from_document(document, spec_module.DEFAULT_SPEC_PATH)
    for law_id in FILE_LAWS:
        result, backend = run(without, usual, law_id)
        assert result.status == SKIPPED
        assert "no download operation" in result.reason
        assert backend.downloads == []


def test_a_project_with_only_unfinished_tasks_has_no_file_to_read(spec):
    def none_succeeded(backend, task, attempt):  # type: ignore[no-untyped-def]
        return None

    contract = load_contract(spec)
    backend = Backend(spec, none_succeeded, records=12)
    for row in backend.rows:
        row["task"]["status"], row["task"]["progress"] = "Failed", 40
    target = Target("http://fake.invalid", "demo-project", contract, token="t", transport=backend.transport())
    ctx = LawContext(target, contract)
    assert run_law(LAWS["file-rows"], ctx, max_examples=5, seed=1).status == SKIPPED
    assert run_law(LAWS["file-when-succeeded"], ctx, max_examples=5, seed=1).status == HELD
