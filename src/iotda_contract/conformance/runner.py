"""One conformance run end to end: check the options, probe, guard writes, run the laws and schemathesis."""

from __future__ import annotations

import contextlib
import random
import threading
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from rich.console import Console

from iotda_contract import spec as spec_module
from iotda_contract.client.auth import AkSkAuth
from iotda_contract.conformance.cleanup import delete_created
from iotda_contract.conformance.context import LawContext
from iotda_contract.conformance.contract import PagingContract, load_contract
from iotda_contract.conformance.engine import run_laws
from iotda_contract.conformance.errors import TargetError
from iotda_contract.conformance.laws_read import NO_RECORDS
from iotda_contract.conformance.pacing import Pace
from iotda_contract.conformance.progress import LiveProgress
from iotda_contract.conformance.redact import Redactor
from iotda_contract.conformance.registry import Law, select
from iotda_contract.conformance.results import (
    PROFILE_CONTRACT,
    PROFILES,
    SKIPPED,
    RunResult,
    SchemathesisResult,
)
from iotda_contract.conformance.sharing import Beside, ast_parse_serialised, import_before_threads
from iotda_contract.conformance.target import Target
from iotda_contract.conformance.wire import MAX_BODY, REQUEST_DEADLINE
from iotda_contract.spec import SpecError, pattern_regex
from iotda_contract.spec.decisions import decisions

#: Tasks a run may hold at once: the laws create at most four at a time, schemathesis' creates are
#: deleted once this many are outstanding. The write guard leaves this much room under the platform's cap.
WRITE_HEADROOM = 10
#: With no --max-records, walks may visit what the first page's page.count needs plus this slack, and at
#: least RECORD_FLOOR (a backend whose count is wrong must not shorten the walks that show it).
RECORD_SLACK = 60
RECORD_FLOOR = 1000
#: The most records a walk visits unless --max-records says more.
MAX_RECORDS_CAP = 10_000


class UsageError(TargetError):
    """The options cannot make a run (bad project id, unknown law or decision): exit 2, before any request."""


