"""Benchmark: `regie ingest` of one year of the amsterdam region vs a bare lxml parse.

Usage::

    uv run python benchmarks/ingest.py [--scale 1.0] [--year 2025] [--seed 1] [--postgres URL]

Generates the amsterdam region (or reuses ``benchmarks/out/amsterdam-<year>-<seed>-<scale>``),
loads its catalog and the history before year Y into a fresh database (not timed), then in
one run times

- the reference: reading every message file of year Y from disk and parsing it with bare
  ``lxml.etree.fromstring`` (no validation, nothing stored), and
- Regie: ``regie.traffic.ingest.ingest`` of the same files (safe parsing, XSD validation, the
  standard's rules, cross-message rules, signals, storing everything),

on SQLite and (with ``--postgres``) on PostgreSQL, and prints messages per second and the
ratio. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"


def region(year: int, seed: int, scale: float, out: Path = OUT) -> Path:
    from regie.synth import generate

    folder = out / f"amsterdam-{year}-{seed}-{scale}"
    if not (folder / "catalog.toml").exists():
        print(f"generating amsterdam {year} seed {seed} scale {scale} into {folder} ...", file=sys.stderr)
        generate("amsterdam", year, seed, folder, scale=scale, progress=True)
    return folder


def split(folder: Path, year: int) -> tuple[list[Path], list[Path]]:
    """The message folders (YYYY-MM) before year Y (history) and of year Y and later."""
    months = sorted(p for p in (folder / "messages").iterdir() if p.is_dir())
    return [p for p in months if int(p.name[:4]) < year], [p for p in months if int(p.name[:4]) >= year]


def bare_parse(folders: list[Path]) -> tuple[int, float]:
    from lxml import etree

    started = time.perf_counter()
    n = 0
    for folder in folders:
        for name in sorted(os.listdir(folder)):
            with open(folder / name, "rb") as fh:
                try:
                    etree.fromstring(fh.read())
                except etree.XMLSyntaxError:
                    pass  # the region's deliberately malformed files
            n += 1
    return n, time.perf_counter() - started


def run_ingest(database_url: str, folder: Path, year: int) -> tuple[int, float]:
    """Ingest in a fresh process for ``database_url``; return (files, seconds) of year Y."""
    result = subprocess.run(
        [sys.executable, __file__, "--worker", database_url, "--folder", str(folder), "--year", str(year)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": database_url},
    )
    files, elapsed = result.stdout.split()
    return int(files), float(elapsed)


def worker(folder: Path, year: int) -> None:
    """In the worker process: a clean database, the history (not timed), then year Y (timed)."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("flush", interactive=False, verbosity=0)
    from regie.catalog.loader import load_catalog
    from regie.engine.catalog import parse_catalog
    from regie.traffic.ingest import ingest

    history, timed = split(folder, year)
    load_catalog(parse_catalog(folder / "catalog.toml"))
    ingest([*history, folder / "csv"])
    started = time.perf_counter()
    summary = ingest(timed)
    print(summary.files, time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres", default="", help="e.g. postgres://postgres@127.0.0.1:5432/regie_bench")
    parser.add_argument(
        "--out", type=Path, default=OUT, help="where generated regions are kept (default benchmarks/out)"
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "regie.site.settings")
    os.environ.setdefault("REGIE_DEMO", "1")  # a synthetic region: the development keys are fine
    if args.worker:
        worker(args.folder, args.year)
        return
    folder = region(args.year, args.seed, args.scale, args.out)
    history, timed = split(folder, args.year)
    n, bare = min((bare_parse(timed) for _ in range(3)), key=lambda r: r[1])  # best of three, warm cache
    print(f"files of {args.year}+: {n}; bare lxml parse: {bare:.2f} s ({n / bare:,.0f} msg/s)")
    workdir = Path(tempfile.mkdtemp(prefix="regie-bench-"))
    targets = [("SQLite", f"sqlite:///{workdir / 'bench.sqlite3'}")]
    if args.postgres:
        targets.append(("PostgreSQL", args.postgres))
    for label, url in targets:
        files, elapsed = run_ingest(url, folder, args.year)
        print(
            f"{label}: regie ingest {files} files in {elapsed:.2f} s ({files / elapsed:,.0f} msg/s); "
            f"ratio to bare parse {elapsed / bare:.1f}x (target <= 4x)"
        )
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
