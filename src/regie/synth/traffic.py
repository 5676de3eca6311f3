"""From the latent scenario to what the municipality receives: allocations, requests, care
starts and stops, declarations (with their faults and delays), objections and the periodic
CSV reports, all with the day they arrive.

Everything here is a table of day numbers (see :mod:`regie.synth.calendar`); the message
plan (:mod:`regie.synth.plan`) groups these records into messages and files.

Arrival model
-------------
- Requests (315, or a registration on Amsterdam's shared waiting list) come a waiting time
  before the care start (lognormal per segment; in Amsterdam shorter for urgent requests);
  the municipality decides (301) a few days to weeks after the request and before the start.
- Allocations are valid for a number of months per segment and are extended (301 with
  RedenWijziging 04) a few weeks before they expire for as long as the care lasts.
- Care starts (305) and stops (307) arrive days after the event, a few weeks or months late.
- Declarations (323): each provider declares a care month around its own day of the next
  month; some months are forgotten and sent one to four months later; a few lines are left
  out and sent in a supplementary declaration weeks to months later; one provider sends three
  months of a previous year very late (5-10 months); a few lines are credited and declared
  again (corrections) before the deadline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from regie.engine.catalog import declaration_deadline
from regie.synth import calendar as cal
from regie.synth.people import corrupt_bsn, draw_bsns
from regie.synth.pricing import Terms
from regie.synth.profiles import UNIT_ETMAAL, UNIT_HOUR, UNIT_OUTPUT
from regie.synth.rng import stream
from regie.synth.simulate import World, addresses

Ints = npt.NDArray[np.int64]

ACCEPTED = "0200"
#: Retour codes of the standard for the faulty records the scenario contains.
CODE_NO_ALLOCATION_DECLARATION = "9338"
CODE_NO_ALLOCATION_START = "9019"
CODE_PRODUCT_MISMATCH = "9340"
CODE_ABOVE_VOLUME = "9321"
#: A BSN that fails the eleven-test (the record is rejected before anything else is checked).
CODE_BAD_BSN = "0001"

#: RedenWijziging of an allocation ended by the municipality after a definitive stop (JZ002/WMO002).
SHORTEN_REASON = "14"
EXTEND_REASON = "04"

URGENCY_P = (0.12, 0.43, 0.45)
URGENCY_WAIT = (0.3, 0.8, 1.3)


@dataclass
class Traffic:
    """Everything that arrives, as tables with day numbers."""

    clients: pl.DataFrame
    #: latent episodes plus arrival columns and allocation numbers
    episodes: pl.DataFrame
    allocations: pl.DataFrame
    allocation_events: pl.DataFrame
    requests: pl.DataFrame
    lines: pl.DataFrame
    objections: pl.DataFrame
    #: care without allocation: starts and months declared by providers for unknown allocations
    fake: pl.DataFrame
    #: silent core partner's periodic episode reports: (report day, quarter start, quarter end)
    episode_reports: list[tuple[int, int, int]]
    #: waiting-list reports: (report day, month start, month end)
    request_reports: list[tuple[int, int, int]]
    objection_reports: list[tuple[int, int, int]]


def _prev_weekday(days: Ints) -> Ints:
    d = np.asarray(days, dtype=np.int64)
    wd = cal.weekday(d)
    return np.asarray(d - np.where(wd == 5, 1, np.where(wd == 6, 2, 0)), dtype=np.int64)


def _arr(series: pl.Series) -> Ints:
    return np.asarray(series.to_numpy(), dtype=np.int64)


def _lognormal_days(rng: np.random.Generator, median: float, sigma: float, size: int) -> Ints:
    return np.asarray(np.round(np.exp(rng.normal(np.log(max(median, 1.0)), sigma, size))), dtype=np.int64)


# --------------------------------------------------------------------------------------------
# requests, allocations, starts and stops


def _episode_traffic(world: World) -> pl.DataFrame:
    """Add request, decision, allocation validity, start and stop arrival days to episodes."""
    spec, seed = world.spec, world.seed
    e = world.episodes
    n = e.height
    rng = stream(seed, spec.name, "episode-traffic")
    segs = {s.code: s for s in spec.segments}
    seg = e["segment"].to_list()
    start = _arr(e["start"])
    first_day = np.array([world.contract_start[m] for m in e["municipality"].to_list()], dtype=np.int64)
    transition = e["transition"].to_numpy()
    followup = (e["link"] != "").to_numpy()
    allocating = np.array([segs[s].validity_months > 0 for s in seg])
    share = np.array([segs[s].request_share for s in seg])
    has_request = ~transition & (rng.random(n) < np.where(followup, 0.92, share))
    urgency = rng.choice(3, size=n, p=URGENCY_P) + 1
    wait_median = np.array([segs[s].waiting_median for s in seg])
    if spec.core_partners:
        wait_median = wait_median * np.array(URGENCY_WAIT)[urgency - 1]
    wait = np.clip(np.round(np.exp(rng.normal(np.log(wait_median), 0.6))), 2, 300).astype(np.int64)
    # requests before the contracts start are spread over the weeks before that day
    early = start - wait < first_day - 45
    request = _prev_weekday(np.where(early, first_day - 45 + rng.integers(0, 45, n), start - wait))
    lag = np.clip(_lognormal_days(rng, 8, 0.5, n), 1, None)
    decided_req = np.minimum(
        cal.next_weekday(request + np.minimum(lag, np.maximum(start - request, 1))), np.maximum(start, request + 1)
    )
    decided_direct = _prev_weekday(start - rng.integers(0, 15, n))
    decided_transition = _prev_weekday(first_day - rng.integers(5, 21, n))
    decided = np.where(transition, decided_transition, np.where(has_request, decided_req, decided_direct))
    # a client who comes back to the same provider for the same product is allocated from the
    # month after the previous care ended: the old allocation is then ended at that month's
    # end (a 301 with RedenWijziging 14) when it would run longer, so that the two never
    # overlap (TR302) and every declaration of the old care stays inside its allocation
    order = (
        e.select("client", "provider", "product", "start", pl.int_range(0, pl.len(), dtype=pl.Int64).alias("i"))
        .filter(pl.Series(allocating))
        .sort(["client", "provider", "product", "start", "i"])
        .with_columns(pl.col("i").shift(1).over(["client", "provider", "product"]).alias("prev"))
    )
    prev = np.full(n, -1, dtype=np.int64)
    prev[np.asarray(order["i"].to_numpy(), dtype=np.int64)] = np.asarray(
        order["prev"].fill_null(-1).to_numpy(), dtype=np.int64
    )
    same = prev >= 0
    end0 = np.asarray(e["end"].fill_null(-1).to_numpy(), dtype=np.int64)
    decided0, start0 = decided, start
    shift = np.zeros(n, dtype=np.int64)
    for _ in range(10):  # a shift can move a later return again; settles in a few rounds
        prev_end = np.where(same, end0[np.maximum(prev, 0)] + shift[np.maximum(prev, 0)], -1)
        floor = np.where(same, cal.month_end(np.maximum(prev_end, 0)) + 1, -1)
        decided = np.where(same, cal.next_weekday(np.maximum(decided0, floor)), decided0)
        new_shift = np.where(same, np.maximum(0, decided - start0), 0)
        if (new_shift == shift).all():
            break
        shift = new_shift
    request = np.where(same & has_request, np.clip(request, prev_end + 1, decided - 1), request)
    start = start0 + shift
    ingang = np.where(transition, first_day, decided)
    # provider chosen from the shared waiting list (task-based and residential, Amsterdam)
    chosen = np.where(has_request, np.maximum(request + 1, start - rng.integers(0, 22, n)), -1)

    # allocation validity and its extensions
    validity = np.array([segs[s].validity_months for s in seg], dtype=np.int64)
    validity = np.where((e["provider"] == world.roles.extender).to_numpy(), validity // 2, validity)
    shifted_end = np.asarray(e["end"].fill_null(-1).to_numpy(), dtype=np.int64) + shift
    open_ = e["end"].is_null().to_numpy() | (shifted_end > world.end)
    end_days = np.where(open_, world.end, shifted_end)
    need = end_days
    extensions = np.zeros(n, dtype=np.int64)
    safe_validity = np.where(validity > 0, validity, 12)
    alloc_end = cal.add_months_minus_one(ingang, safe_validity)
    cur = alloc_end.copy()
    while True:
        more = allocating & (cur < need)
        if not more.any():
            break
        extensions[more] += 1
        cur = np.where(more, cal.add_months_minus_one(ingang, safe_validity * (extensions + 1)), cur)

    # care start (305) and stop (307) arrivals
    offers = world.offers
    delay_of = {
        (a, s): d
        for a, s, d in zip(
            offers["agb"].to_list(), offers["segment"].to_list(), offers["start_delay"].to_list(), strict=True
        )
    }
    base = np.array([delay_of[(p, s)] for p, s in zip(e["provider"].to_list(), seg, strict=True)], dtype=np.int64)
    start_delay = base + np.round(rng.exponential(3.0, n)).astype(np.int64)
    late = rng.random(n) < 0.04
    start_delay = np.where(late, start_delay + rng.integers(25, 91, n), start_delay)
    start_arrival = np.where(
        transition, cal.next_weekday(first_day + rng.integers(1, 26, n)), cal.next_weekday(start + start_delay)
    )
    start_arrival = np.where(allocating, np.maximum(start_arrival, decided), start_arrival)
    stop_delay = base + rng.integers(0, 12, n)
    stop_late = rng.random(n) < 0.04
    stop_delay = np.where(stop_late, stop_delay + rng.integers(30, 121, n), stop_delay)
    stop_arrival = np.where(open_, -1, cal.next_weekday(end_days + stop_delay))
    stop_arrival = np.where(open_, -1, np.maximum(stop_arrival, start_arrival))

    # volume allocated per month (price x volume), raised by the upcoder from its month on
    unit = np.full(n, UNIT_OUTPUT, dtype=object)
    volume = np.ones(n, dtype=np.int64)
    product = e["product"].to_list()
    upcoded = e["upcoded"].to_numpy()
    for s in spec.segments:
        for p in s.products:
            idx = np.flatnonzero(np.array([x == p.code for x in product]))
            if idx.size == 0:
                continue
            unit[idx] = p.unit
            if p.unit == UNIT_HOUR:
                v = np.round(p.volume * np.exp(rng.normal(0, 0.25, idx.size)))
                v = np.where(upcoded[idx], np.round(v * 1.3), v)
                volume[idx] = np.clip(v, 2, 40).astype(np.int64)
            elif p.unit == UNIT_ETMAAL:
                part_time = rng.random(idx.size) < 0.3
                volume[idx] = np.where(part_time, rng.integers(8, 17, idx.size), 31)
    return e.with_columns(
        pl.Series("start", start),
        pl.when(pl.Series(open_)).then(None).otherwise(pl.Series(end_days)).alias("end"),
        pl.when(pl.Series(open_)).then(None).otherwise(pl.col("reason")).alias("reason"),
        pl.Series("shorten_previous", same),
        pl.Series("previous", prev),
        pl.Series("first_day", first_day),
        pl.Series("allocating", allocating),
        pl.Series("has_request", has_request),
        pl.Series("urgency", np.where(has_request, urgency, 0)).cast(pl.Int64),
        pl.Series("request_day", np.where(has_request, request, -1)),
        pl.Series("chosen_day", chosen),
        pl.Series("decided", decided),
        pl.Series("ingang", ingang),
        pl.Series("validity", validity),
        pl.Series("extensions", np.where(allocating, extensions, 0)),
        pl.Series("alloc_end", np.where(allocating, cur, -1)),
        pl.Series("start_arrival", start_arrival),
        pl.Series("stop_arrival", stop_arrival),
        pl.Series("unit", unit, dtype=pl.Utf8),
        pl.Series("volume", volume),
    )


def _allocation_numbers(e: pl.DataFrame) -> pl.DataFrame:
    """ToewijzingNummer: numbered in order of the first allocation message, region-wide."""
    alloc = e.filter(pl.col("allocating")).sort(["decided", "client", "episode"])
    numbers = {ep: f"{1_000_001 + i}" for i, ep in enumerate(alloc["episode"].to_list())}
    return e.with_columns(
        pl.col("episode").replace_strict(numbers, default=None, return_dtype=pl.Utf8).alias("allocation_number")
    )


def _allocation_events(world: World, e: pl.DataFrame) -> pl.DataFrame:
    """One row per allocation message event: the first allocation and each extension."""
    rng = stream(world.seed, world.spec.name, "extensions")
    a = e.filter(pl.col("allocating"))
    rows = [
        a.select(
            "allocation_number",
            "episode",
            pl.lit(0, dtype=pl.Int64).alias("event"),
            pl.col("decided").alias("arrival"),
            pl.lit("").alias("reason"),
            pl.col("ingang"),
            pl.col("validity"),
        )
    ]
    ext = a.filter(pl.col("extensions") > 0).select("allocation_number", "episode", "ingang", "validity", "extensions")
    if ext.height:
        ext = ext.with_columns(pl.int_ranges(1, pl.col("extensions") + 1, dtype=pl.Int64).alias("event")).explode(
            "event"
        )
        ingang = _arr(ext["ingang"])
        validity = _arr(ext["validity"])
        k = _arr(ext["event"])
        previous_end = cal.add_months_minus_one(ingang, validity * k)
        arrival = _prev_weekday(previous_end - rng.integers(7, 36, ext.height))
        rows.append(
            ext.select("allocation_number", "episode", "event", "ingang", "validity")
            .with_columns(pl.Series("arrival", arrival), pl.lit(EXTEND_REASON).alias("reason"))
            .select("allocation_number", "episode", "event", "arrival", "reason", "ingang", "validity")
        )
    events = pl.concat(rows)
    einddatum = cal.add_months_minus_one(_arr(events["ingang"]), _arr(events["validity"]) * (_arr(events["event"]) + 1))
    events = events.with_columns(pl.Series("einddatum", einddatum)).drop("validity")
    # the old allocation of a re-entry with the same provider and product ends at the end of
    # the month its care ended, announced with the new allocation
    children = e.filter(pl.col("shorten_previous")).select(
        pl.col("previous")
        .replace_strict(dict(enumerate(e["episode"].to_list())), return_dtype=pl.Int64)
        .alias("episode"),
        pl.col("decided").alias("arrival"),
    )
    if children.height:
        old = a.select("episode", "allocation_number", "ingang", "extensions", "end", "alloc_end").join(
            children, on="episode"
        )
        # only when the old allocation would still run past that month
        old = old.filter(pl.Series(_arr(old["alloc_end"]) > cal.month_end(_arr(old["end"]))))
        shortened = old.select(
            "allocation_number",
            "episode",
            (pl.col("extensions") + 1).cast(pl.Int64).alias("event"),
            "arrival",
            pl.lit(SHORTEN_REASON).alias("reason"),
            "ingang",
            pl.Series("einddatum", cal.month_end(_arr(old["end"]))),
        )
        events = pl.concat([events, shortened.select(events.columns)])
    return events.sort(["arrival", "allocation_number", "event"])


# --------------------------------------------------------------------------------------------
# declarations


def _declaration_lines(world: World, terms: Terms, e: pl.DataFrame) -> pl.DataFrame:
    """Monthly lines for every allocated episode, before faults and delays."""
    rng = stream(world.seed, world.spec.name, "lines")
    segs = {s.code: s for s in world.spec.segments}
    a = e.filter(pl.col("allocating")).with_columns(
        pl.coalesce("end", pl.lit(world.end)).alias("care_end"),
    )
    first_m = cal.month_index(np.maximum(_arr(a["start"]), _arr(a["first_day"])))
    last_m = cal.month_index(_arr(a["care_end"]))
    a = a.with_columns(pl.Series("m0", first_m), pl.Series("m1", last_m))
    lines = a.with_columns(pl.int_ranges("m0", pl.col("m1") + 1, dtype=pl.Int64).alias("m")).explode("m")
    lines = lines.filter(pl.col("m").is_not_null())
    m = _arr(lines["m"])
    ms = cal.month_first_day(m)
    me = cal.month_first_day(m + 1) - 1
    start = _arr(lines["start"])
    care_end = _arr(lines["care_end"])
    ingang = _arr(lines["ingang"])
    alloc_end = _arr(lines["alloc_end"])
    days_in = np.minimum(me, care_end) - np.maximum(ms, start) + 1
    month_len = me - ms + 1
    unit = np.array(lines["unit"].to_list(), dtype=object)
    allocated = _arr(lines["volume"])
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
    years = m // 12 + 1970
    tariff = np.zeros(lines.height, dtype=np.int64)
    seg_list = lines["segment"].to_list()
    prov_list = lines["provider"].to_list()
    prod_list = lines["product"].to_list()
    first_years = [cal.date_of(d).year for d in _arr(lines["first_day"]).tolist()]
    cache: dict[tuple[str, str, str, int, int], int] = {}
    for i, (s, p, prod, y, fy) in enumerate(
        zip(seg_list, prov_list, prod_list, years.tolist(), first_years, strict=True)
    ):
        key = (s, p, prod, y, fy)
        if key not in cache:
            seg = segs[s]
            cache[key] = (
                terms.monthly_price(p, s, y) if seg.funding_model == "per_client" else terms.tariff(seg, prod, fy, y)
            )
        tariff[i] = cache[key]
    law = [segs[s].law for s in seg_list]
    return lines.select(
        "episode",
        "client",
        "provider",
        "segment",
        "municipality",
        "allocation_number",
        "product",
        "unit",
        pl.col("volume").alias("allocated"),
    ).with_columns(
        pl.Series("law", law, dtype=pl.Utf8),
        pl.Series("care_month", ms),
        pl.Series("period_begin", np.maximum(ms, ingang)),
        pl.Series("period_end", np.minimum(me, alloc_end)),
        pl.Series("volume", volume.astype(np.int64)),
        pl.Series("tariff", tariff),
        pl.lit(False).alias("fake"),
    )


def _fake_episodes(world: World, terms: Terms, next_client: int) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
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
    first_m = cal.month_index(_arr(fake["start"]))
    last_m = cal.month_index(_arr(fake["care_end"]))
    lines = (
        fake.with_columns(pl.Series("m0", first_m), pl.Series("m1", last_m))
        .with_columns(pl.int_ranges("m0", pl.col("m1") + 1, dtype=pl.Int64).alias("m"))
        .explode("m")
    )
    m = _arr(lines["m"])
    ms = cal.month_first_day(m)
    me = cal.month_first_day(m + 1) - 1
    fake_start = _arr(lines["start"])
    care_end = _arr(lines["care_end"])
    days_in = np.minimum(me, care_end) - np.maximum(ms, fake_start) + 1
    unit = np.array(lines["unit"].to_list(), dtype=object)
    allocated = _arr(lines["allocated"])
    volume = np.where(
        unit == UNIT_HOUR,
        np.maximum(1, np.round(allocated * 0.85 * days_in / (me - ms + 1))),
        np.where(unit == UNIT_ETMAAL, days_in, 1),
    ).astype(np.int64)
    segs = {s.code: s for s in spec.segments}
    tariffs = []
    for s, p, prod, mm in zip(
        lines["segment"].to_list(), lines["provider"].to_list(), lines["product"].to_list(), m.tolist(), strict=True
    ):
        seg = segs[s]
        y = mm // 12 + 1970
        fy = world.year - 3
        tariffs.append(
            terms.monthly_price(p, s, y) if seg.funding_model == "per_client" else terms.tariff(seg, prod, fy, y)
        )
    fake_lines = lines.select(
        pl.lit(-1, dtype=pl.Int64).alias("episode"),
        "client",
        "provider",
        "segment",
        "municipality",
        "allocation_number",
        "product",
        "unit",
        "allocated",
    ).with_columns(
        pl.Series("law", lines["law"].to_list(), dtype=pl.Utf8),
        pl.Series("care_month", ms),
        pl.Series("period_begin", np.maximum(ms, fake_start)),
        pl.Series("period_end", np.minimum(me, care_end)),
        pl.Series("volume", volume),
        pl.Series("tariff", np.array(tariffs, dtype=np.int64)),
        pl.lit(True).alias("fake"),
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


def _schedule(world: World, lines: pl.DataFrame) -> pl.DataFrame:
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
    ms = _arr(keys["care_month"])
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
    sup_delay = np.clip(_lognormal_days(rng, 40, 0.7, out.height), 10, 360)
    sup_arrival = cal.next_weekday(_arr(out["arrival"]) + sup_delay)
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
    return out.with_columns(pl.Series("deadline", _deadlines(_arr(out["care_month"]))))


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


def _faults_and_corrections(world: World, lines: pl.DataFrame, segs_multi: set[str]) -> pl.DataFrame:
    """Mark faulty lines (bad BSN, product mismatch, above volume) and add corrections."""
    spec = world.spec
    rng = stream(world.seed, spec.name, "faults")
    n = lines.height
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
    volume = _arr(lines["volume"]).copy()
    tariff = _arr(lines["tariff"]).copy()
    allocated = _arr(lines["allocated"])
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

    # corrections: a credit of the original line and a corrected debit, before the deadline
    cand = lines.filter(
        (pl.col("batch") == "regular")
        & (pl.col("fault") == "")
        & (pl.col("arrival") <= pl.col("deadline") - 5)
        & ~pl.col("line").is_in(sorted(taken))
    )
    k = max(1, int(round(cand.height * 0.01)))
    chosen = cand[sorted(rng.choice(cand.height, size=min(k, cand.height), replace=False).tolist())]
    # one correction message per provider and month: at the earliest of the drawn days
    low = _arr(chosen["arrival"]) + 3
    high = _arr(chosen["deadline"])
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
        & (_arr(chosen["volume"]) > 1),
        _arr(chosen["volume"]) - 1,
        _arr(chosen["volume"]),
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


# --------------------------------------------------------------------------------------------
# objections and periodic reports


def _quarters(first: int, last: int) -> list[tuple[int, int]]:
    """(first day, last day) of every quarter from the quarter of ``first`` to that of ``last``."""
    out = []
    m = int(cal.month_index(np.array([first]))[0])
    m -= m % 3
    while True:
        q0 = int(cal.month_first_day(np.array([m]))[0])
        if q0 > last:
            break
        q1 = int(cal.month_first_day(np.array([m + 3]))[0]) - 1
        out.append((q0, q1))
        m += 3
    return out


def _months(first: int, last: int) -> list[tuple[int, int]]:
    out = []
    m = int(cal.month_index(np.array([first]))[0])
    while True:
        m0 = int(cal.month_first_day(np.array([m]))[0])
        if m0 > last:
            break
        out.append((m0, int(cal.month_first_day(np.array([m + 1]))[0]) - 1))
        m += 1
    return out


def _reports(periods: list[tuple[int, int]], rng: np.random.Generator, lo: int, hi: int) -> list[tuple[int, int, int]]:
    days = cal.next_weekday(np.array([p[1] for p in periods], dtype=np.int64) + rng.integers(lo, hi + 1, len(periods)))
    return [(int(d), p0, p1) for d, (p0, p1) in zip(days.tolist(), periods, strict=True)]


def _first_report(days: Ints, reports: list[tuple[int, int, int]]) -> Ints:
    """Day of the first report whose period ends on or after each day (-1: never)."""
    ends = np.array([r[2] for r in reports], dtype=np.int64)
    report_days = np.array([r[0] for r in reports], dtype=np.int64)
    idx = np.searchsorted(ends, days, side="left")
    ok = (idx < ends.size) & (days >= 0)
    return np.where(ok, report_days[np.minimum(idx, ends.size - 1)], -1)


def _objections(world: World, decisions: pl.DataFrame, next_id: int) -> pl.DataFrame:
    """Objections (bezwaar) against decisions, some upheld, some followed by an appeal (beroep).

    ``decisions``: client, municipality, segment, provider, decided (day), rejected (bool).
    """
    rng = stream(world.seed, world.spec.name, "objections")
    n = decisions.height
    rejected = decisions["rejected"].to_numpy()
    p = np.where(rejected, 0.35, 0.012)
    objected = rng.random(n) < p
    d = decisions.filter(pl.Series(objected))
    k = d.height
    if k == 0:
        d = decisions.head(1)
        k = 1
    filed = _arr(d["decided"]) + rng.integers(7, 43, k)
    decided = filed + rng.integers(30, 141, k)
    upheld = rng.random(k) < np.where(d["rejected"].to_numpy(), 0.3, 0.25)
    # some upheld and some not, also in a tiny region
    if k >= 2 and upheld.all():
        upheld[-1] = False
    if k >= 2 and not upheld.any():
        upheld[0] = True
    bezwaar = d.select("client", "municipality", "segment", "provider").with_columns(
        pl.lit("bezwaar").alias("kind"),
        pl.Series("filed", filed),
        pl.Series("decided", decided),
        pl.Series("upheld", upheld),
    )
    appeal = (~upheld) & (rng.random(k) < 0.25)
    if not appeal.any() and (~upheld).any():
        appeal[int(np.flatnonzero(~upheld)[0])] = True
    b = bezwaar.filter(pl.Series(appeal))
    m = b.height
    a_filed = _arr(b["decided"]) + rng.integers(14, 43, m)
    a_decided = a_filed + rng.integers(90, 251, m)
    beroep = b.with_columns(
        pl.lit("beroep").alias("kind"),
        pl.Series("filed", a_filed),
        pl.Series("decided", a_decided),
        pl.Series("upheld", rng.random(m) < 0.15),
    )
    out = (
        pl.concat([bezwaar, beroep])
        .filter(pl.col("filed") <= world.end)
        .sort(["filed", "client", "kind", "segment", "provider", "decided", "upheld"], nulls_last=True)
    )
    return out.with_columns(
        pl.format("BZ-{}", (pl.int_range(0, pl.len(), dtype=pl.Int64) + next_id).cast(pl.Utf8).str.zfill(6)).alias(
            "objection_id"
        )
    )


# --------------------------------------------------------------------------------------------


def _extra_clients(world: World, rows: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Client attributes for clients outside the episodes (rejected requests, care without allocation)."""
    segs = {s.code: s for s in world.spec.segments}
    areas = {m.code: m.areas for m in world.spec.municipalities}
    n = rows.height
    lo = np.array([segs[s].age_range[0] for s in rows["segment"].to_list()], dtype=np.int64)
    hi = np.array([segs[s].age_range[1] for s in rows["segment"].to_list()], dtype=np.int64)
    age = rng.integers(lo, hi + 1)
    birth = _arr(rows["start"]) - np.round(age * 365.25).astype(np.int64) - rng.integers(0, 365, n)
    area = [areas[m][int(rng.integers(len(areas[m])))] for m in rows["municipality"].to_list()]
    return pl.DataFrame(
        {
            "client": rows["client"],
            "municipality": rows["municipality"],
            "area": pl.Series(area, dtype=pl.Utf8),
            "sex": pl.Series(rng.choice(np.array(["1", "2"], dtype=object), size=n), dtype=pl.Utf8),
            "birth": pl.Series(birth, dtype=pl.Int64),
            "surname": pl.Series(rng.integers(0, 10_000, n), dtype=pl.Int64),
            "first_name": pl.Series(rng.integers(0, 10_000, n), dtype=pl.Int64),
        }
    ).with_columns(addresses(world.spec, rows["municipality"].to_list(), area, rng))


