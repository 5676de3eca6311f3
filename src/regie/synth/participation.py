"""Participation trajectories of a synthetic region (Participatiewet; domain.md sections 10a, 13).

Venlo gets a participation segment ``PART`` (domain ``participatie``, funded per module under
the outcome rules) with three providers and a few hundred trajectories a year over the
history (Y-3 .. Y). A share of the trajectories (:data:`CARE_SHARE`) belongs to clients who
also use Wmo or youth care in the region: the trajectory starts while, or shortly after, one of
their care episodes runs, so the client across domains finds clients in two or three domains
and overlapping arrangements. The rest belong to clients known only to participation, some
with a second trajectory (a re-entry, so not every outflow is sustainable).

The register reaches the municipality as monthly CSV files of the kind ``trajectories``
(``csv/YYYY-MM-DD_trajectories.csv``, docs/csv-formats.md): a row when a trajectory starts
and another when it ends, each with its ``reported_on``. An end reported after the region's
last day is not in the files (the trajectory is open in the data).

The truth (``truth/trajectories.parquet``, frame :data:`regie.engine.frames.TRAJECTORIES` with
the BSN in clear as ``client``) holds every trajectory as the files finally tell it, with the
arrivals of its start and its end; the funding and the indicators of the engine computed on
it are what a correct reading of the files must find.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from regie.engine import frames
from regie.engine.catalog import Budget, Catalog, Contract, Provider, Segment
from regie.engine.funding import ledger
from regie.engine.participation import as_declarations, as_episodes
from regie.synth import calendar as cal
from regie.synth.csv_reports import _csv
from regie.synth.people import agb_codes, draw_bsns
from regie.synth.rng import stream
from regie.synth.simulate import World

SEGMENT = "PART"
MUNICIPALITY = "0983"
#: module code -> (name, tariff in cents, mean duration in days, share of the starts)
MODULES: dict[str, tuple[str, int, int, float]] = {
    "WERKFIT": ("Werkfit maken", 360000, 200, 0.45),
    "SCHOLING": ("Scholing naar werk", 280000, 270, 0.30),
    "JOBCOACH": ("Jobcoaching bij plaatsing", 200000, 120, 0.25),
}
PROVIDER_NAMES = ("Werkplein Maasoever", "Leerwerkbedrijf De Schakel", "Jobcoaching Noord-Limburg")
#: Why trajectories end, and how often.
END_REASONS = {"work": 0.36, "education": 0.14, "care": 0.15, "other": 0.35}
#: Trajectories that start per year at scale 1.
STARTS_PER_YEAR = 300
#: The share of trajectories whose client also uses Wmo or youth care in the region.
CARE_SHARE = 0.4
#: Participation-only clients per trajectory of such clients (below 1: some come back).
NEW_CLIENTS_PER_TRAJECTORY = 0.85
#: The budget of a year as a share of what its trajectories cost (the deficit is elsewhere).
BUDGET_SHARE = 1.05

COLUMNS = ("municipality", "provider", "bsn", "module", "start", "end", "end_reason", "reported_on")


@dataclass(frozen=True)
class Participation:
    """The participation part of a region: the catalog with it, and its truth."""

    catalog: Catalog
    trajectories: pl.DataFrame  # frame ``trajectories``, BSN in clear
    #: per year: what the trajectories cost and the budget set from it (``scenario.json``'s ``spending``)
    spending: list[dict[str, object]]

    def write_csv(self, out: Path) -> list[str]:
        """The monthly register files; their paths relative to ``out``."""
        rows = []
        for t in self.trajectories.iter_rows(named=True):
            common = (t["municipality"], t["provider"], t["client"], t["module"], t["start"].isoformat())
            rows.append((t["start_arrival"], (*common, "", "", t["start_arrival"].isoformat())))
            if t["end"] is not None:
                rows.append(
                    (t["end_arrival"], (*common, t["end"].isoformat(), t["end_reason"], t["end_arrival"].isoformat()))
                )
        rows.sort()
        (out / "csv").mkdir(exist_ok=True)
        by_month: dict[dt.date, list[tuple[str, ...]]] = {}
        for day, row in rows:
            by_month.setdefault(day.replace(day=1), []).append(row)
        written = []
        for _month, month_rows in sorted(by_month.items()):
            name = f"csv/{max(r[-1] for r in month_rows)}_trajectories.csv"
            _csv(out / name, COLUMNS, month_rows)
            written.append(name)
        return written


def build(world: World, catalog: Catalog, episodes: pl.DataFrame) -> Participation | None:
    """The participation segment of ``world`` (Venlo only; None for other profiles).

    ``episodes`` is the truth of the care episodes (BSN in clear): the care clients a share
    of the trajectories reuses.
    """
    if world.spec.name != "venlo":
        return None
    rng = stream(world.seed, world.spec.name, "participation")
    taken = {p.agb for p in catalog.providers}
    agbs = [a for a in agb_codes(len(PROVIDER_NAMES) + 5, rng, prefix=86) if a not in taken][: len(PROVIDER_NAMES)]
    trajectories = _trajectories(world, episodes, agbs, rng)
    extended, spending = _catalog(world, catalog, agbs, trajectories)
    return Participation(extended, trajectories, spending)


def _trajectories(world: World, episodes: pl.DataFrame, agbs: list[str], rng: np.random.Generator) -> pl.DataFrame:
    """Every trajectory of the history, as the register finally tells it."""
    first, last = world.history_start, world.end
    years = range(cal.date_of(first).year, cal.date_of(last).year + 1)
    n = int(sum(rng.poisson(STARTS_PER_YEAR * world.scale) for _ in years))
    care = episodes.filter(pl.col("municipality") == MUNICIPALITY).select("client", "start", "end")
    from_care = rng.random(n) < CARE_SHARE
    starts = rng.integers(first, last - 14, size=n)
    # a care client's trajectory starts while (or up to three months after) one of their episodes runs
    picks = rng.integers(0, care.height, size=n)
    care_start = care["start"].cast(pl.Int32).to_numpy()[picks].astype(np.int64)
    care_end = care["end"].cast(pl.Int32).fill_null(last).to_numpy()[picks].astype(np.int64)
    inside = care_start + (rng.random(n) * (care_end - care_start + 90)).astype(np.int64)
    starts = np.where(from_care, np.clip(inside, first, last - 14), starts)
    own = draw_bsns(int(n * NEW_CLIENTS_PER_TRAJECTORY) + len(set(care["client"].to_list())) + 1, rng)
    own = [b for b in own if b not in set(care["client"].to_list())][: max(int(n * NEW_CLIENTS_PER_TRAJECTORY), 1)]
    clients = np.where(
        from_care,
        np.array(care["client"].to_list(), dtype=object)[picks],
        np.array(own, dtype=object)[rng.integers(0, len(own), size=n)],
    )
    modules = list(MODULES)
    module = rng.choice(len(modules), size=n, p=[MODULES[m][3] for m in modules])
    mean = np.array([MODULES[modules[i]][2] for i in module])
    duration = np.maximum(rng.gamma(3.0, mean / 3.0).astype(np.int64), 14)
    reasons = list(END_REASONS)
    reason = rng.choice(len(reasons), size=n, p=list(END_REASONS.values()))
    start_arrival = starts + rng.integers(1, 11, size=n)
    end = starts + duration
    end_arrival = end + rng.integers(1, 11, size=n)
    known = end_arrival <= last  # an end reported after the last day is not known
    rows = [
        {
            "municipality": MUNICIPALITY,
            "provider": agbs[int(rng.integers(len(agbs)))],
            "segment": SEGMENT,
            "client": str(clients[i]),
            "module": modules[module[i]],
            "start": cal.date_of(starts[i]),
            "end": cal.date_of(end[i]) if known[i] else None,
            "end_reason": reasons[reason[i]] if known[i] else None,
            "start_arrival": cal.date_of(start_arrival[i]),
            "end_arrival": cal.date_of(end_arrival[i]) if known[i] else None,
        }
        for i in range(n)
        if start_arrival[i] <= last
    ]
    df = frames.frame("trajectories", rows)
    key = ["municipality", "provider", "client", "module", "start"]
    return df.unique(subset=key, keep="first", maintain_order=True).sort(["start", *key])


def _catalog(
    world: World, catalog: Catalog, agbs: list[str], trajectories: pl.DataFrame
) -> tuple[Catalog, list[dict[str, object]]]:
    """``catalog`` with the segment, its providers, a contract per provider and year (a tariff
    per module, the register paid whenever it arrives) and a budget per year set from what the
    year's trajectories cost (the ledger on everything: as of two years on); and that cost."""
    segment = Segment(SEGMENT, "Participatie re-integratie", "participatie", "outcome", 1, 20, tuple(MODULES))
    providers = tuple(Provider(a, name) for a, name in zip(agbs, PROVIDER_NAMES, strict=True))
    years = range(cal.date_of(world.history_start).year, world.year + 1)
    contracts = tuple(
        Contract(
            f"{y}-{SEGMENT}-{agb}",
            agb,
            SEGMENT,
            (MUNICIPALITY,),
            dt.date(y, 1, 1),
            dt.date(y, 12, 31),
            tariffs={code: spec[1] for code, spec in MODULES.items()},
            declaration_deadline="none",
        )
        for agb in agbs
        for y in years
    )
    funded = dataclasses.replace(catalog, segments=(segment,), providers=providers, contracts=contracts, budgets=())
    declarations = as_declarations(trajectories, funded)
    budgets, spending = [], []
    for y in years:
        cost = sum(line.amount_cents for line in ledger(funded, declarations, year=y, as_of=dt.date(y + 2, 1, 1)))
        budget = Budget(MUNICIPALITY, SEGMENT, y, int(round(cost * BUDGET_SHARE, -5)))
        budgets.append(budget)
        spending.append(
            {
                "municipality": MUNICIPALITY,
                "segment": SEGMENT,
                "year": y,
                "expected_spending_cents": cost,
                "budget_cents": budget.amount,
            }
        )
    extended = dataclasses.replace(
        catalog,
        segments=(*catalog.segments, segment),
        providers=(*catalog.providers, *providers),
        contracts=(*catalog.contracts, *contracts),
        budgets=(*catalog.budgets, *budgets),
    )
    return extended, spending


def with_trajectories(
    catalog: Catalog, episodes: pl.DataFrame, declarations: pl.DataFrame, trajectories: pl.DataFrame | None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The truth's episodes and declarations with the trajectories added as the engine reads
    them (:func:`regie.engine.participation.as_episodes` and ``as_declarations``), so a region's
    truth holds every domain; unchanged without trajectories."""
    if trajectories is None or trajectories.height == 0:
        return episodes, declarations
    weights = {s.code: s.weight for s in catalog.segments}
    more_episodes = as_episodes(trajectories, weights)
    more_declarations = as_declarations(trajectories, catalog)
    return (
        pl.concat([episodes, more_episodes.select(episodes.columns)], how="vertical_relaxed"),
        pl.concat([declarations, more_declarations.select(declarations.columns)], how="vertical_relaxed"),
    )


def read_trajectories(root: Path) -> pl.DataFrame | None:
    """``root/truth/trajectories.parquet``, or None when the region has no participation."""
    path = Path(root) / "truth" / "trajectories.parquet"
    return pl.read_parquet(path) if path.is_file() else None
