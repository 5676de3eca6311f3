"""``regie demo``: the synthetic Venlo region in a SQLite database of its own, served.

The first start generates the region (``DIR/venlo``), loads its catalog, ingests the files
that had arrived by today, books this year's payment ledger and computes the figures the
first pages show, and then serves. What no first page needs (the forecast's month-by-month
history, the year before) is computed by a background process while the app is served.
Each stage prints a line with an estimate and, while it runs, its progress: a bar on a
terminal, plain lines in a log file (:mod:`regie.cli.progress`).

A later start keeps the database, and so what users did in it (decisions, signal
statuses), when nothing it was built from changed. ``DIR/demo.json``, beside the database,
holds the fingerprint of the region (profile, year, seed, scale and the generator's code)
and of the code that turns files into stored records (:func:`data_fingerprint`). When it
matches, the start ingests only the files that arrived since the last one and recomputes,
in the background, the figures that are not those of today's data and code
(:func:`figures_fingerprint`); the app is served at once with the figures it has. When it
does not match (or with ``--fresh``), the database is built afresh.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console

import regie
from regie.cli.common import OK, console, setup_django
from regie.cli.progress import Stages, duration, say
from regie.cli.serve import serve
from regie.engine.catalog import parse_catalog
from regie.formatting import count
from regie.synth import generate

DEMO_SEED = 2018
MARKER = ".regie-demo"
STATE = "demo.json"
DATABASE = "regie.sqlite3"

#: Seconds per unit of work (the region at scale 1; one file to ingest) on this project's
#: 2-core machine, shared, for a first start's estimates; later starts estimate from what the
#: stages took the time before (``took`` in ``demo.json``).
RATES = {
    "generate": 30.0,
    "ingest": 0.003,
    "ledger": 5.0,
    "figures": 15.0,
    "history": 60.0,
    "scenario": 20.0,
    "dialogues": 45.0,
}

#: Packages whose code writes a synthetic region (the generator and the XML writer).
GENERATOR_CODE = ("synth", "messages")
#: Packages whose code decides what the database holds once the files are read: a change in
#: them rebuilds the demo's database (:func:`data_fingerprint`).
DATA_CODE = ("messages", "intake", "traffic", "catalog", "engine/catalog")
#: Packages whose code computes the figures the pages show (:func:`figures_fingerprint`).
FIGURES_CODE = ("engine", "funding", "monitor", "reports")


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "demo",
        help="genereer, laad en serveer de demo (SQLite); een volgende start houdt de database",
        description="De demo: de synthetische regio Venlo in een eigen SQLite-database, geserveerd. "
        "Een volgende start houdt de database (en wat gebruikers deden) als er niets aan de regio veranderde.",
    )
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--dir", type=Path, default=Path("regie-demo"), help="werkmap van de demo (standaard ./regie-demo)"
    )
    parser.add_argument("--year", type=int, default=dt.date.today().year)
    parser.add_argument("--scale", type=float, default=1.0, help=argparse.SUPPRESS)
    parser.add_argument(
        "--fresh", action="store_true", help="opnieuw beginnen: de database weggooien en opnieuw opbouwen"
    )
    parser.add_argument("--no-serve", action="store_true", help="alleen opbouwen (alle cijfers), niet serveren")
    parser.add_argument("--figures-only", action="store_true", help=argparse.SUPPRESS)  # the background process
    parser.add_argument("--first-pages-only", action="store_true", help=argparse.SUPPRESS)  # tests: no background
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None, help=argparse.SUPPRESS)  # tests
    parser.set_defaults(func=run)


# --------------------------------------------------------------------------------------------
# Fingerprints


@functools.cache
def code_digest(parts: tuple[str, ...]) -> str:
    """A digest of the source of the given packages (or modules) of ``regie``."""
    root = Path(regie.__file__).parent
    digest = hashlib.sha256()
    for part in parts:
        path = root / part
        files = [path] if path.suffix == ".py" else sorted(path.rglob("*.py"))
        for source in files:
            digest.update(str(source.relative_to(root)).encode())
            digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def region_marker(year: int, scale: float) -> str:
    """What a generated region is made from: same marker, same bytes (generation is deterministic)."""
    return f"venlo {year} {DEMO_SEED} {scale} {code_digest(GENERATOR_CODE)}"


def data_fingerprint(year: int, scale: float) -> str:
    """The region and the code that turns its files into stored records: when this changes,
    the database no longer holds what reading the region today would give, and is rebuilt."""
    return f"{region_marker(year, scale)} data {code_digest(DATA_CODE)}"


def figures_fingerprint(task: str, year: int, today: dt.date) -> str:
    """What a task's figures depend on: the stored messages, the code computing the figures
    and, for a year that has not ended, today (its figures are "as of today")."""
    from regie.traffic.models import Message  # noqa: PLC0415 - needs Django set up

    last = Message.objects.order_by("-pk").values_list("pk", flat=True).first()
    day = today.isoformat() if year >= today.year else "closed"
    return f"{task} {Message.objects.count()} {last} {day} {code_digest(FIGURES_CODE)}"


@dataclass
class State:
    """``demo.json``: what the database beside it was built from and what has been done since."""

    data: str = ""
    built: str = ""
    ingested_through: str = ""
    files: int = 0
    figures: dict[str, str] = field(default_factory=dict)
    took: dict[str, float] = field(default_factory=dict)

    @classmethod
    def load(cls, directory: Path) -> State:
        try:
            doc = json.loads((directory / STATE).read_text(encoding="utf-8"))
            return cls(**{k: v for k, v in doc.items() if k in cls.__dataclass_fields__})
        except (OSError, ValueError, TypeError):
            return cls()

    def save(self, directory: Path) -> None:
        path = directory / STATE
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(self.__dict__, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        temporary.replace(path)  # atomic: a start never reads half a file


# --------------------------------------------------------------------------------------------
# Building


def arrived_by(data: Path, today: dt.date, after: dt.date | None = None) -> list[Path]:
    """The generated files that had arrived by ``today`` (and after ``after``): their names
    start with the arrival date.

    A synthetic region runs to the end of its year and beyond (late declarations); a real
    municipality has only what arrived so far, so the demo ingests only that.
    """
    files = sorted(p for folder in ("messages", "csv") for p in (data / folder).rglob("*") if p.is_file())
    since = after.isoformat() if after else ""
    return [p for p in files if since < p.name[:10] <= today.isoformat()]


def tasks(year: int) -> list[str]:
    """The figures a demo computes, in order: this year's first (the first pages), then the
    forecast's history (the segment pages), then the year before."""
    out = []
    for y in (year, year - 1):
        out += [f"ledger {y}", f"figures {y}", f"history {y}"]
    out.insert(2, f"scenario {year}")  # a saved example scenario, after this year's figures
    out.insert(3, f"dialogues {year}")  # the figures the past dialogues discuss
    return out


