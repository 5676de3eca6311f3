"""The whole of what arrives: :func:`build_traffic` runs the steps of the other traffic
modules in their order (each draws from its own random stream) and joins their tables."""

from __future__ import annotations

import numpy as np
import polars as pl

from regie.synth import calendar as cal
from regie.synth.people import corrupt_bsn, draw_bsns
from regie.synth.pricing import Terms
from regie.synth.rng import stream
from regie.synth.simulate import World, addresses
from regie.synth.traffic.common import (
    ACCEPTED,
    CODE_ABOVE_VOLUME,
    CODE_BAD_BSN,
    CODE_NO_ALLOCATION_DECLARATION,
    CODE_PRODUCT_MISMATCH,
    Traffic,
    ints,
    prev_weekday,
)
from regie.synth.traffic.declarations import declaration_lines, fake_episodes, faults_and_corrections, schedule
from regie.synth.traffic.episodes import allocation_events, allocation_numbers, episode_traffic
from regie.synth.traffic.reports import first_report, objections, periods, reports

Reports = list[tuple[int, int, int]]

#: The columns of a request (315 or a registration on the waiting list).
_REQUEST_COLUMNS = ("client", "municipality", "segment", "provider", "urgency", "request_day")


def build_traffic(world: World, terms: Terms) -> Traffic:
    """Everything that arrives, from the world's episodes and the contracts' terms."""
    rng = stream(world.seed, world.spec.name, "traffic")
    e = allocation_numbers(episode_traffic(world))
    events = allocation_events(world, e)
    next_client = int(world.clients["client"].to_numpy().max()) + 1
    rejected, picked = _rejected_requests(world, e, rng, next_client)
    fake, fake_lines, fake_clients = fake_episodes(world, terms, next_client + picked)
    extra = extra_clients(
        world, pl.concat([rejected.select("client", "municipality", "segment", "start"), fake_clients]), rng
    )
    clients = pl.concat([world.clients, extra]).sort("client")
    bsns = draw_bsns(clients.height, stream(world.seed, world.spec.name, "bsn"))
    clients = clients.with_columns(pl.Series("bsn", bsns, dtype=pl.Utf8))
    requests = _requests(e, rejected)
    lines = _coded_lines(world, terms, e, fake_lines, clients)
    objected = objections(world, _decisions(world, e, rejected), 1)
    e, requests, objected, sent = _periodic_arrivals(world, e, requests, objected)
    episode_reports, request_reports, objection_reports = sent
    return Traffic(
        clients=clients,
        episodes=e,
        allocations=_allocations(e, events),
        allocation_events=events,
        requests=requests,
        lines=lines.sort(["arrival", "provider", "municipality", "law", "care_month", "batch", "line"]),
        objections=objected,
        fake=fake,
        episode_reports=episode_reports,
        request_reports=request_reports,
        objection_reports=objection_reports,
    )


def _rejected_requests(
    world: World, e: pl.DataFrame, rng: np.random.Generator, next_client: int
) -> tuple[pl.DataFrame, int]:
    """Requests that lead to no care: rejected (Venlo) or withdrawn (Amsterdam), of new clients.

    Returns them and how many client numbers they took (some fall before the contracts and go).
    """
    requested = e.filter(pl.col("has_request"))
    n_rej = max(1, int(round(requested.height * 0.06)))
    pick = requested[sorted(rng.choice(requested.height, size=min(n_rej, requested.height), replace=False).tolist())]
    request_day = prev_weekday(ints(pick["request_day"]) - rng.integers(0, 200, pick.height))
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
    return rejected.filter(pl.col("request_day") >= first_day), pick.height


def _requests(e: pl.DataFrame, rejected: pl.DataFrame) -> pl.DataFrame:
    """Requests: Venlo's 315s by the provider; Amsterdam's registrations on the shared waiting list."""
    tail = ("product", "volume", "unit")
    req = e.filter(pl.col("has_request")).select(
        *_REQUEST_COLUMNS, "chosen_day", "decided", "episode", pl.lit(False).alias("rejected"), *tail
    )
    rej = rejected.select(
        *_REQUEST_COLUMNS,
        pl.lit(-1, dtype=pl.Int64).alias("chosen_day"),
        "decided",
        pl.lit(-1, dtype=pl.Int64).alias("episode"),
        pl.lit(True).alias("rejected"),
        *tail,
    )
    return pl.concat([req, rej]).sort(["request_day", "client", "segment", "episode", "provider"], nulls_last=True)


