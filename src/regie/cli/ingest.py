"""``regie ingest PATH...``: read messages and CSV files into the database."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from regie.cli.common import OK, REJECTED, add_json_flag, console, emit_json, fail, setup_django


def register(sub: Any) -> None:
    parser = sub.add_parser("ingest", help="lees berichten (XML), CSV-bestanden, mappen en zip-archieven in")
    parser.add_argument("paths", nargs="+", metavar="PATH")
    parser.add_argument(
        "--no-refresh",
        action="store_true",
        help="betaalgrootboek, indicatoren en prognoses niet bijwerken (bijv. bij het inlezen van veel historie in delen)",
    )
    add_json_flag(parser)
    parser.set_defaults(func=run)


@contextmanager
def progress_bar(enabled: bool) -> Iterator[Callable[[int], Callable[[int], None]] | None]:
    """A rich progress bar on stderr (only on a terminal and without ``--json``)."""
    if not enabled or not console.is_terminal:
        yield None
        return
    with Progress(
        TextColumn("Inlezen"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=console
    ) as bar:

        def factory(total: int) -> Callable[[int], None]:
            task = bar.add_task("ingest", total=total)
            return lambda n: bar.advance(task, n)

        yield factory


def run(args: argparse.Namespace) -> int:
    setup_django()
    from regie.intake.sources import IngestError  # noqa: PLC0415
    from regie.uploads.jobs import ingest_document  # noqa: PLC0415 - needs Django set up

    try:
        with progress_bar(not args.json) as factory:
            doc = ingest_document(
                args.paths,
                factory,
                refresh=not args.no_refresh,
                notify=lambda text: console.print(text, markup=False),
                announce=None if args.json else announce_year,
            )
    except IngestError as exc:
        return fail(str(exc))
    if args.json:
        emit_json(doc)
    else:
        report(doc)
    return REJECTED if doc["rejected"] else OK


def announce_year(year: int) -> None:
    console.print(f"Betaalgrootboek, indicatoren en prognose {year} bijwerken ...")


def report(doc: dict[str, Any]) -> None:
    """A readable summary on stderr."""
    accepted = ", ".join(f"{code}: {n}" for code, n in doc["accepted"].items()) or "geen"
    console.print(f"{doc['files']} bestanden gelezen, {doc['duplicates']} al eerder ingelezen.")
    console.print(f"Geaccepteerde records per bericht: {accepted}.", markup=False)
    if doc["signals"]:
        console.print("Signalen: " + ", ".join(f"{kind}: {n}" for kind, n in doc["signals"].items()) + ".")
    if doc["rejected"]:
        console.print(f"[bold]{len(doc['rejected'])} afgekeurd:[/bold]")
        for row in doc["rejected"][:50]:
            record = f" record {row['record']}" if row["record"] else ""
            console.print(f"  {row['file']}{record}: {row['code']} {row['reason']}", markup=False, soft_wrap=True)
        if len(doc["rejected"]) > 50:
            console.print(f"  ... en nog {len(doc['rejected']) - 50} (alle redenen met --json)")
