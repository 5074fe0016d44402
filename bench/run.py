"""``make bench``: measure the reference mock against a bare app and print and save the figures."""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import check_timing, checker_memory, hostile, inprocess, report, wrk
from bench.machine import choose_cpus, environment
from bench.probe import get
from bench.report import Figure, Results
from bench.scenarios import Runner, RunTotals, Scenario
from bench.servers import ROOT, Server
from bench.stats import ratios, summarize
from bench.targets import bare_server, mock_server, seed_file
from bench.workload import Workload, check_full_pages, mid_set_markers
from iotda_contract import spec as spec_module
from iotda_contract.mock.faults import FAULTS

RESULTS_DIR = Path(__file__).resolve().parent / "results"
#: A server busier than this share of its core was the bottleneck of its load run.
SATURATED = 0.90


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="short smoke run: 1 run of 1 s, smaller data sets"
    )
    parser.add_argument(
        "--duration",
        type=float,
        default=None,
        help="seconds of load per scenario and run, in 1 s slices (default 5)",
    )
    parser.add_argument("--runs", type=int, default=None, help="repetitions of every measurement (default 3)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default %(default)s)")
    parser.add_argument("--small", type=int, default=None, help="records of the small set (default 1000)")
    parser.add_argument(
        "--typical", type=int, default=None, help="records of the typical set (default 100000)"
    )
    parser.add_argument("--large", type=int, default=None, help="records of the large set (default 1000000)")
    parser.add_argument(
        "--markers",
        type=int,
        default=256,
        help="mid-set markers each page script cycles through (default 256)",
    )
    parser.add_argument("--seed-random", type=int, default=1, help="--seed-random of the mock (default 1)")
    parser.add_argument("--server-cpu", type=int, default=None, help="core of the servers (default: first)")
    parser.add_argument(
        "--load-cpu", type=int, default=None, help="core of wrk and harness (default: second)"
    )
    parser.add_argument(
        "--out", type=Path, default=RESULTS_DIR, help="results folder (default bench/results)"
    )
    parser.add_argument("--no-save", action="store_true", help="print the table only")
    parser.add_argument("--skip-check", action="store_true", help="skip timing `iotda-contract check`")
    parser.add_argument(
        "--skip-load", action="store_true", help="skip seeding, start-up and throughput (check timing only)"
    )
    parser.add_argument(
        "--skip-hostile",
        action="store_true",
        help="skip the normal client beside a hostile one (bench/hostile.py)",
    )
    args = parser.parse_args(argv)
    quick = args.quick
    args.duration = args.duration if args.duration is not None else (1.0 if quick else 5.0)
    args.runs = args.runs if args.runs is not None else (1 if quick else 3)
    args.small = args.small if args.small is not None else 1_000
    args.typical = args.typical if args.typical is not None else (10_000 if quick else 100_000)
    args.large = args.large if args.large is not None else (100_000 if quick else 1_000_000)
    if args.runs < 1 or args.duration < 1 or args.markers < 1:
        parser.error("--runs, --duration and --markers must be at least 1")
    return args


def records_label(n: int) -> str:
    """1000 -> 1k, 1000000 -> 1M."""
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if n >= size and n % size == 0:
            return f"{n // size}{suffix}"
    return str(n)


def write_script(directory: Path, name: str, paths: list[str]) -> Path:
    path = directory / f"{name}.lua"
    path.write_text(wrk.lua_script(paths, {"X-Auth-Token": "anything"}), encoding="utf-8")
    return path


