"""Build-only: turn the spec into the ``iotda-client`` distribution (not installed, not used at run time).

- ``contract``: the spec's constraints and paging, shaped for the templates (the generator drops them);
- ``build``: openapi-python-client with our templates, writing generated/ atomically;
- ``drift``: the folder comparison behind ``make check-generated``;
- ``cli``: the command line of ``scripts/generate.py``.
"""

from __future__ import annotations

from iotda_codegen.build import (
    DEFAULT_CONFIG,
    DEFAULT_OUTPUT,
    DEFAULT_SPEC,
    DEFAULT_TEMPLATES,
    GENERATOR_VERSION,
    generate,
)
from iotda_codegen.contract import CodegenError, constraints

__all__ = [
    "DEFAULT_CONFIG",
    "DEFAULT_OUTPUT",
    "DEFAULT_SPEC",
    "DEFAULT_TEMPLATES",
    "GENERATOR_VERSION",
    "CodegenError",
    "constraints",
    "generate",
]
