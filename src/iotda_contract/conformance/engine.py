"""Run the laws with hypothesis: draw parameters, check, shrink within a time budget, collect results."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from hypothesis import HealthCheck, Phase, Verbosity, given, reject, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase
from hypothesis.errors import Unsatisfiable
from hypothesis.strategies import DataObject

from iotda_contract.conformance.cleanup import delete_created
from iotda_contract.conformance.context import LawContext
from iotda_contract.conformance.errors import Skip, TargetError, Violation
from iotda_contract.conformance.registry import Law
from iotda_contract.conformance.results import DEVIATED, ERROR, HELD, SKIPPED, VIOLATED, LawResult

Listener = Callable[[str, Law, LawResult | None], None]

#: The modules of laws that only list, sent side by side with ``--concurrency``: nothing they send changes
#: what another gets. The file laws spend the platform's download limit and the write laws change the data:
#: they run one after another, after these.
SIDE_BY_SIDE = frozenset({"iotda_contract.conformance.laws_read", "iotda_contract.conformance.laws_reject"})


@dataclass
class _State:
    examples: int = 0
    passed: int = 0
    best: Violation | None = None
    first_at: float | None = None
    skip: Skip | None = None
    shrink_over: bool = False
    #: The backend became unusable: every later example ends at once with it (no shrinking against it).
    broken: TargetError | None = None


def run_law(
    law: Law,
    ctx: LawContext,
    *,
    max_examples: int,
    seed: int | None = None,
    shrink_seconds: float = 5.0,
    run_started: float | None = None,
) -> LawResult:
    """Check one law on ``max_examples`` drawn cases; a violation is shrunk for at most ``shrink_seconds``."""
    view = ctx.view(law.id)
    result = _run(law, view, max_examples=max_examples, seed=seed, shrink_seconds=shrink_seconds,
                  run_started=run_started)  # fmt: skip
    _settle(result, ctx, view)
    return result


def _run(law: Law, ctx: LawContext, *, max_examples: int, seed: int | None, shrink_seconds: float,
         run_started: float | None) -> LawResult:  # fmt: skip
    """:func:`run_law` on the law's own view of the run (its deviations are settled by the caller)."""
    started = time.monotonic()
    origin = started if run_started is None else run_started
    state = _State()

    def example(data: DataObject) -> None:
        if state.broken is not None:
            raise state.broken
        if ctx.shared.stop.is_set():
            state.broken = TargetError("the run stopped")
            raise state.broken
        if state.best is not None and state.shrink_over:
            raise state.best  # shrinking budget spent: end quickly, the best real violation is kept
        state.examples += 1
        ctx.target.journal.clear()
        try:
            law.check(ctx, data)
        except TargetError as err:
            state.broken = err
            raise
        except Skip as skip:
            state.skip = skip
            reject()
        except Violation as violation:
            now = time.monotonic()
            if state.first_at is None:
                state.first_at = now
            state.best = violation
            state.shrink_over = now - state.first_at > shrink_seconds
            raise
        state.passed += 1

    example.__name__ = example.__qualname__ = f"law_{law.id.replace('-', '_')}"
    test = given(st.data())(example)
    if seed is not None:
        test = hypothesis_seed(seed)(test)
    # @seed turns the example database off; the settings come after it, so that a failing example is kept
    # (under the report folder, keyed by law) and tried first by the next run
    test = settings(
        max_examples=max_examples,
        deadline=None,
        database=DirectoryBasedExampleDatabase(str(ctx.example_db)) if ctx.example_db else None,
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
        report_multiple_bugs=False,
        phases=(Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink),
    )(test)
    test._hypothesis_internal_database_key = f"iotda-contract law {law.id}".encode()  # type: ignore[attr-defined]
    result = LawResult(law.id, law.statement, HELD)
    try:
        test()
    except TargetError:
        raise
    except (
        Exception
    ) as err:  # the shrunk failure, possibly in a group, or a flaky end after the shrink budget
        if state.broken is not None:
            raise state.broken from None
        _judge(err, state, result)
    _finish(result, state, started, origin)
    return result


def _judge(err: Exception, state: _State, result: LawResult) -> None:
    """Turn what hypothesis raised into the law's status."""
    if isinstance(err, Unsatisfiable):
        result.status = SKIPPED
        result.reason = str(state.skip) if state.skip else "no case could be drawn"
        return
    violation = state.best if state.best is not None else _find_violation(err)
    if violation is None:
        result.status, result.reason = ERROR, f"{type(err).__name__}: {err}"
    else:
        result.status, result.reason = VIOLATED, violation.message
        result.exchanges = [e.to_dict() for e in violation.exchanges]


