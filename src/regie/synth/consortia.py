"""Amsterdam's consortia and subcontractors in a synthetic region (domain.md sections 10a and 13).

- **Members send under their own AGB code** (:func:`members_send`): of a consortium's
  task-based episodes, each goes to one of its members or stays with the consortium itself,
  evenly (the consortia that play a part in the scenario, the silent partner and the upcoder,
  keep theirs). The start/stop messages then carry the member's code; Regie counts them for
  the consortium (ADR 0020), the truth keeps the code as sent.
- **Core partners in the residential segment** (:func:`residential_partners`): the two
  largest core partners (not the silent one or the upcoder) also deliver residential care
  (a contract per etmaal, as the others), 40 % of the segment's episodes until the
  reference year and few in it: the rising inflow of the deficit segment goes to the
  providers outside the core partners, so the subcontracted share climbs over the segment's
  ``max_subcontracted_share`` and ``subcontracting`` is raised (:func:`expected_signals`, the
  rule of :mod:`regie.engine.subcontracting` over the truth's episodes). The extender's
  episodes stay his, and so do the very late declarer's around its very late months.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from regie.engine import subcontracting as rules
from regie.engine.catalog import Catalog
from regie.engine.consortia import attribute, member_map
from regie.synth import calendar as cal
from regie.synth.rng import stream
from regie.synth.simulate import World
from regie.synth.traffic import Traffic

#: Share of the residential segment's episodes that go to core partners: of all those that
#: begin before the reference year, and of those that begin in it (at most the episodes
#: that may move).
PARTNER_SHARE = (0.4, 0.05)
#: Core partners that also deliver residential care.
RESIDENTIAL_PARTNERS = 2


def _partners(world: World) -> list[str]:
    roles = world.roles
    lump = [s.code for s in world.spec.segments if s.funding_model == "lump_sum"]
    sizes = (
        world.offers.filter(pl.col("segment").is_in(lump) & ~pl.col("agb").is_in([roles.silent, roles.upcoder]))
        .group_by("agb")
        .agg(pl.col("share").sum())
        .sort(["share", "agb"], descending=[True, False])
    )
    return sorted(sizes["agb"].to_list()[:RESIDENTIAL_PARTNERS])


def residential_segment(world: World) -> str:
    """The segment bought outside the core partners (per etmaal), or "" without core partners."""
    if not world.spec.core_partners:
        return ""
    return next((s.code for s in world.spec.segments if s.funding_model != "lump_sum"), "")


def residential_partners(world: World) -> World:
    """``world`` with core partners delivering part of the residential care (see the module);
    unchanged without core partners."""
    segment = residential_segment(world)
    if not segment:
        return world
    rng = stream(world.seed, world.spec.name, "residential_partners")
    partners = _partners(world)
    offers = pl.DataFrame(
        {
            "agb": partners,
            "segment": [segment] * len(partners),
            "share": [1.0] * len(partners),
            "dur_mult": [1.0] * len(partners),
            "declare_day": [int(rng.integers(4, 24)) for _ in partners],
            "start_delay": [int(rng.integers(2, 12)) for _ in partners],
        },
        schema=world.offers.schema,
    )
    e = world.episodes
    start, end = e["start"].to_numpy(), e["end"].fill_null(world.end).to_numpy()
    late = [cal.day(d) for d in world.roles.very_late_months]
    late_care = (e["provider"] == world.roles.very_late).to_numpy() & (start <= max(late) + 30) & (end >= min(late))
    eligible = ((e["segment"] == segment) & (e["provider"] != world.roles.extender)).to_numpy() & ~late_care
    before = start < cal.day(dt.date(world.year, 1, 1))
    in_segment = (e["segment"] == segment).to_numpy()
    # the share of all the segment's episodes (before the year, in it) that goes to core partners
    wanted = np.zeros(e.height)
    for part, share in ((before, PARTNER_SHARE[0]), (~before, PARTNER_SHARE[1])):
        wanted[part] = share * int((in_segment & part).sum()) / max(1, int((eligible & part).sum()))
    move = eligible & (rng.random(e.height) < np.minimum(1.0, wanted))
    pick = np.array(partners, dtype=object)[rng.integers(0, len(partners), e.height)]
    provider = np.where(move, pick, np.array(e["provider"].to_list(), dtype=object))
    world.episodes = e.with_columns(pl.Series("provider", provider, dtype=pl.Utf8))
    world.offers = pl.concat([world.offers, offers]).sort(["segment", "agb"])
    return world


def members_send(world: World, traffic: Traffic) -> Traffic:
    """``traffic`` with the consortia's task-based episodes spread over their members (see
    the module); unchanged without consortia."""
    consortia = {
        r["agb"]: list(r["members"])
        for r in world.providers.iter_rows(named=True)
        if r["members"] and r["agb"] not in (world.roles.silent, world.roles.upcoder)
    }
    if not consortia:
        return traffic
    rng = stream(world.seed, world.spec.name, "members_send")
    lump = {s.code for s in world.spec.segments if s.funding_model == "lump_sum"}
    e = traffic.episodes
    draw = rng.random(e.height)
    senders = []
    for p, s, u in zip(e["provider"].to_list(), e["segment"].to_list(), draw.tolist(), strict=True):
        members = consortia.get(p)
        if members is None or s not in lump:
            senders.append(p)
            continue
        k = int(u * (len(members) + 1))
        senders.append(members[k] if k < len(members) else p)
    traffic.episodes = e.with_columns(pl.Series("provider", senders, dtype=pl.Utf8))
    return traffic


def expected_signals(episodes: pl.DataFrame, catalog: Catalog, day: dt.date) -> pl.DataFrame:
    """The ``subcontracting`` signals Regie must raise by ``day``: per quarter from the first
    episode's, :func:`regie.engine.subcontracting.over_maximum` over the truth's ``episodes``
    (members counted for their consortium) with the catalog's core partners and maxima."""
    frame = attribute(episodes, member_map(catalog.providers))
    rows = [
        (rules.SIGNAL, x.segment, x.quarter, x.raised_on(day), f"{round(x.share, 4)}")
        for x in rules.quarterly_excess(frame, catalog, day)
    ]
    return pl.DataFrame(
        rows,
        schema={"kind": pl.Utf8, "segment": pl.Utf8, "care_month": pl.Date, "arrival": pl.Date, "detail": pl.Utf8},
        orient="row",
    )
