"""Generated code is a golden record: drift is caught, regeneration applies the spec, unknown keywords fail"""

from __future__ import annotations

import ast
import difflib
import shutil
import subprocess
import sys
import textwrap
import tomllib
from importlib.resources import files
from pathlib import Path

import iotda_codegen
import pytest
import yaml
from iotda_codegen import build
from iotda_codegen import contract as codegen_contract
from iotda_codegen.contract import CodegenError, constraints

from iotda_contract.mock import validation
from iotda_contract.spec import keywords

ROOT = Path(__file__).resolve().parents[1]
GENERATE = ROOT / "scripts" / "generate.py"
DISTRIBUTION = iotda_codegen.DEFAULT_OUTPUT
PACKAGE = "iotda_client"


def _run(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A copy of the spec, templates and generator config, as a drift test needs to edit them."""
    shutil.copy(iotda_codegen.DEFAULT_SPEC, tmp_path / "spec.yaml")
    shutil.copy(iotda_codegen.DEFAULT_CONFIG, tmp_path / "config.yaml")
    shutil.copytree(iotda_codegen.DEFAULT_TEMPLATES, tmp_path / "templates")
    return tmp_path


def _generate_args(workspace: Path, output: Path) -> list[str | Path]:
    return [
        GENERATE,
        "--spec",
        workspace / "spec.yaml",
        "--config",
        workspace / "config.yaml",
        "--templates",
        workspace / "templates",
        "--output",
        output,
    ]


def _edit_spec(workspace: Path, edit: dict[str, object], parameter: str = "Limit") -> None:
    path = workspace / "spec.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["components"]["parameters"][parameter]["schema"].update(edit)
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")


def _limit_probe(distribution: Path, limit: int, package: str = PACKAGE) -> subprocess.CompletedProcess[str]:
    """Call ListExportTasks with ``limit`` on a client imported from ``distribution``; print what happened."""
    code = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(distribution)!r})
        import httpx
        from {package} import Client, ParameterError
        from {package}.api.export_tasks import list_export_tasks
        from {package}.models import ResourceType
        sent = []
        def handler(request):
            sent.append(request)
            return httpx.Response(200, json={{"export_tasks": [], "page": {{"count": 0}}}})
        client = Client(base_url="http://test").set_httpx_client(
            httpx.Client(base_url="http://test", transport=httpx.MockTransport(handler)))
        try:
            list_export_tasks.sync("p1", client=client, resource_type=ResourceType.BATCHTASK, limit={limit})
        except ParameterError as err:
            print("refused", err.parameter, err.constraint, err.expected, len(sent))
        else:
            print("sent", sent[0].url.params["limit"])
        """
    )
    return _run("-c", code)


