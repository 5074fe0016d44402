"""Assemble the mock from settings (spec, store, seed, auth, faults) and serve it with uvicorn."""

from __future__ import annotations

import gc
import socket
import sys
import time
from collections.abc import Callable
from typing import Any

from iotda_contract import spec as spec_module
from iotda_contract.mock import faults as faults_module
from iotda_contract.mock.app import MockApp
from iotda_contract.mock.auth import Authenticator, VerifyingAuthenticator
from iotda_contract.mock.seed import spec_seed_tasks
from iotda_contract.mock.settings import Settings
from iotda_contract.mock.store import Limits, Store
from iotda_contract.mock.validation import compile_operation, compile_parameter
from iotda_contract.mock.wire import Router
from iotda_contract.spec import SpecError

#: The operations the mock serves, by operationId.
OPERATIONS = ("ListExportTasks", "CreateExportTask", "DeleteExportTask", "ShowExportTask")


def build_app(settings: Settings, clock: Callable[[], float] = time.time) -> MockApp:
    """The ASGI app for ``settings``: validators compiled from the spec, the store opened and seeded."""
    document = spec_module.load(settings.spec_path)
    active = faults_module.parse(list(settings.faults))
    list_op = document.operation("ListExportTasks")
    paging = list_op.paging
    if paging is None:
        raise SpecError("ListExportTasks declares no x-iotda-paging")
    limit = list_op.parameter(paging.limit_parameter)
    unbounded = frozenset({paging.limit_parameter}) if "accepts-invalid-limit" in active else frozenset()
    defaults: dict[str, Any] = {}
    if "default-limit-changed" in active:
        defaults[paging.limit_parameter] = 2 * int(limit.default)
    operations = {
        op_id: compile_operation(document.operation(op_id), unbounded=unbounded, defaults=defaults)
        for op_id in OPERATIONS
        if op_id in document.operations
    }
    headers = {p.name.lower(): compile_parameter(p) for p in list_op.parameters if p.location == "header"}
    body_schema = document.schema("AddExportTask")
    create_defaults = {
        name: prop["default"] for name, prop in body_schema.get("properties", {}).items() if "default" in prop
    }
    stated = document.operation("CreateExportTask").limits
    store = Store(
        settings.db,
        Limits(
            max_tasks=_limit(settings.max_tasks, stated.max_tasks if stated else 0),
            max_unfinished=_limit(settings.max_unfinished, stated.max_unfinished if stated else 0),
            task_ms=int(settings.task_seconds * 1000),
        ),
        clock=clock,
    )
    if settings.seed > 0 and len(store) == 0:
        store.bulk_load(spec_seed_tasks(document, settings.seed, settings.seed_random, settings.seed_project))
    authenticator: Authenticator
    if settings.auth == "verify":
        if not settings.credentials:
            raise ValueError("--auth verify needs --credentials FILE")
        authenticator = VerifyingAuthenticator(settings.credentials)
    elif settings.auth == "any":
        authenticator = Authenticator()
    else:
        raise ValueError(f"unknown --auth mode {settings.auth!r}")
    return MockApp(
        store=store,
        router=Router.from_spec(document),
        operations=operations,
        paging=paging,
        headers=headers,
        create_defaults=create_defaults,
        authenticator=authenticator,
        faults=active,
        max_body_bytes=settings.max_body_bytes,
        latency=settings.latency_ms / 1000,
        download_interval=_download_interval(settings, document),
    )


def _download_interval(settings: Settings, document: spec_module.Spec) -> float:
    """Seconds between two downloads of one user: the setting, else the spec's (0 when it states none)."""
    if settings.download_interval is not None:
        return max(0.0, settings.download_interval)
    show = document.operations.get("ShowExportTask")
    stated = show.download_limits if show is not None else None
    return stated.interval_seconds if stated is not None else 0.0


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket (port 0: any free port), ready before the server loop starts."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def uvicorn_config(app: Callable[..., Any], settings: Settings | None = None) -> Any:
    """uvicorn's configuration for the mock: uvloop, the mock's httptools protocol under the limits of
    ``settings`` (default: the CLI's), no WebSocket, no access log."""
    import uvicorn

    from iotda_contract.mock.protocol import protocol_class

    return uvicorn.Config(
        app,
        lifespan="off",
        access_log=False,
        log_level="warning",
        loop="auto",
        http=protocol_class(settings or Settings()),
        # The mock serves no WebSocket: the protocol answers an upgrade with 400 in the API's format.
        ws="none",
        server_header=False,
        date_header=False,
    )


def raise_open_files_limit(wanted: int = 65536) -> int:
    """Raise this process's soft limit of open files towards its hard limit (at most ``wanted``), so that
    a burst of connections beyond ``--max-connections`` is answered 503 instead of failing to be
    accepted; the limit now in force."""
    try:
        import resource
    except ImportError:  # not a POSIX system
        return 0
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(hard, wanted)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):
            return int(soft)
        return target
    return int(soft)


def serve(settings: Settings) -> int:
    """Run the mock until interrupted; print the URL it serves on first."""
    import uvicorn

    started = time.perf_counter()
    served: Callable[..., Any]
    if settings.control:
        from iotda_contract.mock.control import ControlledMock

        controlled = ControlledMock(settings)
        app, served = controlled.app, controlled
        print("note: the control API is on (/__iotda/reset, /seed, /advance, /state)", file=sys.stderr)
    else:
        app = served = build_app(settings)
    gc.collect()
    gc.freeze()
    sock = bind(settings.host, settings.port)
    loaded = time.perf_counter() - started
    print(url_of(sock), flush=True)
    print(f"ready in {loaded:.3f}s ({len(app.store)} tasks in {settings.db})", file=sys.stderr, flush=True)
    max_tasks = app.store.limits.max_tasks
    if max_tasks and settings.seed > max_tasks:
        print(
            f"note: --seed {settings.seed} exceeds --max-tasks {max_tasks}; the next create in a "
            "project and instance evicts its earliest tasks down to the limit (--max-tasks 0 keeps them)",
            file=sys.stderr,
            flush=True,
        )
    raise_open_files_limit()
    server = uvicorn.Server(uvicorn_config(served, settings))
    try:
        server.run(sockets=[sock])
    finally:
        (controlled.app if settings.control else app).store.close()
    return 0


def _limit(given: int | None, stated: int) -> int:
    """A cap from the command line, or the spec's when none was given."""
    return stated if given is None else given
