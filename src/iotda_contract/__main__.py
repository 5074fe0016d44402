"""``python -m iotda_contract``: the ``iotda-contract`` command line."""

from __future__ import annotations

import sys

from iotda_contract.cli import main

if __name__ == "__main__":
    sys.exit(main())
