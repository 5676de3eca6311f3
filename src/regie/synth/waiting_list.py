"""The shared waiting list of a synthetic region: registrations that have not started by the
end of the reference year (domain.md sections 8 and 13).

The central registration point exports, every month, the registrations of that month whose
care has not started (``csv/YYYY-MM-DD_requests_wachtlijst.csv``, the ``requests`` format of
docs/csv-formats.md, with urgency and referrer). Their clients are new: no allocation or care
start follows, so on the list they wait and pass their norm.

- **amsterdam**: in the deficit segment (specialist residential youth care) the monthly
  registrations rise through the reference year, so the list grows; a few wait in each other
  segment in the last quarter;
- **venlo**: a small list: a few registrations a month.

Some registrations already name the provider chosen for them (assigned, not yet started).
"""

from __future__ import annotations

import datetime as dt
import zlib
from pathlib import Path

import numpy as np
import polars as pl

from regie.synth import calendar as cal
from regie.synth.people import draw_bsns
from regie.synth.rng import stream
from regie.synth.simulate import World

#: Urgency (1 crisis, 2 urgent, 3 normal) and referrer (COD327) of a registration, with weights.
URGENCY = ((1, 0.05), (2, 0.25), (3, 0.70))
REFERRER = (("01", 0.45), ("02", 0.25), ("04", 0.12), ("03", 0.06), ("05", 0.06), ("06", 0.06))
#: Share of the registrations for which a provider is already chosen.
ASSIGNED_SHARE = 0.2

#: The columns of a ``requests`` CSV file as the synthetic regions write them.
REQUEST_COLUMNS = (
    "request_id",
    "municipality",
    "area",
    "segment",
    "provider",
    "bsn",
    "urgency",
    "referrer",
    "registered",
    "closed_on",
    "reported_on",
)


def monthly_counts(world: World) -> dict[tuple[str, int], int]:
    """(segment, month number 1..12 of the reference year) -> registrations that wait."""
    spec, scale = world.spec, world.scale
    out: dict[tuple[str, int], int] = {}
    if spec.core_partners:  # amsterdam: the deficit segment's list grows month by month
        for month in range(1, 13):
            out[(spec.deficit_segment, month)] = round(scale * (3 + 2.5 * month))
        for seg in spec.segments:
            if seg.code != spec.deficit_segment:
                for month in (10, 11, 12):
                    out[(seg.code, month)] = max(1, round(scale * 4))
    else:  # venlo: a small list, a few a month
        for seg in spec.segments:
            for month in range(1, 13):
                out[(seg.code, month)] = max(1, round(scale * (2 if seg.code == spec.deficit_segment else 1)))
    return {k: n for k, n in out.items() if n > 0}


def registrations(world: World, used_bsns: set[str]) -> pl.DataFrame:
    """The waiting registrations, one row per registration in the columns of :data:`REQUEST_COLUMNS`
    (dates as ISO text), sorted by the day they are reported and their id."""
    spec, year = world.spec, world.year
    rng = stream(world.seed, spec.name, "waiting_list")
    counts = monthly_counts(world)
    total = sum(counts.values())
    bsns = [b for b in draw_bsns(total + len(used_bsns), rng) if b not in used_bsns][:total]
    offers = world.offers.group_by("segment").agg(pl.col("agb").sort()).sort("segment")
    providers = dict(zip(offers["segment"].to_list(), offers["agb"].to_list(), strict=True))
    municipalities = [m for m in spec.municipalities if cal.date_of(world.contract_start[m.code]).year <= year]
    weights = np.array([m.population for m in municipalities], dtype=float)
    rows: list[dict[str, object]] = []
    for (segment, month), n in sorted(counts.items()):
        first = cal.day(dt.date(year, month, 1))
        last = cal.day(dt.date(year + month // 12, month % 12 + 1, 1)) - 1
        reported = last + int(rng.integers(3, 9))
        for _ in range(n):
            m = municipalities[int(rng.choice(len(municipalities), p=weights / weights.sum()))]
            chosen = providers.get(segment, [])
            provider = str(rng.choice(chosen)) if chosen and rng.random() < ASSIGNED_SHARE else None
            rows.append(
                {
                    "request_id": f"WL-{year}-{len(rows) + 1:05d}",
                    "municipality": m.code,
                    "area": str(rng.choice(m.areas)) if m.areas else None,
                    "segment": segment,
                    "provider": provider,
                    "bsn": bsns[len(rows)],
                    "urgency": _pick(rng, URGENCY),
                    "referrer": _pick(rng, REFERRER),
                    "registered": cal.date_of(int(rng.integers(first, last + 1))).isoformat(),
                    "closed_on": None,
                    "reported_on": cal.date_of(reported).isoformat(),
                }
            )
    schema = {c: pl.Int64 if c == "urgency" else pl.Utf8 for c in REQUEST_COLUMNS}
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    return frame.sort(["reported_on", "request_id"])


def referrer_for(key: str) -> str:
    """A referrer (COD327) for a registration named ``key``, drawn by :data:`REFERRER`'s
    weights from the key's checksum (the same key, the same referrer)."""
    total = sum(w for _, w in REFERRER)
    point = (zlib.crc32(key.encode()) % 10_000) / 10_000 * total
    for code, w in REFERRER:
        if point < w:
            return code
        point -= w
    return REFERRER[-1][0]


def _pick(rng: np.random.Generator, choices: tuple[tuple[object, float], ...]) -> object:
    values = [v for v, _ in choices]
    p = np.array([w for _, w in choices])
    return values[int(rng.choice(len(values), p=p / p.sum()))]


def write_waiting_list(out: Path, world: World, used_bsns: set[str]) -> list[str]:
    """Write the monthly waiting-list exports; their paths relative to ``out``."""
    frame = registrations(world, used_bsns)
    files = []
    for (reported,), part in frame.group_by(["reported_on"], maintain_order=True):
        name = f"csv/{reported}_requests_wachtlijst.csv"
        part.write_csv(out / name, line_terminator="\n")
        files.append(name)
    return files
