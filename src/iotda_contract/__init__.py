"""iotda-contract: the Huawei Cloud IoTDA export-task API as a tested contract."""

from __future__ import annotations

from importlib import metadata

try:
    #: The installed distribution's version (pyproject.toml's ``[project] version``).
    __version__ = metadata.version("iotda-contract")
except metadata.PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"