def _coded_lines(
    world: World, terms: Terms, e: pl.DataFrame, fake_lines: pl.DataFrame, clients: pl.DataFrame
) -> pl.DataFrame:
    """Every declaration line, scheduled, with its faults, its client's BSN and its retour code."""
    spec = world.spec
    lines = declaration_lines(world, terms, e)
    segs_multi = {s.code for s in spec.segments if len(s.products) > 1 and s.validity_months > 0}
    lines = pl.concat([lines, fake_lines.select(lines.columns)])
    lines = schedule(world, lines)
    lines = faults_and_corrections(world, lines, segs_multi)
    bsn_of = dict(zip(clients["client"].to_list(), clients["bsn"].to_list(), strict=True))
    return lines.with_columns(
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


def _decisions(world: World, e: pl.DataFrame, rejected: pl.DataFrame) -> pl.DataFrame:
    """The decisions an objection can be against: allocations and requests, granted or not."""
    return (
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
                    pl.lit(None, dtype=pl.Utf8).alias("provider") if world.spec.core_partners else pl.col("provider"),
                    "decided",
                    pl.lit(True).alias("rejected"),
                ),
            ]
        )
        .filter(pl.col("decided") >= world.history_start)
        .sort(["decided", "client", "segment", "provider", "rejected"], nulls_last=True)
    )


def _periodic_arrivals(
    world: World, e: pl.DataFrame, requests: pl.DataFrame, objected: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, tuple[Reports, Reports, Reports]]:
    """What arrives in periodic reports (the silent partner's episodes, the waiting list,
    objections) arrives on the day of the first report that covers it; the episodes get their
    channel. Returns the episodes, requests and objections, and the three report schedules."""
    spec = world.spec
    rrng = stream(world.seed, spec.name, "reports")
    first = min(world.contract_start.values())
    episode_reports = reports(periods(first, world.end, 3), rrng, 10, 25) if world.roles.silent else []
    request_reports = reports(periods(first, world.end, 1), rrng, 3, 9) if spec.core_partners else []
    objection_reports = reports(periods(first, world.end, 3), rrng, 8, 20)

    silent = (pl.col("provider") == world.roles.silent) & pl.lit(bool(world.roles.silent))
    if episode_reports:
        s_first = first_report(np.maximum(ints(e["start"]), 0), episode_reports)
        ends = e["end"].fill_null(-1).to_numpy().astype(np.int64)
        e_first = np.where(ends >= 0, first_report(ends, episode_reports), -1)
        e = e.with_columns(
            pl.when(silent).then(pl.Series(s_first)).otherwise(pl.col("start_arrival")).alias("start_arrival"),
            pl.when(silent).then(pl.Series(e_first)).otherwise(pl.col("stop_arrival")).alias("stop_arrival"),
        )
    e = e.with_columns(pl.when(silent).then(pl.lit("csv")).otherwise(pl.lit("xml")).alias("channel"))
    if request_reports:
        registered = first_report(ints(requests["request_day"]), request_reports)
        requests = requests.with_columns(pl.Series("arrival", registered))
    else:
        requests = requests.with_columns(pl.col("request_day").alias("arrival"))
    objected = objected.with_columns(pl.Series("arrival", first_report(ints(objected["filed"]), objection_reports)))
    return e, requests, objected, (episode_reports, request_reports, objection_reports)


def _allocations(e: pl.DataFrame, events: pl.DataFrame) -> pl.DataFrame:
    """One row per allocation, with the end date of its last message."""
    final_end = (
        events.sort(["allocation_number", "event"])
        .group_by("allocation_number")
        .agg(pl.col("einddatum").last().alias("final_end"))
    )
    return (
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


def extra_clients(world: World, rows: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Client attributes for clients outside the episodes (rejected requests, care without allocation)."""
    segs = {s.code: s for s in world.spec.segments}
    areas = {m.code: m.areas for m in world.spec.municipalities}
    n = rows.height
    lo = np.array([segs[s].age_range[0] for s in rows["segment"].to_list()], dtype=np.int64)
    hi = np.array([segs[s].age_range[1] for s in rows["segment"].to_list()], dtype=np.int64)
    age = rng.integers(lo, hi + 1)
    birth = ints(rows["start"]) - np.round(age * 365.25).astype(np.int64) - rng.integers(0, 365, n)
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
