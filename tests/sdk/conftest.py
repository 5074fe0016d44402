"""Fixtures for the official-SDK tests: import huaweicloudsdkcore/iotda with HOME in a temporary folder."""

from __future__ import annotations

import importlib
import itertools
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest
from sdk_support import (
    AK,
    EXPIRED_AK,
    EXPIRED_AT,
    EXPIRED_SK,
    EXPIRED_TOKEN,
    OTHER_AK,
    OTHER_PROJECT,
    OTHER_SK,
    PROJECTS,
    REGION,
    SECURITY_TOKEN,
    SK,
    TEMP_AK,
    TEMP_EXPIRES_AT,
    TEMP_SK,
    TOKEN,
)

from iotda_contract.mock.settings import Settings
from iotda_contract.mock.testing import serve_in_thread

_SDK_MODULES = {
    "core": "huaweicloudsdkcore",
    "signer": "huaweicloudsdkcore.signer.signer",
    "sdk_request": "huaweicloudsdkcore.sdk_request",
    "credentials": "huaweicloudsdkcore.auth.credentials",
    "exceptions": "huaweicloudsdkcore.exceptions.exceptions",
    "http_config": "huaweicloudsdkcore.http.http_config",
    "http_handler": "huaweicloudsdkcore.http.http_handler",
    "region": "huaweicloudsdkcore.region.region",
    "iotda": "huaweicloudsdkiotda.v5",
}


@pytest.fixture(scope="session")
def sdk(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """The official SDK's modules, imported with HOME pointing at a temporary folder.

    Importing huaweicloudsdkcore writes ``$HOME/.huaweicloud/application_id``: keep it out of the real home.
    """
    home = tmp_path_factory.mktemp("sdk-home")
    modules: dict[str, ModuleType] = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        for key, name in _SDK_MODULES.items():
            modules[key] = importlib.import_module(name)
    assert (home / ".huaweicloud" / "application_id").exists(), (
        "the SDK was imported before this fixture ran, so HOME was not redirected"
    )
    return SimpleNamespace(**modules)


# --- the mock, served with --auth verify, and official-SDK clients pointed at it ---------------------------


@pytest.fixture(scope="session")
def credentials_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("credentials") / "credentials.json"
    document = {
        "credentials": [
            {"ak": AK, "sk": SK, "projects": list(PROJECTS)},
            {"ak": OTHER_AK, "sk": OTHER_SK, "projects": [OTHER_PROJECT]},
            {"token": TOKEN, "id": "interop-token", "projects": list(PROJECTS)},
            {
                "ak": TEMP_AK,
                "sk": TEMP_SK,
                "security_token": SECURITY_TOKEN,
                "expires_at": TEMP_EXPIRES_AT,
                "projects": list(PROJECTS),
            },
            {
                "ak": EXPIRED_AK,
                "sk": EXPIRED_SK,
                "security_token": EXPIRED_TOKEN,
                "expires_at": EXPIRED_AT,
                "projects": list(PROJECTS),
            },
        ]
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def mock_url(credentials_file: Path) -> Iterator[str]:
    """The mock on a real socket, verifying signatures against ``credentials_file``."""
    with serve_in_thread(Settings(auth="verify", credentials=str(credentials_file))) as url:
        yield url


_projects = itertools.count()


@pytest.fixture
def project() -> str:
    """A project no other test of this session uses, so that each test starts from an empty list."""
    return PROJECTS[next(_projects) % len(PROJECTS)]


@pytest.fixture
def sdk_client(sdk: SimpleNamespace, mock_url: str) -> Iterator[Callable[..., Any]]:
    """Build an official ``IoTDAClient`` for the mock: ``sdk_client(project, derived=..., ak=..., sk=...)``;
    ``security_token=...`` makes the credentials temporary (``with_security_token``).

    Every client built is closed when the test ends.
    """
    built: list[Any] = []

    def build(
        project_id: str,
        *,
        ak: str = AK,
        sk: str = SK,
        derived: bool = False,
        security_token: str | None = None,
        endpoint: str | None = None,
        on_request: Callable[..., None] | None = None,
        on_response: Callable[..., None] | None = None,
    ) -> Any:
        credentials = sdk.credentials.BasicCredentials(ak, sk, project_id)
        if security_token is not None:
            credentials.with_security_token(security_token)
        config = sdk.http_config.HttpConfig.get_default_config()
        config.timeout = 10
        builder = sdk.iotda.IoTDAClient.new_builder().with_credentials(credentials).with_http_config(config)
        if derived:
            credentials.with_derived_predicate(lambda request: True)
            builder = builder.with_region(sdk.region.Region(REGION, endpoint or mock_url))
        else:
            builder = builder.with_endpoints([endpoint or mock_url])
        if on_request is not None or on_response is not None:
            handler = sdk.http_handler.HttpHandler()
            if on_request is not None:
                handler.add_request_handler(on_request)
            if on_response is not None:
                handler.add_response_handler(on_response)
            builder = builder.with_http_handler(handler)
        client = builder.build()
        built.append(client)
        return client

    yield build
    for client in built:
        client.close()
