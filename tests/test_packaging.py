"""The iotda-contract distribution: the spec as package data, the version, what its wheel holds.

The slow half (both wheels installed on Python 3.11-3.13, every command run) is `make check-wheels`.
"""

from __future__ import annotations

import ast
import email.parser
import re
import subprocess
import sys
import tomllib
import zipfile
from importlib import metadata, resources
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

import iotda_contract
from iotda_contract import spec as spec_module

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "openapi" / "iotda-export-tasks.yaml"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SPEC_IN_WHEEL = "iotda_contract/openapi/iotda-export-tasks.yaml"
#: Imports that need no runtime dependency: the pytest plugin is loaded by pytest only, and imports the
#: official SDK inside a function that skips where it is missing.
NOT_RUNTIME = {"pytest", "_pytest", "huaweicloudsdkcore", "huaweicloudsdkiotda"}


def _requirements() -> list[Requirement]:
    return [Requirement(text) for text in PYPROJECT["project"]["dependencies"]]


def _constraints() -> dict[str, str]:
    lines = (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
    pins = (line.split("==") for line in lines if "==" in line)
    return {canonicalize_name(name): version.strip() for name, version in pins}


def test_the_spec_is_package_data_read_through_importlib_resources() -> None:
    resource = resources.files("iotda_contract").joinpath("openapi", "iotda-export-tasks.yaml")
    assert resource.is_file()
    assert resource.read_bytes() == SPEC.read_bytes()
    assert Path(str(resource)) == spec_module.DEFAULT_SPEC_PATH
    assert Path(iotda_contract.__file__).parent in spec_module.DEFAULT_SPEC_PATH.parents
    assert "ListExportTasks" in spec_module.load().operations


def test_the_repository_keeps_one_copy_of_the_spec() -> None:
    packaged = ROOT / "src" / "iotda_contract" / "openapi" / "iotda-export-tasks.yaml"
    assert not SPEC.is_symlink(), "openapi/ holds the file: `git show REF:openapi/...` reads it"
    assert packaged.is_symlink(), "the package's copy must be a link to openapi/, not a second copy"
    assert not Path(packaged.readlink()).is_absolute()
    assert packaged.resolve() == SPEC.resolve()


def test_python_dash_m_prints_the_distribution_version() -> None:
    version = metadata.version("iotda-contract")
    assert iotda_contract.__version__ == version == PYPROJECT["project"]["version"]
    done = subprocess.run(
        [sys.executable, "-m", "iotda_contract", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.strip() == f"iotda-contract {version}"


def test_runtime_dependencies_are_ranges_pinned_only_by_the_constraints() -> None:
    pins = _constraints()
    for requirement in _requirements():
        operators = {spec.operator for spec in requirement.specifier}
        assert operators, f"{requirement} has no version range"
        assert not operators & {"==", "==="}, f"{requirement} is pinned: pins belong in constraints.txt"
        name = canonicalize_name(requirement.name)
        if name == "iotda-client":  # built from generated/, not from PyPI
            continue
        assert name in pins, f"constraints.txt does not pin {name}"
        assert requirement.specifier.contains(pins[name]), f"{name}'s pin is outside {requirement}"


def _third_party_imports() -> dict[str, set[str]]:
    """Each top-level module that src/iotda_contract imports from outside the standard library -> files."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / "src" / "iotda_contract").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top not in sys.stdlib_module_names and top != "iotda_contract":
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_module_the_package_imports_is_a_declared_dependency() -> None:
    declared = {canonicalize_name(r.name) for r in _requirements()}
    # an editable install lists no files, so the generated client is named here
    providers = {**metadata.packages_distributions(), "iotda_client": ["iotda-client"]}
    for module, files in sorted(_third_party_imports().items()):
        if module in NOT_RUNTIME:
            continue
        distributions = {canonicalize_name(d) for d in providers.get(module, [])}
        assert distributions & declared, f"{sorted(files)} import {module} ({distributions}): undeclared"


def test_the_generated_client_project_satisfies_the_requirement_on_it() -> None:
    client_pyproject = ROOT / "generated" / "pyproject.toml"
    if not client_pyproject.is_file():
        pytest.fail("generated/pyproject.toml is missing: the iotda-client distribution cannot be built")
    client = tomllib.loads(client_pyproject.read_text(encoding="utf-8"))["project"]
    (needed,) = [r for r in _requirements() if canonicalize_name(r.name) == "iotda-client"]
    assert canonicalize_name(client["name"]) == "iotda-client"
    assert needed.specifier.contains(client["version"]), f"generated/ is {client['version']}, not {needed}"
    assert {canonicalize_name(Requirement(r).name) for r in client["dependencies"]} <= {"httpx", "attrs"}


def test_the_wheel_holds_the_spec_and_py_typed_and_not_the_client(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    (wheel,) = tmp_path.glob("iotda_contract-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        assert archive.read(SPEC_IN_WHEEL) == SPEC.read_bytes(), "the wheel holds the file, not a link"
        metadata_file = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = email.parser.Parser().parsestr(archive.read(metadata_file).decode("utf-8"))
    assert {"iotda_contract/py.typed", "iotda_contract/__main__.py", SPEC_IN_WHEEL} <= set(names)
    assert {n.split("/")[0] for n in names if not re.match(r"[^/]+\.dist-info/", n)} == {"iotda_contract"}
    assert meta["Requires-Python"] == ">=3.11"
    classifiers = meta.get_all("Classifier") or []
    assert {f"Programming Language :: Python :: 3.{minor}" for minor in (11, 12, 13)} <= set(classifiers)
    runtime = [Requirement(r) for r in meta.get_all("Requires-Dist") or [] if "extra ==" not in r]
    assert "iotda-client" in {canonicalize_name(r.name) for r in runtime}
