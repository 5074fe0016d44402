"""Every constraint is written once, in the spec: edit a copy and the mock and the regenerated client follow.

Beside ``test_mock_server.py`` (bounds, enum and the platform caps in the mock) and ``tests/test_codegen.py``
(a maximum in the regenerated client), these edit a ``default``, a ``pattern`` and a ``maxLength``, and
drop a ``maximum`` to show ``format: int32`` bounding the integer in both (``spec/keywords.py``).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import iotda_codegen
import pytest
import yaml
from iotda_client import _checks
from iotda_client.api.export_tasks import create_export_task, list_export_tasks

from iotda_contract import spec as spec_module
from iotda_contract.mock.settings import Settings
from iotda_contract.mock.testing import AUTH_HEADERS, serve_in_thread

LIST = "/v5/iot/demo-project/export-tasks"
#: Creates go to an instance of their own, so that the default instance's listing stays the seeded one.
CREATE_HEADERS = {"Instance-Id": "spec-edits"}
INVALID = {"error_code": "IOTDA.000006", "error_msg": "Invalid input data."}
OUT_OF_RANGE = {
    "error_code": "IOTDA.000017",
    "error_msg": "Invalid input. The specified parameter 'offset' is out of range.",
}
#: The edits: an omitted limit means 3 records, an app id is ``app_`` and digits, at most 8 characters,
#: and offset has no maximum (its ``format: int32`` remains).
LIMIT_DEFAULT = 3
APP_ID_PATTERN = "^app_[0-9]+$"
APP_ID_MAX_LENGTH = 8
INT32_MAX = 2**31 - 1


def _original() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(spec_module.DEFAULT_SPEC_PATH.read_text(encoding="utf-8"))
    return loaded


def test_the_edits_change_the_spec() -> None:
    raw = _original()
    assert raw["components"]["parameters"]["Limit"]["schema"]["default"] != LIMIT_DEFAULT
    app_id = raw["components"]["schemas"]["AppId"]
    assert (app_id["pattern"], app_id["maxLength"]) != (APP_ID_PATTERN, APP_ID_MAX_LENGTH)
    assert raw["components"]["parameters"]["AppId"]["schema"] == {"$ref": "#/components/schemas/AppId"}
    body = raw["components"]["schemas"]["AddExportTask"]["properties"]["app_id"]
    assert body == {"$ref": "#/components/schemas/AppId"}  # the query parameter and the body share it
    offset = raw["components"]["parameters"]["Offset"]["schema"]
    assert (offset["format"], offset["type"]) == ("int32", "integer")
    assert offset["maximum"] < INT32_MAX


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = _original()
    raw["components"]["parameters"]["Limit"]["schema"]["default"] = LIMIT_DEFAULT
    raw["components"]["schemas"]["AppId"]["pattern"] = APP_ID_PATTERN
    raw["components"]["schemas"]["AppId"]["maxLength"] = APP_ID_MAX_LENGTH
    del raw["components"]["parameters"]["Offset"]["schema"]["maximum"]
    path = tmp_path_factory.mktemp("spec") / "edited.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def mock(edited: Path) -> Iterator[httpx.Client]:
    """The mock serving the edited copy, seeded with 60 tasks."""
    with (
        serve_in_thread(Settings(seed=60, spec_path=str(edited))) as url,
        httpx.Client(base_url=url, headers=AUTH_HEADERS) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def original_mock() -> Iterator[httpx.Client]:
    """The mock serving the bundled spec, seeded the same way."""
    with (
        serve_in_thread(Settings(seed=60)) as url,
        httpx.Client(base_url=url, headers=AUTH_HEADERS) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def client_outcomes(edited: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """What a client regenerated from the edited copy does with each probe call (see ``_PROBE``)."""
    output = iotda_codegen.generate(edited, tmp_path_factory.mktemp("client") / "generated")
    result = subprocess.run(
        [sys.executable, "-c", _PROBE.format(distribution=str(output), int32_max=INT32_MAX)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    outcomes: dict[str, Any] = json.loads(result.stdout)
    return outcomes


#: Calls on a client imported from ``distribution``; prints, per call, what was sent or why it was refused.
_PROBE = textwrap.dedent(
    """
    import json, sys
    sys.path.insert(0, {distribution!r})
    import httpx
    from iotda_client import Client, ParameterError
    from iotda_client.api.export_tasks import create_export_task, list_export_tasks

    sent = []
    def handler(request):
        sent.append(request)
        if request.method == "POST":
            return httpx.Response(400, json={{"error_code": "IOTDA.000006", "error_msg": "x"}})
        return httpx.Response(200, json={{"export_tasks": [], "page": {{"count": 0}}}})
    client = Client(base_url="http://test").set_httpx_client(
        httpx.Client(base_url="http://test", transport=httpx.MockTransport(handler)))
    calls = {{
        "list": lambda: list_export_tasks.sync_detailed("p1", client=client, resource_type="BatchTask"),
        **{{
            f"list app_id={{app_id}}": lambda app_id=app_id: list_export_tasks.sync_detailed(
                "p1", client=client, resource_type="BatchTask", app_id=app_id)
            for app_id in ("app_1", "other", "app_1234", "app_12345")
        }},
        **{{
            f"create app_id={{app_id}}": lambda app_id=app_id: create_export_task.sync_detailed(
                "p1", client=client, body={{"resource_type": "BatchTask", "app_id": app_id}})
            for app_id in ("app_1", "other", "app_12345")
        }},
        **{{
            f"list offset={{offset}}": lambda offset=offset: list_export_tasks.sync_detailed(
                "p1", client=client, resource_type="BatchTask", offset=offset)
            for offset in ({int32_max}, {int32_max} + 1)
        }},
    }}
    outcomes = {{}}
    for name, call in calls.items():
        sent.clear()
        try:
            call()
        except ParameterError as err:
            outcomes[name] = ["refused", err.parameter, err.constraint, err.expected, err.pointer, len(sent)]
        else:
            (request,) = sent
            outcomes[name] = ["sent", dict(request.url.params), json.loads(request.content or "null")]
    print(json.dumps(outcomes))
    """
)


def _list(client: httpx.Client, **params: object) -> httpx.Response:
    return client.get(LIST, params={"resource_type": "BatchTask", **params})


def _committed_client_takes(app_id: str) -> None:
    """The committed client (from the bundled spec) takes ``app_id``: the edit alone refuses it."""
    _checks.check_value("app_id", list_export_tasks._RULES["app_id"].schema, app_id)
    _checks.check_body(
        create_export_task._BODY_SCHEMA, True, {"resource_type": "BatchTask", "app_id": app_id}
    )


def _create(client: httpx.Client, body: dict[str, Any]) -> httpx.Response:
    return client.post(LIST, json=body, headers=CREATE_HEADERS)


# --- default --------------------------------------------------------------------------------------


def test_an_omitted_limit_gives_the_edited_default_page_size(
    mock: httpx.Client, original_mock: httpx.Client, spec: spec_module.Spec
) -> None:
    page, original_page = _list(mock).json(), _list(original_mock).json()
    assert len(page["export_tasks"]) == LIMIT_DEFAULT
    assert page["page"]["count"] == original_page["page"]["count"] > 10  # the same records, more than a page
    assert len(_list(mock, limit=5).json()["export_tasks"]) == 5
    original = spec.operation("ListExportTasks").parameter("limit").default
    assert len(original_page["export_tasks"]) == original != LIMIT_DEFAULT


def test_the_regenerated_client_sends_the_edited_default(client_outcomes: dict[str, Any]) -> None:
    outcome, params, _ = client_outcomes["list"]
    assert outcome == "sent"
    assert params["limit"] == str(LIMIT_DEFAULT)  # the generated argument's default is the spec's


# --- pattern --------------------------------------------------------------------------------------


def test_the_mock_accepts_and_refuses_app_ids_by_the_edited_pattern(
    mock: httpx.Client, original_mock: httpx.Client
) -> None:
    assert _list(mock, app_id="app_1").status_code == 200
    refused = _list(mock, app_id="other")
    assert (refused.status_code, refused.json()) == (400, INVALID)
    assert _create(mock, {"resource_type": "BatchTask", "app_id": "app_1"}).status_code == 201
    refused = _create(mock, {"resource_type": "BatchTask", "app_id": "other"})
    assert (refused.status_code, refused.json()) == (400, INVALID)
    # The bundled spec's pattern takes "other": the edit alone refuses it.
    assert _list(original_mock, app_id="other").status_code == 200


def test_the_regenerated_client_follows_the_edited_pattern(client_outcomes: dict[str, Any]) -> None:
    outcome, params, _ = client_outcomes["list app_id=app_1"]
    assert (outcome, params["app_id"]) == ("sent", "app_1")
    assert client_outcomes["list app_id=other"] == ["refused", "app_id", "pattern", APP_ID_PATTERN, "", 0]
    assert client_outcomes["create app_id=app_1"][2] == {"resource_type": "BatchTask", "app_id": "app_1"}
    expected = ["refused", "body", "pattern", APP_ID_PATTERN, "/app_id", 0]
    assert client_outcomes["create app_id=other"] == expected
    _committed_client_takes("other")


# --- maxLength ------------------------------------------------------------------------------------


def test_the_mock_refuses_app_ids_over_the_edited_max_length(
    mock: httpx.Client, original_mock: httpx.Client
) -> None:
    longest, too_long = "app_1234", "app_12345"
    assert (len(longest), len(too_long)) == (APP_ID_MAX_LENGTH, APP_ID_MAX_LENGTH + 1)
    assert _list(mock, app_id=longest).status_code == 200
    refused = _list(mock, app_id=too_long)
    assert (refused.status_code, refused.json()) == (400, INVALID)
    refused = _create(mock, {"resource_type": "BatchTask", "app_id": too_long})
    assert (refused.status_code, refused.json()) == (400, INVALID)
    assert _list(original_mock, app_id=too_long).status_code == 200


def test_the_regenerated_client_follows_the_edited_max_length(client_outcomes: dict[str, Any]) -> None:
    assert client_outcomes["list app_id=app_1234"][0] == "sent"
    expected = ["refused", "app_id", "maxLength", APP_ID_MAX_LENGTH, "", 0]
    assert client_outcomes["list app_id=app_12345"] == expected
    expected = ["refused", "body", "maxLength", APP_ID_MAX_LENGTH, "/app_id", 0]
    assert client_outcomes["create app_id=app_12345"] == expected
    _committed_client_takes("app_12345")


# --- format ---------------------------------------------------------------------------------------


def test_without_a_maximum_the_mock_holds_offset_to_int32(mock: httpx.Client) -> None:
    assert _list(mock, offset=INT32_MAX).json()["export_tasks"] == []
    refused = _list(mock, offset=INT32_MAX + 1)
    assert (refused.status_code, refused.json()) == (400, OUT_OF_RANGE)


def test_without_a_maximum_the_regenerated_client_holds_offset_to_int32(
    client_outcomes: dict[str, Any],
) -> None:
    outcome, params, _ = client_outcomes[f"list offset={INT32_MAX}"]
    assert (outcome, params["offset"]) == ("sent", str(INT32_MAX))
    assert client_outcomes[f"list offset={INT32_MAX + 1}"] == ["refused", "offset", "format", "int32", "", 0]
