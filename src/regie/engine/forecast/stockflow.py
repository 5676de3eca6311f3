"""Stock and flow: the clients in care at the as-of date, who enters and who leaves after it.

Definitions
-----------
- **Client-months** of a month: the days each episode overlaps the month, divided by the
  days of the month, summed over episodes (:func:`~regie.engine.forecast.exposure.client_months`). A client in care the
  whole month counts 1, from the 16th of a 30-day month 0.5.
- **Duration** of an episode in a month: the number of whole calendar months since the
  month it started (0 in its first month). An episode that started in the first month of a
  municipality's data is a transfer of the stock that was in care when the data began (the
  synthetic regions and a first import both look like that): its real start is unknown, so
  it counts as long-running, in the last duration bin.
- **Exit hazard** h(d): of the episodes in care at duration d in a month of the window,
  the share that ended in that month (a life table on person-months,
  :func:`~regie.engine.forecast.exposure.life_table`).
  The window is the ``window_months`` months that ended at least a month before the as-of
  date (:func:`last_settled_month`): as of a month end the months before the as-of month, as
  of another day the months before the previous one (the stops of the month that just
  ended are still on their way, as those of the as-of month are at a month end). Bins with fewer than
  ``min_at_risk`` person-months are pooled with the next ones; every duration from
  ``max_duration`` on shares one bin. Per calendar month a seasonal factor and per provider
  a factor (observed / expected exits, shrunk towards 1 by ``shrink`` pseudo-exits) scale
  the hazard on the complementary log-log scale: ``h' = 1 - (1 - h) ** (season x provider)``.
- **Inflow**: episodes starting in a month (starts of the first month of a municipality's
  data are transfers, not inflow). Its seasonal index comes from the complete years in the
  data. Its level for the rest of the year is last year's monthly starts times the ratio of
  this year's starts to date to last year's starts over the same months, both *as known on
  the same day* (the as-of date and one year before), so the late arrival of start messages
  cancels out. Recent months weigh more (half-life ``inflow_half_life`` months), and a
  municipality's ratio is shrunk towards its segment's ratio over all municipalities, itself
  shrunk towards 1 (no change), by ``shrink`` weighted starts: a handful of starts says
  little. New episodes go to providers in proportion to their starts of the last 12 months.
- **Nowcast of the stock**: on the as-of date some episodes have ended without their stop
  having arrived (ghosts) and some have started without their start having arrived
  (missing). Their shares are measured on the same day of the earlier years in the data
  (what was known then against what is known now), because they follow the season (youth
  care ends in bulk in the last days of June), and applied to the stock on the as-of date.

The simulation (:meth:`StockFlow.simulate`) draws, per path, the exits of the stock by
duration type (multinomial), the starts per provider and month (Poisson, around a level
drawn per path: its estimation error, then a random walk of ``inflow_drift`` per year, so
the level can drift further the further ahead), and the exits of every monthly cohort of
new episodes. A month of care counts 1, the month of an exit 1/2, the month of a
start 1/2 (1/3 when the episode ends in the month it starts).

The simulation starts on the day after the as-of date: when that is not the 1st of a
month, its first month is **the rest of the running month** (:attr:`StockFlow.rest_` of
it): the stock's exits in those days (the hazard of the month to that power), the starts
of those days (the month's starts times ``rest_``) and their client-months, which count
``rest_`` of a month's. So the cohort of new episodes of the running month is never lost,
whatever the day (as of the 1st, a whole month of starts is still to come).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from regie.engine import frames
from regie.engine.forecast.base import (
    Estimator,
    Floats,
    days_in_month,
    month_end,
    month_index,
    same_day_year_before,
)
from regie.engine.forecast.exposure import episodes_as_of, last_settled_month, life_table, person_months

#: Weight of the month of a start, of an exit, and of both in one month.
START_WEIGHT = 0.5
EXIT_WEIGHT = 0.5
START_EXIT_WEIGHT = 1.0 / 3.0


def _shrunk_ratio(observed: float, expected: float, shrink: float) -> float:
    """Observed / expected, shrunk towards 1 by ``shrink`` pseudo-events (1 without any)."""
    if expected + shrink <= 0:
        return 1.0
    return (observed + shrink) / (expected + shrink)


@dataclass(frozen=True)
class Simulation:
    """Simulated months of one budget group (municipality x segment), per path and provider.

    Arrays are indexed ``[path, cell, month]`` with months ``first .. first + horizon - 1``
    (month indices); ``cells`` names the providers. When ``first`` is the as-of month, month
    0 holds only what comes after the as-of date (:attr:`StockFlow.rest_` of the month).
    """

    cells: tuple[str, ...]
    first: int
    client_months: Floats
    #: client-months of the stock at the as-of date (included in ``client_months``)
    stock_client_months: Floats
    #: new episodes per month
    starts: Floats
    #: episodes of the stock and of new ones still in care at the end of each month
    alive: Floats
    #: episodes in care on the as-of date that are not known yet (nowcast; in month 0)
    missing: Floats


@dataclass(kw_only=True, eq=False, repr=False)
class StockFlow(Estimator):
    """Stock-and-flow model of the episodes of every budget group (see the module docstring).

    Parameters
    ----------
    window_months : months of person-time (ending with :func:`last_settled_month`) the exit
        hazards are learnt from.
    max_duration : durations from this many months on share one hazard bin.
    min_at_risk : a hazard bin needs this many person-months, else it is pooled.
    shrink : pseudo-events that shrink provider and seasonal factors towards 1.
    inflow_drift : log-standard deviation per year of the random walk by which the inflow
        level may drift away from its estimate over the months to come (on top of its
        estimation error).
    inflow_half_life : months after which a month's weight in the inflow ratio halves.

    Attributes (after :meth:`fit`)
    ------------------------------
    as_of_ : the as-of date; ``month_`` its month index.
    rest_ : the share of the as-of month after the as-of date (0 on a month end).
    first_ : the first month the simulation covers: the as-of month when ``rest_ > 0``
        (only its rest), else the month after it.
    hazard_ : segment -> exit hazard per duration bin (array of ``max_duration + 1``).
    exit_season_ : segment -> 12 factors on the hazard, January first.
    provider_exit_ : (segment, provider) -> factor on the hazard.
    inflow_season_ : segment -> 12 seasonal indices of starts (mean 1).
    inflow_level_ : (municipality, segment) -> expected starts in an average month now.
    inflow_sigma_ : (municipality, segment) -> log-standard deviation of that level.
    inflow_ratio_ : (municipality, segment) -> this year's starts to date / last year's.
    provider_share_ : (municipality, segment) -> provider -> share of new episodes.
    stock_ : the open episodes on the as-of date with their duration bin ``d``.
    ghost_, missing_ : segment -> share of the known stock that has in fact ended, and that
        is in care but not known yet.
    episodes_ : the episodes as of the as-of date (:func:`episodes_as_of`).
    """

    window_months: int = 24
    max_duration: int = 36
    min_at_risk: float = 30.0
    shrink: float = 10.0
    inflow_drift: float = 0.15
    inflow_half_life: float = 6.0

    # ------------------------------------------------------------------ fit

    def fit(self, episodes: pl.DataFrame, *, as_of: dt.date) -> StockFlow:
        """Learn hazards, inflow and the stock from ``episodes`` (frame ``episodes``) as of ``as_of``.

        Only rows that had arrived by ``as_of`` are used; the frame may hold more.
        """
        raw = frames.conform("episodes", episodes)
        eps = episodes_as_of(raw, as_of)
        self.as_of_ = as_of
        self.month_ = k = month_index(as_of)
        self.rest_ = (days_in_month(k) - as_of.day) / days_in_month(k)
        self.first_ = k if self.rest_ > 0 else k + 1
        self.episodes_ = eps
        self._fit_exits(eps, last_settled_month(as_of))
        self._fit_inflow(raw, eps, as_of)
        self._fit_nowcast(raw, eps, as_of)
        stock = eps.filter(pl.col("end").is_null())
        d = (
            pl.when(pl.col("transfer"))
            .then(self.max_duration)
            .otherwise(pl.min_horizontal(pl.lit(k) - pl.col("start_m"), self.max_duration))
        )
        self.stock_ = stock.with_columns(d.cast(pl.Int64).alias("d"))
        return self

    def _fit_exits(self, eps: pl.DataFrame, last: int) -> None:
        D = self.max_duration
        pm = person_months(eps, first=last - self.window_months + 1, last=last, max_duration=D)
        self.hazard_: dict[str, Floats] = {}
        self.exit_season_: dict[str, Floats] = {}
        self.provider_exit_: dict[tuple[str, str], float] = {}
        for segment in sorted(set(eps["segment"].to_list())):
            rows = pm.filter(pl.col("segment") == segment)
            by_d = rows.group_by("d").agg(pl.len().alias("n"), pl.col("exit").sum().alias("x"))
            risk = np.zeros(D + 1)
            exits = np.zeros(D + 1)
            for d, n, x in by_d.iter_rows():
                risk[d] += n
                exits[d] += x
            h = life_table(risk, exits, self.min_at_risk)
            self.hazard_[segment] = h
            if rows.height == 0:
                self.exit_season_[segment] = np.ones(12)
                continue
            expected = rows.with_columns(
                pl.col("d").replace_strict(list(range(D + 1)), h.tolist(), return_dtype=pl.Float64).alias("h"),
                (pl.col("t") % 12).alias("j"),
            )
            season = np.ones(12)
            for j, o, e in expected.group_by("j").agg(pl.col("exit").sum(), pl.col("h").sum()).iter_rows():
                season[j] = _shrunk_ratio(float(o), float(e), self.shrink)
            self.exit_season_[segment] = season
            hs = expected.with_columns(
                (1 - (1 - pl.col("h")) ** pl.col("j").replace_strict(list(range(12)), season.tolist())).alias("h")
            )
            for provider, o, e in (
                hs.group_by("provider").agg(pl.col("exit").sum(), pl.col("h").sum()).sort("provider").iter_rows()
            ):
                self.provider_exit_[(segment, provider)] = _shrunk_ratio(float(o), float(e), self.shrink)

    def _fit_inflow(self, raw: pl.DataFrame, eps: pl.DataFrame, as_of: dt.date) -> None:
        """Learn the inflow (see the module docstring): the seasonal index per segment
        (:meth:`_fit_season`), the ratio of this year's starts to last year's as known on the
        same day, shrunk towards the segment's, the level and its error, and the providers'
        shares of new episodes (:meth:`_fit_provider_shares`).
        """
        k = month_index(as_of)
        year = as_of.year
        starts = eps.filter(~pl.col("transfer"))
        self._fit_season(starts, eps, year)
        # level: last year's starts x (starts to date / last year's starts to the same day),
        # recent months weighing more (half-life ``inflow_half_life`` months)
        before = same_day_year_before(as_of)
        eps_before = episodes_as_of(raw, before).filter(~pl.col("transfer"))
        year_first = month_index(dt.date(year, 1, 1))
        keys = ["municipality", "segment"]

        def monthly(df: pl.DataFrame, first: int, last: int) -> dict[tuple[str, str], Floats]:
            out: dict[tuple[str, str], Floats] = {}
            part = df.filter((pl.col("start_m") >= first) & (pl.col("start_m") <= last))
            for m, sg, t, n in part.group_by([*keys, "start_m"]).agg(pl.len()).iter_rows():
                out.setdefault((str(m), str(sg)), np.zeros(last - first + 1))[t - first] += n
            return out

        now_counts = monthly(starts, year_first, k)
        then_counts = monthly(eps_before, year_first - 12, k - 12)
        last_year = monthly(starts, year_first - 12, year_first - 1)
        recent = monthly(starts, k - 11, k)
        weights = 0.5 ** ((k - np.arange(year_first, k + 1)) / self.inflow_half_life) if k >= year_first else None
        first_month = int(starts["start_m"].min()) if starts.height else k  # type: ignore[arg-type]
        # the segment's ratio over all municipalities (itself shrunk towards 1, no change):
        # a municipality's own ratio is shrunk towards it by ``shrink`` weighted starts, as
        # municipalities share the region's trend and a few starts say little
        pooled: dict[str, tuple[float, float]] = {}
        if weights is not None:
            for (m, sg), past in then_counts.items():
                current = now_counts.get((m, sg), np.zeros_like(past))
                a, b = pooled.get(sg, (0.0, 0.0))
                pooled[sg] = (a + float((weights * current).sum()), b + float((weights * past).sum()))
        self.inflow_level_: dict[tuple[str, str], float] = {}
        self.inflow_sigma_: dict[tuple[str, str], float] = {}
        self.inflow_ratio_: dict[tuple[str, str], float] = {}
        for key in sorted({(str(m), str(sg)) for m, sg in eps.select(keys).unique().iter_rows()}):
            segment = key[1]
            s = self.inflow_season_.get(segment, np.ones(12))
            now = now_counts.get(key)
            then = then_counts.get(key)
            last_n = float(last_year.get(key, np.zeros(1)).sum())
            recent_n = float(recent.get(key, np.zeros(1)).sum())
            if weights is not None and then is not None and then.sum() > 0 and last_n > 0:
                now_w = float((weights * (now if now is not None else 0.0)).sum())
                then_w = float((weights * then).sum())
                seg_now, seg_then = pooled.get(segment, (now_w, then_w))
                prior = (seg_now + self.shrink) / (seg_then + self.shrink)
                ratio = (now_w + self.shrink * prior) / (then_w + self.shrink)
                base = last_n / 12.0
                now_var = float((weights**2 * (now if now is not None else 0.0)).sum()) + 0.25
                then_var = float((weights**2 * then).sum()) + 0.25
                var = now_var / (now_w + self.shrink) ** 2 + then_var / (then_w + self.shrink) ** 2 + 1.0 / last_n
            else:
                # no prior year to compare with: the last 12 months as known, seasonally
                # adjusted over the months of them that lie in the data
                ratio = 1.0
                span = [(k - i) % 12 for i in range(min(12, max(k - first_month + 1, 1)))]
                base = recent_n / max(float(sum(s[j] for j in span)), 1e-9) if recent_n else 0.0
                var = 1.0 / (recent_n + 0.5)
            self.inflow_ratio_[key] = ratio
            self.inflow_level_[key] = base * ratio
            self.inflow_sigma_[key] = float(np.sqrt(var))
        self._fit_provider_shares(starts, k)

    def _fit_season(self, starts: pl.DataFrame, eps: pl.DataFrame, year: int) -> None:
        """The seasonal index of starts per segment, from the complete years before ``year``."""
        complete = starts.filter(pl.col("start").dt.year() < year)
        self.inflow_season_: dict[str, Floats] = {}
        for segment in sorted(set(eps["segment"].to_list())):
            counts = np.zeros(12)
            for j, n in (
                complete.filter(pl.col("segment") == segment)
                .group_by((pl.col("start_m") % 12).alias("j"))
                .agg(pl.len())
                .iter_rows()
            ):
                counts[j] = n
            mean = counts.mean()
            s = (counts + self.shrink) / (mean + self.shrink) if mean > 0 else np.ones(12)
            self.inflow_season_[segment] = s / s.mean()

    def _fit_provider_shares(self, starts: pl.DataFrame, k: int) -> None:
        """The providers' shares of new episodes over the 12 months up to month ``k``."""
        keys = ["municipality", "segment"]
        self.provider_share_: dict[tuple[str, str], dict[str, float]] = {}
        shares = starts.filter(pl.col("start_m") > k - 12).group_by([*keys, "provider"]).agg(pl.len().alias("n"))
        for (municipality, segment), part in shares.sort([*keys, "provider"]).group_by(keys, maintain_order=True):
            total = float(part["n"].sum())
            self.provider_share_[(str(municipality), str(segment))] = {
                str(p): float(n) / total for p, n in zip(part["provider"], part["n"], strict=True)
            }

    def _fit_nowcast(self, raw: pl.DataFrame, eps: pl.DataFrame, as_of: dt.date) -> None:
        """Ghost and missing shares of the stock, measured on the same day of earlier years.

        The same day, because how many stops are still on their way depends on the season
        (many youth care episodes end in the last days of June). Without an earlier year
        in the data, month ends 3 to 8 months back are used.
        """
        k = month_index(as_of)
        ghosts: dict[str, float] = {}
        missing: dict[str, float] = {}
        known_total: dict[str, float] = {}
        earliest = eps["start"].min() if eps.height else None
        checkpoints: list[dt.date] = []
        day = as_of
        for _ in range(3):
            day = same_day_year_before(day)
            if isinstance(earliest, dt.date) and day >= earliest + dt.timedelta(days=60):
                checkpoints.append(day)
        if not checkpoints and isinstance(earliest, dt.date):
            checkpoints = [month_end(k - back) for back in range(3, 9) if month_end(k - back) >= earliest]
        for t_end in checkpoints:
            known = episodes_as_of(raw, t_end).filter(pl.col("end").is_null()).select("episode_id", "segment")
            truth = eps.filter((pl.col("start") <= t_end) & (pl.col("end").is_null() | (pl.col("end") > t_end))).select(
                "episode_id", "segment"
            )
            ghost = known.join(truth, on="episode_id", how="anti")
            miss = truth.join(known, on="episode_id", how="anti")
            for seg, n in known.group_by("segment").agg(pl.len()).iter_rows():
                known_total[seg] = known_total.get(seg, 0.0) + n
            for seg, n in ghost.group_by("segment").agg(pl.len()).iter_rows():
                ghosts[seg] = ghosts.get(seg, 0.0) + n
            for seg, n in miss.group_by("segment").agg(pl.len()).iter_rows():
                missing[seg] = missing.get(seg, 0.0) + n
        self.ghost_: dict[str, float] = {}
        self.missing_: dict[str, float] = {}
        for seg in sorted(set(eps["segment"].to_list())):
            total = known_total.get(seg, 0.0)
            self.ghost_[seg] = ghosts.get(seg, 0.0) / total if total else 0.0
            self.missing_[seg] = missing.get(seg, 0.0) / total if total else 0.0

    # ------------------------------------------------------------------ the model

    def exit_probabilities(
        self, segment: str, provider: str, d0: int, first: int, horizon: int, share: float = 1.0
    ) -> Floats:
        """Probability of exiting in each month ``first .. first + horizon - 1`` (last: never).

        For an episode at duration bin ``d0`` in month ``first``, of which only ``share`` is
        still to come (the rest of the running month: its hazard h becomes 1 - (1 - h) **
        share). Returns ``horizon + 1`` probabilities summing to 1: exit in month i, or
        still in care after the horizon.
        """
        self.check_fitted("hazard_")
        D = self.max_duration
        h = self.hazard_.get(segment, np.zeros(D + 1))
        season = self.exit_season_.get(segment, np.ones(12))
        factor = self.provider_exit_.get((segment, provider), 1.0)
        d = np.minimum(d0 + np.arange(horizon), D)
        months = (first + np.arange(horizon)) % 12
        part = np.ones(horizon)
        part[:1] = share
        hz = 1 - (1 - h[d]) ** (season[months] * factor * part)
        survive = np.concatenate([[1.0], np.cumprod(1 - hz)])
        out = np.empty(horizon + 1)
        out[:horizon] = survive[:horizon] * hz
        out[horizon] = survive[horizon]
        return np.clip(out, 0.0, 1.0) / max(float(np.clip(out, 0.0, 1.0).sum()), 1e-12)

    def monthly_starts(self, municipality: str, segment: str, first: int, horizon: int) -> Floats:
        """Expected new episodes of a group in months ``first .. first + horizon - 1``."""
        self.check_fitted("inflow_level_")
        level = self.inflow_level_.get((municipality, segment), 0.0)
        season = self.inflow_season_.get(segment, np.ones(12))
        return np.asarray(level * season[(first + np.arange(horizon)) % 12], dtype=np.float64)

    def cells(self, municipality: str, segment: str) -> tuple[str, ...]:
        """The providers of a group: with clients in stock or a share of new episodes."""
        in_stock = set(
            self.stock_.filter((pl.col("municipality") == municipality) & (pl.col("segment") == segment))[
                "provider"
            ].to_list()
        )
        return tuple(sorted(in_stock | set(self.provider_share_.get((municipality, segment), {}))))

    def stock_types(self, municipality: str, segment: str, where: pl.Expr | None = None) -> pl.DataFrame:
        """The stock of a group on the as-of date, counted per provider and duration bin."""
        self.check_fitted("stock_")
        stock = self.stock_.filter((pl.col("municipality") == municipality) & (pl.col("segment") == segment))
        if where is not None:
            stock = stock.filter(where)
        return stock.group_by("provider", "d").agg(pl.len().alias("n")).sort("provider", "d")

    def expected(
        self,
        municipality: str,
        segment: str,
        horizon: int,
        *,
        inflow: Floats | None = None,
        stock: pl.Expr | None = None,
        nowcast: bool = True,
    ) -> Simulation:
        """The expected months of a group (the mean of :meth:`simulate`, without randomness),
        over the same months as :meth:`simulate`.

        ``inflow`` overrides the expected starts per month; ``stock`` keeps only the part of
        the stock it selects (a filter on :attr:`stock_`); ``nowcast=False`` leaves the
        stock as known (no ghosts removed, no missing added).
        """
        return self._run(municipality, segment, horizon, None, 1, inflow, stock, nowcast)

    def simulate(
        self, municipality: str, segment: str, horizon: int, rng: np.random.Generator, n_paths: int
    ) -> Simulation:
        """``n_paths`` random futures of a group over ``horizon`` months from :attr:`first_`
        (the rest of the running month first, when the as-of date is not its last day)."""
        return self._run(municipality, segment, horizon, rng, n_paths, None, None, True)

    def _run(
        self,
        municipality: str,
        segment: str,
        horizon: int,
        rng: np.random.Generator | None,
        n_paths: int,
        inflow: Floats | None,
        stock: pl.Expr | None,
        nowcast: bool,
    ) -> Simulation:
        """The simulation behind :meth:`simulate` (``rng``) and :meth:`expected` (no ``rng``).

        Longer than 80 lines on purpose: every draw comes from one generator in a fixed
        order (the stock's exits, the inflow level, then per month the new episodes and
        their exits); kept in one function, that order, and so every forecast figure for a
        given seed, is visible in one place.
        """
        self.check_fitted("stock_")
        first = self.first_
        shift = first - self.month_  # 0: month 0 is the rest of the as-of month
        share0 = self.rest_ if shift == 0 else 1.0
        cells = self.cells(municipality, segment)
        index = {p: i for i, p in enumerate(cells)}
        C, H, P = len(cells), horizon, n_paths
        cm = np.zeros((P, C, H))
        stock_cm = np.zeros((P, C, H))
        alive = np.zeros((P, C, H))
        starts = np.zeros((P, C, H))
        missing_starts = np.zeros((P, C, max(H, 1)))
        ghost = self.ghost_.get(segment, 0.0) if nowcast else 0.0
        missing = self.missing_.get(segment, 0.0) if nowcast else 0.0

        def exits_of(n: Floats, probs: Floats) -> Floats:
            """Exits per month of ``n[path, g]`` episodes with exit probabilities ``probs[g, month]``."""
            if rng is None:
                return np.asarray(n[:, :, None] * probs[None, :, :], dtype=np.float64)
            return np.asarray(rng.multinomial(np.asarray(n, dtype=np.int64), probs), dtype=np.float64)

        def months_of(n: Floats, exits: Floats, span: int, started: bool, part: float) -> tuple[Floats, Floats]:
            """Client-months and episodes in care at month end, per path, cohort and month;
            the cohort's first month counts ``part`` of a month (the rest of the running month)."""
            left = n[:, :, None] - np.cumsum(exits[:, :, :span], axis=2)
            months = left + EXIT_WEIGHT * exits[:, :, :span]
            if started:
                months[:, :, 0] = START_WEIGHT * left[:, :, 0] + START_EXIT_WEIGHT * exits[:, :, 0]
            months[:, :, :1] *= part
            return months, left

        if H > 0:
            types = self.stock_types(municipality, segment, stock)
            for provider in sorted(set(types["provider"].to_list())):
                c = index[provider]
                mine = types.filter(pl.col("provider") == provider)
                counts = np.asarray(mine["n"].to_numpy(), dtype=np.float64)
                if rng is None:
                    kept = np.broadcast_to(counts * (1 - ghost), (P, counts.size)).astype(np.float64)
                else:
                    kept = rng.binomial(counts.astype(np.int64), 1 - ghost, (P, counts.size)).astype(np.float64)
                probs = np.stack(
                    [self.exit_probabilities(segment, provider, int(d) + shift, first, H, share0) for d in mine["d"]]
                )
                months, left = months_of(kept, exits_of(kept, probs), H, started=False, part=share0)
                stock_cm[:, c, :] += months.sum(axis=1)
                alive[:, c, :] += left.sum(axis=1)
            n_stock = float(types["n"].sum()) if types.height else 0.0
        else:
            n_stock = 0.0
        shares = self.provider_share_.get((municipality, segment), {})
        share = np.array([shares.get(p, 0.0) for p in cells])
        if H > 0 and missing > 0 and n_stock > 0 and share.sum() > 0:
            lam = missing * n_stock * share
            extra = (
                np.broadcast_to(lam, (P, C)).astype(np.float64)
                if rng is None
                else rng.poisson(lam, (P, C)).astype(np.float64)
            )
            missing_starts[:, :, 0] += extra
            probs = np.stack([self.exit_probabilities(segment, p, shift, first, H, share0) for p in cells])
            months, left = months_of(extra, exits_of(extra, probs), H, started=False, part=share0)
            stock_cm += months
            alive += left
        cm += stock_cm
        if inflow is None:
            expected_starts = self.monthly_starts(municipality, segment, first, H)
            expected_starts[:1] *= share0  # only the rest of the running month is still to come
        else:
            expected_starts = inflow
        if H > 0 and share.sum() > 0 and expected_starts.sum() > 0:
            if rng is None:
                level = np.ones((P, H))
            else:
                # the level's estimation error, then a random walk of ``inflow_drift`` a year
                sigma = self.inflow_sigma_.get((municipality, segment), 0.0)
                walk = np.cumsum(rng.normal(0.0, self.inflow_drift / np.sqrt(12.0), (P, H)), axis=1)
                spread = sigma**2 + self.inflow_drift**2 * np.arange(1, H + 1) / 12.0
                level = np.exp(rng.normal(0.0, sigma, (P, 1)) + walk - 0.5 * spread[None, :])
            for m in range(H):
                lam = expected_starts[m] * share[None, :] * level[:, m, None]
                n_new = lam if rng is None else rng.poisson(lam).astype(np.float64)
                starts[:, :, m] += n_new
                part = share0 if m == 0 else 1.0
                probs = np.stack([self.exit_probabilities(segment, p, 0, first + m, H - m, part) for p in cells])
                months, left = months_of(n_new, exits_of(n_new, probs), H - m, started=True, part=part)
                cm[:, :, m:] += months
                alive[:, :, m:] += left
        return Simulation(cells, first, cm, stock_cm, starts, alive, missing_starts)
