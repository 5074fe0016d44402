"""Shared test set-up: hypothesis profiles and the spec."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from iotda_contract import spec as spec_module

settings.register_profile("default", max_examples=60, deadline=None)
settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
#: CI (which sets CI=true) runs the deeper profile; HYPOTHESIS_PROFILE chooses explicitly.
PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") == "true" else "default")
settings.load_profile(PROFILE)


@pytest.fixture(scope="session")
def spec() -> spec_module.Spec:
    return spec_module.load()
