"""The care process of a synthetic region: providers, clients and care episodes.

This is the latent scenario (what really happened), before it is turned into allocations,
messages, CSV files and the truth set (:mod:`regie.synth.traffic`, :mod:`regie.synth.truth`).

The process, per municipality and segment:

1. New care starts arrive day by day as a Poisson process whose rate follows the season
   (:func:`regie.synth.calendar.start_weights`) and, in the deficit segment, rises during the
   reference year (``rise + rise_slope * fraction of the year``). The process starts years
   before the history so that a realistic stock of clients is in care when it begins.
2. Each start gets a provider (by market share), a product (by the segment's product mix; the
   upcoding provider shifts to the most expensive third of the products from its stated
   month) and a lognormal duration (per segment, times a provider factor; the extending
   provider keeps clients much longer and never steps down).
3. An ended episode may be followed by a step-down to the segment of lower weight (mostly
   within 30 days, some later), or a re-entry in the same segment within or after 182 days.
4. The history starts with the region's contracts (1 January of year Y-3; the DUO
   municipalities a year later): clients in care at that moment transfer with a care start
   on that day (``transition``); anything that ended before is dropped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import polars as pl

from regie.synth import calendar as cal
from regie.synth.people import agb_codes, provider_names
from regie.synth.profiles import ProfileSpec, SegmentSpec
from regie.synth.rng import stream

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Strs = npt.NDArray[np.str_]

#: Reasons for ending (RedenBeeindiging) and their shares, per law.
END_REASONS = {
    "wmo": (
        ("19", 0.58),
        ("21", 0.08),
        ("22", 0.04),
        ("23", 0.12),
        ("02", 0.05),
        ("31", 0.05),
        ("38", 0.04),
        ("39", 0.04),
    ),
    "jw": (("31", 0.62), ("32", 0.10), ("33", 0.04), ("34", 0.12), ("35", 0.05), ("38", 0.04), ("39", 0.03)),
}
#: Reason used when an episode ends in a step-down (ended in agreement to lighter care).
STEP_DOWN_REASON = {"wmo": "23", "jw": "34"}


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


@dataclass
class World:
    """The latent scenario of one profile, year, seed and scale."""

    spec: ProfileSpec
    year: int
    seed: int
    scale: float
    history_start: int
    end: int
    #: municipality code -> day number of its first contract day
    contract_start: dict[str, int]
    providers: pl.DataFrame
    offers: pl.DataFrame
    clients: pl.DataFrame
    episodes: pl.DataFrame
    roles: Roles
    extras: dict[str, object] = field(default_factory=dict)

    def segment(self, code: str) -> SegmentSpec:
        return next(s for s in self.spec.segments if s.code == code)


def scaled_providers(n: int, scale: float, minimum: int = 4) -> int:
    """Providers in a segment at ``scale``: fewer at small scales, never fewer than ``minimum``.

    >>> scaled_providers(15, 1.0), scaled_providers(15, 0.02)
    (15, 4)
    """
    return max(minimum, min(n, int(round(n * scale**0.35))))


# --------------------------------------------------------------------------------------------
# providers


def _make_providers(spec: ProfileSpec, year: int, seed: int, scale: float) -> tuple[pl.DataFrame, pl.DataFrame, Roles]:
    rng = stream(seed, spec.name, "providers")
    taken: set[str] = set()
    rows: list[dict[str, object]] = []  # provider rows
    offers: list[dict[str, object]] = []  # provider x segment
    upcoding_from = dt.date(year + spec.upcoding_from[0], spec.upcoding_from[1], 1)

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
    else:
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
    offer_frame = pl.DataFrame(offers).sort(["segment", "agb"])

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
    roles = Roles(
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
    return providers, offer_frame, roles


# --------------------------------------------------------------------------------------------
# episodes


@dataclass
class _Batch:
    """New episodes of one kind, as parallel arrays."""

    client: Ints
    municipality: Strs
    segment: Strs
    start: Ints
    parent: Ints  # -1: none
    link: Strs  # "", "step_down", "reentry"
    preferred: Strs  # provider to keep with some chance ("" none)


class _Process:
    def __init__(
        self, world_spec: ProfileSpec, year: int, seed: int, scale: float, offers: pl.DataFrame, roles: Roles
    ) -> None:
        self.spec = world_spec
        self.year = year
        self.seed = seed
        self.scale = scale
        self.roles = roles
        self.end = cal.day(dt.date(year, 12, 31))
        self.offers = {
            seg.code: offers.filter(pl.col("segment") == seg.code).sort("agb") for seg in world_spec.segments
        }
        self.segments = {s.code: s for s in world_spec.segments}
        self.upcoding_day = cal.day(roles.upcoding_from)
        self.next_client = 0

    def rng(self, *parts: str) -> np.random.Generator:
        return stream(self.seed, self.spec.name, *parts)

    # -- arrivals ------------------------------------------------------------------------------

    def inflow(self, municipality: str, share: float, first_day: int) -> _Batch:
        """Fresh starts (new clients) of every segment in one municipality."""
        parts: list[tuple[Strs, Ints]] = []
        year_start = cal.day(dt.date(self.year, 1, 1))
        for seg in self.spec.segments:
            rng = self.rng("inflow", municipality, seg.code)
            mean_duration = seg.duration_median * float(np.exp(seg.duration_sigma**2 / 2))
            followups = seg.reentry_within_p + seg.reentry_after_p
            per_year = seg.clients_per_year * self.scale * share * 365.0 / (mean_duration + 365.0) * (1 - followups)
            per_year *= seg.inflow_adjust
            burn = int(min(15 * 365, seg.duration_median * np.exp(3 * seg.duration_sigma)))
            days = np.arange(first_day - burn, self.end + 1, dtype=np.int64)
            weights = cal.start_weights(days)
            weights = weights / weights.mean()
            if seg.code == self.spec.deficit_segment:
                frac = np.clip((days - year_start) / 365.0, 0.0, 1.0)
                weights = np.where(
                    days >= year_start, weights * (1 + self.spec.rise + self.spec.rise_slope * frac), weights
                )
            counts = rng.poisson(per_year / 365.0 * weights)
            starts = np.repeat(days, counts)
            parts.append((np.full(starts.size, seg.code), starts))
        segment = np.concatenate([p[0] for p in parts]).astype(np.str_)
        start = np.concatenate([p[1] for p in parts]).astype(np.int64)
        order = np.lexsort((segment, start))
        segment, start = segment[order], start[order]
        n = start.size
        client = np.arange(self.next_client, self.next_client + n, dtype=np.int64)
        self.next_client += n
        return _Batch(
            client=client,
            municipality=np.full(n, municipality).astype(np.str_),
            segment=segment,
            start=start,
            parent=np.full(n, -1, dtype=np.int64),
            link=np.full(n, "").astype(np.str_),
            preferred=np.full(n, "").astype(np.str_),
        )

    # -- attributes ----------------------------------------------------------------------------

    def assign(self, batch: _Batch, generation: int, municipality: str) -> pl.DataFrame:
        """Provider, product, duration, end and reason for a batch of new episodes."""
        n = batch.start.size
        provider = np.full(n, "", dtype=object)
        product = np.full(n, "", dtype=object)
        duration = np.zeros(n, dtype=np.int64)
        upcoded = np.zeros(n, dtype=bool)
        for seg in self.spec.segments:
            idx = np.flatnonzero(batch.segment == seg.code)
            if idx.size == 0:
                continue
            rng = self.rng("assign", municipality, seg.code, str(generation))
            offers = self.offers[seg.code]
            agbs = np.array(offers["agb"].to_list(), dtype=object)
            shares = np.array(offers["share"].to_list(), dtype=np.float64)
            mult = np.array(offers["dur_mult"].to_list(), dtype=np.float64)
            pick = rng.choice(agbs.size, size=idx.size, p=shares / shares.sum())
            keep = rng.random(idx.size) < np.where(batch.link[idx] == "step_down", 0.6, 0.5)
            preferred = batch.preferred[idx]
            pos = {a: i for i, a in enumerate(agbs.tolist())}
            pref_idx = np.array([pos.get(p, -1) for p in preferred.tolist()], dtype=np.int64)
            pick = np.where(keep & (pref_idx >= 0), pref_idx, pick)
            provider[idx] = agbs[pick]
            # product mix; the upcoder shifts to the most expensive third from its month on
            tariffs = np.array([p.tariff for p in seg.products], dtype=np.float64)
            base = np.array([p.share for p in seg.products], dtype=np.float64)
            base = base / base.sum()
            top = tariffs >= np.sort(tariffs)[::-1][max(0, len(tariffs) // 3 - 1)]
            shifted = base * np.where(top, 4.0, 1.0)
            shifted = shifted / shifted.sum()
            is_up = (agbs[pick] == self.roles.upcoder) & (batch.start[idx] >= self.upcoding_day)
            upcoded[idx] = is_up
            codes = np.array([p.code for p in seg.products], dtype=object)
            u = rng.random(idx.size)
            cum_base, cum_up = np.cumsum(base), np.cumsum(shifted)
            choice = np.where(
                is_up,
                np.minimum(np.searchsorted(cum_up, u, side="right"), len(codes) - 1),
                np.minimum(np.searchsorted(cum_base, u, side="right"), len(codes) - 1),
            )
            product[idx] = codes[choice]
            median = seg.duration_median * mult[pick]
            d = np.exp(rng.normal(np.log(median), seg.duration_sigma))
            duration[idx] = np.maximum(7, np.round(d)).astype(np.int64)
        end = batch.start + duration
        rng = self.rng("season-end", municipality, str(generation))
        month = cal.month_number(end)
        years = cal.month_index(end) // 12 + 1970
        # jeugd: many endings move to the end of the school year; all: planned endings at year end
        jeugd = np.isin(batch.segment, [s.code for s in self.spec.segments if s.domain == "jeugd"])
        summer = jeugd & np.isin(month, [7, 8]) & (rng.random(n) < 0.4)
        june = np.array([cal.day(dt.date(int(y), 6, 20)) for y in years.tolist()], dtype=np.int64) if n else end
        cand = june + rng.integers(0, 11, n)
        end = np.where(summer & (cand > batch.start + 7), cand, end)
        month = cal.month_number(end)
        dom = end - cal.month_start(end) + 1
        january = (month == 1) & (dom <= 20) & (rng.random(n) < 0.3)
        cand = cal.month_start(end) - 1 - rng.integers(0, 15, n)
        end = np.where(january & (cand > batch.start + 7), cand, end)
        return pl.DataFrame(
            {
                "client": batch.client,
                "municipality": batch.municipality.astype(object),
                "segment": batch.segment.astype(object),
                "provider": provider,
                "product": product,
                "start": batch.start,
                "latent_end": end,
                "parent": batch.parent,
                "link": batch.link.astype(object),
                "upcoded": upcoded,
                "generation": np.full(n, generation, dtype=np.int64),
            },
            schema={
                "client": pl.Int64,
                "municipality": pl.Utf8,
                "segment": pl.Utf8,
                "provider": pl.Utf8,
                "product": pl.Utf8,
                "start": pl.Int64,
                "latent_end": pl.Int64,
                "parent": pl.Int64,
                "link": pl.Utf8,
                "upcoded": pl.Boolean,
                "generation": pl.Int64,
            },
        )

    # -- follow-ups ----------------------------------------------------------------------------

    def followups(self, done: pl.DataFrame, generation: int, municipality: str) -> _Batch:
        """Step-downs and re-entries after the ended episodes of ``done``."""
        ended = done.filter(pl.col("latent_end") <= self.end)
        rng = self.rng("followup", municipality, str(generation))
        n = ended.height
        segment = np.array(ended["segment"].to_list(), dtype=np.str_)
        provider = np.array(ended["provider"].to_list(), dtype=np.str_)
        p_step = np.array(
            [self.segments[s].step_down_p if self.segments[s].step_down_to else 0.0 for s in segment.tolist()]
        )
        p_step = np.where(provider == self.roles.extender, 0.0, p_step)
        p_within = np.array([self.segments[s].reentry_within_p for s in segment.tolist()])
        p_after = np.array([self.segments[s].reentry_after_p for s in segment.tolist()])
        u = rng.random(n)
        kind = np.where(
            u < p_step, 1, np.where(u < p_step + p_within, 2, np.where(u < p_step + p_within + p_after, 3, 0))
        )
        gap = np.where(
            kind == 1,
            np.where(rng.random(n) < 0.8, rng.integers(0, 31, n), rng.integers(31, 151, n)),
            np.where(kind == 2, rng.integers(14, 182, n), rng.integers(183, 541, n)),
        )
        start = np.array(ended["latent_end"].to_list(), dtype=np.int64) + gap
        keep = (kind > 0) & (start <= self.end)
        target = np.where(kind == 1, np.array([self.segments[s].step_down_to or s for s in segment.tolist()]), segment)
        return _Batch(
            client=np.array(ended["client"].to_list(), dtype=np.int64)[keep],
            municipality=np.full(int(keep.sum()), municipality).astype(np.str_),
            segment=target[keep].astype(np.str_),
            start=start[keep],
            parent=np.array(ended["row"].to_list(), dtype=np.int64)[keep],
            link=np.where(kind == 1, "step_down", "reentry")[keep].astype(np.str_),
            preferred=provider[keep],
        )

    def run(self, municipality: str, share: float, first_day: int) -> pl.DataFrame:
        batch = self.inflow(municipality, share, first_day)
        frames: list[pl.DataFrame] = []
        row0 = 0
        generation = 0
        while batch.start.size:
            frame = self.assign(batch, generation, municipality)
            frame = frame.with_columns(pl.Series("row", np.arange(row0, row0 + frame.height, dtype=np.int64)))
            row0 += frame.height
            frames.append(frame)
            generation += 1
            batch = self.followups(frame, generation, municipality)
        out = pl.concat(frames)
        return self.guarantee(out, municipality, first_day, row0)

    def guarantee(self, episodes: pl.DataFrame, municipality: str, first_day: int, row0: int) -> pl.DataFrame:
        """Make sure each kind of follow-up occurs inside the history, also at tiny scales."""
        if municipality != self.spec.municipalities[0].code:
            return episodes
        rng = self.rng("guarantee", municipality)
        ends = dict(zip(episodes["row"].to_list(), episodes["latent_end"].to_list(), strict=True))
        gaps_seen: dict[str, bool] = {"step_down": False, "reentry_within": False, "reentry_after": False}
        for rec in episodes.filter((pl.col("parent") >= 0) & (pl.col("start") >= first_day)).iter_rows(named=True):
            gap = rec["start"] - ends[rec["parent"]]
            if rec["link"] == "step_down" and gap <= 30:
                gaps_seen["step_down"] = True
            elif rec["link"] == "reentry":
                gaps_seen["reentry_within" if gap < 182 else "reentry_after"] = True
        extra: list[pl.DataFrame] = []
        has_followup = set(episodes["parent"].to_list())
        for kind, seen in gaps_seen.items():
            if seen:
                continue
            pool = episodes.filter(
                (pl.col("start") >= first_day)
                & (pl.col("latent_end") <= self.end - (560 if kind == "reentry_after" else 200))
                & ~pl.col("row").is_in(sorted(has_followup))
                & (pl.col("provider") != self.roles.extender)
            )
            if kind == "step_down":
                pool = pool.filter(pl.col("segment").is_in([s.code for s in self.spec.segments if s.step_down_to]))
            if pool.height == 0:
                continue
            rec = pool.row(int(rng.integers(pool.height)), named=True)
            has_followup.add(rec["row"])
            seg = self.segments[rec["segment"]]
            gap = {
                "step_down": int(rng.integers(0, 31)),
                "reentry_within": int(rng.integers(14, 182)),
                "reentry_after": int(rng.integers(183, 541)),
            }[kind]
            batch = _Batch(
                client=np.array([rec["client"]], dtype=np.int64),
                municipality=np.array([municipality]).astype(np.str_),
                segment=np.array([seg.step_down_to if kind == "step_down" else seg.code]).astype(np.str_),
                start=np.array([rec["latent_end"] + gap], dtype=np.int64),
                parent=np.array([rec["row"]], dtype=np.int64),
                link=np.array(["step_down" if kind == "step_down" else "reentry"]).astype(np.str_),
                preferred=np.array([rec["provider"]]).astype(np.str_),
            )
            frame = self.assign(batch, 900 + len(extra), municipality)
            extra.append(frame.with_columns(pl.Series("row", np.array([row0 + len(extra)], dtype=np.int64))))
        return pl.concat([episodes, *extra]) if extra else episodes


def _end_reasons(episodes: pl.DataFrame, spec: ProfileSpec, seed: int) -> pl.DataFrame:
    """RedenBeeindiging for ended episodes (a step-down ends in agreement)."""
    rng = stream(seed, spec.name, "reasons")
    law = {s.code: s.law for s in spec.segments}
    laws = np.array([law[s] for s in episodes["segment"].to_list()], dtype=object)
    reason = np.full(episodes.height, "", dtype=object)
    for name, table in END_REASONS.items():
        idx = np.flatnonzero(laws == name)
        codes = np.array([c for c, _ in table], dtype=object)
        p = np.array([w for _, w in table])
        reason[idx] = codes[rng.choice(codes.size, size=idx.size, p=p / p.sum())]
    return episodes.with_columns(pl.Series("reason", reason, dtype=pl.Utf8))


def _clients(episodes: pl.DataFrame, spec: ProfileSpec, seed: int) -> pl.DataFrame:
    """Client attributes: area, sex, birth date, name (indices into the name lists)."""
    first = episodes.sort(["client", "start", "episode"]).group_by("client", maintain_order=True).first()
    rng = stream(seed, spec.name, "clients")
    n = first.height
    segs = {s.code: s for s in spec.segments}
    lo = np.array([segs[s].age_range[0] for s in first["segment"].to_list()], dtype=np.int64)
    hi = np.array([segs[s].age_range[1] for s in first["segment"].to_list()], dtype=np.int64)
    # youth: most clients between 6 and 17; adults: spread over the range
    age = np.where(hi <= 17, np.clip(np.round(rng.triangular(0, 13, 18, n)), lo, hi), rng.integers(lo, hi + 1))
    start = np.array(first["start"].to_list(), dtype=np.int64)
    birth = start - np.round(age * 365.25).astype(np.int64) - rng.integers(0, 365, n)
    # born before the first message about the client: a request comes at most ~300 days before
    # the start (the youngest clients are then about one year old when care starts)
    birth = np.minimum(birth, start - 310)
    areas: dict[str, tuple[str, ...]] = {m.code: m.areas for m in spec.municipalities}
    area_weights = {m.code: rng.gamma(6.0, size=len(m.areas)) for m in spec.municipalities}
    munis = first["municipality"].to_list()
    area = np.full(n, "", dtype=object)
    mun_arr = np.array(munis, dtype=object)
    for code, names in areas.items():
        idx = np.flatnonzero(mun_arr == code)
        w = area_weights[code]
        area[idx] = np.array(names, dtype=object)[rng.choice(len(names), size=idx.size, p=w / w.sum())]
    sex = rng.choice(np.array(["1", "2"], dtype=object), size=n, p=[0.53, 0.47])
    return pl.DataFrame(
        {
            "client": first["client"],
            "municipality": first["municipality"],
            "area": pl.Series(area, dtype=pl.Utf8),
            "sex": pl.Series(sex, dtype=pl.Utf8),
            "birth": pl.Series(birth, dtype=pl.Int64),
            "surname": pl.Series(rng.integers(0, 10_000, n), dtype=pl.Int64),
            "first_name": pl.Series(rng.integers(0, 10_000, n), dtype=pl.Int64),
        }
    ).with_columns(addresses(spec, munis, area.tolist(), rng))


POSTCODE_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"


def addresses(
    spec: ProfileSpec, municipalities: list[str], areas: list[str], rng: np.random.Generator
) -> list[pl.Series]:
    """Postcode (the area's four digits and two letters) and house number of each client."""
    prefix = {(m.code, a): p for m in spec.municipalities for a, p in zip(m.areas, m.postcodes, strict=True)}
    n = len(areas)
    letters = rng.integers(0, len(POSTCODE_LETTERS), (n, 2))
    postcode = [
        f"{prefix[(m, a)]}{POSTCODE_LETTERS[i]}{POSTCODE_LETTERS[j]}"
        for m, a, (i, j) in zip(municipalities, areas, letters.tolist(), strict=True)
    ]
    return [pl.Series("postcode", postcode, dtype=pl.Utf8), pl.Series("house", rng.integers(1, 251, n), dtype=pl.Int64)]


def simulate(spec: ProfileSpec, year: int, seed: int, scale: float) -> World:
    """The latent scenario: providers, clients and care episodes of ``spec`` up to ``year``."""
    providers, offers, roles = _make_providers(spec, year, seed, scale)
    process = _Process(spec, year, seed, scale, offers, roles)
    total = sum(m.population for m in spec.municipalities)
    contract_start = {m.code: cal.day(dt.date(year + m.contract_offset, 1, 1)) for m in spec.municipalities}
    frames: list[pl.DataFrame] = []
    for m in spec.municipalities:
        frames.append(
            process.run(m.code, m.population / total, contract_start[m.code]).with_columns(
                (pl.col("row") + pl.lit(10_000_000 * len(frames))).alias("row"),
                pl.when(pl.col("parent") >= 0)
                .then(pl.col("parent") + 10_000_000 * len(frames))
                .otherwise(-1)
                .alias("parent"),
            )
        )
    episodes = pl.concat(frames)
    end = cal.day(dt.date(year, 12, 31))
    # the history starts with the contracts: earlier episodes are dropped, running ones transfer
    first = pl.col("municipality").replace_strict(contract_start, return_dtype=pl.Int64)
    episodes = episodes.with_columns(first.alias("first_day")).filter(pl.col("latent_end") >= pl.col("first_day"))
    kept = set(episodes["row"].to_list())
    episodes = (
        episodes.with_columns(
            (pl.col("start") < pl.col("first_day")).alias("transition"),
            pl.max_horizontal("start", "first_day").alias("start"),
        )
        .with_columns(
            pl.when(pl.col("transition") | ~pl.col("parent").is_in(sorted(kept)))
            .then(-1)
            .otherwise(pl.col("parent"))
            .alias("parent"),
        )
        .with_columns(
            pl.when(pl.col("parent") < 0).then(pl.lit("")).otherwise(pl.col("link")).alias("link"),
            pl.when(pl.col("latent_end") > end).then(None).otherwise(pl.col("latent_end")).alias("end"),
        )
    )
    episodes = _end_reasons(episodes, spec, seed).with_columns(
        pl.when(pl.col("end").is_null()).then(None).otherwise(pl.col("reason")).alias("reason")
    )
    # a step-down ends in agreement
    step_parents = set(episodes.filter(pl.col("link") == "step_down")["parent"].to_list())
    law = {s.code: s.law for s in spec.segments}
    episodes = episodes.with_columns(
        pl.when(pl.col("row").is_in(sorted(step_parents)))
        .then(pl.col("segment").replace_strict({k: STEP_DOWN_REASON[v] for k, v in law.items()}, return_dtype=pl.Utf8))
        .otherwise(pl.col("reason"))
        .alias("reason")
    )
    episodes = episodes.sort(["start", "client", "segment", "provider", "row"]).with_columns(
        pl.int_range(0, pl.len(), dtype=pl.Int64).alias("episode")
    )
    row_to_episode = dict(zip(episodes["row"].to_list(), episodes["episode"].to_list(), strict=True))
    episodes = episodes.with_columns(
        pl.col("parent").replace_strict(row_to_episode, default=-1, return_dtype=pl.Int64).alias("parent")
    ).drop("row", "first_day", "generation")
    clients = _clients(episodes, spec, seed)
    return World(
        spec=spec,
        year=year,
        seed=seed,
        scale=scale,
        history_start=cal.day(dt.date(year - 3, 1, 1)),
        end=end,
        contract_start=contract_start,
        providers=providers,
        offers=offers,
        clients=clients,
        episodes=episodes,
        roles=roles,
    )
