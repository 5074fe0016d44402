"""Run schemathesis (every phase, every built-in check, plus paging checks) against the same target."""

from __future__ import annotations

import copy
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

import schemathesis
from schemathesis.engine import events, from_schema

import iotda_contract.conformance.st_checks  # noqa: F401  (registers the paging checks with schemathesis)
from iotda_contract.conformance.context import LawContext
from iotda_contract.conformance.redact import Redactor
from iotda_contract.conformance.results import (
    HELD,
    PROFILE_PLATFORM,
    SchemathesisResult,
)
from iotda_contract.conformance.sharing import side_by_side
from iotda_contract.conformance.st_relay import Relay
from iotda_contract.conformance.st_signing import (
    RequestsSigner,
    answer_deadline,
    bounded_reads,
    rate_limit_retries,
)
from iotda_contract.conformance.target import TOKEN_HEADER
from iotda_contract.spec import JSON_SCHEMA_EXTENSION
from iotda_contract.spec.decisions import relax

PHASES = ("examples", "coverage", "fuzzing", "stateful")
#: schemathesis checks that assert one of the contract's decisions, not the description: left out under
#: the platform profile, and their failures are deviations (not violations) under the contract profile.
CHECK_DECISIONS = {
    "positive_data_acceptance": "accept-within-constraints",
    "unsupported_method": "unsupported-method-405",
}