def test_committed_client_matches_a_fresh_generation() -> None:
    result = _run(GENERATE, "--check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "matches a fresh generation" in result.stdout


def test_drift_gate_fails_on_a_changed_maximum_and_regeneration_enforces_it(workspace: Path) -> None:
    output = workspace / "gen" / "drift"
    args = _generate_args(workspace, output)
    assert _run(*args).returncode == 0
    assert _run(*args, "--check").returncode == 0

    _edit_spec(workspace, {"maximum": 20})
    drift = _run(*args, "--check")
    assert drift.returncode == 1
    assert "--- committed/iotda_client/api/export_tasks/list_export_tasks.py" in drift.stdout
    assert any(line.startswith("-") and '"maximum": 50' in line for line in drift.stdout.splitlines())
    assert any(line.startswith("+") and '"maximum": 20' in line for line in drift.stdout.splitlines())

    assert _run(*args).returncode == 0
    assert _run(*args, "--check").returncode == 0
    refused = _limit_probe(output, 21)
    assert refused.stdout.split() == ["refused", "limit", "maximum", "20", "0"], refused.stderr
    accepted = _limit_probe(output, 20)
    assert accepted.stdout.split() == ["sent", "20"], accepted.stderr


def test_check_reports_a_missing_and_an_extra_file(workspace: Path) -> None:
    output = workspace / "gen" / "generated"
    args = _generate_args(workspace, output)
    assert _run(*args).returncode == 0
    (output / PACKAGE / "errors.py").unlink()
    (output / PACKAGE / "py.typed").unlink()
    (output / PACKAGE / "stray.py").write_text("x = 1\n", encoding="utf-8")
    pyproject = output / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8") + '\n"pytest" = 1\n', encoding="utf-8")
    drift = _run(*args, "--check")
    assert drift.returncode == 1
    assert "+++ fresh/iotda_client/errors.py" in drift.stdout
    assert "+++ fresh/iotda_client/py.typed" in drift.stdout
    assert "--- committed/iotda_client/stray.py" in drift.stdout
    assert '-"pytest" = 1' in drift.stdout.splitlines()
    shutil.rmtree(output)
    assert _run(*args, "--check").returncode == 1


@pytest.mark.parametrize(
    ("edit", "keyword"),
    [
        ({"multipleOf": 5}, "multipleOf"),
        ({"exclusiveMaximum": True}, "exclusiveMaximum"),
        ({"format": "uint8"}, "format"),
        ({"x-iotda-secret-rule": 1}, "x-iotda-secret-rule"),
    ],
)
def test_generation_fails_loudly_on_a_keyword_the_checker_does_not_enforce(
    workspace: Path, edit: dict[str, object], keyword: str
) -> None:
    _edit_spec(workspace, edit)
    output = workspace / "gen" / "generated"
    with pytest.raises(CodegenError, match=keyword):
        iotda_codegen.generate(
            workspace / "spec.yaml",
            output,
            config_path=workspace / "config.yaml",
            templates=workspace / "templates",
        )
    assert not output.exists()
    assert list((workspace / "gen").iterdir()) == []  # the staging folder is gone too


def test_generation_refuses_to_replace_a_folder_that_is_not_a_client(tmp_path: Path) -> None:
    (tmp_path / "mine.py").write_text("keep = True\n", encoding="utf-8")
    with pytest.raises(CodegenError, match="not a generated client"):
        iotda_codegen.generate(output=tmp_path)
    assert (tmp_path / "mine.py").read_text(encoding="utf-8") == "keep = True\n"


def test_the_client_s_keyword_module_is_the_mock_s_source() -> None:
    """One implementation of the keywords: generated/ holds keywords.py itself, after a one-line header."""
    source = Path(keywords.__file__).read_text(encoding="utf-8")
    copied = (DISTRIBUTION / PACKAGE / "_keywords.py").read_text(encoding="utf-8")
    header, _, rest = copied.partition("\n")
    assert header.startswith("# Generated by scripts/generate.py")
    assert "a verbatim copy of src/iotda_contract/spec/keywords.py; do not edit." in header
    assert rest == source
    assert copied == build.copied_text(keywords)
    # The mock compiles with that module, the generator refuses what it refuses, the client calls its copy.
    assert validation.keywords is keywords
    assert codegen_contract.keywords is keywords
    from iotda_client import _checks, _keywords

    assert _checks.compile_schema is _keywords.compile_schema
    assert _checks.KEYWORDS == keywords.KEYWORDS
    assert _checks.ANNOTATIONS == keywords.ANNOTATIONS


def test_check_reports_a_hand_edited_keyword_module(workspace: Path) -> None:
    output = workspace / "gen" / "generated"
    args = _generate_args(workspace, output)
    assert _run(*args).returncode == 0
    copied = output / PACKAGE / "_keywords.py"
    text = copied.read_text(encoding="utf-8")
    enforced = '_max_length = _bounded("maxLength", _is_string, len, operator.gt, _count)'
    assert enforced in text
    upside_down = enforced.replace("operator.gt", "operator.lt")  # maxLength refuses the short texts instead
    copied.write_text(text.replace(enforced, upside_down), encoding="utf-8")
    drift = _run(*args, "--check")
    assert drift.returncode == 1
    assert "--- committed/iotda_client/_keywords.py" in drift.stdout
    assert any(line.startswith("+") and enforced in line for line in drift.stdout.splitlines())


def test_constraints_keep_only_enforced_keywords() -> None:
    schema = {
        "type": "object",
        "description": "d",
        "additionalProperties": False,
        "properties": {"a": {"type": "string", "example": "x", "pattern": "^a$", "default": "a"}},
    }
    assert constraints(schema, "s") == {
        "type": "object",
        "additionalProperties": False,
        "properties": {"a": {"type": "string", "pattern": "^a$"}},
    }


def test_constraints_strip_annotations_inside_items() -> None:
    schema = {"type": "array", "maxItems": 3, "items": {"type": "string", "example": "x", "minLength": 1}}
    assert constraints(schema, "s") == {
        "type": "array",
        "maxItems": 3,
        "items": {"type": "string", "minLength": 1},
    }


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "array", "items": {"type": "string", "format": "int32"}},
        {"type": "object", "additionalProperties": {"type": "string"}},
        {"type": "object", "additionalProperties": "false"},
        {"type": "string", "format": "int32"},
        {"type": "integer", "format": "uint8"},
        {"type": "string", "nullable": True},
        {"type": "string", "maxLength": -1},
        {"type": "string", "pattern": "("},
        {"type": ["string", "null"]},
        {"oneOf": [{"type": "string"}]},
    ],
)
def test_constraints_refuse_what_the_checker_cannot_enforce(schema: dict[str, object]) -> None:
    with pytest.raises(CodegenError):
        constraints(schema, "s")


