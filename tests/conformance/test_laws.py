"""Every law holds on a correct backend and catches the one fault it guards (in-memory fake backend)."""

from __future__ import annotations

import pytest
from fake_backend import FAULTS as FAKE_FAULTS
from fake_backend import FakeBackend

from iotda_contract.conformance.context import LawContext
from iotda_contract.conformance.contract import load_contract
from iotda_contract.conformance.engine import run_law, run_laws
from iotda_contract.conformance.registry import LAWS, all_laws
from iotda_contract.conformance.results import HELD, SKIPPED, VIOLATED
from iotda_contract.conformance.target import Target
from iotda_contract.mock.faults import FAULTS

#: Fault of the fake backend -> the law that must catch it: the mock's fault registry for the faults both
#: backends have, and the fake backend's own faults after them.
CAUGHT_BY = {name: FAULTS[name].caught_by for name in FAKE_FAULTS if name in FAULTS} | {
    "marker-case-sensitive": "marker-case-insensitive",
    "response-schema": "accept-valid",
    "count-frozen": "count-follows-writes",
}
EXTRA = {
    "walk-limit-independent": "skip-at-boundary",
    "marker-below": "skip-at-boundary",
    "filter-complete": "filter-leak",
    "idempotent": "flaky-order",
    "created-first": "ascending-order",
    "deleted-gone": "delete-noop",
    "isolation": "instance-leak",
}


def context(spec, faults=(), *, records=37, writes=True):
    contract = load_contract(spec)
    backend = FakeBackend(spec, records=records, faults=frozenset(faults))
    target = Target("http://fake.invalid", "demo-project", contract, token="t", transport=backend.transport())
    return LawContext(target, contract, allow_writes=writes, other_instance_id="other"), backend


def test_every_law_holds_on_a_correct_backend(spec):
    ctx, _ = context(spec)
    results = run_laws(all_laws(), ctx, max_examples=15, seed=3)
    assert {r.law_id: r.status for r in results} == {law.id: HELD for law in all_laws()}
    assert ctx.created == []


@pytest.mark.parametrize(("fault", "law_id"), sorted(CAUGHT_BY.items()))
def test_each_fault_is_caught_by_its_law(spec, fault, law_id):
    ctx, _ = context(spec, [fault])
    result = run_law(LAWS[law_id], ctx, max_examples=40, seed=1, shrink_seconds=2)
    assert result.status == VIOLATED, result
    assert result.exchanges, "a violation carries the requests that show it"
    assert all(e["curl"].startswith("curl ") for e in result.exchanges)


@pytest.mark.parametrize(("law_id", "fault"), sorted((k, v) for k, v in EXTRA.items() if v))
def test_laws_that_back_up_others_also_catch_a_fault(spec, law_id, fault):
    ctx, _ = context(spec, [fault])
    assert run_law(LAWS[law_id], ctx, max_examples=40, seed=1).status == VIOLATED


def test_every_law_is_tested_against_a_fault():
    guarded = set(CAUGHT_BY.values()) | {k for k, v in EXTRA.items() if v}
    assert {law.id for law in all_laws()} <= guarded


def test_write_laws_are_skipped_without_allow_writes(spec):
    ctx, backend = context(spec, writes=False)
    before = len(backend.rows)
    results = run_laws([law for law in all_laws() if law.writes], ctx, max_examples=5)
    assert {r.status for r in results} == {SKIPPED}
    assert all("--allow-writes" in r.reason for r in results)
    assert len(backend.rows) == before


def test_an_empty_backend_skips_the_laws_that_need_records(spec):
    ctx, _ = context(spec, records=0, writes=False)
    result = run_law(LAWS["offset-skips"], ctx, max_examples=5)
    assert result.status == SKIPPED
    assert "no records" in result.reason


def test_the_violation_is_shrunk_to_a_small_case(spec):
    ctx, _ = context(spec, ["limit-off-by-one"])
    result = run_law(LAWS["page-size"], ctx, max_examples=40, seed=5, shrink_seconds=5)
    assert result.status == VIOLATED
    assert "limit 1 " in result.reason, result.reason
    assert result.first_violation_at is not None


def test_an_unstable_walk_is_shown_with_the_creates_between_its_pages(spec):
    ctx, _ = context(spec, ["unstable-under-insert"])
    result = run_law(LAWS["walk-stable-under-insert"], ctx, max_examples=40, seed=1, shrink_seconds=2)
    assert result.status == VIOLATED, result
    methods = [e["curl"].split("-X ")[1].split()[0] for e in result.exchanges]
    assert methods[0] == "GET", "the first page comes first"
    assert "POST" in methods, "the creates that shifted the walk are part of the evidence"
    assert methods.index("POST") < len(methods) - 1, "and the pages after them follow"
