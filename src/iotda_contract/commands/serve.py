"""``iotda-contract serve``: run the reference mock of the export-task API."""

from __future__ import annotations

import argparse
import sys

from iotda_contract import spec
from iotda_contract.mock.faults import FAULTS, UnknownFault
from iotda_contract.mock.settings import AUTH_MODES, Settings

NAME = "serve"
HELP = "run the reference mock of the export-task API (SQLite-backed, spec-driven, with faults)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = Settings()
    parser.add_argument("--host", default=defaults.host, help="interface to listen on (default: %(default)s)")
    parser.add_argument(
        "--port", type=int, default=8510, help="TCP port, 0 for any free one (default: %(default)s)"
    )
    parser.add_argument(
        "--db",
        default=defaults.db,
        metavar="PATH",
        help="SQLite file, created if missing; ':memory:' for a throw-away run (default: %(default)s)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        metavar="N",
        help="seed N deterministic synthetic tasks into an empty store: several apps, batch task_ids, "
        "two instances, every status (default: none)",
    )
    parser.add_argument(
        "--seed-random", type=int, default=0, metavar="S", help="random seed of --seed (default: %(default)s)"
    )
    parser.add_argument(
        "--seed-project",
        default=defaults.seed_project,
        help="project id of seeded tasks (default: %(default)s)",
    )
    parser.add_argument(
        "--max-tasks",
        type=int,
        default=defaults.max_tasks,
        help="tasks kept per project and instance; a create beyond it removes the earliest; 0 = no limit "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--max-unfinished",
        type=int,
        default=defaults.max_unfinished,
        help="Processing tasks allowed per project and instance; the next create gets 403 IOTDA.000021; "
        "0 = no limit (default: %(default)s)",
    )
    parser.add_argument(
        "--task-seconds",
        type=float,
        default=defaults.task_seconds,
        help="how long a new task takes to finish; 0 = at once (default: %(default)s)",
    )
    parser.add_argument(
        "--auth",
        choices=AUTH_MODES,
        default=defaults.auth,
        help="'any': an Authorization or X-Auth-Token header with any value; 'verify': check "
        "signatures and tokens against --credentials (default: %(default)s)",
    )
    parser.add_argument("--credentials", metavar="FILE", help="credentials file for --auth verify")
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="NAME",
        help="inject a named paging bug (repeatable); 'iotda-contract faults' lists them",
    )
    parser.add_argument(
        "--spec", default=str(spec.DEFAULT_SPEC_PATH), help="OpenAPI document (default: the bundled one)"
    )


def settings_from(args: argparse.Namespace) -> Settings:
    return Settings(
        host=args.host,
        port=args.port,
        db=args.db,
        seed=args.seed,
        seed_random=args.seed_random,
        seed_project=args.seed_project,
        max_tasks=args.max_tasks,
        max_unfinished=args.max_unfinished,
        task_seconds=args.task_seconds,
        auth=args.auth,
        credentials=args.credentials,
        faults=tuple(args.fault),
        spec_path=args.spec,
    )


def run(args: argparse.Namespace) -> int:
    from iotda_contract.mock.server import serve

    if args.auth == "verify" and not args.credentials:
        print("error: --auth verify needs --credentials FILE", file=sys.stderr)
        return 2
    unknown = [name for name in args.fault if name not in FAULTS]
    if unknown:
        print(f"error: {UnknownFault(', '.join(unknown))}; see 'iotda-contract faults'", file=sys.stderr)
        return 2
    try:
        return serve(settings_from(args))
    except KeyboardInterrupt:
        return 0
    except (OSError, ValueError, RuntimeError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
