"""The care process of a synthetic region, per municipality: new care starts, each with a
provider, a product and a duration, and the step-downs and re-entries that follow an ended
episode (the numbered steps of :mod:`regie.synth.simulate`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from regie.synth import calendar as cal
from regie.synth.market import Roles
from regie.synth.profiles import ProfileSpec, SegmentSpec
from regie.synth.rng import stream

Ints = npt.NDArray[np.int64]
Strs = npt.NDArray[np.str_]
Bools = npt.NDArray[np.bool_]


@dataclass
class Batch:
    """New episodes of one kind, as parallel arrays."""

    client: Ints
    municipality: Strs
    segment: Strs
    start: Ints
    parent: Ints  # -1: none
    link: Strs  # "", "step_down", "reentry"
    preferred: Strs  # provider to keep with some chance ("" none)


class CareProcess:
    """The care process of one profile: inflow, provider and product, duration, follow-ups."""

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

    def inflow(self, municipality: str, share: float, first_day: int) -> Batch:
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
        return Batch(
            client=client,
            municipality=np.full(n, municipality).astype(np.str_),
            segment=segment,
            start=start,
            parent=np.full(n, -1, dtype=np.int64),
            link=np.full(n, "").astype(np.str_),
            preferred=np.full(n, "").astype(np.str_),
        )

    # -- attributes ----------------------------------------------------------------------------

    def assign(self, batch: Batch, generation: int, municipality: str) -> pl.DataFrame:
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
            is_up = (agbs[pick] == self.roles.upcoder) & (batch.start[idx] >= self.upcoding_day)
            upcoded[idx] = is_up
            product[idx] = _products(seg, is_up, rng)
            median = seg.duration_median * mult[pick]
            d = np.exp(rng.normal(np.log(median), seg.duration_sigma))
            duration[idx] = np.maximum(7, np.round(d)).astype(np.int64)
        end = self.season_ends(batch, batch.start + duration, generation, municipality)
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

    def season_ends(self, batch: Batch, end: Ints, generation: int, municipality: str) -> Ints:
        """Endings moved by the season: in jeugd many to the end of the school year, and
        planned endings to the year end."""
        n = batch.start.size
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
        return end

    # -- follow-ups ----------------------------------------------------------------------------

    def followups(self, done: pl.DataFrame, generation: int, municipality: str) -> Batch:
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
        return Batch(
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
            batch = Batch(
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


def _products(seg: SegmentSpec, is_up: Bools, rng: np.random.Generator) -> npt.NDArray[np.object_]:
    """A product per new episode by the segment's product mix; the upcoder (``is_up``) shifts
    to the most expensive third of the products."""
    tariffs = np.array([p.tariff for p in seg.products], dtype=np.float64)
    base = np.array([p.share for p in seg.products], dtype=np.float64)
    base = base / base.sum()
    top = tariffs >= np.sort(tariffs)[::-1][max(0, len(tariffs) // 3 - 1)]
    shifted = base * np.where(top, 4.0, 1.0)
    shifted = shifted / shifted.sum()
    codes = np.array([p.code for p in seg.products], dtype=object)
    u = rng.random(is_up.size)
    cum_base, cum_up = np.cumsum(base), np.cumsum(shifted)
    choice = np.where(
        is_up,
        np.minimum(np.searchsorted(cum_up, u, side="right"), len(codes) - 1),
        np.minimum(np.searchsorted(cum_base, u, side="right"), len(codes) - 1),
    )
    return np.asarray(codes[choice])
