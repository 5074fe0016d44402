"""What the laws cost in requests, counted by the mock's side (counts, never timings).

Issue "Fast and polite against remote backends": a read-only run's requests grow with the pages of the
list (N / the limit's maximum), not with its records; ``--concurrency`` changes when requests go, not which.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from rich.console import Console

from iotda_contract.conformance.runner import CheckOptions, run_check
from iotda_contract.mock.server import build_app
from iotda_contract.mock.settings import Settings
from iotda_contract.mock.testing import serve_app

Message = MutableMapping[str, Any]


def run(seed: int, **options: Any) -> tuple[int, Counter[tuple[str, str, bytes]]]:
    """(records in the default instance, every request the mock saw) of one read-only run of the laws."""
    app = build_app(Settings(seed=seed))
    records = len(app.store.ids(("demo-project", "", "*", "*")))  # the seed spreads over two instances
    seen: Counter[tuple[str, str, bytes]] = Counter()

    async def counting(scope: Message, receive: Callable[[], Awaitable[Message]],
                       send: Callable[[Message], Awaitable[None]]) -> None:  # fmt: skip
        if scope["type"] == "http":
            seen[(scope["method"], scope["path"], scope["query_string"])] += 1
        await app(scope, receive, send)

    try:
        with serve_app(counting) as url:  # type: ignore[arg-type]
            chosen = CheckOptions(base_url=url, project_id="demo-project", token="t", seed=0,
                                  schemathesis=False, **options)  # fmt: skip
            result = run_check(chosen, Console(file=io.StringIO()))
    finally:
        app.store.close()
    assert result.ok, [(law.law_id, law.status, law.reason) for law in result.laws if law.status != "held"]
    assert result.requests == sum(seen.values())
    return records, seen


def test_requests_grow_with_pages_not_with_records():
    sizes = [run(seed) for seed in (100, 500, 2000)]  # about 50, 250 and 1,000 records
    records, sent = [n for n, _ in sizes], [sum(seen.values()) for _, seen in sizes]
    assert records[1] >= 4 * records[0], records
    assert records[2] >= 3 * records[1], records
    assert sent[1] < 1.5 * sent[0], (records, sent)
    assert sent[2] < 1.5 * sent[0], (records, sent)


def test_concurrency_sends_the_same_requests():
    _, alone = run(300)
    _, together = run(300, concurrency=4)
    assert set(together) == set(alone), "the same requests, only sent side by side"


def sent_in_order(max_examples: int = 3, **options: Any) -> list[tuple[str, str]]:
    """(who, method) of every request one write run sends, in the order the mock got them; who is
    ``schemathesis`` (its User-Agent) or ``laws``."""
    app = build_app(Settings(seed=60))
    order: list[tuple[str, str]] = []

    async def recording(scope: Message, receive: Callable[[], Awaitable[Message]],
                        send: Callable[[Message], Awaitable[None]]) -> None:  # fmt: skip
        if scope["type"] == "http":
            agent = dict(scope["headers"]).get(b"user-agent", b"").decode()
            order.append(("schemathesis" if agent.startswith("schemathesis") else "laws", scope["method"]))
        await app(scope, receive, send)

    try:
        with serve_app(recording) as url:  # type: ignore[arg-type]
            # the mock here takes any token: ignored_auth would say so, which is not this test's business
            chosen = CheckOptions(base_url=url, project_id="demo-project", token="t", seed=0,
                                  allow_writes=True, accept_eviction=True, max_examples=max_examples,
                                  exclude_checks=("ignored_auth",), **options)  # fmt: skip
            result = run_check(chosen, Console(file=io.StringIO()))
    finally:
        app.store.close()
    assert result.ok, ([(law.law_id, law.status, law.reason) for law in result.laws if law.status != "held"],
                       result.schemathesis)  # fmt: skip
    return order


def test_writes_run_alone_while_schemathesis_lists_beside_the_read_laws():
    order = sent_in_order(concurrency=4, max_write_examples=2)
    writes = [i for i, (who, method) in enumerate(order) if who == "laws" and method == "POST"]
    schemathesis = [i for i, (who, _) in enumerate(order) if who == "schemathesis"]
    assert writes
    assert schemathesis
    first_write, last_write = writes[0], writes[-1]
    assert any(i < first_write for i in schemathesis), "the list part ran beside the read laws"
    assert any(i > last_write for i in schemathesis), "the write part followed the write laws"
    during = [order[i] for i in schemathesis if first_write < i < last_write]
    assert during == [], "no schemathesis request while the write laws write"
    assert ("schemathesis", "POST") in order, "schemathesis' write part creates"
    assert ("schemathesis", "DELETE") in order


def test_laws_that_write_run_max_write_examples():
    order = sent_in_order(laws=["created-first"], schemathesis=False, max_write_examples=2)
    assert order.count(("laws", "POST")) == 2, "one task per example, two examples"
    order = sent_in_order(laws=["created-first"], schemathesis=False, max_examples=1, max_write_examples=5)
    assert order.count(("laws", "POST")) == 1, "never more than --max-examples"
