"""The providers of a synthetic region: who they are, which segments they offer (with a
market share, a duration factor, a declaration day and a reporting delay each) and which of
them play a special part in the scenario (:class:`Roles`).

Two kinds of market: a region with core partners (Amsterdam) contracts a few large partners,
some of them consortia, for its lump-sum segments and an open set of providers for the rest;
a region without (Venlo) contracts providers per segment, half of a heavy segment's providers
also offering the segment clients step down to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

from regie.synth.people import agb_codes, provider_names
from regie.synth.profiles import ProfileSpec
from regie.synth.rng import stream

#: Adds one offer: (AGB code, segment code, market share).
Offer = Callable[[str, str, float], None]


@dataclass(frozen=True)
class Roles:
    """The providers that play a special part in the scenario."""

    upcoder: str
    upcoding_segment: str
    upcoding_from: dt.date
    extender: str
    extender_segment: str
    very_late: str
    very_late_segment: str
    very_late_months: tuple[dt.date, ...]
    silent: str = ""
    silent_segments: tuple[str, ...] = ()


def scaled_providers(n: int, scale: float, minimum: int = 4) -> int:
    """Providers in a segment at ``scale``: fewer at small scales, never fewer than ``minimum``.

    >>> scaled_providers(15, 1.0), scaled_providers(15, 0.02)
    (15, 4)
    """
    return max(minimum, min(n, int(round(n * scale**0.35))))


def make_providers(spec: ProfileSpec, year: int, seed: int, scale: float) -> tuple[pl.DataFrame, pl.DataFrame, Roles]:
    """The providers, their offers (provider x segment) and the roles of ``spec``."""
    rng = stream(seed, spec.name, "providers")
    taken: set[str] = set()
    offers: list[dict[str, object]] = []  # provider x segment

    def offer(agb: str, segment: str, share: float) -> None:
        offers.append(
            {
                "agb": agb,
                "segment": segment,
                "share": share,
                "dur_mult": float(np.exp(rng.normal(0.0, 0.15))),
                "declare_day": int(rng.integers(4, 24)),
                "start_delay": int(rng.integers(2, 12)),
            }
        )

    if spec.core_partners:
        rows = _core_partner_market(spec, scale, rng, taken, offer)
    else:
        rows = _open_market(spec, scale, rng, taken, offer)
    providers = pl.DataFrame(
        rows,
        schema={
            "agb": pl.Utf8,
            "name": pl.Utf8,
            "domain": pl.Utf8,
            "core_partner": pl.Boolean,
            "members": pl.List(pl.Utf8),
        },
    ).sort("agb")
    offer_frame, roles = _roles(spec, year, pl.DataFrame(offers).sort(["segment", "agb"]))
    return providers, offer_frame, roles


def _core_partner_market(
    spec: ProfileSpec, scale: float, rng: np.random.Generator, taken: set[str], offer: Offer
) -> list[dict[str, object]]:
    """Core partners (some of them consortia) for the lump-sum segments, others for the rest."""
    rows: list[dict[str, object]] = []
    core_segments = [s for s in spec.segments if s.funding_model == "lump_sum"]
    other_segments = [s for s in spec.segments if s.funding_model != "lump_sum"]
    n_core = spec.core_partners
    n_members = sum(spec.consortia)
    codes = agb_codes(n_core + n_members + 40, rng, prefix=98)
    order = rng.permutation(len(codes)).tolist()
    codes = [codes[i] for i in order]
    core_codes, member_codes, spare = (
        codes[:n_core],
        codes[n_core : n_core + n_members],
        codes[n_core + n_members :],
    )
    names = provider_names(n_core, "jeugd", rng, taken)
    # sizes span a factor 20 between the largest and the smallest core partner
    sizes = np.geomspace(20.0, 1.0, n_core)
    k = 0
    # which core partner serves which segment: every partner serves 1-3 segments
    wanted = {s.code: s.providers for s in core_segments}
    serve: list[list[str]] = [[] for _ in range(n_core)]
    for seg in core_segments:
        chosen = sorted(rng.choice(n_core, size=min(n_core, wanted[seg.code]), replace=False).tolist())
        for i in chosen:
            serve[i].append(seg.code)
    for i in range(n_core):
        if not serve[i]:
            serve[i].append(core_segments[i % len(core_segments)].code)
    for i, agb in enumerate(core_codes):
        members: list[str] = []
        if i < len(spec.consortia):
            members = sorted(member_codes[k : k + spec.consortia[i]])
            k += spec.consortia[i]
            name = f"Coöperatie {names[i].split(' ', 1)[1]}"
        else:
            name = names[i]
        rows.append({"agb": agb, "name": name, "domain": "jeugd", "core_partner": True, "members": members})
        for seg_code in serve[i]:
            offer(agb, seg_code, float(sizes[i] * np.exp(rng.normal(0, 0.2))))
    for seg in other_segments:
        n = scaled_providers(seg.providers, scale)
        chosen_agbs = spare[:n]
        spare = spare[n:]
        for agb, name in zip(chosen_agbs, provider_names(n, "jeugd", rng, taken), strict=True):
            rows.append({"agb": agb, "name": name, "domain": "jeugd", "core_partner": False, "members": []})
            offer(agb, seg.code, float(rng.gamma(3.0)))
    return rows


def _open_market(
    spec: ProfileSpec, scale: float, rng: np.random.Generator, taken: set[str], offer: Offer
) -> list[dict[str, object]]:
    """Providers per segment; a heavy segment's providers partly also offer its step-down."""
    rows: list[dict[str, object]] = []
    by_domain = {s.code: s for s in spec.segments}
    codes = agb_codes(sum(s.providers for s in spec.segments) + 10, rng, prefix=87)
    order = rng.permutation(len(codes)).tolist()
    pool = [codes[i] for i in order]
    made: dict[str, list[str]] = {}
    # heavier segments first: half of the beschermd wonen providers also give individuele
    # begeleiding, so a step-down can stay with the same provider
    ordered = sorted(spec.segments, key=lambda s: (-s.weight, [t.code for t in spec.segments].index(s.code)))
    for seg in ordered:
        n = scaled_providers(seg.providers, scale)
        agbs: list[str] = []
        for source in spec.segments:
            if source.step_down_to == seg.code and source.code in made:
                agbs.extend(made[source.code][: max(1, len(made[source.code]) // 2)])
        agbs = agbs[:n]
        while len(agbs) < n:
            agbs.append(pool.pop(0))
        made[seg.code] = agbs
    for seg_code in sorted(made, key=lambda c: [s.code for s in spec.segments].index(c)):
        for agb in made[seg_code]:
            offer(agb, seg_code, float(rng.gamma(3.0)))
    known: dict[str, str] = {}
    for seg_code, agbs in made.items():
        domain = by_domain[seg_code].domain
        for agb in agbs:
            known.setdefault(agb, domain)
    for agb in sorted(known):
        (name,) = provider_names(1, known[agb], rng, taken)
        rows.append({"agb": agb, "name": name, "domain": known[agb], "core_partner": False, "members": []})
    return rows


def _roles(spec: ProfileSpec, year: int, offer_frame: pl.DataFrame) -> tuple[pl.DataFrame, Roles]:
    """The providers with a special part: the silent core partner, the upcoder, the extender
    (whose clients stay longer: its duration factor is raised) and the very late declarer."""
    upcoding_from = dt.date(year + spec.upcoding_from[0], spec.upcoding_from[1], 1)

    def ranked(segment: str, exclude: set[str]) -> list[str]:
        seg = offer_frame.filter(pl.col("segment") == segment).sort(["share", "agb"], descending=[True, False])
        return [a for a in seg["agb"].to_list() if a not in exclude]

    silent = ""
    silent_segments: tuple[str, ...] = ()
    if spec.core_partners:
        # a mid-size core partner that serves segment B and does not serve the upcoding segment
        serving = offer_frame.filter(pl.col("segment") == "JGD-B")["agb"].to_list()
        candidates = [a for a in ranked("JGD-B", set()) if a in serving]
        up_serving = set(offer_frame.filter(pl.col("segment") == spec.upcoding_segment)["agb"].to_list())
        not_up = [a for a in candidates if a not in up_serving] or candidates
        silent = not_up[len(not_up) // 2]
        silent_segments = tuple(sorted(offer_frame.filter(pl.col("agb") == silent)["segment"].to_list()))
    upcoder = ranked(spec.upcoding_segment, {silent})[1]
    extender_candidates = ranked(spec.extender_segment, {silent, upcoder})
    extender = extender_candidates[min(1, len(extender_candidates) - 1)]
    late_segment = "WMO-BW" if spec.name == "venlo" else spec.deficit_segment
    very_late = ranked(late_segment, {upcoder, extender, silent})[0]
    n_late = max(1, spec.faults.get("very_late_months", 3))
    very_late_months = tuple(dt.date(year - 2, 6 + i, 1) for i in range(n_late))

    offer_frame = offer_frame.with_columns(
        pl.when(pl.col("agb") == extender)
        .then(pl.col("dur_mult") * 1.9)
        .otherwise(pl.col("dur_mult"))
        .alias("dur_mult")
    )
    return offer_frame, Roles(
        upcoder=upcoder,
        upcoding_segment=spec.upcoding_segment,
        upcoding_from=upcoding_from,
        extender=extender,
        extender_segment=spec.extender_segment,
        very_late=very_late,
        very_late_segment=late_segment,
        very_late_months=very_late_months,
        silent=silent,
        silent_segments=silent_segments,
    )