def seed_phase(
    args: argparse.Namespace, work: Path, workload: Workload, cpu: int | None, results: Results
) -> dict[str, Path]:
    """Seed the three files; the large one's seeding time is a figure."""
    dbs: dict[str, Path] = {}
    for name, records in (("small", args.small), ("typical", args.typical), ("large", args.large)):
        print(f"seeding {records_label(records)} records ...", flush=True)
        db = work / f"{name}-{records}.sqlite"
        seeding = seed_file(db, records, workload, seed_random=args.seed_random, cpu=cpu, log_dir=work)
        results.add_raw(f"seed_{name}", seeding)
        dbs[name] = db
        if name == "large":
            note = "process start to first answer, so it includes start-up"
            if seeding.reported_ready_s is not None:
                note += f"; the mock reports {seeding.reported_ready_s:.2f} s without the interpreter's start"
            results.figures.append(
                Figure(
                    key="seed_large_s",
                    label=f"bulk seeding of {records_label(records)} records into a SQLite file",
                    unit="s",
                    summary=summarize([seeding.to_first_response_s]),
                    note=note,
                )
            )
    return dbs


def startup_phase(
    args: argparse.Namespace, work: Path, workload: Workload, db: Path, cpu: int | None, results: Results
) -> None:
    """Process start to first successful response, from the typical file, ``runs`` times."""
    mock_times: list[float] = []
    bare_times: list[float] = []
    for _ in range(args.runs):
        server = mock_server("startup", db, workload, cpu=cpu, log_dir=work)
        mock_times.append(server.start())
        server.stop()
        bare = bare_server(workload, cpu=cpu, log_dir=work)
        bare_times.append(bare.start())
        bare.stop()
    results.figures.append(
        Figure(
            key="startup_s",
            label=f"start-up from a {records_label(args.typical)}-record SQLite file",
            unit="s",
            summary=summarize(mock_times),
            target=1.0,
            at_least=False,
            note=f"process start to first successful list response; the bare app needs "
            f"{summarize(bare_times).format('{:.3f}')} s",
        )
    )
    results.add_raw("startup_mock_s", {"values": mock_times})
    results.add_raw("startup_bare_s", {"values": bare_times})