class RunStopped(Exception):
    """The run stopped before its end; ``result`` is what it had checked, ``cause`` why."""

    def __init__(self, result: RunResult, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.result, self.cause = result, cause


@dataclass
class CheckOptions:
    """Everything ``iotda-contract check`` accepts."""

    base_url: str
    project_id: str
    instance_id: str | None = None
    token: str | None = None
    ak: str | None = None
    sk: str | None = None
    #: Temporary credentials: sent, signed, in X-Security-Token with the AK/SK.
    security_token: str | None = None
    region: str | None = None
    allow_writes: bool = False
    seed: int | None = None
    max_examples: int = 25
    #: Examples of each law that writes, and of schemathesis' creates and deletes (at most max_examples):
    #: every one creates export tasks on the backend, each a real export on the platform.
    max_write_examples: int = 10
    #: None: what the first page's page.count needs (at most MAX_RECORDS_CAP).
    max_records: int | None = None
    shrink_seconds: float = 5.0
    laws: list[str] = field(default_factory=list)
    schemathesis: bool = True
    exclude_checks: tuple[str, ...] = ()
    other_instance_id: str = "iotda-contract-other-instance"
    spec_path: str = str(spec_module.DEFAULT_SPEC_PATH)
    report_dir: Path | None = None
    timeout: float = REQUEST_DEADLINE
    #: The whole run's time (seconds); None: no bound.
    max_time: float | None = None
    max_body: int = MAX_BODY
    #: ``-H NAME:VALUE`` headers added to every request.
    headers: tuple[tuple[str, str], ...] = ()
    #: TLS: True, False (``--insecure``) or a CA bundle's path (``--ca-bundle``).
    verify: bool | str = True
    #: hypothesis' example database (default: ``hypothesis/`` in the report folder; none without one).
    example_db: Path | None = None
    #: Requests per second, for the whole run (``--rate-limit``); None: no limit.
    rate_limit: float | None = None
    #: Requests under way at once (``--concurrency``): read-only laws and schemathesis side by side; 1: one
    #: request after another.
    concurrency: int = 1
    profile: str = PROFILE_CONTRACT
    accept: tuple[str, ...] = ()
    accept_eviction: bool = False

    @property
    def write_examples(self) -> int:
        """Examples of a law that writes: ``max_write_examples``, never more than ``max_examples``."""
        return min(self.max_examples, self.max_write_examples)

    def access_keys(self) -> tuple[str, str] | None:
        """(AK, SK) when requests are to be signed: no token was given and both keys were."""
        if self.token is None and self.ak and self.sk:
            return self.ak, self.sk
        return None


def validate(options: CheckOptions) -> tuple[PagingContract, list[Law]]:
    """The contract and the laws to run; UsageError for anything that makes the run meaningless."""
    if options.profile not in PROFILES:
        raise UsageError(f"unknown profile {options.profile!r}: choose {' or '.join(PROFILES)}")
    if options.token is None and options.access_keys() is None:
        raise UsageError(
            "credentials are needed: --token T, or --ak AK --sk SK (or IOTDA_TOKEN, IOTDA_AK/IOTDA_SK)"
        )
    if options.security_token is not None and options.access_keys() is None:
        raise UsageError("--security-token goes with --ak and --sk (temporary credentials), not a token")
    if options.max_examples < 1:
        raise UsageError("--max-examples must be at least 1")
    if options.max_write_examples < 1:
        raise UsageError("--max-write-examples must be at least 1")
    if options.max_records is not None and options.max_records < 1:
        raise UsageError("--max-records must be at least 1")
    if (
        isinstance(options.concurrency, bool)
        or not isinstance(options.concurrency, int)
        or options.concurrency < 1
    ):
        raise UsageError(f"--concurrency must be a whole number, at least 1, not {options.concurrency!r}")
    if options.timeout <= 0 or (options.max_time is not None and options.max_time <= 0):
        raise UsageError("--request-timeout and --max-time must be positive")
    credentials = {"authorization", "x-auth-token", "x-sdk-date", "x-security-token", "host"}
    for name, _ in options.headers:
        if not name or name.lower() in credentials or not name.replace("-", "").isalnum():
            raise UsageError(f"-H {name!r}: a header name of letters, digits and '-', not a credential")
    if isinstance(options.verify, str) and not Path(options.verify).is_file():
        raise UsageError(f"--ca-bundle {options.verify}: no such file")
    try:
        contract = load_contract(spec_module.load(options.spec_path))
    except SpecError as err:
        raise UsageError(str(err)) from None
    unknown = sorted(set(options.accept) - decisions(contract.spec.raw).keys())
    if unknown:
        known = ", ".join(sorted(decisions(contract.spec.raw)))
        raise UsageError(f"--accept: unknown decision(s) {', '.join(unknown)}; known: {known}")
    project = contract.list_op.parameter("project_id").schema
    if "pattern" in project and not (
        pattern_regex(project["pattern"]).search(options.project_id)
        and len(options.project_id) <= int(project.get("maxLength", len(options.project_id)))
    ):
        raise UsageError(f"--project-id {options.project_id!r} is not a project id: the spec wants "
                         f"{project['pattern']}, at most {project.get('maxLength')} "
                         "characters")  # fmt: skip
    try:
        laws = select(options.laws or None, allow_writes=options.allow_writes)
    except KeyError as err:
        raise UsageError(f"{err.args[0]}; see --list-laws") from None
    return contract, laws


def build_target(options: CheckOptions, contract: PagingContract) -> Target:
    keys = options.access_keys()
    auth = (
        AkSkAuth(*keys, region=options.region, security_token=options.security_token)
        if keys is not None
        else None
    )
    return Target(
        base_url=options.base_url,
        project_id=options.project_id,
        contract=contract,
        instance_id=options.instance_id,
        token=options.token,
        auth=auth,
        timeout=options.timeout,
        max_body=options.max_body,
        extra_headers=options.headers,
        verify=options.verify,
        pace=_pace(options),
    )


def _pace(options: CheckOptions) -> Pace | None:
    """The rate limit and the bound on requests under way, when there is either (None: neither)."""
    at_once = options.concurrency if options.concurrency > 1 else None
    if not options.rate_limit and at_once is None:
        return None
    return Pace(options.rate_limit, at_once=at_once)


def probe(target: Target) -> int:
    """One plain list request; the number of records. A refusal no law explains stops the run (exit 2)."""
    exchange = target.list_raw(target.contract.required_query)
    if exchange.status in (401, 403):
        raise TargetError(
            f"the backend refused the credentials: HTTP {exchange.status} {exchange.response_text[:200]}"
        )
    if exchange.status == 404:
        raise TargetError(f"{exchange.url} is not found (HTTP 404): check --base-url and --project-id")
    if exchange.status > 500:
        raise TargetError(f"the backend is unavailable: HTTP {exchange.status}")
    if exchange.status != 200:
        return -1  # the laws will say what is wrong with it
    try:
        first = target.parse_page(exchange)
        return max(len(first.items), first.count or 0)
    except TargetError:
        raise
    except Exception:  # a broken first page: the laws report it
        return -1


def guard_writes(options: CheckOptions, contract: PagingContract, records: int) -> None:
    """Refuse a write run that could make the platform evict tasks the user already has."""
    limits = contract.limits
    if not options.allow_writes or limits is None or options.accept_eviction:
        return
    if records + WRITE_HEADROOM > limits.max_tasks:
        raise UsageError(
            f"the project holds {records} tasks and this run may hold {WRITE_HEADROOM} more at once; "
            f"the platform keeps at most {limits.max_tasks} and removes the OLDEST beyond that. Delete "
            "some tasks, or pass --i-accept-eviction"
        )


@dataclass
class OpenRun:
    """A run ready for its laws: the context they share, the laws chosen, the result being filled."""

    options: CheckOptions
    ctx: LawContext
    laws: list[Law]
    result: RunResult
    started: float

    @property
    def seed(self) -> int:
        return int(self.result.seed or 0)

    def schemathesis(self, note: object = None, stop: threading.Event | None = None, part: str | None = None,
                     listed: SchemathesisResult | None = None) -> SchemathesisResult:  # fmt: skip
        """schemathesis over ``part`` of the spec (``st_engine``'s parts; None: each in turn, the list's
        taken from ``listed`` when it has run already)."""
        from iotda_contract.conformance.st_engine import LIST_PART, parts

        if part is not None:
            return _schemathesis(self.options, self.ctx, self.seed, note, stop, part)
        return SchemathesisResult.combine([
            listed if p == LIST_PART and listed is not None else self.schemathesis(note, stop, p)
            for p in parts(self.ctx)
        ])  # fmt: skip

    def finish(self) -> RunResult:
        """Delete what the run created (also after an interruption or at --max-time), close the books."""
        _finish(self.result, self.ctx, self.started)
        return self.result


def open_run(options: CheckOptions, console: Console) -> OpenRun:
    """Validate, probe the backend, guard writes, size the walks; UsageError or TargetError when it cannot."""
    contract, laws = validate(options)
    seed = options.seed if options.seed is not None else random.SystemRandom().randrange(2**31)
    target = build_target(options, contract)
    started = time.monotonic()
    if options.max_time is not None:
        target.run_deadline = started + options.max_time
    result = RunResult(
        base_url=options.base_url,
        project_id=options.project_id,
        instance_id=options.instance_id,
        allow_writes=options.allow_writes,
        seed=seed,
        max_examples=options.max_examples,
        max_write_examples=options.write_examples,
        profile=options.profile,
        accepted=sorted(options.accept),
    )
    ctx = LawContext(target=target, contract=contract, allow_writes=options.allow_writes,
                     other_instance_id=options.other_instance_id, profile=options.profile,
                     accepted=frozenset(options.accept), concurrency=options.concurrency)  # fmt: skip
    ctx.example_db = options.example_db or (options.report_dir / "hypothesis" if options.report_dir else None)
    run = OpenRun(options, ctx, laws, result, started)
    try:
        records = probe(target)
        if records == 0 and not options.allow_writes:
            raise UsageError(NO_RECORDS)
        guard_writes(options, contract, records)
        needed = max(RECORD_FLOOR, records + RECORD_SLACK)
        ctx.max_records = options.max_records or min(MAX_RECORDS_CAP, needed)
        result.max_records = ctx.max_records
        console.print(f"seed {seed} (replay with --seed {seed}); profile {options.profile}; "
                      f"{max(records, 0)} records; walks visit at most {ctx.max_records}")  # fmt: skip
        if records == 0:
            from iotda_contract.conformance.laws_write import seed_records

            seed_records(ctx)
    except (TargetError, KeyboardInterrupt):
        run.finish()
        raise
    return run


def run_check(options: CheckOptions, console: Console | None = None) -> RunResult:
    """Run the whole check: UsageError or TargetError before anything ran, RunStopped with partial results."""
    console = console or Console(stderr=True)
    run = open_run(options, console)
    if options.concurrency > 1:
        import_before_threads(schemathesis=options.schemathesis)
    result = run.result
    try:
        redact = Redactor.of(
            token=options.token, ak=options.ak, sk=options.sk, security_token=options.security_token
        )
        threads = ast_parse_serialised() if options.concurrency > 1 else contextlib.nullcontext()
        progress = LiveProgress(console, len(run.laws), redact, lambda: run.ctx.target.requests_sent)
        with threads, progress as live:
            run.ctx.target.on_wait = live.waiting
            # with --concurrency schemathesis' list part runs beside the laws, until the first write law
            early = options.schemathesis and options.concurrency > 1
            listing = partial(run.schemathesis, live.note, part=_list_part()) if early else None
            with Beside(listing) as beside:
                result.laws = run_laws(run.laws, run.ctx, max_examples=options.max_examples,
                                       write_examples=options.write_examples, seed=run.seed,
                                       shrink_seconds=options.shrink_seconds, listener=live.law_event,
                                       run_started=run.started, before_writes=beside.wait)  # fmt: skip
                if options.schemathesis:
                    live.note("running schemathesis")
                    listed = beside.result() if early else None
                    result.schemathesis = run.schemathesis(live.note, listed=listed)
    except (TargetError, KeyboardInterrupt) as err:
        result.stopped = "interrupted" if isinstance(err, KeyboardInterrupt) else str(err)
        run.finish()
        raise RunStopped(result, err) from None
    run.finish()
    if any(r.status == SKIPPED and r.reason == NO_RECORDS for r in result.laws):
        raise RunStopped(result, UsageError(NO_RECORDS))
    return result


def _finish(result: RunResult, ctx: LawContext, started: float) -> None:
    """Delete what the run created (also after an interruption or at --max-time) and close the books."""
    ctx.target.run_deadline = None
    result.created = delete_created(ctx)
    result.deviations = list(ctx.deviations.values())
    result.requests = ctx.target.requests_sent
    result.rate_limit_retries = ctx.target.retries
    ctx.target.close()
    result.seconds = time.monotonic() - started


def _list_part() -> str:
    """schemathesis' list part, by st_engine's name (imported when schemathesis is about to run)."""
    from iotda_contract.conformance.st_engine import LIST_PART

    return LIST_PART


def _schemathesis(options: CheckOptions, ctx: LawContext, seed: int, note: object,
                  stop: threading.Event | None, part: str) -> SchemathesisResult:  # fmt: skip
    from iotda_contract.conformance.st_engine import LIST_PART, run_schemathesis
    from iotda_contract.conformance.st_signing import RequestsSigner

    keys = options.access_keys()
    signer = (
        RequestsSigner(*keys, region=options.region, security_token=options.security_token)
        if keys is not None
        else None
    )
    return run_schemathesis(
        ctx,
        token=options.token,
        max_examples=options.write_examples if part != LIST_PART else options.max_examples,
        seed=seed,
        exclude_checks=options.exclude_checks,
        on_event=note if callable(note) else None,
        signer=signer,
        stop=stop,
        part=part,
    )