def build_traffic(world: World, terms: Terms) -> Traffic:
    spec = world.spec
    rng = stream(world.seed, spec.name, "traffic")
    e = _allocation_numbers(_episode_traffic(world))
    events = _allocation_events(world, e)

    # requests that lead to no care: rejected (Venlo) or withdrawn (Amsterdam), new clients
    next_client = int(world.clients["client"].to_numpy().max()) + 1
    requested = e.filter(pl.col("has_request"))
    n_rej = max(1, int(round(requested.height * 0.06)))
    pick = requested[sorted(rng.choice(requested.height, size=min(n_rej, requested.height), replace=False).tolist())]
    request_day = _prev_weekday(_arr(pick["request_day"]) - rng.integers(0, 200, pick.height))
    rejected = (
        pick.select("municipality", "segment", "provider", "urgency", "product", "volume", "unit")
        .with_columns(
            pl.int_range(next_client, next_client + pick.height, dtype=pl.Int64).alias("client"),
            pl.Series("request_day", request_day),
            pl.Series("decided", cal.next_weekday(request_day + rng.integers(7, 30, pick.height))),
        )
        .with_columns(pl.col("request_day").alias("start"))
    )
    first_day = pl.col("municipality").replace_strict(world.contract_start, return_dtype=pl.Int64)
    rejected = rejected.filter(pl.col("request_day") >= first_day)
    next_client += pick.height
    fake, fake_lines, fake_clients = _fake_episodes(world, terms, next_client)
    next_client += fake.height

    # clients and BSNs
    extra = _extra_clients(
        world, pl.concat([rejected.select("client", "municipality", "segment", "start"), fake_clients]), rng
    )
    clients = pl.concat([world.clients, extra]).sort("client")
    bsns = draw_bsns(clients.height, stream(world.seed, spec.name, "bsn"))
    clients = clients.with_columns(pl.Series("bsn", bsns, dtype=pl.Utf8))

    # requests: venlo 315 by the provider; amsterdam registrations on the shared waiting list
    req = e.filter(pl.col("has_request")).select(
        "client",
        "municipality",
        "segment",
        "provider",
        "urgency",
        "request_day",
        "chosen_day",
        "decided",
        "episode",
        pl.lit(False).alias("rejected"),
        "product",
        "volume",
        "unit",
    )
    rej = rejected.select(
        "client",
        "municipality",
        "segment",
        "provider",
        "urgency",
        "request_day",
        pl.lit(-1, dtype=pl.Int64).alias("chosen_day"),
        "decided",
        pl.lit(-1, dtype=pl.Int64).alias("episode"),
        pl.lit(True).alias("rejected"),
        "product",
        "volume",
        "unit",
    )
    requests = pl.concat([req, rej]).sort(["request_day", "client", "segment", "episode", "provider"], nulls_last=True)

    # declarations
    lines = _declaration_lines(world, terms, e)
    segs_multi = {s.code for s in spec.segments if len(s.products) > 1 and s.validity_months > 0}
    lines = pl.concat([lines, fake_lines.select(lines.columns)])
    lines = _schedule(world, lines)
    lines = _faults_and_corrections(world, lines, segs_multi)
    bsn_of = dict(zip(clients["client"].to_list(), clients["bsn"].to_list(), strict=True))
    lines = lines.with_columns(
        pl.col("client").replace_strict(bsn_of, return_dtype=pl.Utf8).alias("bsn"),
    ).with_columns(
        pl.when(pl.col("fault") == "bad_bsn")
        .then(pl.col("bsn").map_elements(corrupt_bsn, return_dtype=pl.Utf8))
        .otherwise(pl.col("bsn"))
        .alias("bsn"),
        pl.when(pl.col("fault") == "")
        .then(pl.lit(ACCEPTED))
        .when(pl.col("fault") == "bad_bsn")
        .then(pl.lit(CODE_BAD_BSN))
        .when(pl.col("fault") == "product_mismatch")
        .then(pl.lit(CODE_PRODUCT_MISMATCH))
        .when(pl.col("fault") == "above_volume")
        .then(pl.lit(CODE_ABOVE_VOLUME))
        .otherwise(pl.lit(CODE_NO_ALLOCATION_DECLARATION))
        .alias("retour_code"),
    )

    # objections against decisions
    decisions = (
        pl.concat(
            [
                e.filter(~pl.col("transition") & (pl.col("has_request") | pl.col("allocating"))).select(
                    "client", "municipality", "segment", "provider", "decided", pl.lit(False).alias("rejected")
                ),
                rejected.select(
                    "client",
                    "municipality",
                    "segment",
                    # a withdrawn registration on Amsterdam's waiting list has no provider yet
                    pl.lit(None, dtype=pl.Utf8).alias("provider") if spec.core_partners else pl.col("provider"),
                    "decided",
                    pl.lit(True).alias("rejected"),
                ),
            ]
        )
        .filter(pl.col("decided") >= world.history_start)
        .sort(["decided", "client", "segment", "provider", "rejected"], nulls_last=True)
    )
    objections = _objections(world, decisions, 1)

    # periodic reports: the silent partner's episodes, the waiting list, objections
    rrng = stream(world.seed, spec.name, "reports")
    first = min(world.contract_start.values())
    episode_reports = _reports(_quarters(first, world.end), rrng, 10, 25) if world.roles.silent else []
    request_reports = _reports(_months(first, world.end), rrng, 3, 9) if spec.core_partners else []
    objection_reports = _reports(_quarters(first, world.end), rrng, 8, 20)

    silent = (pl.col("provider") == world.roles.silent) & pl.lit(bool(world.roles.silent))
    if episode_reports:
        s_first = _first_report(np.maximum(_arr(e["start"]), 0), episode_reports)
        ends = e["end"].fill_null(-1).to_numpy().astype(np.int64)
        e_first = np.where(ends >= 0, _first_report(ends, episode_reports), -1)
        e = e.with_columns(
            pl.when(silent).then(pl.Series(s_first)).otherwise(pl.col("start_arrival")).alias("start_arrival"),
            pl.when(silent).then(pl.Series(e_first)).otherwise(pl.col("stop_arrival")).alias("stop_arrival"),
        )
    e = e.with_columns(pl.when(silent).then(pl.lit("csv")).otherwise(pl.lit("xml")).alias("channel"))
    if request_reports:
        registered = _first_report(_arr(requests["request_day"]), request_reports)
        requests = requests.with_columns(pl.Series("arrival", registered))
    else:
        requests = requests.with_columns(pl.col("request_day").alias("arrival"))
    objections = objections.with_columns(
        pl.Series("arrival", _first_report(_arr(objections["filed"]), objection_reports))
    )

    final_end = (
        events.sort(["allocation_number", "event"])
        .group_by("allocation_number")
        .agg(pl.col("einddatum").last().alias("final_end"))
    )
    allocations = (
        e.filter(pl.col("allocating"))
        .select(
            "allocation_number",
            "episode",
            "client",
            "provider",
            "segment",
            "municipality",
            "product",
            "unit",
            "volume",
            "ingang",
            "decided",
            "alloc_end",
            "extensions",
            "validity",
        )
        .join(final_end, on="allocation_number")
        .sort("allocation_number")
    )
    return Traffic(
        clients=clients,
        episodes=e,
        allocations=allocations,
        allocation_events=events,
        requests=requests,
        lines=lines.sort(["arrival", "provider", "municipality", "law", "care_month", "batch", "line"]),
        objections=objections,
        fake=fake,
        episode_reports=episode_reports,
        request_reports=request_reports,
        objection_reports=objection_reports,
    )