#: What each kind of task computes, as the progress lines say it.
TITLES = {
    "ledger": "Betaalgrootboek",
    "figures": "Cijfers (indicatoren, scorekaarten, prognose)",
    "history": "Verloop van de prognose per maand",
    "scenario": "Voorbeeldscenario (indexatie en groei)",
    "dialogues": "Cijfers per kwartaaleinde voor de eerdere gesprekken",
}


def title(task: str) -> str:
    """``history 2026`` -> ``Verloop van de prognose per maand 2026``."""
    kind, year = task.split()
    return f"{TITLES[kind]} {year}"


#: The tasks a first start does before it serves (the first pages need them).
def eager(year: int) -> list[str]:
    return [f"ledger {year}", f"figures {year}"]


def estimate(state: State, kind: str, units: float) -> float:
    """Seconds a stage of ``kind`` will take for ``units`` of work (files to ingest, or the
    region's scale): at the rate it had last time, or at :data:`RATES`."""
    return state.took.get(kind, RATES[kind]) * units


class Demo:
    """One start of the demo in ``directory`` for ``year`` (``scale`` shrinks it for tests)."""

    def __init__(self, directory: Path, year: int, scale: float = 1.0, today: dt.date | None = None) -> None:
        self.directory = directory
        self.year = year
        self.scale = scale
        self.today = today or dt.date.today()
        self.data = directory / "venlo"
        self.database = directory / DATABASE
        self.state = State.load(directory)
        self.previous = State.load(directory)  # for the estimates, also after --fresh

    # -- the database -------------------------------------------------------------------------

    def prepare(self, fresh: bool) -> bool:
        """Point ``DATABASE_URL`` at the demo's database; decide whether it is kept. Returns
        True when the database is built afresh (and wipes it)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{self.database.resolve()}"
        os.environ["REGIE_DEMO"] = "1"  # synthetic data: the development keys are fine (settings.DEMO)
        wanted = data_fingerprint(self.year, self.scale)
        reason = ""
        if fresh:
            reason = "opnieuw beginnen (--fresh)"
        elif not self.database.exists() or not self.state.built:
            reason = "nog geen complete database"
        elif self.state.data != wanted:
            reason = "de regio of de code die berichten inleest is veranderd"
        if not reason:
            say(
                console,
                f"Database {self.database} gehouden (gebouwd {self.state.built}): niets aan de regio veranderd.",
            )
            return False
        if self.database.exists() or self.state.built:
            say(console, f"Database opnieuw opbouwen: {reason}.")
        for stale in self.directory.glob(f"{DATABASE}*"):
            stale.unlink()
        self.state = State(data=wanted, took=self.previous.took)
        self.state.save(self.directory)
        return True

    def region_ready(self) -> bool:
        marker = self.data / MARKER
        return marker.exists() and marker.read_text() == region_marker(self.year, self.scale)

    def generate(self, stages: Stages) -> None:
        """Generate the region into ``DIR/venlo`` unless it is there already (same marker)."""
        if self.region_ready():
            say(console, f"Synthetische regio Venlo ({self.year}) hergebruikt uit {self.data}.")
            return
        if self.data.exists():
            shutil.rmtree(self.data)
        with stages.stage(
            f"Synthetische regio Venlo ({self.year}) genereren in {self.data}",
            estimate(self.previous, "generate", self.scale),
        ) as step:
            generate("venlo", self.year, DEMO_SEED, self.data, scale=self.scale, progress=step.factory)
        self.state.took["generate"] = stages.last / self.scale
        (self.data / MARKER).write_text(region_marker(self.year, self.scale))

    def new_files(self, fresh: bool) -> list[Path]:
        """The files to ingest: all that arrived by today, or those since the last start."""
        through = self.state.ingested_through
        after = None if fresh or not through else dt.date.fromisoformat(through)
        return arrived_by(self.data, self.today, after)

    def ingest(self, stages: Stages, fresh: bool, files: list[Path]) -> None:
        """Load the catalog and the demo users (afresh) and ingest ``files``."""
        from regie.catalog.loader import load_catalog  # noqa: PLC0415 - needs Django set up
        from regie.monitor.pending import ingest_and_refresh  # noqa: PLC0415
        from regie.procurement.contract_life import raise_expiry_signals  # noqa: PLC0415
        from regie.procurement.history import seed_tenders  # noqa: PLC0415
        from regie.relations.history import seed_history  # noqa: PLC0415
        from regie.site.demo import create_demo_users, give_demo_password  # noqa: PLC0415

        if fresh:
            load_catalog(parse_catalog(self.data / "catalog.toml"))
            create_demo_users()
            seed_history(self.today)
            seed_tenders(json.loads((self.data / "truth" / "tenders.json").read_text(encoding="utf-8")))
        else:
            give_demo_password()  # a kept database: every demo user it lists can log in
        if files:
            with stages.stage(
                "Berichten en CSV-bestanden inlezen (tot en met vandaag)",
                estimate(self.previous, "ingest", len(files)),
                f"{count(len(files))} bestanden",
            ) as step:
                # the waiting list is updated by the service; the figures follow as the demo's
                # own stages (compute), each with its progress
                summary = ingest_and_refresh(files, step.factory, refresh=False)
            say(
                console,
                f"      {count(summary.files)} bestanden ingelezen; {len(summary.rejected)} records afgekeurd; "
                f"signalen: {sum(summary.signals.values())}.",
            )
            if fresh:
                self.state.took["ingest"] = stages.last / len(files)
        else:
            say(console, "Geen nieuwe berichten sinds de vorige start.")
        raise_expiry_signals(self.today)
        self.state.ingested_through = self.today.isoformat()
        self.state.files += len(files)
        self.state.save(self.directory)

    # -- the figures --------------------------------------------------------------------------

    def pending(self) -> list[str]:
        """The tasks whose figures are not those of today's data and code."""
        return [t for t in tasks(self.year) if self.state.figures.get(t) != self._print(t)]

    def _print(self, task: str) -> str:
        return figures_fingerprint(task, int(task.split()[1]), self.today)

    def compute(self, stages: Stages, todo: list[str]) -> None:
        """Run ``todo``, recording each task's fingerprint in ``demo.json`` when it is done."""
        from regie.funding.services import refresh_ledger  # noqa: PLC0415 - needs Django set up
        from regie.monitor.models import Snapshot  # noqa: PLC0415
        from regie.monitor.ondemand import holding  # noqa: PLC0415
        from regie.monitor.services import load_inputs, refresh  # noqa: PLC0415

        inputs = None  # the stored traffic of every year, read once
        history = Snapshot.Kind.FORECAST_HISTORY
        for task in todo:
            kind, year = task.split()[0], int(task.split()[1])
            with stages.stage(title(task), estimate(self.previous, kind, self.scale)) as step:
                if kind == "ledger":
                    refresh_ledger(year, self.today)
                elif kind == "dialogues":
                    inputs = inputs or load_inputs()
                    self.dialogue_figures(inputs)
                elif kind == "scenario":
                    from regie.scenarios.services import demo_scenario  # noqa: PLC0415 - needs Django set up

                    inputs = inputs or load_inputs()
                    demo_scenario(year, self.today, inputs=inputs)
                else:
                    inputs = inputs or load_inputs()
                    kinds = [history] if kind == "history" else [k for k, _l in Snapshot.Kind.choices if k != history]
                    # the date's claim: a page asking for it meanwhile waits instead of computing it too
                    with holding(year, self.today):
                        refresh(year, self.today, inputs=inputs, kinds=kinds, progress=step.factory)
            self.state.took[kind] = stages.last / self.scale
            self.state.figures[task] = self._print(task)
            self.state.save(self.directory)

    def dialogue_figures(self, inputs: Any) -> None:
        """The figures as of each quarter end the past dialogues fall after (those a page
        shows first for a date), then the dialogues' agendas with them."""
        from regie.monitor.ondemand import FIRST_KINDS, holding  # noqa: PLC0415 - needs Django set up
        from regie.monitor.services import available, refresh  # noqa: PLC0415
        from regie.relations.history import fill_agendas, quarter_ends  # noqa: PLC0415

        for day in quarter_ends(self.today):
            if day not in available().get(day.year, []):
                with holding(day.year, day):
                    refresh(day.year, day, inputs=inputs, kinds=FIRST_KINDS)
        fill_agendas(self.today)

    # -- a start ------------------------------------------------------------------------------

    def build(self, fresh: bool) -> list[str]:
        """Everything before serving; returns the tasks left for the background."""
        fresh = self.prepare(fresh)
        region = self.region_ready()
        files = self.new_files(fresh) if region else []
        stages = Stages(console, (0 if region else 1) + (1 if files or not region else 0) + (2 if fresh else 0))
        self.generate(stages)
        if not region:
            files = self.new_files(fresh)
        setup_django()
        self.ingest(stages, fresh, files)
        if fresh:
            self.compute(stages, eager(self.year))
            from regie.dossiers.history import seed_dossiers  # noqa: PLC0415 - needs Django set up

            seed_dossiers(self.today)  # after the figures: an award keeps the indicators of its day
            self.state.built = dt.datetime.now().isoformat(timespec="seconds")
            self.state.save(self.directory)
        return self.pending()


