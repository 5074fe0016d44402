"""The laws read the operations by their role, not their names: a copy of the spec with other names works."""

from __future__ import annotations

import yaml

from iotda_contract import spec as spec_module
from iotda_contract.cli import main
from iotda_contract.conformance.contract import load_contract
from iotda_contract.mock.settings import Settings
from iotda_contract.mock.testing import serve_in_thread

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