def test_paginators_exist_exactly_for_operations_with_the_paging_extension(spec) -> None:
    import importlib
    import re

    for op in spec.operations.values():
        module_name = re.sub(r"(?<!^)(?=[A-Z])", "_", op.operation_id).lower()
        module = importlib.import_module(f"iotda_client.api.export_tasks.{module_name}")
        names = {"iterate_pages", "iterate_items", "aiterate_pages", "aiterate_items"}
        assert names <= set(vars(module)) if op.paging else not names & set(vars(module))


def test_paginators_live_in_their_own_module_and_are_re_exported_by_the_endpoint(spec) -> None:
    from iotda_client.api.export_tasks import list_export_tasks, list_export_tasks_pages

    for name in ("iterate_pages", "iterate_items", "aiterate_pages", "aiterate_items"):
        assert getattr(list_export_tasks, name) is getattr(list_export_tasks_pages, name)
    # Either module may be imported first: the re-export must not make them a circular import.
    module = "iotda_client.api.export_tasks.list_export_tasks_pages"
    code = f"import {module}; print(sys.modules[{module!r}].iterate_items.__module__)"
    result = _run("-c", f"import sys; sys.path.insert(0, {str(DISTRIBUTION)!r}); {code}")
    assert result.stdout.strip() == "iotda_client.api.export_tasks.list_export_tasks_pages", result.stderr


def test_the_endpoint_template_is_the_stock_one_plus_marked_lines() -> None:
    """Every line of the generator's endpoint template is kept, in order: an upgrade is a small merge."""
    stock = (files("openapi_python_client") / "templates" / "endpoint_module.py.jinja").read_text("utf-8")
    ours = (iotda_codegen.DEFAULT_TEMPLATES / "endpoint_module.py.jinja").read_text(encoding="utf-8")
    diff = list(difflib.unified_diff(stock.splitlines(), ours.splitlines(), lineterm="", n=0))
    removed = [line[1:] for line in diff if line.startswith("-") and not line.startswith("---")]
    # Only `arguments` moves: it is imported from contract_macros.py.jinja instead.
    assert removed == ["    arguments, client, kwargs, parse_response, docstring, body_to_kwarg %}"]
    added = [line[1:] for line in diff if line.startswith("+") and not line.startswith("+++")]
    assert sum("contract" in line for line in added) >= 6
    assert len(added) < 40


def test_the_distribution_is_built_by_hatchling_and_needs_only_httpx_and_attrs() -> None:
    meta = tomllib.loads((DISTRIBUTION / "pyproject.toml").read_text(encoding="utf-8"))
    assert meta["build-system"] == {"requires": ["hatchling>=1.20"], "build-backend": "hatchling.build"}
    project = meta["project"]
    assert project["name"] == "iotda-client"
    assert project["requires-python"] == ">=3.11"
    assert project["dependencies"] == ["httpx>=0.27,<1", "attrs>=23"]
    assert "optional-dependencies" not in project
    versions = {c.rsplit(" ", 1)[-1] for c in project["classifiers"] if c.startswith("Programming Language")}
    assert {"3.11", "3.12", "3.13"} <= versions
    assert meta["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == [PACKAGE]
    assert (DISTRIBUTION / PACKAGE / "py.typed").is_file()
    assert (DISTRIBUTION / project["readme"]).is_file()


def test_the_generated_package_imports_only_the_standard_library_httpx_and_attrs() -> None:
    allowed = set(sys.stdlib_module_names) | {"httpx", "attrs"}
    found: set[str] = set()
    for path in (DISTRIBUTION / PACKAGE).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    assert found - allowed == set()
    assert {"httpx", "attrs"} <= found
