"""Generate the ``iotda-client`` distribution from the spec: the pinned generator and our templates."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from importlib.metadata import version
from pathlib import Path

from openapi_python_client import Project, _get_document
from openapi_python_client.config import Config, ConfigFile, MetaType
from openapi_python_client.parser import GeneratorData
from openapi_python_client.parser.errors import GeneratorError
from openapi_python_client.parser.openapi import Endpoint
from openapi_python_client.strings import PythonIdentifier

from iotda_codegen.contract import CodegenError, Contract
from iotda_contract import spec as spec_module

__all__ = ["CodegenError", "generate"]

_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SPEC = spec_module.DEFAULT_SPEC_PATH
DEFAULT_CONFIG = _ROOT / "openapi" / "generator-config.yaml"
DEFAULT_TEMPLATES = _ROOT / "openapi" / "templates"
#: The distribution's folder: pyproject.toml, README.md and the package (``iotda_client/``).
DEFAULT_OUTPUT = _ROOT / "generated"
#: Generated code is a golden record of exactly this generator version.
GENERATOR_VERSION = "0.29.1"
#: Any meta type but ``none`` makes the generator write a distribution around the package (pyproject.toml,
#: README.md, .gitignore, py.typed); ``setup`` would add a setup.py. Our pyproject.toml.jinja and
#: README.md.jinja replace the stock ones, so the choice among pdm, poetry and uv changes nothing else.
META = MetaType.PDM
#: Package modules the stock generator does not write, rendered from the custom templates: name -> template.
EXTRA_MODULES: dict[str, str] = {"_checks.py": "_checks.py.jinja", "paging.py": "paging.py.jinja"}
#: The module of each paged endpoint's paginators, beside the endpoint module, and its template.
PAGES_SUFFIX = "_pages"
PAGES_TEMPLATE = "endpoint_pages.py.jinja"
#: A folder is only replaced when its package holds this file, so a wrong --output cannot wipe other code.
_GENERATED_MARK = "client.py"


class _ContractProject(Project):
    """The generator's project, with the ``contract`` global, the extra modules and the paginator modules."""

    def __init__(
        self, *, openapi: GeneratorData, config: Config, templates: Path, contract: Contract
    ) -> None:
        super().__init__(openapi=openapi, config=config, custom_template_path=templates)
        self._contract = contract
        self.env.globals["contract"] = contract
        self.env.globals["pages_module"] = self._pages_module
        self.env.globals["generator_version"] = GENERATOR_VERSION
        self.env.filters["pyrepr"] = repr

    def _pages_module(self, endpoint: Endpoint) -> str:
        """The module of ``endpoint``'s paginators: the endpoint module's name plus ``PAGES_SUFFIX``."""
        return f"{PythonIdentifier(endpoint.name, self.config.field_prefix)}{PAGES_SUFFIX}"

    def _build_api(self) -> None:
        super()._build_api()
        for module, template in EXTRA_MODULES.items():
            text = self.env.get_template(template).render()
            (self.package_dir / module).write_text(text, encoding=self.config.file_encoding)
        pages = self.env.get_template(PAGES_TEMPLATE)
        for tag, collection in self.openapi.endpoint_collections_by_tag.items():
            for endpoint in collection.endpoints:
                if self._contract.operation(endpoint).paging is None:
                    continue
                path = self.package_dir / "api" / tag / f"{self._pages_module(endpoint)}.py"
                path.write_text(pages.render(endpoint=endpoint), encoding=self.config.file_encoding)


def generate(
    spec_path: Path = DEFAULT_SPEC,
    output: Path = DEFAULT_OUTPUT,
    *,
    config_path: Path = DEFAULT_CONFIG,
    templates: Path = DEFAULT_TEMPLATES,
) -> Path:
    """Write the distribution for ``spec_path`` to ``output`` (replacing it); return ``output``."""
    installed = version("openapi-python-client")
    if installed != GENERATOR_VERSION:
        raise CodegenError(f"openapi-python-client {GENERATOR_VERSION} is pinned, {installed} is installed")
    spec_path, output = Path(spec_path).resolve(), Path(output).resolve()
    config_file = ConfigFile.load_from_path(Path(config_path).resolve())
    package = config_file.package_name_override
    if not package:
        raise CodegenError(f"{config_path}: package_name_override is required (the package's folder name)")
    mark = Path(package) / _GENERATED_MARK
    if output.exists() and any(output.iterdir()) and not (output / mark).is_file():
        raise CodegenError(f"{output} is not a generated client (no {mark}); refusing to replace it")
    contract = Contract(spec_module.load(spec_path))
    output.parent.mkdir(parents=True, exist_ok=True)
    staging_root = Path(tempfile.mkdtemp(prefix=f".{output.name}-", dir=output.parent))
    try:
        staged = staging_root / output.name
        _build(spec_path, staged, config_file, Path(templates).resolve(), contract)
        if output.exists():
            shutil.rmtree(output)
        staged.rename(output)
    finally:
        shutil.rmtree(staging_root, ignore_errors=True)
    return output


def _build(
    spec_path: Path, target: Path, config_file: ConfigFile, templates: Path, contract: Contract
) -> None:
    config = Config.from_sources(
        config_file,
        META,
        document_source=spec_path,
        file_encoding="utf-8",
        overwrite=True,
        output_path=target,
    )
    document = _get_document(source=spec_path, timeout=config.http_timeout)
    if isinstance(document, GeneratorError):
        raise CodegenError(_describe([document]))
    openapi = GeneratorData.from_dict(document, config=config)
    if isinstance(openapi, GeneratorError):
        raise CodegenError(_describe([openapi]))
    project = _ContractProject(openapi=openapi, config=config, templates=templates, contract=contract)
    with _tools_on_path(), contextlib.redirect_stdout(io.StringIO()):
        problems = project.build()
    if problems:
        # Warnings included: a skipped post hook (ruff) would leave unformatted, drifting output.
        raise CodegenError(_describe(problems))


@contextlib.contextmanager
def _tools_on_path() -> Iterator[None]:
    """Put this interpreter's ``bin`` (the venv's, holding the pinned ruff) first on PATH for the hooks."""
    before = os.environ.get("PATH")
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), *([before] if before else [])])
    try:
        yield
    finally:
        if before is None:
            del os.environ["PATH"]
        else:
            os.environ["PATH"] = before


def _describe(problems: Sequence[GeneratorError]) -> str:
    lines = ["openapi-python-client reported:"]
    for problem in problems:
        lines.append(f"- {problem.level.value}: {problem.header}")
        if problem.detail:
            lines.extend(f"    {line}" for line in problem.detail.strip().splitlines())
    return "\n".join(lines)
