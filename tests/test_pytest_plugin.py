"""The pytest plugin as a user gets it: installed with the package, used by a test file of theirs."""

from __future__ import annotations

import importlib.util
import textwrap

import pytest
import uvicorn  # noqa: F401

# pytester restores sys.modules after each test: a module first imported inside one (the mock's protocol,
# imported when a server starts) would be dropped and imported again, twice in one process, by later tests.
# Import everything the tests here serve with first.
import iotda_contract.mock.protocol  # noqa: F401
from iotda_contract.mock.settings import Settings
from iotda_contract.mock.testing import serve_in_thread

pytest_plugins = ["pytester"]

USER_TESTS = """
import asyncio

import pytest
from iotda_client.api.export_tasks import create_export_task, list_export_tasks
from iotda_client.models import AddExportTask, ResourceType

LIST = dict(resource_type=ResourceType.BATCHTASK)


def test_the_mock_starts_empty(iotda_mock, iotda_client):
    page = list_export_tasks.sync(iotda_mock.project_id, client=iotda_client, **LIST)
    assert page.page.count == 0
    assert iotda_mock.state()["tasks"] == 0


def test_one_test_creates(iotda_mock, iotda_client):
    created = create_export_task.sync(iotda_mock.project_id, client=iotda_client,
                                      body=AddExportTask(resource_type=ResourceType.BATCHTASK))
    assert created.export_task_id


def test_the_next_sees_nothing_of_it(iotda_mock, iotda_client):
    assert list_export_tasks.sync(iotda_mock.project_id, client=iotda_client, **LIST).page.count == 0


@pytest.mark.iotda(seed=25)
def test_the_marker_seeds(iotda_mock, iotda_client):
    count = list_export_tasks.sync(iotda_mock.project_id, client=iotda_client, **LIST).page.count
    pid = iotda_mock.project_id
    items = list(list_export_tasks.iterate_items(pid, client=iotda_client, limit=50, **LIST))
    assert len(items) == count > 0
    assert iotda_mock.state()["tasks"] == 25  # over two instances


@pytest.mark.iotda(seed=30, faults=["offset-ignored"])
def test_a_fault_for_this_test_only(iotda_mock, iotda_client):
    first = list_export_tasks.sync(iotda_mock.project_id, client=iotda_client, limit=2, **LIST)
    skipped = list_export_tasks.sync(iotda_mock.project_id, client=iotda_client, limit=2, offset=1, **LIST)
    assert first.export_tasks == skipped.export_tasks


@pytest.mark.iotda(seed=30)
def test_no_fault_in_the_next(iotda_mock, iotda_client):
    first = list_export_tasks.sync(iotda_mock.project_id, client=iotda_client, limit=2, **LIST)
    skipped = list_export_tasks.sync(iotda_mock.project_id, client=iotda_client, limit=2, offset=1, **LIST)
    assert first.export_tasks[1] == skipped.export_tasks[0]


@pytest.mark.iotda(task_seconds=60)
def test_time_is_advanced(iotda_mock, iotda_client):
    body = AddExportTask(resource_type=ResourceType.BATCHTASK)
    task = create_export_task.sync(iotda_mock.project_id, client=iotda_client, body=body)
    iotda_mock.advance(61)
    listed = list_export_tasks.sync(iotda_mock.project_id, client=iotda_client, **LIST).export_tasks
    assert [t.status.value for t in listed] == ["Success"]
    assert listed[0].export_task_id == task.export_task_id


@pytest.mark.iotda(seed=5, in_process=True)
def test_in_process(iotda_mock, iotda_client):
    assert list_export_tasks.sync(iotda_mock.project_id, client=iotda_client, **LIST).page.count > 0


def test_signed(iotda_mock, iotda_aksk_client):
    assert list_export_tasks.sync(iotda_mock.project_id, client=iotda_aksk_client, **LIST).page.count == 0


def test_async(iotda_mock, iotda_async_client):
    async def go():
        return await list_export_tasks.asyncio(iotda_mock.project_id, client=iotda_async_client, **LIST)
    assert asyncio.run(go()).page.count == 0


@pytest.mark.iotda(seed=3)
def test_sdk(iotda_mock, iotda_sdk_client):
    from huaweicloudsdkiotda.v5 import ListExportTasksRequest
    page = iotda_sdk_client.list_export_tasks(ListExportTasksRequest(resource_type="BatchTask"))
    assert page.page.count > 0
"""


def test_a_users_test_file_passes_with_every_fixture_and_the_marker(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=11)


@pytest.mark.skipif(importlib.util.find_spec("xdist") is None, reason="pytest-xdist is not installed")
def test_the_plugin_works_under_xdist(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess("-p", "xdist", "-n", "2", "-p", "no:randomly")
    result.assert_outcomes(passed=11)


def _laws_against(pytester: pytest.Pytester, faults: list[str], *extra: str) -> pytest.RunResult:
    """The laws collected against the mock (served by the test) with ``faults``."""
    pytester.makepyfile(test_nothing="def test_placeholder():\n    pass\n")
    with serve_in_thread(Settings(seed=60, faults=tuple(faults))) as url:
        return pytester.runpytest_subprocess(
            "--iotda-base-url", url, "--iotda-project-id", "demo-project", "--iotda-token", "t",
            "--iotda-max-examples", "10", "--iotda-seed", "0", "-k", "not schemathesis", "-p", "no:randomly",
            *extra,
        )  # fmt: skip


def test_the_laws_collected_against_the_clean_mock_pass(pytester: pytest.Pytester) -> None:
    result = _laws_against(pytester, [], "--junitxml=laws.xml")
    result.assert_outcomes(passed=19, skipped=5)
    junit = (pytester.path / "laws.xml").read_text()
    assert 'name="walk-complete"' in junit


def test_the_laws_against_a_fault_fail_naming_the_law(pytester: pytest.Pytester) -> None:
    result = _laws_against(pytester, ["offset-ignored"], "-k", "offset-skips")
    result.assert_outcomes(failed=1)
    assert "iotda-laws::offset-skips" in textwrap.dedent(result.stdout.str())
