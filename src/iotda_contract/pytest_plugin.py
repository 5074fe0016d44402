"""The pytest plugin (entry point ``pytest11: iotda``): the mock as fixtures, the laws as tests.

Fixtures (a real socket; one server per session, which is one per worker under pytest-xdist; the mock is
reset before every test):

- ``iotda_mock``: the running mock: ``url``, ``project_id``, ``token``, ``ak``, ``sk``, and ``seed(count)``,
  ``advance(seconds)``, ``reset(**settings)`` (faults, caps, auth), ``state()``;
- ``iotda_client`` / ``iotda_async_client``: the generated client bound to it with the token
  (``iotda_aksk_client`` signs with AK/SK); in-process, with no socket and no thread, under
  ``@pytest.mark.iotda(in_process=True)`` or through ``iotda_inprocess_client``;
- ``iotda_sdk_client``: the official SDK's ``IoTDAClient`` bound to it (skipped where it is not installed).

``@pytest.mark.iotda(seed=N, faults=[...], max_tasks=..., max_unfinished=..., task_seconds=..., auth="any",
in_process=False)`` configures the mock for one test.

The laws as tests: ``pytest --iotda-base-url URL --iotda-project-id P [--iotda-token T | --iotda-ak A
--iotda-sk S] [--iotda-allow-writes] [--iotda-profile platform]`` collects one test per law (select with
``-k``), plus ``schemathesis``, with the verdicts of ``iotda-contract check`` (the same runner).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

MARKER = "iotda"
PROJECT = "plugin-project"
#: The marker's keywords that reset the mock; ``in_process`` chooses the client's transport.
_MOCK_KEYS = ("seed", "seed_random", "faults", "max_tasks", "max_unfinished", "task_seconds", "auth")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("iotda", "iotda-contract: the laws of the export-task API as tests")
    group.addoption("--iotda-base-url", help="check this backend: one test per paging law")
    group.addoption("--iotda-project-id", help="the project whose export tasks the laws list")
    group.addoption("--iotda-token", help="IAM token of the backend")
    group.addoption("--iotda-ak", help="access key (signs with --iotda-sk)")
    group.addoption("--iotda-sk", help="secret key")
    group.addoption("--iotda-instance-id", help="the Instance-Id header")
    group.addoption("--iotda-allow-writes", action="store_true", help="also the laws that write")
    group.addoption("--iotda-profile", default="contract", choices=("contract", "platform"),
                    help="judge the description only (platform), or the decisions too")  # fmt: skip
    group.addoption("--iotda-accept", action="append", default=[], help="waive a decision (repeatable)")
    group.addoption("--iotda-max-examples", type=int, default=25, help="examples per law (default 25)")
    group.addoption("--iotda-max-write-examples", type=int, default=10,
                    help="examples per law that creates tasks (default 10, at most the above)")  # fmt: skip
    group.addoption("--iotda-seed", type=int, help="hypothesis and schemathesis seed (default: random)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{MARKER}(**settings): configure the iotda mock for this test "
                            "(seed, faults, max_tasks, max_unfinished, task_seconds, auth, "
                            "in_process)")  # fmt: skip


# -- the mock as fixtures -----------------------------------------------------------------------------------


@dataclass
class IotdaMock:
    """The mock a test talks to, and the handles to put it in a state."""

    url: str
    project_id: str
    token: str
    ak: str
    sk: str
    controlled: Any = field(repr=False)

    @property
    def app(self) -> Any:
        """The ASGI app (for an in-process transport)."""
        return self.controlled

    def reset(self, **settings: Any) -> dict[str, Any]:
        """Empty the mock and rebuild it with ``settings`` (seed, faults, caps, auth); returns its state."""
        self.controlled.reset(**settings)
        return self.state()

    def seed(self, count: int, *, project: str | None = None, seed_random: int = 0) -> dict[str, Any]:
        """Fill the (empty) store with ``count`` synthetic tasks of ``project`` (default: this one)."""
        self.controlled.seed(count, project or self.project_id, seed_random)
        return self.state()

    def advance(self, seconds: float) -> dict[str, Any]:
        """Move the mock's clock forward: Processing tasks progress and finish."""
        self.controlled.advance(seconds)
        return self.state()

    def state(self) -> dict[str, Any]:
        state: dict[str, Any] = self.controlled.state()
        return state


@dataclass
class _Server:
    url: str
    controlled: Any
    token: str
    ak: str
    sk: str


