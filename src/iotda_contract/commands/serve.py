"""``iotda-contract serve``: run the reference mock of the export-task API."""

from __future__ import annotations

import argparse
import sqlite3
import sys

from iotda_contract import spec
from iotda_contract.mock.faults import FAULTS, UnknownFault
from iotda_contract.mock.settings import AUTH_MODES, Settings
from iotda_contract.mock.store import StorageError

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
        "(default: the spec's x-iotda-platform-limits, 50)",
    )
    parser.add_argument(
        "--max-unfinished",
        type=int,
        default=defaults.max_unfinished,
        help="Processing tasks allowed per project and instance; the next create gets 403 IOTDA.000021; "
        "0 = no limit (default: the spec's x-iotda-platform-limits, 5)",
    )
    parser.add_argument(
        "--task-seconds",
        type=float,
        default=defaults.task_seconds,
        help="how long a new task takes to finish; 0 = at once (default: %(default)s)",
    )
    parser.add_argument(
        "--download-interval",
        type=float,
        default=defaults.download_interval,
        help="seconds between two export-file downloads of one project; 0 = no limit "
        "(default: the spec's x-iotda-platform-limits, 30)",
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
    parser.add_argument(
        "--latency-ms",
        type=float,
        default=0.0,
        metavar="MS",
        help="wait this long before every answer, as a remote backend would (default: 0)",
    )
    parser.add_argument(
        "--control",
        action="store_true",
        help="serve the control API (/__iotda/reset, /seed, /advance, /state) for tests that share one mock; "
        "the platform has no such paths (docs/mock.md)",
    )
    limits = parser.add_argument_group("limits", "what one client may cost the others (docs/mock.md, Limits)")
    limits.add_argument(
        "--max-connections",
        type=_positive_int,
        default=defaults.max_connections,
        metavar="N",
        help="connections served at once; one more gets 503 IOTDA.000503 (default: %(default)s)",
    )
    limits.add_argument(
        "--max-headers",
        type=_positive_int,
        default=defaults.max_headers,
        metavar="N",
        help="header fields in a request; more get 431 IOTDA.000431 (default: %(default)s)",
    )
    limits.add_argument(
        "--max-header-bytes",
        type=_positive_int,
        default=defaults.max_header_bytes,
        metavar="BYTES",
        help="bytes of a request head (request line and headers), cut off while read; more get "
        "431 IOTDA.000431 (default: %(default)s)",
    )
    limits.add_argument(
        "--max-query-bytes",
        type=_positive_int,
        default=defaults.max_query_bytes,
        metavar="BYTES",
        help="bytes of the query string; more get 400 IOTDA.000008 (default: %(default)s)",
    )
    limits.add_argument(
        "--max-body-bytes",
        type=_positive_int,
        default=defaults.max_body_bytes,
        metavar="BYTES",
        help="bytes of a request body; more get 413 IOTDA.000413 (default: %(default)s)",
    )
    limits.add_argument(
        "--head-timeout",
        type=_positive_float,
        default=defaults.head_timeout,
        metavar="SECONDS",
        help="time for a request head to arrive (from the connection's opening or the previous request); "
        "then 408 IOTDA.000408 and the connection is closed (default: %(default)s)",
    )
    limits.add_argument(
        "--body-timeout",
        type=_positive_float,
        default=defaults.body_timeout,
        metavar="SECONDS",
        help="time for a request body to arrive after its head; then 408 IOTDA.000408 and the connection "
        "is closed (default: %(default)s)",
    )


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds: {text}")
    return value


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
        download_interval=args.download_interval,
        auth=args.auth,
        credentials=args.credentials,
        faults=tuple(args.fault),
        control=args.control,
        latency_ms=args.latency_ms,
        spec_path=args.spec,
        max_connections=args.max_connections,
        max_headers=args.max_headers,
        max_header_bytes=args.max_header_bytes,
        max_query_bytes=args.max_query_bytes,
        max_body_bytes=args.max_body_bytes,
        head_timeout=args.head_timeout,
        body_timeout=args.body_timeout,
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
    except StorageError as err:  # one line: the file and why (docs/mock.md, Limits)
        print(f"error: {err}", file=sys.stderr)
        return 2
    except sqlite3.Error as err:  # after start-up checks, e.g. a full disk while seeding
        print(f"error: the database {args.db}: {err}", file=sys.stderr)
        return 2
    except (OSError, ValueError, RuntimeError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
