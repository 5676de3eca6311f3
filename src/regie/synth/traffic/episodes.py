"""Requests, decisions, allocations, care starts and stops: the arrival days of an episode.

- Requests (315, or a registration on Amsterdam's shared waiting list) come a waiting time
  before the care start (lognormal per segment; in Amsterdam shorter for urgent requests);
  the municipality decides (301) a few days to weeks after the request and before the start.
- Allocations are valid for a number of months per segment and are extended (301 with
  RedenWijziging 04) a few weeks before they expire for as long as the care lasts.
- Care starts (305) and stops (307) arrive days after the event, a few weeks or months late.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import polars as pl

from regie.synth import calendar as cal
from regie.synth.profiles import UNIT_ETMAAL, UNIT_HOUR, UNIT_OUTPUT, ProfileSpec
from regie.synth.rng import stream
from regie.synth.simulate import World
from regie.synth.traffic.common import (
    EXTEND_REASON,
    SHORTEN_REASON,
    URGENCY_P,
    URGENCY_WAIT,
    Ints,
    ints,
    lognormal_days,
    prev_weekday,
)

Bools = npt.NDArray[np.bool_]


class _Decisions(NamedTuple):
    """Request and decision days of the episodes, re-entries moved past the previous care."""

    has_request: Bools
    urgency: Ints
    request: Ints
    chosen: Ints
    decided: Ints
    ingang: Ints
    start: Ints
    #: days a re-entry's start moved so that its allocation follows the previous one
    shift: Ints
    #: the episode before a re-entry with the same provider and product (-1: none)
    previous: Ints
    same: Bools


class _Validity(NamedTuple):
    """How long each allocation runs and how often it is extended."""

    validity: Ints
    open_: Bools
    end_days: Ints
    extensions: Ints
    alloc_end: Ints


def episode_traffic(world: World) -> pl.DataFrame:
    """Add request, decision, allocation validity, start and stop arrival days to episodes."""
    spec = world.spec
    e = world.episodes
    n = e.height
    rng = stream(world.seed, spec.name, "episode-traffic")
    segs = {s.code: s for s in spec.segments}
    seg = e["segment"].to_list()
    first_day = np.array([world.contract_start[m] for m in e["municipality"].to_list()], dtype=np.int64)
    transition = e["transition"].to_numpy()
    allocating = np.array([segs[s].validity_months > 0 for s in seg])
    d = _decisions(world, rng, first_day, allocating)
    v = _validity(world, d, allocating)

    # care start (305) and stop (307) arrivals
    offers = world.offers
    delay_of = {
        (a, s): delay
        for a, s, delay in zip(
            offers["agb"].to_list(), offers["segment"].to_list(), offers["start_delay"].to_list(), strict=True
        )
    }
    base = np.array([delay_of[(p, s)] for p, s in zip(e["provider"].to_list(), seg, strict=True)], dtype=np.int64)
    start_delay = base + np.round(rng.exponential(3.0, n)).astype(np.int64)
    late = rng.random(n) < 0.04
    start_delay = np.where(late, start_delay + rng.integers(25, 91, n), start_delay)
    start_arrival = np.where(
        transition, cal.next_weekday(first_day + rng.integers(1, 26, n)), cal.next_weekday(d.start + start_delay)
    )
    start_arrival = np.where(allocating, np.maximum(start_arrival, d.decided), start_arrival)
    stop_delay = base + rng.integers(0, 12, n)
    stop_late = rng.random(n) < 0.04
    stop_delay = np.where(stop_late, stop_delay + rng.integers(30, 121, n), stop_delay)
    stop_arrival = np.where(v.open_, -1, cal.next_weekday(v.end_days + stop_delay))
    stop_arrival = np.where(v.open_, -1, np.maximum(stop_arrival, start_arrival))

    unit, volume = _allocated_volume(spec, e, rng)
    return e.with_columns(
        pl.Series("start", d.start),
        pl.when(pl.Series(v.open_)).then(None).otherwise(pl.Series(v.end_days)).alias("end"),
        pl.when(pl.Series(v.open_)).then(None).otherwise(pl.col("reason")).alias("reason"),
        pl.Series("shorten_previous", d.same),
        pl.Series("previous", d.previous),
        pl.Series("first_day", first_day),
        pl.Series("allocating", allocating),
        pl.Series("has_request", d.has_request),
        pl.Series("urgency", np.where(d.has_request, d.urgency, 0)).cast(pl.Int64),
        pl.Series("request_day", np.where(d.has_request, d.request, -1)),
        pl.Series("chosen_day", d.chosen),
        pl.Series("decided", d.decided),
        pl.Series("ingang", d.ingang),
        pl.Series("validity", v.validity),
        pl.Series("extensions", np.where(allocating, v.extensions, 0)),
        pl.Series("alloc_end", np.where(allocating, v.alloc_end, -1)),
        pl.Series("start_arrival", start_arrival),
        pl.Series("stop_arrival", stop_arrival),
        pl.Series("unit", unit, dtype=pl.Utf8),
        pl.Series("volume", volume),
    )


def _decisions(world: World, rng: np.random.Generator, first_day: Ints, allocating: Bools) -> _Decisions:
    """Request, decision and allocation start (ingang) days; a re-entry waits for the old care."""
    spec, e = world.spec, world.episodes
    n = e.height
    segs = {s.code: s for s in spec.segments}
    seg = e["segment"].to_list()
    start = ints(e["start"])
    transition = e["transition"].to_numpy()
    followup = (e["link"] != "").to_numpy()
    share = np.array([segs[s].request_share for s in seg])
    has_request = ~transition & (rng.random(n) < np.where(followup, 0.92, share))
    urgency = rng.choice(3, size=n, p=URGENCY_P) + 1
    wait_median = np.array([segs[s].waiting_median for s in seg])
    if spec.core_partners:
        wait_median = wait_median * np.array(URGENCY_WAIT)[urgency - 1]
    wait = np.clip(np.round(np.exp(rng.normal(np.log(wait_median), 0.6))), 2, 300).astype(np.int64)
    # requests before the contracts start are spread over the weeks before that day
    early = start - wait < first_day - 45
    request = prev_weekday(np.where(early, first_day - 45 + rng.integers(0, 45, n), start - wait))
    lag = np.clip(lognormal_days(rng, 8, 0.5, n), 1, None)
    decided_req = np.minimum(
        cal.next_weekday(request + np.minimum(lag, np.maximum(start - request, 1))), np.maximum(start, request + 1)
    )
    decided_direct = prev_weekday(start - rng.integers(0, 15, n))
    decided_transition = prev_weekday(first_day - rng.integers(5, 21, n))
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
    prev[ints(order["i"])] = np.asarray(order["prev"].fill_null(-1).to_numpy(), dtype=np.int64)
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
    return _Decisions(has_request, urgency, request, chosen, decided, ingang, start, shift, prev, same)


def _validity(world: World, d: _Decisions, allocating: Bools) -> _Validity:
    """Allocation validity and its extensions, for as long as the care lasts."""
    e = world.episodes
    n = e.height
    segs = {s.code: s for s in world.spec.segments}
    validity = np.array([segs[s].validity_months for s in e["segment"].to_list()], dtype=np.int64)
    validity = np.where((e["provider"] == world.roles.extender).to_numpy(), validity // 2, validity)
    shifted_end = np.asarray(e["end"].fill_null(-1).to_numpy(), dtype=np.int64) + d.shift
    open_ = e["end"].is_null().to_numpy() | (shifted_end > world.end)
    end_days = np.where(open_, world.end, shifted_end)
    need = end_days
    extensions = np.zeros(n, dtype=np.int64)
    safe_validity = np.where(validity > 0, validity, 12)
    alloc_end = cal.add_months_minus_one(d.ingang, safe_validity)
    cur = alloc_end.copy()
    while True:
        more = allocating & (cur < need)
        if not more.any():
            break
        extensions[more] += 1
        cur = np.where(more, cal.add_months_minus_one(d.ingang, safe_validity * (extensions + 1)), cur)
    return _Validity(validity, open_, end_days, extensions, cur)


def _allocated_volume(spec: ProfileSpec, e: pl.DataFrame, rng: np.random.Generator) -> tuple[Ints, Ints]:
    """Unit and volume allocated per month (price x volume), raised by the upcoder from its month on."""
    n = e.height
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
    return unit, volume


def allocation_numbers(e: pl.DataFrame) -> pl.DataFrame:
    """ToewijzingNummer: numbered in order of the first allocation message, region-wide."""
    alloc = e.filter(pl.col("allocating")).sort(["decided", "client", "episode"])
    numbers = {ep: f"{1_000_001 + i}" for i, ep in enumerate(alloc["episode"].to_list())}
    return e.with_columns(
        pl.col("episode").replace_strict(numbers, default=None, return_dtype=pl.Utf8).alias("allocation_number")
    )


def allocation_events(world: World, e: pl.DataFrame) -> pl.DataFrame:
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
        ingang = ints(ext["ingang"])
        validity = ints(ext["validity"])
        k = ints(ext["event"])
        previous_end = cal.add_months_minus_one(ingang, validity * k)
        arrival = prev_weekday(previous_end - rng.integers(7, 36, ext.height))
        rows.append(
            ext.select("allocation_number", "episode", "event", "ingang", "validity")
            .with_columns(pl.Series("arrival", arrival), pl.lit(EXTEND_REASON).alias("reason"))
            .select("allocation_number", "episode", "event", "arrival", "reason", "ingang", "validity")
        )
    events = pl.concat(rows)
    einddatum = cal.add_months_minus_one(ints(events["ingang"]), ints(events["validity"]) * (ints(events["event"]) + 1))
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
        old = old.filter(pl.Series(ints(old["alloc_end"]) > cal.month_end(ints(old["end"]))))
        shortened = old.select(
            "allocation_number",
            "episode",
            (pl.col("extensions") + 1).cast(pl.Int64).alias("event"),
            "arrival",
            pl.lit(SHORTEN_REASON).alias("reason"),
            "ingang",
            pl.Series("einddatum", cal.month_end(ints(old["end"]))),
        )
        events = pl.concat([events, shortened.select(events.columns)])
    return events.sort(["arrival", "allocation_number", "event"])