@pytest.fixture(scope="session")
def _iotda_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Server]:
    """One mock per session (per xdist worker): a real socket, the control API, credentials of its own."""
    from iotda_contract.mock.control import ControlledMock
    from iotda_contract.mock.settings import Settings
    from iotda_contract.mock.testing import serve_app

    token, ak, sk = secrets.token_hex(16), f"PLUGINAK{secrets.token_hex(6).upper()}", secrets.token_hex(20)
    credentials = tmp_path_factory.mktemp("iotda") / "credentials.json"
    entries = [{"token": token, "projects": [PROJECT]}, {"ak": ak, "sk": sk, "projects": [PROJECT]}]
    credentials.write_text(json.dumps({"credentials": entries}))
    settings = Settings(auth="verify", credentials=str(credentials), seed_project=PROJECT, control=True)
    controlled = ControlledMock(settings)
    try:
        with serve_app(controlled, settings=settings) as url:  # type: ignore[arg-type]
            yield _Server(url, controlled, token, ak, sk)
    finally:
        controlled.app.store.close()


def _marker_settings(request: pytest.FixtureRequest) -> dict[str, Any]:
    marker = request.node.get_closest_marker(MARKER)
    given = dict(marker.kwargs) if marker is not None else {}
    unknown = set(given) - {*_MOCK_KEYS, "in_process"}
    if unknown:
        raise pytest.UsageError(f"@pytest.mark.{MARKER}: unknown keyword(s) {', '.join(sorted(unknown))}")
    return given


@pytest.fixture
def iotda_mock(request: pytest.FixtureRequest, _iotda_server: _Server) -> IotdaMock:
    """The mock, reset to the state the test's ``@pytest.mark.iotda(...)`` asks for (empty by default)."""
    given = _marker_settings(request)
    changes = {k: (list(v) if k == "faults" else v) for k, v in given.items() if k in _MOCK_KEYS}
    _iotda_server.controlled.reset(**changes)
    s = _iotda_server
    return IotdaMock(s.url, PROJECT, s.token, s.ak, s.sk, s.controlled)


def _client(mock: IotdaMock, *, in_process: bool, aksk: bool = False) -> Any:
    from iotda_contract.client import make_client
    from iotda_contract.mock.inprocess import SyncASGITransport, async_transport

    transports: dict[str, Any] = {}
    if in_process:
        transports = {"transport": SyncASGITransport(mock.app), "async_transport": async_transport(mock.app)}
    keys: dict[str, Any] = {"ak": mock.ak, "sk": mock.sk} if aksk else {"token": mock.token}
    return make_client(mock.url, mock.project_id, retries=0, **keys, **transports)


def _close(client: Any) -> None:
    client.get_httpx_client().close()
    async_client = getattr(client, "_async_client", None)
    if async_client is not None:
        with contextlib.suppress(RuntimeError):  # closed, or its loop is gone: nothing is left open
            asyncio.run(async_client.aclose())


@pytest.fixture
def iotda_client(request: pytest.FixtureRequest, iotda_mock: IotdaMock) -> Iterator[Any]:
    """The generated client (``iotda_client.AuthenticatedClient``-compatible) with the mock's token."""
    client = _client(iotda_mock, in_process=bool(_marker_settings(request).get("in_process")))
    yield client
    _close(client)


@pytest.fixture
def iotda_async_client(request: pytest.FixtureRequest, iotda_mock: IotdaMock) -> Iterator[Any]:
    """The same, for the generated ``asyncio`` functions (its async httpx client is closed afterwards)."""
    client = _client(iotda_mock, in_process=bool(_marker_settings(request).get("in_process")))
    yield client
    _close(client)


@pytest.fixture
def iotda_aksk_client(request: pytest.FixtureRequest, iotda_mock: IotdaMock) -> Iterator[Any]:
    """The generated client signing every request with the mock's AK/SK (SDK-HMAC-SHA256)."""
    client = _client(iotda_mock, in_process=bool(_marker_settings(request).get("in_process")), aksk=True)
    yield client
    _close(client)


@pytest.fixture
def iotda_inprocess_client(iotda_mock: IotdaMock) -> Iterator[Any]:
    """The generated client calling the mock's ASGI app directly: no socket, no thread."""
    client = _client(iotda_mock, in_process=True)
    yield client
    _close(client)