def _finish(result: LawResult, state: _State, started: float, origin: float) -> None:
    if result.status == HELD and state.passed == 0 and state.skip is not None:
        result.status, result.reason = SKIPPED, str(state.skip)
    result.examples = state.examples
    result.seconds = time.monotonic() - started
    if state.first_at is not None:
        result.first_violation_at = state.first_at - origin


def _settle(result: LawResult, ctx: LawContext, view: LawContext) -> None:
    """The deviations the law found that no earlier law had are its own; a law that held with one deviated."""
    result.deviations = ctx.settle(view)
    if result.status == HELD and result.deviations:
        result.status = DEVIATED
        result.reason = "deviates from decision(s) " + ", ".join(result.deviations)


def _find_violation(err: BaseException) -> Violation | None:
    if isinstance(err, Violation):
        return err
    if isinstance(err, BaseExceptionGroup):
        for inner in err.exceptions:
            found = _find_violation(inner)
            if found is not None:
                return found
    return None


def run_laws(
    laws: Sequence[Law],
    ctx: LawContext,
    *,
    max_examples: int,
    seed: int | None = None,
    shrink_seconds: float = 5.0,
    listener: Listener | None = None,
    run_started: float | None = None,
    before_writes: Callable[[], None] | None = None,
    write_examples: int | None = None,
) -> list[LawResult]:
    """Run ``laws`` in order; write laws are skipped unless the context allows writes.

    With ``ctx.concurrency`` above 1 the laws that only list run side by side, that many at a time; their
    verdicts, deviations and the listener's events come out in the laws' order, as one after another.
    ``before_writes`` is called once, before the first law that writes runs (what lists beside the laws
    ends there: the writes run alone). A law that writes runs ``write_examples`` (default: max_examples).
    """
    origin = time.monotonic() if run_started is None else run_started

    def one(law: Law, view: LawContext) -> LawResult:
        if law.writes and not ctx.allow_writes:
            return LawResult(
                law.id, law.statement, SKIPPED, "creates and deletes tasks: needs --allow-writes"
            )
        examples = write_examples if law.writes and write_examples is not None else max_examples
        return _run(law, view, max_examples=examples, seed=seed, shrink_seconds=shrink_seconds,
                    run_started=origin)  # fmt: skip

    results: list[LawResult] = []
    try:
        for group in _groups(laws, ctx.concurrency):
            if before_writes is not None and ctx.allow_writes and any(law.writes for law in group):
                before_writes()
                before_writes = None
            results += _run_group(group, ctx, one, listener)
    finally:
        delete_created(ctx)
    return results


def _groups(laws: Sequence[Law], concurrency: int) -> Iterator[list[Law]]:
    """The laws in order: consecutive list-only laws in one group when they may run side by side."""
    group: list[Law] = []
    for law in laws:
        if concurrency > 1 and not law.writes and law.check.__module__ in SIDE_BY_SIDE:
            group.append(law)
            continue
        if group:
            yield group
            group = []
        yield [law]
    if group:
        yield group


def _run_group(group: list[Law], ctx: LawContext, one: Callable[[Law, LawContext], LawResult],
               listener: Listener | None) -> list[LawResult]:  # fmt: skip
    """Run a group's laws, side by side when there are several; settle and report each in order."""
    if len(group) == 1:
        law, view = group[0], ctx.view(group[0].id)
        if listener:
            listener("start", law, None)
        result = one(law, view)
        _settle(result, ctx, view)
        if listener:
            listener("end", law, result)
        return [result]
    views = [ctx.view(law.id) for law in group]
    ctx.target.wire.client()  # built here, before threads share it
    results: list[LawResult] = []
    with ThreadPoolExecutor(
        max_workers=min(ctx.concurrency, len(group)), thread_name_prefix="iotda-law"
    ) as pool:
        futures = [pool.submit(one, law, view) for law, view in zip(group, views, strict=True)]
        try:
            for law, view, future in zip(group, views, futures, strict=True):
                if listener:
                    listener("start", law, None)
                result = future.result()
                _settle(result, ctx, view)
                results.append(result)
                if listener:
                    listener("end", law, result)
        except BaseException:
            ctx.shared.stop.set()  # the laws still running end at their next example
            for future in futures:
                future.cancel()
            raise
        finally:
            pool.shutdown(wait=True)
            ctx.shared.stop.clear()
    return results
