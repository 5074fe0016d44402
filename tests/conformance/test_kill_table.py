"""Proof of power: ``check`` on the mock with each fault exits 1 naming the law; the clean mock exits 0."""

from __future__ import annotations

import pytest
from hypothesis import settings
from killtable import EXPECTED, format_table, run_kill_table

from iotda_contract.mock.faults import FAULTS


def test_every_mock_fault_has_an_expected_law():
    assert set(EXPECTED) == set(FAULTS)


@pytest.mark.timeout(1800)  # every fault under both profiles: about ten minutes with the ci profile
def test_kill_rate_is_total_and_false_positives_are_none():
    deep = settings().max_examples >= 200  # the "ci" profile of tests/conftest.py
    rows = run_kill_table(max_examples=25 if deep else 10, seed=0, workers=2)
    print("\n" + format_table(rows))
    clean = [r for r in rows if r.fault is None]
    assert {r.profile for r in clean} == {"contract", "platform"}
    for row in clean:
        assert row.exit_code == 0, format_table(clean)
        assert not row.violated
        assert not row.schemathesis_failures
    missed = [r for r in rows if not r.killed]
    assert missed == [], format_table(missed)
