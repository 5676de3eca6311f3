"""Declarations (323): the monthly lines of every allocation, care declared without one, the
day each line arrives, its faults and its corrections.

Each provider declares a care month around its own day of the next month; some months are
forgotten and sent one to four months later; a few lines are left out and sent in a
supplementary declaration weeks to months later; one provider sends three months of a
previous year very late (5-10 months); a few lines are credited and declared again
(corrections) before the deadline.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from regie.engine.catalog import declaration_deadline
from regie.synth import calendar as cal
from regie.synth.pricing import Terms
from regie.synth.profiles import UNIT_ETMAAL, UNIT_HOUR, SegmentSpec
from regie.synth.rng import stream
from regie.synth.simulate import World
from regie.synth.traffic.common import Ints, ints, lognormal_days


def declaration_lines(world: World, terms: Terms, e: pl.DataFrame) -> pl.DataFrame:
    """Monthly lines for every allocated episode, before faults and delays."""
    rng = stream(world.seed, world.spec.name, "lines")
    segs = {s.code: s for s in world.spec.segments}
    a = e.filter(pl.col("allocating")).with_columns(
        pl.coalesce("end", pl.lit(world.end)).alias("care_end"),
    )
    first_m = cal.month_index(np.maximum(ints(a["start"]), ints(a["first_day"])))
    last_m = cal.month_index(ints(a["care_end"]))
    lines = _month_rows(a, first_m, last_m).filter(pl.col("m").is_not_null())
    m, ms, me = _month_span(lines)
    start = ints(lines["start"])
    care_end = ints(lines["care_end"])
    ingang = ints(lines["ingang"])
    alloc_end = ints(lines["alloc_end"])
    days_in = np.minimum(me, care_end) - np.maximum(ms, start) + 1
    month_len = me - ms + 1
    unit = np.array(lines["unit"].to_list(), dtype=object)
    allocated = ints(lines["volume"])
    upcoded = lines["upcoded"].to_numpy()
    util = np.clip(rng.normal(0.85, 0.08, lines.height), 0.45, 1.0)
    util = np.where(upcoded, np.clip(rng.normal(0.97, 0.02, lines.height), 0.9, 1.0), util)
    hours = np.maximum(1, np.round(allocated * util * days_in / month_len)).astype(np.int64)
    volume = np.where(
        unit == UNIT_HOUR,
        np.minimum(hours, allocated),
        np.where(unit == UNIT_ETMAAL, np.minimum(days_in, allocated), 1),
    )
    # tariff per unit of the contract for the care month's year
    first_years = [cal.date_of(d).year for d in ints(lines["first_day"]).tolist()]
    tariff = _tariffs(terms, segs, lines, (m // 12 + 1970).tolist(), first_years)
    law = [segs[s].law for s in lines["segment"].to_list()]
    return _line_frame(
        lines,
        pl.col("episode"),
        pl.col("volume").alias("allocated"),
        law,
        (ms, np.maximum(ms, ingang), np.minimum(me, alloc_end)),
        volume.astype(np.int64),
        tariff,
        fake=False,
    )


def fake_episodes(world: World, terms: Terms, next_client: int) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Care without allocation: providers that start and declare care nobody allocated.

    Returns the fake episodes, their declaration lines and their new clients.
    """
    spec = world.spec
    rng = stream(world.seed, spec.name, "fake")
    k = max(1, int(round(spec.faults.get("without_allocation", 3) * max(world.scale, 0.25))))
    allocating = [s for s in spec.segments if s.validity_months > 0]
    # Venlo: mostly jeugd, some Wmo; Amsterdam: the residential segment
    segments = [allocating[i % len(allocating)] for i in range(k)] if spec.name == "venlo" else [allocating[-1]] * k
    exclude = {world.roles.upcoder, world.roles.extender, world.roles.very_late}
    rows = []
    year_start = cal.day(dt.date(world.year - 1, 1, 1))
    for i, seg in enumerate(segments):
        offers = world.offers.filter((pl.col("segment") == seg.code) & ~pl.col("agb").is_in(sorted(exclude)))
        agb = offers["agb"].to_list()[int(rng.integers(offers.height))]
        product = seg.products[int(rng.integers(len(seg.products)))]
        start = int(cal.next_weekday(np.array([year_start + int(rng.integers(0, 600))]))[0])
        duration = int(rng.integers(60, 200))
        municipality = spec.municipalities[0].code
        rows.append(
            {
                "client": next_client + i,
                "municipality": municipality,
                "segment": seg.code,
                "provider": agb,
                "product": product.code,
                "start": start,
                "care_end": min(start + duration, world.end),
                "allocation_number": f"{9_000_001 + int(rng.integers(0, 900_000))}",
                "unit": product.unit,
                "allocated": product.volume,
                "start_arrival": int(cal.next_weekday(np.array([start + int(rng.integers(3, 15))]))[0]),
                "law": seg.law,
            }
        )
    fake = pl.DataFrame(rows)
    lines = _month_rows(fake, cal.month_index(ints(fake["start"])), cal.month_index(ints(fake["care_end"])))
    m, ms, me = _month_span(lines)
    fake_start = ints(lines["start"])
    care_end = ints(lines["care_end"])
    days_in = np.minimum(me, care_end) - np.maximum(ms, fake_start) + 1
    unit = np.array(lines["unit"].to_list(), dtype=object)
    allocated = ints(lines["allocated"])
    volume = np.where(
        unit == UNIT_HOUR,
        np.maximum(1, np.round(allocated * 0.85 * days_in / (me - ms + 1))),
        np.where(unit == UNIT_ETMAAL, days_in, 1),
    ).astype(np.int64)
    segs = {s.code: s for s in spec.segments}
    tariff = _tariffs(terms, segs, lines, (m // 12 + 1970).tolist(), [world.year - 3] * lines.height)
    fake_lines = _line_frame(
        lines,
        pl.lit(-1, dtype=pl.Int64).alias("episode"),
        pl.col("allocated"),
        lines["law"].to_list(),
        (ms, np.maximum(ms, fake_start), np.minimum(me, care_end)),
        volume,
        tariff,
        fake=True,
    )
    clients = pl.DataFrame(
        {
            "client": fake["client"],
            "municipality": fake["municipality"],
            "segment": fake["segment"],
            "start": fake["start"],
        }
    )
    return fake, fake_lines, clients


def _month_rows(frame: pl.DataFrame, first_m: Ints, last_m: Ints) -> pl.DataFrame:
    """One row per care month ``m`` (a month index) from ``first_m`` to ``last_m`` of each row."""
    return (
        frame.with_columns(pl.Series("m0", first_m), pl.Series("m1", last_m))
        .with_columns(pl.int_ranges("m0", pl.col("m1") + 1, dtype=pl.Int64).alias("m"))
        .explode("m")
    )


def _month_span(lines: pl.DataFrame) -> tuple[Ints, Ints, Ints]:
    """The month index of every line, and the first and last day of that month."""
    m = ints(lines["m"])
    return m, cal.month_first_day(m), cal.month_first_day(m + 1) - 1


def _tariffs(
    terms: Terms, segs: dict[str, SegmentSpec], lines: pl.DataFrame, years: list[int], first_years: list[int]
) -> Ints:
    """Tariff per unit of each line: the monthly price (per client) or the product's indexed tariff."""
    tariff = np.zeros(lines.height, dtype=np.int64)
    cache: dict[tuple[str, str, str, int, int], int] = {}
    for i, key in enumerate(
        zip(
            lines["segment"].to_list(),
            lines["provider"].to_list(),
            lines["product"].to_list(),
            years,
            first_years,
            strict=True,
        )
    ):
        if key not in cache:
            s, p, prod, y, fy = key
            seg = segs[s]
            cache[key] = (
                terms.monthly_price(p, s, y) if seg.funding_model == "per_client" else terms.tariff(seg, prod, fy, y)
            )
        tariff[i] = cache[key]
    return tariff


def _line_frame(
    lines: pl.DataFrame,
    episode: pl.Expr,
    allocated: pl.Expr,
    law: list[str],
    period: tuple[Ints, Ints, Ints],
    volume: Ints,
    tariff: Ints,
    *,
    fake: bool,
) -> pl.DataFrame:
    """The columns of a declaration line; ``period`` is (care month, period begin, period end)."""
    care_month, begin, end = period
    return lines.select(
        episode,
        "client",
        "provider",
        "segment",
        "municipality",
        "allocation_number",
        "product",
        "unit",
        allocated,
    ).with_columns(
        pl.Series("law", law, dtype=pl.Utf8),
        pl.Series("care_month", care_month),
        pl.Series("period_begin", begin),
        pl.Series("period_end", end),
        pl.Series("volume", volume),
        pl.Series("tariff", tariff),
        pl.lit(fake).alias("fake"),
    )


def schedule(world: World, lines: pl.DataFrame) -> pl.DataFrame:
    """Batch and arrival day of every line: regular, forgotten month, very late, supplement."""
    spec = world.spec
    rng = stream(world.seed, spec.name, "schedule")
    offers = world.offers
    declare_day = {
        (a, s): d
        for a, s, d in zip(
            offers["agb"].to_list(), offers["segment"].to_list(), offers["declare_day"].to_list(), strict=True
        )
    }
    # one regular declaration per provider, municipality, law and care month
    keys = (
        lines.select("provider", "municipality", "law", "care_month")
        .unique()
        .sort(["provider", "municipality", "law", "care_month"])
    )
    first_segment = lines.group_by(["provider", "law"]).agg(pl.col("segment").min()).sort(["provider", "law"])
    seg_of = {(p, law): s for p, law, s in first_segment.iter_rows()}
    base = np.array(
        [
            declare_day[(p, seg_of[(p, law)])]
            for p, law in zip(keys["provider"].to_list(), keys["law"].to_list(), strict=True)
        ],
        dtype=np.int64,
    )
    ms = ints(keys["care_month"])
    me = cal.month_end(ms)
    arrival = me + np.maximum(1, base + np.round(rng.normal(0, 3, keys.height)).astype(np.int64))
    forgotten = rng.random(keys.height) < 0.02
    arrival = np.where(forgotten, arrival + rng.integers(30, 111, keys.height), arrival)
    very_late_months = {cal.day(d) for d in world.roles.very_late_months}
    very_late = (keys["provider"] == world.roles.very_late).to_numpy() & np.isin(ms, sorted(very_late_months))
    very_late &= keys["law"].to_numpy() == {s.code: s.law for s in spec.segments}[world.roles.very_late_segment]
    arrival = np.where(very_late, me + rng.integers(150, 301, keys.height), arrival)
    arrival = cal.next_weekday(arrival)
    batch = np.where(very_late, "very_late", np.where(forgotten, "forgotten", "regular"))
    keys = keys.with_columns(pl.Series("arrival", arrival), pl.Series("batch", batch, dtype=pl.Utf8))
    out = lines.join(keys, on=["provider", "municipality", "law", "care_month"], how="left")
    # a few lines are left out and sent in a supplementary declaration later
    sup = (rng.random(out.height) < 0.025) & ~out["fake"].to_numpy()
    sup_delay = np.clip(lognormal_days(rng, 40, 0.7, out.height), 10, 360)
    sup_arrival = cal.next_weekday(ints(out["arrival"]) + sup_delay)
    # all withheld lines of one provider and month go in one supplement: use the earliest day
    out = (
        out.with_columns(pl.Series("sup", sup), pl.Series("sup_arrival", sup_arrival))
        .with_columns(
            pl.col("sup_arrival")
            .filter(pl.col("sup"))
            .min()
            .over(["provider", "municipality", "law", "care_month"])
            .alias("sup_first")
        )
        .with_columns(
            pl.when(pl.col("sup")).then(pl.col("sup_first")).otherwise(pl.col("arrival")).alias("arrival"),
            pl.when(pl.col("sup")).then(pl.lit("supplement")).otherwise(pl.col("batch")).alias("batch"),
        )
        .drop("sup", "sup_arrival", "sup_first")
    )
    return out.with_columns(pl.Series("deadline", _deadlines(ints(out["care_month"]))))


def _deadlines(care_months: Ints) -> Ints:
    cache: dict[int, int] = {}
    out = np.zeros(care_months.size, dtype=np.int64)
    for i, d in enumerate(care_months.tolist()):
        if d not in cache:
            deadline = declaration_deadline(cal.date_of(d))
            assert deadline is not None
            cache[d] = cal.day(deadline)
        out[i] = cache[d]
    return out


def faults_and_corrections(world: World, lines: pl.DataFrame, segs_multi: set[str]) -> pl.DataFrame:
    """Mark faulty lines (bad BSN, product mismatch, above volume) and add corrections."""
    rng = stream(world.seed, world.spec.name, "faults")
    lines = (
        lines.with_columns(
            pl.lit("").alias("fault"),
            pl.lit("").alias("declared_product"),
            pl.lit(False).alias("credit"),
            pl.lit(-1, dtype=pl.Int64).alias("corrects"),
        )
        .with_row_index("line", offset=0)
        .with_columns(pl.col("line").cast(pl.Int64))
    )
    lines, taken = _faults(world, lines, segs_multi, rng)
    return _corrections(lines, taken, rng)


def _faults(
    world: World, lines: pl.DataFrame, segs_multi: set[str], rng: np.random.Generator
) -> tuple[pl.DataFrame, set[int]]:
    """The lines with their fault (if any) set; and the lines taken for a fault."""
    spec = world.spec
    n = lines.height
    recent = cal.day(dt.date(world.year - 1, 1, 1))
    last = cal.day(dt.date(world.year, 10, 1))
    eligible = (
        (pl.col("batch") == "regular")
        & (pl.col("arrival") <= pl.col("deadline"))
        & ~pl.col("fake")
        & (pl.col("care_month") >= recent)
        & (pl.col("care_month") <= last)
        & (pl.col("provider") != world.roles.upcoder)
    )
    taken: set[int] = set()

    def pick(kind: str, extra: pl.Expr) -> list[int]:
        count = max(1, int(round(spec.faults.get(kind, 1) * max(world.scale, 0.25))))
        pool = lines.filter(eligible & extra & ~pl.col("line").is_in(sorted(taken)))
        # one per (provider, month) so that faults spread over messages
        pool = pool.unique(["provider", "care_month"], keep="first", maintain_order=True)
        if pool.height == 0:
            return []
        chosen = sorted(rng.choice(pool.height, size=min(count, pool.height), replace=False).tolist())
        ids = [pool["line"][i] for i in chosen]
        taken.update(ids)
        return ids

    bad_bsn = pick("bad_bsn", pl.lit(True))
    mismatch = pick("product_mismatch", pl.col("segment").is_in(sorted(segs_multi)))
    above = pick(
        "above_volume",
        pl.col("unit").is_in([UNIT_HOUR]) | ((pl.col("unit") == UNIT_ETMAAL) & (pl.col("allocated") <= 20)),
    )
    segs = {s.code: s for s in spec.segments}
    fault = np.full(n, "", dtype=object)
    declared = np.array(lines["product"].to_list(), dtype=object)
    volume = ints(lines["volume"]).copy()
    tariff = ints(lines["tariff"]).copy()
    allocated = ints(lines["allocated"])
    for i in bad_bsn:
        fault[i] = "bad_bsn"
    for i in mismatch:
        fault[i] = "product_mismatch"
        seg = segs[lines["segment"][i]]
        others = [p for p in seg.products if p.code != declared[i]]
        other = max(others, key=lambda p: p.tariff)
        declared[i] = other.code
        tariff[i] = int(
            round(tariff[i] * other.tariff / next(p.tariff for p in seg.products if p.code == lines["product"][i]))
        )
    for i in above:
        fault[i] = "above_volume"
        volume[i] = allocated[i] + int(rng.integers(2, 7))
    lines = lines.with_columns(
        pl.Series("fault", fault, dtype=pl.Utf8),
        pl.Series("declared_product", declared, dtype=pl.Utf8),
        pl.Series("volume", volume),
        pl.Series("tariff", tariff),
    ).with_columns(pl.when(pl.col("fake")).then(pl.lit("without_allocation")).otherwise(pl.col("fault")).alias("fault"))
    return lines, taken


def _corrections(lines: pl.DataFrame, taken: set[int], rng: np.random.Generator) -> pl.DataFrame:
    """Add corrections: a credit of the original line and a corrected debit, before the deadline."""
    cand = lines.filter(
        (pl.col("batch") == "regular")
        & (pl.col("fault") == "")
        & (pl.col("arrival") <= pl.col("deadline") - 5)
        & ~pl.col("line").is_in(sorted(taken))
    )
    k = max(1, int(round(cand.height * 0.01)))
    chosen = cand[sorted(rng.choice(cand.height, size=min(k, cand.height), replace=False).tolist())]
    # one correction message per provider and month: at the earliest of the drawn days
    low = ints(chosen["arrival"]) + 3
    high = ints(chosen["deadline"])
    corr_day = cal.next_weekday(low + (rng.random(chosen.height) * (high - low)).astype(np.int64))
    corr_day = np.minimum(corr_day, high)
    chosen = chosen.with_columns(pl.Series("corr_day", corr_day)).with_columns(
        pl.col("corr_day").min().over(["provider", "municipality", "law", "care_month"]).alias("corr_day")
    )
    credits = chosen.with_columns(
        pl.col("corr_day").alias("arrival"),
        pl.lit("correction").alias("batch"),
        pl.lit(True).alias("credit"),
        pl.col("line").alias("corrects"),
    ).drop("corr_day")
    new_volume = np.where(
        np.isin(np.array(chosen["unit"].to_list(), dtype=object), [UNIT_HOUR, UNIT_ETMAAL])
        & (ints(chosen["volume"]) > 1),
        ints(chosen["volume"]) - 1,
        ints(chosen["volume"]),
    )
    debits = chosen.with_columns(
        pl.col("corr_day").alias("arrival"),
        pl.lit("correction").alias("batch"),
        pl.Series("volume", new_volume),
        pl.col("line").alias("corrects"),
    ).drop("corr_day")
    base = lines.height
    credits = credits.with_columns(pl.int_range(base, base + credits.height, dtype=pl.Int64).alias("line"))
    debits = debits.with_columns(
        pl.int_range(base + credits.height, base + 2 * credits.height, dtype=pl.Int64).alias("line")
    )
    return pl.concat([lines, credits, debits]).with_columns((pl.col("volume") * pl.col("tariff")).alias("amount"))