@pytest.fixture
def iotda_sdk_client(iotda_mock: IotdaMock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The official SDK's ``IoTDAClient`` on the mock (AK/SK); skipped where the SDK is not installed."""
    monkeypatch.setenv("HOME", str(tmp_path))  # importing the SDK writes ~/.huaweicloud/application_id
    try:
        from huaweicloudsdkcore.auth.credentials import BasicCredentials
        from huaweicloudsdkiotda.v5 import IoTDAClient
    except ImportError:
        pytest.skip("the official SDK (huaweicloudsdkiotda) is not installed")
    credentials = BasicCredentials(iotda_mock.ak, iotda_mock.sk, iotda_mock.project_id)
    return IoTDAClient.new_builder().with_credentials(credentials).with_endpoints([iotda_mock.url]).build()


# -- the laws as tests ----------------------------------------------------------------------------------


class _LawRun:
    """One open run of ``check``, shared by the law items of a session."""

    def __init__(self, config: pytest.Config) -> None:
        from rich.console import Console

        from iotda_contract.conformance.runner import CheckOptions, OpenRun, open_run

        option = config.getoption
        self.options = CheckOptions(
            base_url=option("iotda_base_url"), project_id=option("iotda_project_id") or "",
            instance_id=option("iotda_instance_id"), token=option("iotda_token"), ak=option("iotda_ak"),
            sk=option("iotda_sk"), allow_writes=option("iotda_allow_writes"), seed=option("iotda_seed"),
            max_examples=option("iotda_max_examples"), profile=option("iotda_profile"),
            max_write_examples=option("iotda_max_write_examples"),
            accept=tuple(option("iotda_accept")), accept_eviction=False,
        )  # fmt: skip
        self.run: OpenRun | None = None
        self.problem = ""
        try:
            self.run = open_run(self.options, Console(stderr=True))
        except Exception as err:  # a usage or connection problem: every law item reports it
            self.problem = f"{type(err).__name__}: {err}"


class LawItem(pytest.Item):
    """One paging law against the backend of ``--iotda-base-url``."""

    def __init__(self, *, law: Any, shared: _LawRun, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.law, self.shared = law, shared

    def runtest(self) -> None:
        from iotda_contract.conformance.engine import run_law

        run = self.shared.run
        if run is None:
            pytest.fail(f"the backend cannot be checked: {self.shared.problem}", pytrace=False)
        if self.law.writes and not run.options.allow_writes:
            pytest.skip("creates and deletes tasks: needs --iotda-allow-writes")
        examples = run.options.write_examples if self.law.writes else run.options.max_examples
        result = run_law(self.law, run.ctx, max_examples=examples, seed=run.seed)
        run.result.laws.append(result)
        _verdict(result.status, result.reason, result.curl, run)

    def reportinfo(self) -> tuple[str, int | None, str]:
        return "iotda-contract", None, f"law {self.law.id}: {self.law.statement}"


class SchemathesisItem(pytest.Item):
    """schemathesis (every phase and check) against the same backend."""

    def __init__(self, *, shared: _LawRun, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.shared = shared

    def runtest(self) -> None:
        run = self.shared.run
        if run is None:
            pytest.fail(f"the backend cannot be checked: {self.shared.problem}", pytrace=False)
        st = run.schemathesis()
        detail = [line for messages in st.failures.values() for line in messages[:1]]
        _verdict(st.status, st.reason or "; ".join(st.failures), detail, run)

    def reportinfo(self) -> tuple[str, int | None, str]:
        return "iotda-contract", None, "schemathesis"


def _verdict(status: str, reason: str, evidence: list[str], run: Any) -> None:
    from iotda_contract.conformance.redact import Redactor

    redact = Redactor.of(
        token=run.options.token,
        ak=run.options.ak,
        sk=run.options.sk,
        security_token=run.options.security_token,
    )
    text = redact("\n".join([reason, *evidence[:4]]))
    if status in ("violated", "error"):
        pytest.fail(text, pytrace=False)
    if status == "deviated":
        pytest.fail(
            f"deviates from the contract's decisions (not from the platform's API): {text}", pytrace=False
        )
    if status == "skipped":
        pytest.skip(text)


class LawsCollector(pytest.Collector):
    """The laws of the contract, collected when ``--iotda-base-url`` is given."""

    def collect(self) -> list[pytest.Item]:
        from iotda_contract.conformance import all_laws

        shared = _LawRun(self.config)
        items: list[pytest.Item] = [LawItem.from_parent(self, name=law.id, law=law, shared=shared)
                                    for law in all_laws()]  # fmt: skip
        items.append(SchemathesisItem.from_parent(self, name="schemathesis", shared=shared))
        self.config.stash[_SHARED] = shared
        return items


_SHARED = pytest.StashKey[_LawRun]()


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    if not config.getoption("iotda_base_url"):
        return
    laws = LawsCollector.from_parent(session, name="iotda-laws")
    collected = laws.collect()
    selected = [item for item in collected if _keyword_selected(config, item)]
    items.extend(selected)


def _keyword_selected(config: pytest.Config, item: pytest.Item) -> bool:
    from _pytest.mark import KeywordMatcher
    from _pytest.mark.expression import Expression

    expression = config.getoption("keyword")
    if not expression:
        return True
    return Expression.compile(expression).evaluate(KeywordMatcher.from_item(item))


def pytest_sessionfinish(session: pytest.Session) -> None:
    shared = session.config.stash.get(_SHARED, None)
    if shared is not None and shared.run is not None:
        shared.run.finish()  # every task a write law created is deleted
