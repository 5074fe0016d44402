"""One conformance run end to end: connect, probe, run the laws and schemathesis, collect the results."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from iotda_contract import spec as spec_module
from iotda_contract.client.auth import AkSkAuth
from iotda_contract.conformance.context import LawContext
from iotda_contract.conformance.contract import load_contract
from iotda_contract.conformance.engine import run_laws
from iotda_contract.conformance.errors import TargetError
from iotda_contract.conformance.progress import LiveProgress
from iotda_contract.conformance.registry import select
from iotda_contract.conformance.results import RunResult, SchemathesisResult
from iotda_contract.conformance.target import Target


@dataclass
class CheckOptions:
    """Everything ``iotda-contract check`` accepts."""

    base_url: str
    project_id: str
    instance_id: str | None = None
    token: str | None = None
    ak: str | None = None
    sk: str | None = None
    region: str | None = None
    allow_writes: bool = False
    seed: int | None = None
    max_examples: int = 25
    max_records: int = 1000
    shrink_seconds: float = 5.0
    laws: list[str] = field(default_factory=list)
    schemathesis: bool = True
    exclude_checks: tuple[str, ...] = ()
    other_instance_id: str = "iotda-contract-other-instance"
    spec_path: str = str(spec_module.DEFAULT_SPEC_PATH)
    report_dir: Path | None = None
    timeout: float = 30.0

    def access_keys(self) -> tuple[str, str] | None:
        """(AK, SK) when requests are to be signed: no token was given and both keys were."""
        if self.token is None and self.ak and self.sk:
            return self.ak, self.sk
        return None


def build_target(options: CheckOptions) -> Target:
    keys = options.access_keys()
    if options.token is None and keys is None:
        raise TargetError(
            "credentials are needed: --token T, or --ak AK --sk SK (or IOTDA_TOKEN, IOTDA_AK/IOTDA_SK)"
        )
    contract = load_contract(spec_module.load(options.spec_path))
    auth = AkSkAuth(*keys, region=options.region) if keys is not None else None
    return Target(
        base_url=options.base_url,
        project_id=options.project_id,
        contract=contract,
        instance_id=options.instance_id,
        token=options.token,
        auth=auth,
        timeout=options.timeout,
    )


def probe(target: Target) -> None:
    """One plain list request; a refusal that no law explains stops the run (exit 2)."""
    exchange = target.list_raw(target.contract.required_query)
    if exchange.status in (401, 403):
        raise TargetError(
            f"the backend refused the credentials: HTTP {exchange.status} {exchange.response_text[:200]}"
        )
    if exchange.status == 404:
        raise TargetError(f"{exchange.url} is not found (HTTP 404): check --base-url and --project-id")
    if exchange.status >= 500 and exchange.status != 500:
        raise TargetError(f"the backend is unavailable: HTTP {exchange.status}")


def run_check(options: CheckOptions, console: Console | None = None) -> RunResult:
    """Run the whole check; raises TargetError for usage or connection problems."""
    console = console or Console(stderr=True)
    target = build_target(options)
    started = time.monotonic()
    try:
        probe(target)
        laws = select(options.laws or None, allow_writes=options.allow_writes)
        ctx = LawContext(
            target=target,
            contract=target.contract,
            max_records=options.max_records,
            allow_writes=options.allow_writes,
            other_instance_id=options.other_instance_id,
        )
        result = RunResult(
            base_url=options.base_url,
            project_id=options.project_id,
            instance_id=options.instance_id,
            allow_writes=options.allow_writes,
            seed=options.seed,
            max_examples=options.max_examples,
        )
        with LiveProgress(console, len(laws)) as live:
            result.laws = run_laws(
                laws,
                ctx,
                max_examples=options.max_examples,
                seed=options.seed,
                shrink_seconds=options.shrink_seconds,
                listener=live.law_event,
                run_started=started,
            )
            if options.schemathesis:
                live.note("running schemathesis")
                result.schemathesis = _schemathesis(options, target, live.note)
        result.requests = target.requests_sent
    finally:
        target.close()
    result.seconds = time.monotonic() - started
    return result


def _schemathesis(options: CheckOptions, target: Target, note: object) -> SchemathesisResult:
    from iotda_contract.conformance.st_engine import run_schemathesis
    from iotda_contract.conformance.st_signing import RequestsSigner

    signer, excluded = None, options.exclude_checks
    keys = options.access_keys()
    if keys is not None:
        signer = RequestsSigner(*keys, region=options.region)
        # Every request is signed afresh, so ignored_auth cannot send one without valid credentials.
        excluded = (*excluded, "ignored_auth")

    result = run_schemathesis(
        target.contract,
        base_url=options.base_url,
        project_id=options.project_id,
        headers=target.headers(),
        allow_writes=options.allow_writes,
        max_examples=options.max_examples,
        seed=options.seed,
        exclude_checks=excluded,
        on_event=note if callable(note) else None,
        signer=signer,
    )
    if signer is not None:
        result.reason = "ignored_auth left out: every request is signed with --ak/--sk"
    return result
