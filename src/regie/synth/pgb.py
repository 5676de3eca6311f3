"""PGB budgets of a synthetic region (domain.md sections 10a and 13; ``docs/csv-formats.md``,
kind ``pgb``): Venlo's register of personal budgets, whose share moves after the tender.

- Segments: the tender segment (:func:`regie.synth.tenders.tender_segment`) and the lightest
  per-client segment (Wmo individuele begeleiding). Amsterdam has none.
- The number of budgets running in each quarter follows a target share of all the segment's
  clients (in kind or with a PGB): :data:`BASE_SHARE` before the tender; in the tender
  segment from the tender's first quarter :data:`AFTER_TENDER` (quarter by quarter, then the
  last): clients leave the narrower set of providers for a PGB, so the share rises by more
  than 5 points within four quarters and ``pgb_shift`` is raised (:func:`expected_signals`,
  the rule of :mod:`regie.engine.pgb` over the truth's episodes and these budgets).
- A budget runs from a day in the first month of a quarter to a day in the last month of a
  quarter 2-7 quarters on (shortened when the target falls); PGB clients are people of their
  own (new BSNs), not clients in kind.
- Reported quarterly (``csv/YYYY-MM-DD_pgb.csv``, the budgets that began in the quarter), 10-20
  days after the quarter, never after the region's last message (so the region's last day,
  and with it ``contract_expiry``, stays as it was).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl

from regie.engine import pgb as rules
from regie.engine.calendar import add_quarters
from regie.engine.catalog import Catalog
from regie.synth import calendar as cal
from regie.synth.people import draw_bsns
from regie.synth.rng import stream
from regie.synth.simulate import World
from regie.synth.tenders import tender_segment, tender_year
from regie.synth.traffic import Traffic

#: The PGB share of a segment's clients before the tender (and always outside the tender segment).
BASE_SHARE = 0.05
#: The share in the tender segment in the tender's first quarters (the last one holds on).
AFTER_TENDER = (0.06, 0.14, 0.17, 0.19)
#: Monthly budget in cents per segment funding model (Jeugd ambulant, Wmo begeleiding).
MONTHLY = {"pxq": 110_000, "per_client": 85_000}

BUDGETS: dict[str, pl.DataType | type[pl.DataType]] = {
    "municipality": pl.Utf8,
    "segment": pl.Utf8,
    "bsn": pl.Utf8,
    "start": pl.Date,
    "end": pl.Date,
    "amount_cents": pl.Int64,
    "reported_on": pl.Date,
}


def pgb_segments(world: World) -> list[str]:
    """The segments with PGB budgets: the tender segment and the lightest per-client one."""
    tender = tender_segment(world.spec)
    if tender is None:
        return []
    per_client = sorted((s for s in world.spec.segments if s.funding_model == "per_client"), key=lambda s: s.weight)
    return [tender.code, *([per_client[0].code] if per_client else [])]


def quarters(year: int) -> list[dt.date]:
    """The first days of the quarters of the history (year-3 .. year)."""
    return [add_quarters(dt.date(year - 3, 1, 1), k) for k in range(16)]


def target_share(world: World, segment: str, quarter: dt.date) -> float:
    """The PGB share the budgets follow in ``quarter`` (see the module)."""
    tender = tender_segment(world.spec)
    start = dt.date(tender_year(world.year), 1, 1)
    if tender is None or segment != tender.code or quarter < start:
        return BASE_SHARE
    k = (quarter.year - start.year) * 4 + (quarter.month - 1) // 3
    return AFTER_TENDER[min(k, len(AFTER_TENDER) - 1)]


def in_kind(traffic: Traffic, segment: str, quarter: dt.date) -> int:
    """Distinct clients of ``segment`` with care in kind in ``quarter``."""
    a = cal.day(quarter)
    b = cal.day(add_quarters(quarter, 1)) - 1
    e = traffic.episodes.filter(
        (pl.col("segment") == segment) & (pl.col("start") <= b) & (pl.col("end").is_null() | (pl.col("end") >= a))
    )
    return e["client"].n_unique()


def _spans(counts: list[int], rng: np.random.Generator) -> list[tuple[int, int]]:
    """Budgets as (first quarter, last quarter) indices so that ``counts[q]`` run in quarter q."""
    running: list[list[int]] = []
    out: list[list[int]] = []
    for q, want in enumerate(counts):
        running = [s for s in running if s[1] >= q]
        while len(running) > want:
            running.pop(0)[1] = q - 1
        while len(running) < want:
            span = [q, q + int(rng.integers(1, 7))]
            running.append(span)
            out.append(span)
    return [(a, b) for a, b in out]


def budgets(world: World, traffic: Traffic, last_day: dt.date) -> pl.DataFrame:
    """The PGB budgets of the region (:data:`BUDGETS`; empty without PGB segments)."""
    segments = pgb_segments(world)
    if not segments:
        return pl.DataFrame(schema=BUDGETS)
    rng = stream(world.seed, world.spec.name, "pgb")
    qs = quarters(world.year)
    municipality = world.spec.municipalities[0].code
    models = {s.code: s.funding_model for s in world.spec.segments}
    report = [min(add_quarters(q, 1) + dt.timedelta(days=int(rng.integers(10, 21))), last_day) for q in qs]
    rows = []
    for segment in segments:
        counts = []
        for q in qs:
            share, kind = target_share(world, segment, q), in_kind(traffic, segment, q)
            counts.append(max(1, round(share * kind / (1 - share))))
        for a, b in _spans(counts, rng):
            first, last = qs[a], add_quarters(qs[0], b + 1) - dt.timedelta(days=1)
            start = first + dt.timedelta(days=int(rng.integers(0, 28)))
            end = last - dt.timedelta(days=int(rng.integers(0, 28)))
            months = (end.year - start.year) * 12 + end.month - start.month + 1
            amount = int(round(months * MONTHLY[models[segment]] * float(rng.uniform(0.8, 1.2)), -2))
            rows.append((municipality, segment, start, end, amount, report[a]))
    taken = set(traffic.clients["bsn"].to_list())
    fresh = [b for b in draw_bsns(len(rows) + len(taken) + 10, rng) if b not in taken][: len(rows)]
    frame = pl.DataFrame(
        [(m, s, bsn, st, en, am, rep) for (m, s, st, en, am, rep), bsn in zip(rows, fresh, strict=True)],
        schema=BUDGETS,
        orient="row",
    )
    return frame.sort(["reported_on", "segment", "start", "bsn"])


def write_pgb(out: Path, frame: pl.DataFrame) -> list[str]:
    """One CSV per report day (``csv/YYYY-MM-DD_pgb.csv``); the files written, relative to ``out``."""
    files = []
    for (day,), rows in frame.group_by(["reported_on"], maintain_order=True):
        name = f"csv/{day.isoformat()}_pgb.csv"
        (out / "csv").mkdir(exist_ok=True)
        rows.select(
            "municipality",
            "segment",
            "bsn",
            pl.col("start").dt.strftime("%Y-%m-%d"),
            pl.col("end").dt.strftime("%Y-%m-%d"),
            "amount_cents",
            pl.col("reported_on").dt.strftime("%Y-%m-%d"),
        ).write_csv(out / name, line_terminator="\n")
        files.append(name)
    return files


def expected_signals(episodes: pl.DataFrame, frame: pl.DataFrame, catalog: Catalog, day: dt.date) -> pl.DataFrame:
    """The ``pgb_shift`` signals Regie must raise on ``day``: :func:`regie.engine.pgb.pgb_shift`
    over the truth's ``episodes`` and the budgets, per catalog segment (columns of the truth's
    signals: ``care_month`` the quarter, ``reference`` the narrower period's start)."""
    found = rules.shifts(
        episodes, frame.rename({"bsn": "client"}), catalog.contracts, [s.code for s in catalog.segments], day
    )
    rows = [
        (rules.SIGNAL, s.segment, s.period_start.isoformat(), s.quarter, s.raised_on(day), f"{s.points}") for s in found
    ]
    return pl.DataFrame(
        rows,
        schema={
            "kind": pl.Utf8,
            "segment": pl.Utf8,
            "reference": pl.Utf8,
            "care_month": pl.Date,
            "arrival": pl.Date,
            "detail": pl.Utf8,
        },
        orient="row",
    )