def schemathesis_document(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The spec as schemathesis should read it.

    A query parameter that carries JSON text (``x-iotda-json-schema``) is declared with OpenAPI's
    ``content: application/json`` instead, so schemathesis generates JSON of that schema rather than
    arbitrary strings that the contract rightly refuses (its positive_data_acceptance would flag them).
    """
    document: dict[str, Any] = copy.deepcopy(dict(raw))
    for parameter in document.get("components", {}).get("parameters", {}).values():
        json_schema = parameter.pop(JSON_SCHEMA_EXTENSION, None)
        if json_schema is not None:
            parameter.pop("schema", None)
            parameter["content"] = {"application/json": {"schema": json_schema}}
    return document


#: The parts of a run. ``list``: the list operation alone, every phase; it changes no data, so its positive
#: and negative runs go side by side (``--concurrency``), and beside the read-only laws. ``writes``: every
#: other operation, and the stateful phase over all of them (the list's unit phases are ``list``'s); it
#: creates and deletes tasks, so it runs alone, one request at a time.
LIST_PART, WRITE_PART = "list", "writes"
UNIT_PHASES = ("examples", "coverage", "fuzzing")


def parts(ctx: LawContext) -> tuple[str, ...]:
    """The parts a run has: the list's, and the writes' when writes are allowed."""
    return (LIST_PART, WRITE_PART) if ctx.allow_writes else (LIST_PART,)


def run_schemathesis(
    ctx: LawContext,
    *,
    token: str | None,
    max_examples: int,
    seed: int | None,
    exclude_checks: tuple[str, ...] = (),
    on_event: Callable[[str], None] | None = None,
    signer: RequestsSigner | None = None,
    stop: threading.Event | None = None,
    part: str = LIST_PART,
) -> SchemathesisResult:
    """Run every phase with every check over ``part`` of the spec (:func:`parts`; the runner runs each).

    schemathesis judges only what the description states: positive cases come from the contract's request
    schemas (valid under every reading), negative cases from the platform view (invalid under every
    reading), and answers are read against the platform view. The laws hold the backend to the decisions.
    With ``signer`` every request is signed with an access key and secret key (``st_signing``).

    In the list part with ``ctx.concurrency`` above 1, the positive and the negative run go side by side;
    what they find is merged in that order, as one after the other. ``stop`` ends them.
    """
    started = time.monotonic()
    contract = ctx.contract
    result = SchemathesisResult(status=HELD, phases=list(PHASES))
    redact = Redactor.of(token=token, ak=signer.access_key if signer else None,
                         sk=signer.secret_key if signer else None)  # fmt: skip
    excluded = tuple(exclude_checks)
    scheme = "IamToken" if token is not None else "AkSkSignature"
    if signer is not None:
        excluded += ("ignored_auth",)
        result.notes.append("ignored_auth left out: every request is signed afresh with --ak/--sk, so none "
                            "can be sent without valid credentials")  # fmt: skip
    result.notes.append(f"the spec offers AK/SK or a token; schemathesis was given only {scheme}, the one "
                        "in use, so that ignored_auth asks no more than the spec")  # fmt: skip
    if ctx.profile == PROFILE_PLATFORM:
        excluded += tuple(CHECK_DECISIONS)
        result.notes += [f"{check} left out: it checks decision {decision}, not the description"
                         for check, decision in CHECK_DECISIONS.items()]  # fmt: skip
    watch = _TaskWatch(ctx)
    response_side = [d.id for d in ctx.decisions.values() if d.sides == {"response"}]
    runs = (("positive", relax(contract.spec.raw, response_side)),
            ("negative", relax(contract.spec.raw, list(ctx.decisions))))  # fmt: skip
    declared = frozenset(op.method for op in contract.spec.operations.values())
    relay = Relay(ctx.target.base_url, lambda session: _configure(session, signer, watch),
                  timeout=ctx.target.timeout, verify=ctx.target.verify)  # fmt: skip

    def one(mode: str, raw: dict[str, Any]) -> _Found:
        # the negative run reads the platform view: a case valid there proves nothing about acceptance
        left_out = excluded + (("positive_data_acceptance",) if mode == "negative" else ())
        schema = _schema(ctx, raw, relay.url, mode=mode, scheme=scheme, token=token,
                         max_examples=max_examples, seed=seed, excluded=left_out, part=part)  # fmt: skip
        return _execute(schema, lambda text: redact(relay.backend_view(text)), on_event, f"{part} {mode}",
                        declared, stop)  # fmt: skip

    with relay, _thread_crashes(watch):
        if ctx.concurrency > 1 and part == LIST_PART:
            found = [outcome for _, outcome in side_by_side(runs, lambda run: one(*run), len(runs))]
        else:
            found = [one(*run) for run in runs]
    _merge(found, result)
    for check, decision in CHECK_DECISIONS.items():
        # schemathesis' generators stray from the schemas now and then (header texts, coverage values):
        # what these checks find is shown, not counted, so that a stray case is never a false deviation
        found_here = result.failures.pop(check, [])
        if found_here and ctx.profile != PROFILE_PLATFORM and decision not in ctx.accepted:
            result.notes.append(f"{check} (decision {decision}), shown, not counted: {found_here[0]}")
    result.errors += [redact(p) for p in dict.fromkeys(watch.problems)][:20]
    result.seconds = time.monotonic() - started
    return result.concluded()


def _schema(ctx: LawContext, raw: dict[str, Any], base_url: str, *, mode: str, scheme: str, token: str | None,
            max_examples: int, seed: int | None, excluded: tuple[str, ...], part: str) -> Any:  # fmt: skip
    document = schemathesis_document(raw)
    # signed requests are signed afresh by the session: schemathesis is not told of a scheme it cannot vary
    document["security"] = [{scheme: []}] if token is not None else []
    config: dict[str, Any] = {
        # every request goes through the relay, which sends it on to the backend (``st_relay``)
        "base-url": base_url,
        "headers": ctx.target.headers() if token is None else _without(ctx.target.headers(), TOKEN_HEADER),
        "parameters": {"project_id": ctx.target.project_id},
        "generation": {
            "max-examples": max_examples,
            "mode": mode,
            "database": str(ctx.example_db / "schemathesis") if ctx.example_db else "none",
        },
        "phases": {name: {"enabled": True} for name in PHASES},
        "checks": {name: {"enabled": False} for name in excluded},
        "output": {"sanitization": {"enabled": False}},
        # the relay bounds each attempt by the run's timeout; schemathesis waits for all of them
        "request-timeout": answer_deadline(ctx.target.timeout),
        # schemathesis' own workers test operations side by side: only the list's, never the writes
        "workers": ctx.concurrency if part == LIST_PART else 1,
    }
    if token is not None:
        config["auth"] = {"openapi": {scheme: {"api_key": token}}}
    if seed is not None:
        config["seed"] = seed
    list_id = ctx.contract.list_op.operation_id
    if part != LIST_PART:
        # the list's unit phases are the list part's: here the list is one step of the stateful phase
        config["operations"] = [{"include-operation-id": list_id,
                                 "phases": {name: {"enabled": False} for name in UNIT_PHASES}}]  # fmt: skip
    schema: Any = schemathesis.openapi.from_dict(document, config=schemathesis.Config.from_dict(config))
    if part == LIST_PART:
        schema = schema.include(operation_id=list_id)
    else:
        # A download the spec rate-limits (one file every 30 s): schemathesis' 429 retries (up to 6, each
        # waiting Retry-After) would stall the run on it; the download is left to laws of its own.
        for op in ctx.contract.spec.operations.values():
            if op.download_limits is not None:
                schema = schema.exclude(operation_id=op.operation_id)
    return schema


def _without(headers: dict[str, str], name: str) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k.lower() != name.lower()}


def _attributed(check: str, sample: str, declared: frozenset[str]) -> str:
    """A server error answered to a method the spec does not declare is unsupported_method's business."""
    method = re.search(r"curl -X ([A-Za-z]+)", sample)
    if check == "not_a_server_error" and method is not None and method.group(1).upper() not in declared:
        return "unsupported_method"
    return check


@dataclass
class _Found:
    """What one schemathesis run saw: cases, answers by class, failures (check, title, text), errors."""

    cases: int = 0
    responses: dict[str, int] = field(default_factory=dict)
    failures: list[tuple[str, str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _rate_limited_probe(recorder: Any, failure: Any) -> bool:
    """Whether a failure rests on a probe the backend answered with its rate limit (429): ignored_auth sends
    its probes without credentials and without the session's retries, and a 429 says nothing about auth."""
    interaction = recorder.interactions.get(getattr(failure, "case_id", None))
    response = getattr(interaction, "response", None)
    return response is not None and response.status_code == 429


def _merge(found: list[_Found], result: SchemathesisResult) -> None:
    """Add the runs' findings to ``result`` in order; a failure with a check and title seen is left out."""
    seen: set[tuple[str, str]] = set()
    for part in found:
        result.cases += part.cases
        for kind, number in part.responses.items():
            result.responses[kind] = result.responses.get(kind, 0) + number
        for name, title, text in part.failures:
            if (name, title) not in seen:
                seen.add((name, title))
                result.failures.setdefault(name, []).append(text)
        result.errors += part.errors


def _execute(schema: Any, redact: Callable[[str], str], on_event: Callable[[str], None] | None, mode: str,
             declared: frozenset[str], stop: threading.Event | None = None) -> _Found:  # fmt: skip
    found, seen = _Found(), set[tuple[str, str]]()
    stream = from_schema(schema).execute()
    for event in stream:
        if stop is not None and stop.is_set():
            stream.stop()  # its next event is the last
        if isinstance(event, events.ScenarioFinished):
            found.cases += len(event.recorder.cases)
            for interaction in event.recorder.interactions.values():
                if interaction.response is not None:
                    kind = f"{interaction.response.status_code // 100}xx"
                    found.responses[kind] = found.responses.get(kind, 0) + 1
            for checks in event.recorder.checks.values():
                for check in checks:
                    info = check.failure_info
                    if info is None or _rate_limited_probe(event.recorder, info.failure):
                        continue
                    title = str(info.failure.title)
                    name = _attributed(check.name, str(info.code_sample), declared)
                    if (name, title) in seen:
                        continue
                    seen.add((name, title))
                    text = f"[{mode} {event.phase.value}] {title}: {str(info.failure.message).strip()[:300]}"
                    found.failures.append((name, title, redact(f"{text}\n{info.code_sample}")))
        elif isinstance(event, events.NonFatalError | events.FatalError):
            error = getattr(event, "value", None) or getattr(event, "exception", None)
            found.errors.append(redact(f"{type(event).__name__}: {type(error).__name__}: {error}"[:500]))
        elif isinstance(event, events.PhaseFinished) and on_event is not None:
            on_event(f"schemathesis {mode} {event.phase.name.value}: {event.status.value}")
    return found


@contextmanager
def _thread_crashes(watch: _TaskWatch) -> Iterator[None]:
    """A schemathesis worker thread that dies is an error of the run, in one line, not a traceback."""
    previous = threading.excepthook

    def report(args: threading.ExceptHookArgs) -> None:
        watch.problems.append(f"a schemathesis thread ({args.thread.name if args.thread else '?'}) died: "
                              f"{args.exc_type.__name__}: {str(args.exc_value)[:200]}")  # fmt: skip

    threading.excepthook = report
    try:
        yield
    finally:
        threading.excepthook = previous


def _configure(session: Any, signer: RequestsSigner | None, watch: _TaskWatch) -> None:
    if signer is not None:
        session.auth = signer
    adapter = rate_limit_retries(watch.ctx.target.pace)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    target = watch.ctx.target
    session.hooks["response"][:0] = [bounded_reads(target.max_body, target.timeout, watch.problems)]
    session.hooks["response"].append(watch)


class _TaskWatch:
    """Sees every answer schemathesis gets: the tasks it creates join the run's clean-up list.

    At most ``OUTSTANDING`` of them stay at once (the oldest is deleted first), so that the run never holds
    more tasks than the write guard allowed for.
    """

    OUTSTANDING = 5

    def __init__(self, ctx: LawContext) -> None:
        self.ctx = ctx
        self.create_path = ctx.target.list_path
        self.mine: list[str] = []
        #: Answers that could not be read safely (over the cap, too slow, nested too deep).
        self.problems: list[str] = []

    def __call__(self, response: Any, *args: Any, **kwargs: Any) -> Any:
        request = response.request
        path = urlsplit(str(request.url)).path
        if request.method == "POST" and path.endswith(self.create_path) and response.status_code == 201:
            self._created(response)
        elif (
            request.method == "DELETE"
            and path.startswith(self.create_path + "/")
            and response.status_code < 300
        ):
            task_id = unquote(path[len(self.create_path) + 1 :])
            self.ctx.created[:] = [c for c in self.ctx.created if c[0] != task_id]
        return response

    def _created(self, response: Any) -> None:
        from iotda_contract.conformance.laws_write import usable_id

        try:
            task_id = response.json().get(self.ctx.contract.key_field)
        except (ValueError, AttributeError):
            return
        if not usable_id(self.ctx, task_id):
            return  # response_schema_conformance reports it; an unusable id is never sent anywhere
        self.ctx.created.append((task_id, {}))
        self.ctx.created_log.append((task_id, "schemathesis"))
        self.mine.append(task_id)
        outstanding = [t for t in self.mine if any(c[0] == t for c in self.ctx.created)]
        for old in outstanding[: max(0, len(outstanding) - self.OUTSTANDING)]:
            self.ctx.target.delete(old)
            self.ctx.created[:] = [c for c in self.ctx.created if c[0] != old]