def background(directory: Path, year: int, scale: float, today: dt.date) -> subprocess.Popen[bytes]:
    """Start ``regie demo --figures-only`` for the same demo in a process of its own (so the
    web app keeps its own core), its progress lines on the same stderr."""
    command = [sys.executable, "-m", "regie.cli", "demo", "--figures-only", "--dir", str(directory)]
    command += ["--year", str(year), "--scale", str(scale), "--today", today.isoformat()]
    return subprocess.Popen(command, env=os.environ.copy())


def _stop_with_parent() -> None:
    """In the background process: stop when the demo that started it is gone (also when it
    was killed). A task stopped halfway stores nothing and is done again at the next start."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _figures_only(demo: Demo) -> int:
    _stop_with_parent()
    os.environ["DATABASE_URL"] = f"sqlite:///{demo.database.resolve()}"
    os.environ["REGIE_DEMO"] = "1"
    setup_django(migrate=False)
    todo = demo.pending()
    plain = Console(stderr=True, highlight=False, force_terminal=False)  # lines, not a bar, beside the server
    demo.compute(Stages(plain, len(todo), prefix="[achtergrond] "), todo)
    say(plain, "[achtergrond] Alle cijfers zijn bijgewerkt.")
    return OK


def run(args: argparse.Namespace) -> int:
    demo = Demo(args.dir, args.year, args.scale, args.today)
    if args.figures_only:
        return _figures_only(demo)
    todo = demo.build(args.fresh)
    if args.no_serve and todo and not args.first_pages_only:
        demo.compute(Stages(console, len(todo)), todo)
        todo = []
    from regie.site.demo import demo_users  # noqa: PLC0415 - needs Django set up

    url = f"http://127.0.0.1:{args.port}/"
    console.print("")
    console.print(f"[bold]Regie demo[/bold] klaar: {url}")
    console.print("Inloggen met (wachtwoord [bold]regie-demo[/bold]):")
    users = demo_users()
    width = max(map(len, users), default=0)
    for login, description in users.items():
        console.print(f"  {login:<{width}}  {description}", markup=False, highlight=False, soft_wrap=True)
    if args.no_serve:
        return OK
    worker = None
    if todo:
        guess = sum(estimate(demo.state, t.split()[0], args.scale) for t in todo)
        say(
            console,
            f"Op de achtergrond volgen nog: {', '.join(title(t).lower() for t in todo)} "
            f"(geschat: ongeveer {duration(guess)}); de pagina's tonen ze zodra ze klaar zijn.",
        )
        worker = background(args.dir, args.year, args.scale, demo.today)
    console.print("Stoppen met Ctrl+C.")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stopped by a service manager: stop the worker too
    try:
        serve("127.0.0.1", args.port)
    finally:
        if worker is not None and worker.poll() is None:
            worker.terminate()
            worker.wait(timeout=30)
    return OK
