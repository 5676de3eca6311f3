"""``regie demo``: generate the venlo region, load it into a fresh SQLite database, serve it."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import shutil
from pathlib import Path
from typing import Any

from regie import messages, synth
from regie.cli.common import OK, console, setup_django
from regie.cli.ingest import progress_bar, refresh_years
from regie.cli.serve import serve
from regie.engine.catalog import parse_catalog
from regie.synth import generate

DEMO_SEED = 2018
MARKER = ".regie-demo"


def register(sub: Any) -> None:
    parser = sub.add_parser("demo", help="genereer, laad en serveer de demo (SQLite)")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--dir", type=Path, default=Path("regie-demo"), help="werkmap van de demo (standaard ./regie-demo)"
    )
    parser.add_argument("--year", type=int, default=dt.date.today().year)
    parser.add_argument("--scale", type=float, default=1.0, help=argparse.SUPPRESS)
    parser.add_argument("--no-serve", action="store_true", help="alleen opbouwen, niet serveren")
    parser.set_defaults(func=run)


def generator_digest() -> str:
    """A digest of the code that writes a synthetic region (the generator and the XML writer)."""
    digest = hashlib.sha256()
    for package in (synth, messages):
        for path in sorted(Path(package.__file__).parent.rglob("*.py")):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def build_demo(directory: Path, year: int, scale: float = 1.0) -> dict[str, str]:
    """Generate the venlo region into ``directory`` and load it into a fresh SQLite file there.

    Sets ``DATABASE_URL`` for this process. Returns the demo logins.
    """
    directory.mkdir(parents=True, exist_ok=True)
    database = directory / "regie.sqlite3"
    for stale in directory.glob("regie.sqlite3*"):
        stale.unlink()
    os.environ["DATABASE_URL"] = f"sqlite:///{database.resolve()}"
    data = directory / "venlo"
    marker = f"venlo {year} {DEMO_SEED} {scale} {generator_digest()}"
    if (data / MARKER).exists() and (data / MARKER).read_text() == marker:
        console.print(f"Synthetische regio Venlo ({year}) hergebruikt uit {data}.")
    else:
        if data.exists():
            shutil.rmtree(data)
        console.print(f"Synthetische regio Venlo genereren ({year}) in {data} ...")
        generate("venlo", year, DEMO_SEED, data, scale=scale, progress=True)
        (data / MARKER).write_text(marker)  # generation is deterministic: the same arguments may reuse it
    setup_django()
    from regie.catalog.loader import load_catalog  # noqa: PLC0415 - needs Django set up
    from regie.site.demo import create_demo_users  # noqa: PLC0415
    from regie.traffic.ingest import ingest  # noqa: PLC0415

    load_catalog(parse_catalog(data / "catalog.toml"))
    console.print("Berichten en CSV-bestanden inlezen (tot en met vandaag) ...")
    with progress_bar(True) as factory:
        summary = ingest(arrived_by(data, dt.date.today()), factory)
    console.print(
        f"{summary.files} bestanden ingelezen; {len(summary.rejected)} records afgekeurd; "
        f"signalen: {sum(summary.signals.values())}."
    )
    refresh_years([year - 1, year], quiet=False)
    return create_demo_users()


def arrived_by(data: Path, today: dt.date) -> list[Path]:
    """The generated files that had arrived by ``today``: their names start with the arrival date.

    A synthetic region runs to the end of its year and beyond (late declarations); a real
    municipality has only what arrived so far, so the demo ingests only that.
    """
    files = sorted(p for folder in ("messages", "csv") for p in (data / folder).rglob("*") if p.is_file())
    return [p for p in files if p.name[:10] <= today.isoformat()]


def run(args: argparse.Namespace) -> int:
    users = build_demo(args.dir, args.year, args.scale)
    url = f"http://127.0.0.1:{args.port}/"
    console.print("")
    console.print(f"[bold]Regie demo[/bold] klaar: {url}")
    console.print("Inloggen met (wachtwoord [bold]regie-demo[/bold]):")
    for login, description in users.items():
        console.print(f"  {login:<10} {description}")
    if args.no_serve:
        return OK
    console.print("Stoppen met Ctrl+C.")
    serve("127.0.0.1", args.port)
    return OK
