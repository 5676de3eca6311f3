"""The care process of a synthetic region: providers, clients and care episodes.

This is the latent scenario (what really happened), before it is turned into allocations,
messages, CSV files and the truth set (:mod:`regie.synth.traffic`, :mod:`regie.synth.truth`).
The providers and their parts are made in :mod:`regie.synth.market`, steps 1 to 3 below run
in :mod:`regie.synth.process`; this module runs them per municipality, applies step 4 and
draws the clients' attributes.

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
import polars as pl

from regie.synth import calendar as cal
from regie.synth.market import Roles, make_providers
from regie.synth.process import CareProcess
from regie.synth.profiles import ProfileSpec, SegmentSpec
from regie.synth.rng import stream
from regie.synth.shared_clients import share_clients

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
    providers, offers, roles = make_providers(spec, year, seed, scale)
    process = CareProcess(spec, year, seed, scale, offers, roles)
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
    # some Wmo clients are also youth-care clients (the client across domains); the episodes
    # keep the order of the clients they were drawn for, so that every later draw (products,
    # messages) is the same as without the sharing and only the shared clients' names change
    episodes = share_clients(episodes.with_columns(pl.col("client").alias("drawn_for")), spec, seed)
    episodes = (
        episodes.sort(["start", "drawn_for", "segment", "provider", "row"])
        .with_columns(pl.int_range(0, pl.len(), dtype=pl.Int64).alias("episode"))
        .drop("drawn_for")
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
