"""Clients in more than one domain: some Wmo clients are also youth-care clients (issue 19).

The care process draws each segment's clients apart, so without this step no client of a
region uses both youth care and the Wmo and the client across domains
(:mod:`regie.engine.crossdomain`) would have nothing to show. In a region with both domains
(venlo) :data:`SHARE` of the Wmo clients are made the same person as a youth-care client of
the same municipality whose care runs at the same time (one person, e.g. a young adult in
extended youth care who also gets Wmo support). Their episodes keep their providers, dates and messages; only the client (and so
the BSN) is the youth client's. The client's attributes (birth date, address) are those of its
first episode, as for every client.

:func:`expected` counts, from the truth frames and apart from the engine, what the
cross-domain view must show for the reference year; it goes into ``truth/scenario.json``
(``cross_domain``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import numpy as np
import polars as pl

from regie.synth.profiles import ProfileSpec
from regie.synth.rng import stream

#: The share of Wmo clients who are also youth-care clients (when a region has both).
SHARE = 0.08


def _spans(episodes: pl.DataFrame, segments: list[str]) -> pl.DataFrame:
    """Per client with an episode in ``segments`` (and none elsewhere): municipality and the
    days from the first start to the last latent end."""
    mine = episodes.filter(pl.col("segment").is_in(segments))
    others = set(episodes.filter(~pl.col("segment").is_in(segments))["client"].to_list())
    return (
        mine.filter(~pl.col("client").is_in(sorted(others)))
        .group_by("client")
        .agg(pl.col("municipality").first(), pl.col("start").min(), pl.col("latent_end").max())
        .sort("client")
    )


def share_clients(episodes: pl.DataFrame, spec: ProfileSpec, seed: int) -> pl.DataFrame:
    """``episodes`` (the latent ones of :func:`regie.synth.simulate.simulate`, with ``start``
    and ``latent_end`` in day numbers) with :data:`SHARE` of the Wmo clients renamed to a
    youth client of the same municipality whose care overlaps theirs; unchanged when the
    region lacks one of the two domains or no youth client fits."""
    domain = {s.code: s.domain for s in spec.segments}
    wmo = _spans(episodes, [s for s, d in domain.items() if d == "wmo"])
    youth = _spans(episodes, [s for s, d in domain.items() if d == "jeugd"])
    if wmo.is_empty() or youth.is_empty():
        return episodes
    rng = stream(seed, spec.name, "shared_clients")
    chosen = wmo.filter(pl.Series(rng.random(wmo.height) < SHARE))
    y_client = youth["client"].to_numpy()
    y_muni = np.array(youth["municipality"].to_list(), dtype=object)
    y_start, y_end = youth["start"].to_numpy(), youth["latent_end"].to_numpy()
    free = np.ones(youth.height, dtype=bool)
    rename: dict[int, int] = {}
    for client, muni, start, end in chosen.select("client", "municipality", "start", "latent_end").iter_rows():
        fits = np.flatnonzero(free & (y_muni == muni) & (y_start <= end) & (y_end >= start))
        if fits.size:
            pick = fits[rng.integers(fits.size)]
            free[pick] = False
            rename[client] = int(y_client[pick])
    return episodes.with_columns(pl.col("client").replace(rename))


def _days(
    rows: pl.DataFrame, domain: str | None, first: dt.date, last: dt.date
) -> list[tuple[str, str, dt.date, dt.date]]:
    """(client, domain, first day, last day) of each row inside ``first`` .. ``last`` (a row
    without an end runs to ``last``); ``domain`` overrides the rows' own."""
    out = []
    for r in rows.iter_rows(named=True):
        stop = last if r["end"] is None else min(r["end"], last)
        if r["start"] <= last and stop >= first:
            out.append((r["client"], domain or r["domain"], max(r["start"], first), stop))
    return out


def expected(truth: dict[str, pl.DataFrame], year: int) -> dict[str, Any]:
    """What the client across domains shows for ``year`` (the whole year, as of a date when
    everything has arrived), counted loop by loop from the truth's ``episodes`` and, where the
    region has them, ``trajectories`` (domain participatie): clients per number of domains,
    per combination, and per pair of domains the clients with both on one day of the year (an
    arrangement's days are its start up to and including its end, to the year's end while it
    runs on)."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rows = _days(truth["episodes"], None, first, last)
    if "trajectories" in truth:
        rows += _days(truth["trajectories"], "participatie", first, last)
    days: dict[str, dict[str, list[tuple[dt.date, dt.date]]]] = defaultdict(lambda: defaultdict(list))
    for client, domain, start, stop in rows:
        days[client][domain].append((start, stop))
    order = ["jeugd", "wmo", "participatie"]
    combos: dict[str, int] = defaultdict(int)
    by_count: dict[str, int] = defaultdict(int)
    overlap: dict[str, int] = defaultdict(int)
    for spans in days.values():
        used = [d for d in order if d in spans]
        combos["+".join(used)] += 1
        by_count[str(len(used))] += 1
        for i, a in enumerate(used):
            for b in used[i + 1 :]:
                if any(s <= f and e <= t for s, t in spans[a] for e, f in spans[b]):
                    overlap[f"{a}+{b}"] += 1
    return {
        "year": year,
        "clients": len(days),
        "by_count": dict(sorted(by_count.items())),
        "combinations": dict(sorted(combos.items())),
        "overlap_clients": dict(sorted(overlap.items())),
    }