def throughput_phase(
    args: argparse.Namespace,
    work: Path,
    workload: Workload,
    dbs: dict[str, Path],
    cpus: tuple[int | None, int | None],
    wrk_path: str,
    results: Results,
) -> None:
    server_cpu, load_cpu = cpus
    counts = {"small": args.small, "typical": args.typical, "large": args.large}

    def fresh_servers() -> dict[str, Server]:
        servers = {"bare": bare_server(workload, cpu=server_cpu, log_dir=work)}
        for name in counts:
            servers[name] = mock_server(name, dbs[name], workload, cpu=server_cpu, log_dir=work)
        return servers

    scripts: dict[str, Path] = {}
    runner = Runner(args.connections, load_cpu, server_cpu, wrk_path)
    by_name: dict[str, list[RunTotals]] = {}
    for run in range(args.runs):
        print(f"run {run + 1}/{args.runs} ...", flush=True)
        # Fresh processes every run: memory layout, hash seeds and caches differ from one process to
        # the next, and the spread over the runs should show it.
        servers = fresh_servers()
        try:
            for server in servers.values():
                server.start()
            if not scripts:
                for name, records in counts.items():
                    url = servers[name].url
                    found = mid_set_markers(url, workload, seeded=records, how_many=args.markers)
                    markers = found.markers
                    check_full_pages(url, workload, [markers[0], markers[len(markers) // 2], markers[-1]])
                    scripts[name] = write_script(work, name, [workload.page_path(m) for m in markers])
                    results.add_raw(f"markers_{name}", {**vars(found), "markers": [markers[0], markers[-1]]})
                scripts["invalid"] = write_script(work, "invalid", [workload.invalid_path()])
            invalid = get(servers["typical"].url, workload.invalid_path())
            if invalid.status != 400:
                raise wrk.WrkError(f"the invalid request got {invalid.status}, not 400")
            scenarios = [
                # The bare app gets the very requests of the typical page, so both parse the same bytes.
                Scenario("bare", servers["bare"], scripts["typical"]),
                Scenario("typical", servers["typical"], scripts["typical"]),
                Scenario("invalid", servers["typical"], scripts["invalid"], expect_ok=False),
                Scenario("small", servers["small"], scripts["small"]),
                Scenario("large", servers["large"], scripts["large"]),
            ]
            for scenario in scenarios:  # warm-up: body caches, allocator, branch predictors
                runner.one(scenario, 1.0)
            totals = runner.run(scenarios, slices=round(args.duration))
        finally:
            for server in servers.values():
                server.stop()
        for name, total in totals.items():
            by_name.setdefault(name, []).append(total)
            results.add_raw(
                f"wrk_{name}",
                {
                    "run": run + 1,
                    "requests_per_sec": total.requests_per_sec,
                    "p99_us": total.p99_us,
                    "foreign_cpu_share": total.foreign_cpu,
                    "server_cpu_share": total.server_cpu,
                    "load_core_foreign_cpu_share": total.load_foreign_cpu,
                    "slices": [
                        {
                            **asdict(s.result),
                            "foreign_cpu_share": s.foreign_cpu,
                            "server_cpu_share": s.server_cpu,
                            "load_core_foreign_cpu_share": s.load_foreign_cpu,
                        }
                        for s in total.slices
                    ],
                },
            )
    unsaturated = [
        f"{name} run {run + 1} ({100 * total.server_cpu:.0f} %)"
        for name, totals in by_name.items()
        for run, total in enumerate(totals)
        if total.server_cpu is not None and total.server_cpu < SATURATED
    ]
    if unsaturated:
        results.notes.append(
            f"the server was busy less than {100 * SATURATED:.0f} % of the time in: "
            f"{', '.join(unsaturated)}; "
            "there the load generator (or the machine) limited the rate, not the server, and the "
            "figures built on those runs are marked (disturbed)"
        )
    per_run = [
        [t.foreign_cpu for t in (by_name[name][run] for name in by_name) if t.foreign_cpu is not None]
        for run in range(args.runs)
    ]
    per_run_load = [
        [
            t.load_foreign_cpu
            for t in (by_name[name][run] for name in by_name)
            if t.load_foreign_cpu is not None
        ]
        for run in range(args.runs)
    ]
    if all(per_run_load):
        results.figures.append(
            Figure(
                "load_core_foreign_cpu_pct",
                "share of the load generator's core taken by other processes",
                "%",
                summarize([100 * statistics.mean(shares) for shares in per_run_load]),
            )
        )
    if all(per_run):
        results.figures.append(
            Figure(
                "foreign_cpu_pct",
                "share of the server core taken by other processes during the load runs",
                "%",
                summarize([100 * statistics.mean(shares) for shares in per_run]),
                note="read from /proc/stat and the servers' own CPU time; above ~5 % the absolute "
                "figures, and less so the same-run ratios, are disturbed",
            )
        )
    rps = {name: [r.requests_per_sec for r in values] for name, values in by_name.items()}
    saturated = {
        name: all(t.server_cpu is None or t.server_cpu >= SATURATED for t in totals)
        for name, totals in by_name.items()
    }
    typical, small, large = (records_label(n) for n in (args.typical, args.small, args.large))
    page = workload.page_limit
    results.figures += [
        Figure(
            "page_vs_bare",
            f"typical page (limit={page}, marker mid-set, {typical} records) / bare app",
            "",
            summarize(ratios(rps["typical"], rps["bare"])),
            target=0.40,
            reliable=saturated["typical"] and saturated["bare"],
        ),
        Figure(
            "invalid_vs_bare",
            f"invalid request (limit={workload.invalid_limit} -> 400) / bare app",
            "",
            summarize(ratios(rps["invalid"], rps["bare"])),
            target=0.50,
            reliable=saturated["invalid"] and saturated["bare"],
        ),
        Figure(
            "large_vs_small",
            f"typical page at {large} records / at {small}",
            "",
            summarize(ratios(rps["large"], rps["small"])),
            target=0.90,
            reliable=saturated["large"] and saturated["small"],
        ),
        Figure(
            "p99_ms",
            f"p99 latency at {args.connections} connections, typical page",
            "ms",
            summarize([r.p99_us / 1000 for r in by_name["typical"]]),
            target=2.0,
            at_least=False,
            reliable=saturated["typical"],
        ),
        Figure(
            "p99_bare_ms",
            f"p99 latency at {args.connections} connections, bare app (the floor of this machine)",
            "ms",
            summarize([r.p99_us / 1000 for r in by_name["bare"]]),
        ),
    ]
    for name, label in (
        ("bare", "bare app"),
        ("typical", f"typical page, {typical} records"),
        ("invalid", "invalid request"),
        ("small", f"typical page, {small} records"),
        ("large", f"typical page, {large} records"),
    ):
        results.figures.append(Figure(f"rps_{name}", f"requests/s: {label}", "req/s", summarize(rps[name])))


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    server_cpu, load_cpu, pinning = choose_cpus(args.server_cpu, args.load_cpu)
    if load_cpu is not None:
        os.sched_setaffinity(0, {load_cpu})
    wrk_path = wrk.ensure_installed()
    workload = Workload.from_spec(spec_module.load())
    started = datetime.now()
    command = shlex.join([".venv/bin/python", "bench/run.py", *(sys.argv[1:] if argv is None else argv)])
    results = Results(
        started=started,
        command=command,
        config={
            "runs": args.runs,
            "load seconds per scenario and run (1 s slices)": args.duration,
            "connections": args.connections,
            "wrk threads": 1,
            "records (small, typical, large)": f"{args.small}, {args.typical}, {args.large}",
            "mid-set markers per script": args.markers,
            "pinning": pinning,
            "quick": args.quick,
        },
        environment=environment(wrk_path),
    )
    if args.quick:
        results.notes.append("quick smoke run: one short run on smaller sets; not comparable to the targets")
    with tempfile.TemporaryDirectory(prefix="iotda-bench-") as tmp:
        work = Path(tmp)
        if args.skip_load:
            results.notes.append("seeding, start-up and throughput skipped (--skip-load)")
        else:
            dbs = seed_phase(args, work, workload, server_cpu, results)
            print("start-up ...", flush=True)
            startup_phase(args, work, workload, dbs["typical"], server_cpu, results)
            print("throughput ...", flush=True)
            throughput_phase(args, work, workload, dbs, (server_cpu, load_cpu), wrk_path, results)
        if args.skip_check:
            results.notes.append("`iotda-contract check` timing skipped (--skip-check)")
        else:
            faults = list(FAULTS)[:2] if args.quick else list(FAULTS)
            print(f"check: clean mock x{args.runs}, then {len(faults)} faults ...", flush=True)
            check_timing.run(
                results, work=work, workload=workload, cpu=server_cpu, runs=args.runs, faults=faults
            )
        if args.skip_hostile:
            results.notes.append("the hostile-client scenario skipped (--skip-hostile)")
        else:
            print(f"hostile client x{args.runs} ...", flush=True)
            requests = 500 if args.quick else 2000
            hostile.run(results, work=work, cpus=(server_cpu, load_cpu), runs=args.runs, requests=requests)
            print(f"checker memory against hostile backends x{args.runs} ...", flush=True)
            memory = checker_memory.table(checker_memory.measure(args.runs))
            results.notes.append("peak memory of `check` (bench/checker_memory.py):\n" + memory)
            print(f"generated client in-process vs socket x{args.runs} ...", flush=True)
            calls = inprocess.table(inprocess.measure(args.runs, 500 if args.quick else 2000))
            results.notes.append(
                "generated client calls/s, in-process vs socket (bench/inprocess.py):\n" + calls
            )
    print()
    print(report.text_table(results.figures))
    for figure in results.figures:
        if figure.note:
            print(f"  {figure.label}: {figure.note}")
    for note in results.notes:
        print(f"note: {note}")
    if not args.no_save:
        suffix = "_quick" if args.quick else ""
        json_path, md_path = report.save(results, args.out, suffix=suffix)
        print(f"\nwritten: {json_path.relative_to(ROOT) if json_path.is_relative_to(ROOT) else json_path}")
        print(f"written: {md_path.relative_to(ROOT) if md_path.is_relative_to(ROOT) else md_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
