"""Scale benchmark: a tenth of a national year of messages into PostgreSQL.

The Netherlands sees about 15 million iJw/iWmo messages a year; a tenth is 1.5 million.
A generated region is at most ``--scale 4`` (about 560,000 files over its four years of
history), so the tenth is made of several amsterdam regions with different seeds, each in
its own PostgreSQL database: one database per region is the partitioning docs/scale.md
proposes for the whole country (a region's municipalities, contracts and clients never meet
another region's; generated regions share municipality codes and allocation numbers, so
they could not share one database anyway).

For each region, in order: generate it (or reuse ``OUT/amsterdam-<seed>-<scale>``), create
a fresh database, load the catalog, then time, each in its own process:

- ``regie ingest OUT/messages OUT/csv --no-refresh --json``: files, seconds, messages per
  second, and the peak resident memory of the ingest and its reader processes together
  (sampled every 0.2 s from /proc);
- the refresh after it: the payment ledger and every snapshot the pages read for year Y
  (``regie.funding.services.refresh_ledger`` and ``regie.monitor.services.refresh``);
- ``regie indicators --year Y --by provider,segment,month`` and ``regie forecast --year Y
  --as-of Y-06-30``;
- the database's size (``pg_database_size``).

Prints one line per region and the totals (with the machine's load average: on a shared
machine the throughput says as much about the neighbours). Databases are dropped at the end
unless ``--keep``; the generated regions are removed with ``--clean``. Not part of the tests.

    uv run python benchmarks/scale.py [--regions 3] [--scale 4] [--year 2025] [--first-seed 1]
        [--postgres postgres://postgres@127.0.0.1:5432/regie_scale] [--out benchmarks/out/scale] [--keep] [--clean]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += rss.get(current, 0)
        todo.extend(children.get(current, []))
    return total


def run(command: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Run ``command``; return (seconds, peak resident bytes of its process tree, stdout)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]

    def sample() -> None:
        while process.poll() is None:
            peak[0] = max(peak[0], tree_rss(process.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = process.communicate()
    seconds = time.perf_counter() - started
    sampler.join()
    if process.returncode not in (0, 1):  # 1: something was rejected (the regions hold faulty files)
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{err[-3000:]}")
    return seconds, peak[0], out


def psql(url: str, sql: str) -> str:
    admin = url.rsplit("/", 1)[0] + "/postgres"
    return subprocess.run(["psql", admin, "-Atqc", sql], check=True, capture_output=True, text=True).stdout.strip()


def refresh_worker(year: int) -> None:
    """In a process of its own: the ledger and the snapshots of ``year`` (as the CLI does)."""
    import datetime as dt

    import django

    django.setup()
    from regie.funding.services import refresh_ledger
    from regie.monitor.services import refresh

    started = time.perf_counter()
    refresh_ledger(year)
    ledger = time.perf_counter() - started
    refresh(year, dt.date(year, 12, 31))
    print(json.dumps({"ledger": ledger, "snapshots": time.perf_counter() - started - ledger}))


def region(args: argparse.Namespace, seed: int) -> dict[str, Any]:
    folder = args.out / f"amsterdam-{seed}-{args.scale}"
    regie = str(BIN / "regie")
    if not (folder / "catalog.toml").exists():
        started = time.perf_counter()
        subprocess.run(
            [
                regie,
                "generate",
                "--profile",
                "amsterdam",
                "--year",
                str(args.year),
                "--seed",
                str(seed),
                "--scale",
                str(args.scale),
                "--out",
                str(folder),
            ],
            check=True,
            capture_output=True,
        )
        print(f"generated seed {seed} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    name = f"{args.postgres.rsplit('/', 1)[1]}_{seed}"
    url = f"{args.postgres}_{seed}"
    psql(args.postgres, f"DROP DATABASE IF EXISTS {name}")
    psql(args.postgres, f"CREATE DATABASE {name}")
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "regie.site.settings"}
    env.setdefault("REGIE_DEMO", "1")  # synthetic regions: the development keys are fine
    subprocess.run([str(BIN / "regie-manage"), "migrate", "-v", "0"], env=env, check=True)
    subprocess.run(
        [regie, "catalog", "load", str(folder / "catalog.toml"), "--json"], env=env, check=True, capture_output=True
    )
    seconds, peak, out = run(
        [regie, "ingest", str(folder / "messages"), str(folder / "csv"), "--no-refresh", "--json"], env
    )
    summary = json.loads(out)
    refreshed, refresh_peak, out = run([sys.executable, __file__, "--refresh-worker", str(args.year)], env)
    parts = json.loads(out.strip().splitlines()[-1])
    indicators, _, _ = run(
        [regie, "indicators", "--year", str(args.year), "--by", "provider,segment,month", "--json"], env
    )
    forecast, _, _ = run([regie, "forecast", "--year", str(args.year), "--as-of", f"{args.year}-06-30", "--json"], env)
    size = int(psql(url, f"SELECT pg_database_size('{name}')"))
    if not args.keep:
        psql(args.postgres, f"DROP DATABASE {name}")
    if args.clean:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "seed": seed,
        "files": summary["files"],
        "duplicates": summary["duplicates"],
        "records": sum(summary["accepted"].values()),
        "rejected": len(summary["rejected"]),
        "ingest_s": seconds,
        "per_second": summary["files"] / seconds,
        "peak_rss_mb": peak / 2**20,
        "refresh_s": refreshed,
        "ledger_s": parts["ledger"],
        "snapshots_s": parts["snapshots"],
        "refresh_peak_rss_mb": refresh_peak / 2**20,
        "indicators_s": indicators,
        "forecast_s": forecast,
        "database_gb": size / 2**30,
        "load_average": os.getloadavg()[0],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=3)
    parser.add_argument("--scale", type=float, default=4.0)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/regie_scale")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "scale")
    parser.add_argument("--keep", action="store_true", help="keep the databases")
    parser.add_argument("--clean", action="store_true", help="remove each generated region after it is measured")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    parser.add_argument("--refresh-worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.refresh_worker:
        refresh_worker(args.refresh_worker)
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    rows = []
    for seed in range(args.first_seed, args.first_seed + args.regions):
        row = region(args, seed)
        rows.append(row)
        print(
            f"region seed {seed}: {row['files']:,} files in {row['ingest_s']:.0f} s ({row['per_second']:,.0f} msg/s), "
            f"peak {row['peak_rss_mb']:,.0f} MB, database {row['database_gb']:.2f} GB; refresh {row['refresh_s']:.0f} s "
            f"(ledger {row['ledger_s']:.0f} s), indicators {row['indicators_s']:.1f} s, forecast {row['forecast_s']:.1f} s; "
            f"load average {row['load_average']:.1f}",
            flush=True,
        )
        if args.json:  # after each region: a long run stopped early keeps what it measured
            args.json.write_text(json.dumps(rows, indent=2))
    files = sum(r["files"] for r in rows)
    seconds = sum(r["ingest_s"] for r in rows)
    print(
        f"total: {files:,} files in {seconds:.0f} s ({files / seconds:,.0f} msg/s), peak {max(r['peak_rss_mb'] for r in rows):,.0f} MB, "
        f"databases {sum(r['database_gb'] for r in rows):.2f} GB, refresh {sum(r['refresh_s'] for r in rows):.0f} s"
    )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
