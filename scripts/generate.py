"""Regenerate generated/ (the iotda-client distribution) from the spec, or (``--check``) fail on drift.

The work is done by the build-only package ``scripts/iotda_codegen`` (importable because Python puts this
script's folder first on ``sys.path``).
"""

from __future__ import annotations

import sys

from iotda_codegen.cli import main

if __name__ == "__main__":
    sys.exit(main())
