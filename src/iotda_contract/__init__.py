"""iotda-contract: the Huawei Cloud IoTDA export-task API as a tested contract."""

from __future__ import annotations

__version__ = "0.1.0"
