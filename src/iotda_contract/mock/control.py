"""The mock's control API, off the spec's paths: reset, seed, advance time, read the state.

On only when asked for (``serve --control``, the pytest plugin), since the platform has no such paths. A
mock started once (in CI, or by another language's tests) can be put back between tests::

    POST /__iotda/reset    {"seed": 20, "faults": ["offset-ignored"], "max_tasks": 5, "auth": "any"}
    POST /__iotda/seed     {"count": 10, "project": "demo-project", "seed_random": 3}
    POST /__iotda/advance  {"seconds": 30}
    GET  /__iotda/state

``reset`` rebuilds the mock from the settings it was started with, changed by the fields given (any of
``seed``, ``seed_random``, ``seed_project``, ``faults``, ``max_tasks``, ``max_unfinished``, ``task_seconds``,
``download_interval``, ``auth``), on an empty in-memory store, with the clock back at real time. Answers
are JSON; a bad request gets 400 in the API's error format. The control paths need no credentials.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from iotda_contract import spec as spec_module
from iotda_contract.mock.app import MockApp
from iotda_contract.mock.faults import UnknownFault
from iotda_contract.mock.seed import spec_seed_tasks
from iotda_contract.mock.server import build_app
from iotda_contract.mock.settings import AUTH_MODES, Settings

PREFIX = "/__iotda/"
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
#: The settings ``reset`` may change, with their types.
RESETTABLE: dict[str, type | tuple[type, ...]] = {
    "seed": int, "seed_random": int, "seed_project": str, "faults": list, "max_tasks": (int, type(None)),
    "max_unfinished": (int, type(None)), "task_seconds": (int, float), "auth": str,
    "download_interval": (int, float, type(None)),
}  # fmt: skip


class OffsetClock:
    """Real time plus an offset that ``advance`` moves forward (task progress follows it)."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


class ControlledMock:
    """An ASGI app: the mock, with the control API in front of it."""

    def __init__(self, settings: Settings) -> None:
        self.base = settings
        self.clock = OffsetClock()
        self.settings = settings
        #: The spec, read once (``reset`` cannot change which one).
        self.document = spec_module.load(settings.spec_path)
        self.app: MockApp = build_app(settings, clock=self.clock)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and str(scope.get("path", "")).startswith(PREFIX):
            body = b""
            while True:
                message = await receive()
                body += message.get("body", b"")
                if not message.get("more_body"):
                    break
            status, answer = self.handle(scope["method"], scope["path"][len(PREFIX) :], body)
            payload = json.dumps(answer).encode()
            headers = [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
            ]
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": payload})
            return
        await self.app(scope, receive, send)

    def handle(self, method: str, action: str, body: bytes) -> tuple[int, dict[str, Any]]:
        """One control request: (status, JSON answer)."""
        try:
            data = json.loads(body) if body.strip() else {}
            if not isinstance(data, dict):
                raise ValueError("the body must be a JSON object")
            if (method, action) == ("POST", "reset"):
                self.reset(**data)
            elif (method, action) == ("POST", "seed"):
                self.seed(**data)
            elif (method, action) == ("POST", "advance"):
                self.advance(float(data.get("seconds", 0)))
            elif (method, action) != ("GET", "state"):
                return 404, {
                    "error_code": "IOTDA.000404",
                    "error_msg": f"no control action {method} {action}",
                }
        except (ValueError, TypeError, UnknownFault) as err:
            return 400, {"error_code": "IOTDA.000006", "error_msg": f"Invalid control request: {err}"}
        return 200, self.state()

    def reset(self, **changes: Any) -> None:
        """Back to the start settings changed by ``changes``: a fresh store, seeded; real time."""
        for name, value in changes.items():
            if name not in RESETTABLE or not isinstance(value, RESETTABLE[name]):
                raise ValueError(f"{name}={value!r} cannot be reset (known: {', '.join(RESETTABLE)})")
        if changes.get("auth", self.base.auth) not in AUTH_MODES:
            raise ValueError(f"auth must be one of {', '.join(AUTH_MODES)}")
        if "faults" in changes:
            changes["faults"] = tuple(changes["faults"])
        settings = dataclasses.replace(self.base, db=":memory:", **changes)
        fresh = build_app(settings, clock=self.clock)  # built first: a bad request leaves the mock as it was
        self.app.store.close()
        self.app, self.settings, self.clock.offset = fresh, settings, 0.0

    def seed(self, count: int, project: str | None = None, seed_random: int = 0) -> None:
        """Add ``count`` synthetic tasks (after the ones there, newest last)."""
        if not isinstance(count, int) or not 0 < count <= 100_000:
            raise ValueError("count must be an integer from 1 to 100000")
        if len(self.app.store):
            raise ValueError("seed adds to an empty store only: reset first (with a seed, or none)")
        project_id = project or self.settings.seed_project
        self.app.store.bulk_load(spec_seed_tasks(self.document, count, seed_random, project_id))

    def advance(self, seconds: float) -> None:
        if not 0 <= seconds <= 10 * 365 * 86400:
            raise ValueError("seconds must be from 0 to ten years")
        self.clock.offset += seconds

    def state(self) -> dict[str, Any]:
        s = self.settings
        limits = self.app.store.limits
        return {"tasks": len(self.app.store), "faults": list(s.faults), "seed": s.seed, "auth": s.auth,
                "max_tasks": limits.max_tasks, "max_unfinished": limits.max_unfinished,
                "clock_offset": self.clock.offset}  # fmt: skip
