"""``generate``: one synthetic region on disk, deterministic in its arguments.

Layout of ``DIR``::

    catalog.toml            the region's set-up (regie.engine.catalog format)
    messages/YYYY-MM/...    one iJw/iWmo 3.2 XML file per message, named in arrival order
    csv/...                 periodic CSV reports (docs/csv-formats.md), Venlo's participation
                            register among them (regie.synth.participation)
    truth/*.parquet         the truth set (regie.synth.truth)
    truth/scenario.json     the scenario's parameters and special cases

Same arguments, same bytes: every random draw comes from a stream seeded by (seed, profile,
part), tables are sorted before they are written, Parquet files carry no timestamps and JSON is
written with sorted keys. A directory that holds a previous output is emptied first; any other
non-empty directory is refused.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import polars as pl
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from regie.engine.catalog import dump_catalog
from regie.synth import calendar as cal
from regie.synth import participation, shared_clients
from regie.synth.consortia import members_send, residential_partners
from regie.synth.contracts import build_catalog
from regie.synth.csv_reports import write_csv
from regie.synth.emit import write_messages
from regie.synth.pgb import budgets as pgb_budgets
from regie.synth.pgb import write_pgb
from regie.synth.plan import build_plan
from regie.synth.pricing import make_terms
from regie.synth.profiles import PROFILE_SPECS, ProfileSpec
from regie.synth.simulate import World, simulate
from regie.synth.traffic import Traffic, build_traffic
from regie.synth.truth import REPEATED_EXTENSIONS, Truth, write_parquet

PROFILES = tuple(PROFILE_SPECS)
GENERATOR = "regie.synth"
#: Declaration periods before 2021 are not allowed in release 3.2 (CS100); the history is Y-3..Y.
FIRST_YEAR = 2024
OWNED = ("catalog.toml", "messages", "csv", "truth")


class SynthError(ValueError):
    """Arguments (``usage``) or an output directory that ``generate`` refuses (message in Dutch)."""

    def __init__(self, message: str, usage: bool = False) -> None:
        super().__init__(message)
        self.usage = usage


def _check_out(out: Path) -> None:
    """Refuse an ``out`` that is a file, or a non-empty directory that is not a previous output."""
    if out.exists() and not out.is_dir():
        raise SynthError(f"{out} bestaat en is geen map")
    if out.exists() and any(out.iterdir()):
        marker = out / "truth" / "scenario.json"
        previous = False
        if marker.is_file():
            try:
                previous = json.loads(marker.read_text(encoding="utf-8")).get("generator") == GENERATOR
            except (ValueError, UnicodeDecodeError):
                previous = False
        others = sorted(p.name for p in out.iterdir() if p.name not in OWNED)
        if not previous or others:
            raise SynthError(
                f"{out} is niet leeg en bevat geen eerdere uitvoer van regie generate"
                + (f" (onbekend: {', '.join(others[:5])})" if others else "")
            )


def _prepare(out: Path) -> None:
    """Make ``out`` an empty directory, removing a previous output (checked by :func:`_check_out`)."""
    _check_out(out)
    for name in OWNED:
        path = out / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    out.mkdir(parents=True, exist_ok=True)


@contextmanager
def _progress(enabled: bool | Callable[[int], Callable[[int], None]], total: int) -> Iterator[Any]:
    """Progress of writing the messages: none, a rich bar on stderr, or the caller's own
    (``enabled`` is then a callable taking the total and returning an ``advance(n)``)."""
    if callable(enabled):
        yield enabled(total)
        return
    if not enabled:
        yield None
        return
    console = Console(stderr=True)
    with Progress(
        TextColumn("[bold]berichten schrijven"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("berichten", total=total)
        yield lambda n: bar.advance(task, n)


def clients_per_year(episodes: pl.DataFrame, years: range) -> dict[str, int]:
    """Distinct clients with an episode overlapping each year (truth episodes)."""
    out = {}
    for y in years:
        a, b = dt.date(y, 1, 1), dt.date(y, 12, 31)
        e = episodes.filter((pl.col("start") <= b) & (pl.col("end").is_null() | (pl.col("end") >= a)))
        out[str(y)] = e["client"].n_unique()
    return out


def build(
    profile: str, year: int, seed: int, scale: float = 1.0
) -> tuple[World, Traffic, Any, Any, Truth, dict[str, Any]]:
    """The whole region in memory (no files): world, traffic, catalog, plan, truth and notes."""
    spec = _spec(profile)
    if year < FIRST_YEAR:
        raise SynthError(
            f"jaar {year} kan niet: de historie (jaar-3 .. jaar) moet na 2020 liggen (vanaf {FIRST_YEAR})", usage=True
        )
    if not 0 < scale <= 4:
        raise SynthError("schaal moet groter dan 0 en hoogstens 4 zijn", usage=True)
    world = residential_partners(simulate(spec, year, seed, scale))
    terms = make_terms(
        spec, year, seed, list(zip(world.offers["agb"].to_list(), world.offers["segment"].to_list(), strict=True))
    )
    traffic = members_send(world, build_traffic(world, terms))
    catalog, notes = build_catalog(world, terms, traffic)
    plan = build_plan(world, traffic)
    world.extras["tenders"] = notes["tenders"]
    world.extras["pgb"] = pgb_budgets(world, traffic, cal.date_of(int(plan.messages["arrival"].max())))  # type: ignore[arg-type]
    truth = Truth(world, traffic, plan, catalog)
    part = participation.build(world, catalog, truth.episodes())  # Venlo's participation segment
    if part is not None:
        catalog = truth.catalog = part.catalog
        notes["participation"] = part
        notes["spending"] = [*cast(list[dict[str, object]], notes["spending"]), *part.spending]
    return world, traffic, catalog, plan, truth, notes


def _spec(profile: str) -> ProfileSpec:
    if profile not in PROFILE_SPECS:
        raise SynthError(f"onbekend profiel '{profile}' (kies uit {', '.join(PROFILES)})", usage=True)
    return PROFILE_SPECS[profile]


def generate(
    profile: str,
    year: int,
    seed: int,
    out: Path,
    scale: float = 1.0,
    progress: bool | Callable[[int], Callable[[int], None]] = False,
) -> dict[str, Any]:
    """Generate the synthetic region ``profile`` for reference year ``year`` into ``out``.

    Returns a JSON-able summary: profile, year, seed, scale, clients per year, messages written
    per message type, malformed messages, CSV files per kind, truth files and signals per kind.
    """
    out = Path(out)
    _check_out(out)
    world, traffic, catalog, plan, truth, notes = build(profile, year, seed, scale)
    _prepare(out)
    part = notes.get("participation")
    dump_catalog(catalog, out / "catalog.toml")
    frames = {
        "episodes": truth.episodes(),
        "declarations": truth.declarations(),
        "requests": truth.requests(),
        "objections": truth.objections(),
        "allocations": truth.allocations(),
        "clients": truth.clients(),
        "signals": truth.signals(),
        **({"trajectories": part.trajectories} if part else {}),
    }
    (out / "truth").mkdir()
    for name, frame in frames.items():
        write_parquet(frame, out / "truth" / f"{name}.parquet")
    with _progress(progress, plan.messages.height) as advance:
        counts = write_messages(out, world, traffic, plan, advance)
    csv_files = write_csv(out, world, traffic, plan) + write_pgb(out, world.extras["pgb"])  # type: ignore[arg-type]
    csv_files += part.write_csv(out) if part else []
    write_parquet(world.extras["pgb"], out / "truth" / "pgb.parquet")  # type: ignore[arg-type]
    (out / "truth" / "tenders.json").write_text(
        json.dumps(world.extras["tenders"], indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    scenario = _scenario(world, traffic, plan, frames, notes, csv_files)
    (out / "truth" / "scenario.json").write_text(
        json.dumps(scenario, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    kinds: dict[str, int] = {}
    for f in csv_files:
        kind = Path(f).stem.split("_")[1]
        kinds[kind] = kinds.get(kind, 0) + 1
    return {
        "profile": profile,
        "year": year,
        "seed": seed,
        "scale": scale,
        "out": str(out),
        "clients_per_year": clients_per_year(frames["episodes"], range(year - 3, year + 1)),
        "messages": counts,
        "malformed_messages": int(plan.messages.filter(pl.col("malformed") != "").height),
        "csv_files": kinds,
        "truth": sorted([*(f"truth/{name}.parquet" for name in frames), "truth/pgb.parquet"])
        + ["truth/scenario.json", "truth/tenders.json"],
        "signals": {k: int(v) for k, v in frames["signals"].group_by("kind").len().sort("kind").iter_rows()},
    }


def _scenario(
    world: World,
    traffic: Traffic,
    plan: Any,
    frames: dict[str, pl.DataFrame],
    notes: dict[str, Any],
    csv_files: list[str],
) -> dict[str, Any]:
    """``truth/scenario.json``: the set-up, the parts the providers play, the faults the
    files contain, the spending the budgets were set from and the size of each truth frame."""
    spec, year = world.spec, world.year
    return {
        "generator": GENERATOR,
        "profile": spec.name,
        "region": spec.region,
        "year": year,
        "seed": world.seed,
        "scale": world.scale,
        "history": {
            "first_year": year - 3,
            "last_year": year,
            "contract_start": {m: cal.date_of(d).isoformat() for m, d in sorted(world.contract_start.items())},
            "transition": "clients in care when a municipality's contracts start get an allocation and a care "
            "start dated that day",
        },
        **_scenario_setup(world),
        **_scenario_roles(world, traffic, notes["spending"], csv_files),
        **_scenario_faults(traffic, plan),
        "spending": notes["spending"],
        "cross_domain": shared_clients.expected(frames, year),
        "counts": {name: frame.height for name, frame in sorted(frames.items())},
    }


def _scenario_setup(world: World) -> dict[str, Any]:
    """The municipalities and segments of ``scenario.json``."""
    spec = world.spec
    return {
        "municipalities": [
            {"code": m.code, "name": m.name, "areas": dict(zip(m.areas, m.postcodes, strict=True))}
            for m in spec.municipalities
        ],
        "segments": [
            {
                "code": s.code,
                "funding_model": s.funding_model,
                "execution": s.execution,
                "law": s.law,
                "weight": s.weight,
                "products": {
                    p.code: {"name": p.name, "unit": p.unit, "tariff_cents": p.tariff, "share": p.share}
                    for p in s.products
                },
                "allocation_validity_months": s.validity_months,
            }
            for s in spec.segments
        ],
    }


def _scenario_roles(
    world: World, traffic: Traffic, spending: list[dict[str, Any]], csv_files: list[str]
) -> dict[str, Any]:
    """The deficit, and the providers with a part (upcoder, extender, very late, silent) of ``scenario.json``."""
    spec, roles, year = world.spec, world.roles, world.year
    providers = {r["agb"]: r["name"] for r in world.providers.iter_rows(named=True)}
    deficit = [r for r in spending if r["segment"] == spec.deficit_segment and r["year"] == year]
    upcoder_episodes = traffic.episodes.filter(
        (pl.col("provider") == roles.upcoder) & (pl.col("segment") == roles.upcoding_segment)
    )
    month = cal.day(roles.upcoding_from)
    before = upcoder_episodes.filter(pl.col("start") < month)["product"].value_counts().sort("product")
    after = upcoder_episodes.filter(pl.col("start") >= month)["product"].value_counts().sort("product")
    return {
        "deficit": {
            "segment": spec.deficit_segment,
            "inflow_factor": f"1 + {spec.rise} + {spec.rise_slope} x fraction of {year}",
            "per_municipality": [
                {**r, "overrun": round(r["expected_spending_cents"] / r["budget_cents"] - 1, 4)} for r in deficit
            ],
        },
        "upcoding": {
            "provider": roles.upcoder,
            "name": providers[roles.upcoder],
            "segment": roles.upcoding_segment,
            "from": roles.upcoding_from.isoformat(),
            "products_before": dict(before.iter_rows()),
            "products_after": dict(after.iter_rows()),
        },
        "repeated_extension": {
            "provider": roles.extender,
            "name": providers[roles.extender],
            "segment": roles.extender_segment,
            "threshold": REPEATED_EXTENSIONS,
        },
        "very_late_declarations": {
            "provider": roles.very_late,
            "segment": roles.very_late_segment,
            "care_months": [m.isoformat() for m in roles.very_late_months],
        },
        "silent_core_partner": (
            {
                "provider": roles.silent,
                "name": providers[roles.silent],
                "segments": list(roles.silent_segments),
                "csv_files": [f for f in csv_files if f"_episodes_{roles.silent}" in f],
            }
            if roles.silent
            else None
        ),
        "core_partners": sorted(world.providers.filter(pl.col("core_partner"))["agb"].to_list()),
        "subcontractors": sorted(
            world.offers.filter(
                pl.col("segment").is_in([s.code for s in spec.segments if s.funding_model != "lump_sum"])
                & ~pl.col("agb").is_in(world.providers.filter(pl.col("core_partner"))["agb"].to_list())
            )["agb"].to_list()
        )
        if spec.core_partners
        else [],
    }


def _scenario_faults(traffic: Traffic, plan: Any) -> dict[str, Any]:
    """The malformed files, faulty records and care without allocation of ``scenario.json``."""
    malformed = plan.messages.filter(pl.col("malformed") != "")
    file_of = dict(zip(plan.messages["msg"].to_list(), plan.messages["file"].to_list(), strict=True))
    faulty_lines = plan.lines.filter(pl.col("fault") != "")
    file_of_content = plan.file_of()
    return {
        "faulty_files": [
            {"file": file_of[m], "fault": kind, "resent_as": file_of[c]}
            for m, kind, c in malformed.select("msg", "malformed", "content").sort("msg").iter_rows()
        ],
        "faulty_records": [
            {"file": file_of_content[msg], "reference": ref, "fault": fault, "retour_code": code}
            for msg, ref, fault, code in faulty_lines.select("msg", "reference", "fault", "retour_code")
            .sort("reference")
            .iter_rows()
        ],
        "care_without_allocation": [
            {"client": bsn, "provider": p, "segment": s, "allocation_number": n, "start": cal.date_of(st).isoformat()}
            for bsn, p, s, n, st in traffic.fake.join(traffic.clients.select("client", "bsn"), on="client")
            .select("bsn", "provider", "segment", "allocation_number", "start")
            .sort("allocation_number")
            .iter_rows()
        ],
    }
