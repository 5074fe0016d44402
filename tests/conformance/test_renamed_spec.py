"""The laws read the operations by their role, not their names: a copy of the spec with other names works."""

from __future__ import annotations

import json

import pytest
import yaml

from iotda_contract import spec as spec_module
from iotda_contract.cli import main
from iotda_contract.conformance.contract import load_contract
from iotda_contract.mock.server import build_app
from iotda_contract.mock.settings import Settings
from iotda_contract.mock.testing import serve_app, serve_in_thread

RENAMES = {"ListExportTasks": "ListJobs", "CreateExportTask": "StartJob", "DeleteExportTask": "DropJob"}


def renamed_copy(tmp_path):
    raw = yaml.safe_load(spec_module.DEFAULT_SPEC_PATH.read_text(encoding="utf-8"))
    text = yaml.safe_dump(raw, sort_keys=False)
    for old, new in RENAMES.items():
        text = text.replace(old, new)
    path = tmp_path / "renamed.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_contract_finds_the_operations_by_role(tmp_path):
    contract = load_contract(spec_module.load(renamed_copy(tmp_path)))
    assert contract.list_op.operation_id == "ListJobs"
    assert contract.create_op is not None
    assert contract.create_op.operation_id == "StartJob"
    assert contract.delete_op is not None
    assert contract.delete_op.operation_id == "DropJob"
    assert contract.delete_parameter.name == contract.key_field == "export_task_id"


def test_the_laws_check_the_mock_through_a_renamed_spec(tmp_path):
    renamed = renamed_copy(tmp_path)
    with serve_in_thread(Settings(seed=60)) as url:
        code = main(["check", "--base-url", url, "--project-id", "demo-project", "--token", "t", "--spec",
                     str(renamed), "--allow-writes", "--i-accept-eviction", "--no-schemathesis",
                     "--max-examples", "5", "--seed", "2", "--profile", "platform"])  # fmt: skip
    assert code == 0


#: The item key renamed throughout a copy of the spec (schema, path parameters, paging extension).
KEY, RENAMED_KEY = "export_task_id", "job_id"


def renamed_key_copy(tmp_path):
    text = spec_module.DEFAULT_SPEC_PATH.read_text(encoding="utf-8").replace(KEY, RENAMED_KEY)
    path = tmp_path / "renamed-key.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def renaming(app):
    """The mock behind a wrapper that names the item key ``job_id`` in every JSON answer it sends."""

    async def wrapped(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        start: dict = {}

        async def rename(message):
            if message["type"] == "http.response.start":
                start.update(message)
                return None
            body = message.get("body", b"").replace(f'"{KEY}"'.encode(), f'"{RENAMED_KEY}"'.encode())
            headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
            await send({**start, "headers": [*headers, (b"content-length", str(len(body)).encode())]})
            return await send({**message, "body": body})

        return await app(scope, receive, rename)

    return wrapped


def test_the_contract_reads_the_item_key_from_the_spec(tmp_path):
    contract = load_contract(spec_module.load(renamed_key_copy(tmp_path)))
    assert contract.key_field == RENAMED_KEY
    assert contract.delete_parameter.name == RENAMED_KEY
    assert contract.file_op is not None
    assert contract.item_parameter(contract.file_op).name == RENAMED_KEY


@pytest.mark.parametrize("profile", ["platform", "contract"])
def test_the_laws_check_a_backend_whose_item_key_has_another_name(tmp_path, profile):
    """Every law, writes and the export file included, through a spec whose tasks are keyed ``job_id``."""
    renamed = renamed_key_copy(tmp_path)
    with serve_app(renaming(build_app(Settings(seed=60)))) as url:  # type: ignore[arg-type]
        code = main(["check", "--base-url", url, "--project-id", "demo-project", "--token", "t", "--spec",
                     str(renamed), "--allow-writes", "--i-accept-eviction", "--no-schemathesis",
                     "--max-examples", "5", "--seed", "2", "--profile", profile,
                     "--report-dir", str(tmp_path / "report")])  # fmt: skip
    report = json.loads((tmp_path / "report" / "report.json").read_text())
    assert (report["violated"], report["deviated"]) == ([], [])
    assert code == 0
    assert report["created"], "the write laws created tasks"
    assert all(task["deleted"] for task in report["created"])
    assert {law["status"] for law in report["laws"]} == {"held"}
