"""The reference mock of the IoTDA export-task API: stateful, spec-driven, with injectable faults."""

from __future__ import annotations

from iotda_contract.mock.faults import FAULTS
from iotda_contract.mock.server import build_app, serve
from iotda_contract.mock.settings import Settings

__all__ = ["FAULTS", "Settings", "build_app", "serve"]
