"""Performance indicators (prestatie-indicatoren) of domain.md section 5, over engine frames.

Each definition of domain.md section 5 is one function here, with the definition in its
docstring; :func:`indicators` computes them all at once and is what the command line
(``regie indicators``), the API, the pages and the scorecards (:mod:`regie.engine.scorecards`)
show. The functions take the plain frames of :mod:`regie.engine.frames` (episodes, requests,
objections, payments) and an ``agreed`` frame (:data:`AGREED`), never the database.

What a computation covers: :class:`Scope`
-----------------------------------------
A :class:`Scope` names the span (a calendar year, or an explicit half-open ``[start, end)``),
the reference date ``as_of`` and the group keys ``by``, any of ``provider``, ``segment``,
``municipality``, ``area`` and at most one time key ``month``, ``quarter`` or ``year``.

- **Periods.** Without a time key a row covers the whole span. With ``month`` (``quarter``,
  ``year``) there is one row per calendar month (quarter, year) of the span: ``--year 2025
  --by month`` gives the twelve months of 2025. A period is cut off at the span's ends and
  after ``as_of``: it covers ``[max(calendar start, span start), min(calendar end, span end,
  as_of + 1 day))``, and periods that start after ``as_of`` are left out (they have not begun).
  The time key's value is the calendar period's first day (``month``, ``quarter``, as a date)
  or the year (``year``, an integer).
- **Rows.** One row per combination of group key values that occurs in the data of the span
  (an episode overlapping it, an objection filed in it, a payment for it) and per period, so a
  monthly series has no holes. A key that is missing on a record (e.g. an episode without an
  area, an objection without a provider) forms its own group with a null key, so that the
  groups always add up to the whole.
- **The group of an episode.** Every count (clients, inflow, outflow, step-down, sustainable
  outflow, waiting time) is counted in the group of the episode it is about: a step-down is
  counted with the ended episode, not with the lighter episode that follows it, even when
  that one is at another provider.

What "as of" means: :func:`prepare_episodes`
--------------------------------------------
A message arrives on its header's Dagtekening (the ``*arrival`` columns). As of a date only
what had arrived by then is used (:func:`regie.engine.frames.as_of`): an episode whose start
arrived later does not exist yet, an episode whose stop arrived later is still open. On top of
that nothing that lies after ``as_of`` counts: a start dated after ``as_of`` does not exist yet
and an end dated after it (a stop sent in advance) is not an end yet. ``as_of`` is also the
**reference date** of every indicator that needs follow-up: open episodes are censored at
``as_of`` in the duration, and step-down and sustainable outflow look at the starts known by
``as_of``. (Censoring at the end of each period instead would throw away what is known: a
monthly duration could then never be longer than the time since the start; to see a period as
it was on its last day, compute as of that day.) Episodes whose end lies before their start
cannot be computed and are left out.

Nulls
-----
A value that cannot be computed is null, never 0: a median or share over no episodes, a cost
per client without clients or without a ``payments`` frame, agreed clients where no
agreement applies, objections without an ``objections`` frame. A count over no episodes is 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from regie.engine import frames
from regie.engine.catalog import Catalog

GROUP_KEYS = ("provider", "segment", "municipality", "area")
TIME_KEYS = ("month", "quarter", "year")
BY_KEYS = GROUP_KEYS + TIME_KEYS

#: The indicator columns of ``regie indicators`` (domain.md section 12), in order.
COLUMNS = (
    "clients",
    "inflow",
    "outflow",
    "median_duration_days",
    "step_down",
    "sustainable_outflow_rate",
    "waiting_median_days",
    "waiting_within_norm_share",
    "cost_per_client_cents",
    "agreed_clients",
    "objections",
)
#: Extra columns beyond the contract.
EXTRA_COLUMNS = ("objections_upheld_share",)

STEP_DOWN_DAYS = 30
FOLLOW_UP_DAYS = 182
WAITING_NORM_DAYS = 42

#: Agreed client numbers: one row per provider, segment and year (the contract's N_p).
AGREED: dict[str, pl.DataType | type[pl.DataType]] = {
    "provider": pl.Utf8,
    "segment": pl.Utf8,
    "year": pl.Int64,
    "agreed_clients": pl.Int64,
}

_DTYPES: dict[str, pl.DataType | type[pl.DataType]] = {
    "clients": pl.Int64,
    "inflow": pl.Int64,
    "outflow": pl.Int64,
    "median_duration_days": pl.Int64,
    "step_down": pl.Int64,
    "sustainable_outflow_rate": pl.Float64,
    "waiting_median_days": pl.Float64,
    "waiting_within_norm_share": pl.Float64,
    "cost_per_client_cents": pl.Int64,
    "agreed_clients": pl.Int64,
    "objections": pl.Int64,
    "objections_upheld_share": pl.Float64,
}

_EPOCH = dt.date(1970, 1, 1)
# Stand-ins for a missing segment weight: an ended episode without one steps down to nothing,
# a later episode without one is never the lighter one.
_NO_WEIGHT_ENDED = np.iinfo(np.int64).min
_NO_WEIGHT_LATER = np.iinfo(np.int64).max
# Combined integer sort keys are used while they stay below this; beyond, a sort on columns.
_KEY_LIMIT = 2**62


def _days(d: dt.date) -> int:
    return (d - _EPOCH).days


def _month_start(d: dt.date) -> dt.date:
    return d.replace(day=1)


def _add_months(d: dt.date, months: int) -> dt.date:
    m = d.year * 12 + d.month - 1 + months
    return dt.date(m // 12, m % 12 + 1, 1)


def _calendar_start(d: dt.date, key: str) -> dt.date:
    if key == "month":
        return _month_start(d)
    if key == "quarter":
        return dt.date(d.year, (d.month - 1) // 3 * 3 + 1, 1)
    return dt.date(d.year, 1, 1)


_STEP = {"month": 1, "quarter": 3, "year": 12}


@dataclass(frozen=True)
class Scope:
    """The span, reference date and grouping of a computation (see the module docstring).

    ``start``/``end`` are the span, half-open (``end`` is the first day after it); ``as_of`` is
    the reference date; ``by`` the group keys in output order.

    >>> s = Scope.of(year=2025, as_of=dt.date(2025, 3, 15), by=("provider", "month"))
    >>> s.group_keys, s.time_key
    (('provider',), 'month')
    >>> [(p.start.isoformat(), p.end.isoformat()) for p in s.periods()]
    [('2025-01-01', '2025-02-01'), ('2025-02-01', '2025-03-01'), ('2025-03-01', '2025-03-16')]
    """

    start: dt.date
    end: dt.date
    as_of: dt.date
    by: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = [k for k in self.by if k not in BY_KEYS]
        if unknown:
            raise ValueError(f"unknown group key {unknown[0]!r}; choose from {', '.join(BY_KEYS)}")
        if len(set(self.by)) != len(self.by):
            raise ValueError("a group key appears twice")
        if sum(k in TIME_KEYS for k in self.by) > 1:
            raise ValueError("group by at most one of month, quarter, year")
        if not self.start < self.end:
            raise ValueError("the span is empty: start must lie before end")

    @classmethod
    def of(
        cls,
        *,
        as_of: dt.date,
        year: int | None = None,
        period: tuple[dt.date, dt.date] | None = None,
        by: Iterable[str] = (),
    ) -> Scope:
        """A scope for a calendar ``year`` or an explicit half-open ``period=(start, end)``."""
        if (year is None) == (period is None):
            raise ValueError("give exactly one of year and period")
        if year is not None:
            start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
        else:
            assert period is not None
            start, end = period
        return cls(start, end, as_of, tuple(by))

    @property
    def group_keys(self) -> tuple[str, ...]:
        """The keys of ``by`` that are not time keys."""
        return tuple(k for k in self.by if k in GROUP_KEYS)

    @property
    def time_key(self) -> str | None:
        return next((k for k in self.by if k in TIME_KEYS), None)

    @property
    def effective_end(self) -> dt.date:
        """First day not covered: the span's end, or the day after ``as_of`` if earlier."""
        return min(self.end, self.as_of + dt.timedelta(days=1))

    def periods(self) -> list[Period]:
        """The periods of the rows, in order (one when there is no time key)."""
        end = self.effective_end
        if end <= self.start:
            return []
        key = self.time_key
        if key is None:
            return [Period(self.start, end, None)]
        out: list[Period] = []
        cal = _calendar_start(self.start, key)
        while cal < end:
            nxt = _add_months(cal, _STEP[key])
            value: dt.date | int = cal.year if key == "year" else cal
            out.append(Period(max(cal, self.start), min(nxt, end), value))
            cal = nxt
        return out

    def year_of_periods(self) -> list[int | None]:
        """Per period, the calendar year it lies in, or None when it spans more than one."""
        return [p.start.year if p.start.year == (p.end - dt.timedelta(days=1)).year else None for p in self.periods()]


@dataclass(frozen=True)
class Period:
    """One row's period: half-open ``[start, end)``; ``value`` is its time key's value."""

    start: dt.date
    end: dt.date
    value: dt.date | int | None


# --------------------------------------------------------------------------------------------
# Preparation


def prepare_episodes(episodes: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """The episodes as they stood on ``as_of`` (see "What as of means" in the module docstring).

    Keeps what had arrived by ``as_of`` (:func:`regie.engine.frames.as_of`), drops episodes
    that start after ``as_of`` or end before they start, and opens episodes whose end lies after
    ``as_of``.

    >>> eps = frames.frame("episodes", [
    ...     {"episode_id": "e1", "start": dt.date(2025, 1, 1), "start_arrival": dt.date(2025, 1, 3),
    ...      "end": dt.date(2025, 2, 1), "end_arrival": dt.date(2025, 2, 20)},
    ...     {"episode_id": "e2", "start": dt.date(2025, 2, 1), "start_arrival": dt.date(2025, 3, 1)}])
    >>> prepare_episodes(eps, dt.date(2025, 2, 10)).select("episode_id", "end").rows()
    [('e1', None)]
    """
    df = frames.as_of(frames.conform("episodes", episodes), "episodes", as_of)
    df = df.filter((pl.col("start") <= as_of) & (pl.col("end").is_null() | (pl.col("end") >= pl.col("start"))))
    return df.with_columns(pl.when(pl.col("end") <= as_of).then(pl.col("end")).otherwise(None).alias("end"))


def _where(df: pl.DataFrame, where: Mapping[str, Any]) -> pl.DataFrame:
    for key, value in where.items():
        if key not in df.columns:
            continue
        if isinstance(value, str) or value is None:
            df = df.filter(pl.col(key).is_null() if value is None else pl.col(key) == value)
        else:
            df = df.filter(pl.col(key).is_in(list(value)))
    return df


class _Context:
    """Everything the indicator functions share for one computation.

    ``subject`` holds the prepared episodes that are counted (after ``where``) and overlap the
    covered span, with ``_g`` (the group number), ``_s``/``_e`` (start and end in epoch days,
    ``_e`` null while open), ``_c`` (a client number) and ``_cd`` (a number per client and
    domain). ``follow`` holds all prepared episodes, for the follow-up of step-down and
    sustainable outflow (a next episode may be anywhere). Results per group and period live in
    flat arrays indexed by ``k = group x periods + period``.
    """

    def __init__(self, episodes: pl.DataFrame, scope: Scope, where: Mapping[str, Any]) -> None:
        unknown = [k for k in where if k not in GROUP_KEYS]
        if unknown:
            raise ValueError(f"cannot filter on {unknown[0]!r}; choose from {', '.join(GROUP_KEYS)}")
        self.scope = scope
        self.where = dict(where)
        self.periods = scope.periods()
        self.n_periods = len(self.periods)
        self.period_starts = np.array([_days(p.start) for p in self.periods], dtype=np.int64)
        self.span_start = _days(scope.start)
        self.span_end = _days(scope.effective_end)  # exclusive
        self.as_of = _days(scope.as_of)
        keys = list(scope.group_keys)

        prepared = prepare_episodes(episodes, scope.as_of).with_columns(
            _codes("client").alias("_c"),
            pl.col("start").cast(pl.Int32).cast(pl.Int64).alias("_s"),
            pl.col("end").cast(pl.Int32).cast(pl.Int64).alias("_e"),
        )
        # One number per client and domain (null when either is missing), for the follow-up.
        domains = sorted(prepared["domain"].drop_nulls().unique().to_list())
        domain_number = pl.col("domain").replace_strict(domains, list(range(len(domains))), default=None)
        self.follow = prepared.with_columns(
            (pl.col("_c") * max(len(domains), 1) + domain_number.cast(pl.Int64)).alias("_cd")
        )
        subject = _where(self.follow, where).filter(
            (pl.col("_s") < self.span_end) & (pl.col("_e").is_null() | (pl.col("_e") >= self.span_start))
        )
        if keys:
            self.groups = subject.select(keys).unique().sort(keys, nulls_last=True).with_row_index("_g")
            subject = subject.join(self.groups, on=keys, how="left", nulls_equal=True)
            self.n_groups = self.groups.height
        else:
            subject = subject.with_columns(pl.lit(0, dtype=pl.UInt32).alias("_g"))
            self.n_groups = 1
        self.subject = subject.with_columns(pl.col("_g").cast(pl.Int64))
        #: The length of the flat result arrays.
        self.size = self.n_groups * self.n_periods
        sub = self.subject
        self.g = sub["_g"].to_numpy()
        self.s = sub["_s"].to_numpy()
        self.ended = sub["_e"].is_not_null().to_numpy()
        self.e = sub["_e"].fill_null(-1).to_numpy()
        self.cd = sub["_cd"].fill_null(-1).to_numpy()
        self.weight = sub["weight"].fill_null(_NO_WEIGHT_ENDED).to_numpy()
        self._exploded: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]] | None = None

    def period_of(self, days: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Period number of each epoch day; -1 outside the covered span."""
        idx = np.searchsorted(self.period_starts, days, side="right") - 1
        inside = (days >= self.span_start) & (days < self.span_end)
        return np.where(inside, idx, -1).astype(np.int64)

    def period_index(self, days: pl.Series) -> pl.Series:
        """:meth:`period_of` for a date or epoch-day series; null outside the span."""
        values = days.cast(pl.Int32).cast(pl.Int64).fill_null(self.span_end).to_numpy()
        out = self.period_of(values)
        return pl.Series(days.name, np.where(out >= 0, out, np.nan), nan_to_null=True).cast(pl.Int64)

    @property
    def period_range(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Per subject episode, the first and last period it overlaps."""
        last = self.span_end - 1
        p0 = self.period_of(np.maximum(self.s, self.span_start))
        p1 = self.period_of(np.where(self.ended, np.minimum(self.e, last), last))
        return p0, p1

    @property
    def exploded(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """One entry per subject episode and period it overlaps: ``(k, subject row)``."""
        if self._exploded is None:
            p0, p1 = self.period_range
            counts = p1 - p0 + 1
            row = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
            offset = np.arange(len(row), dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
            k = (self.g * self.n_periods + p0)[row] + offset
            self._exploded = (k, row)
        return self._exploded

    def keyed(
        self, days: npt.NDArray[np.int64], mask: npt.NDArray[np.bool_]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
        """``k`` of the subject rows for the period of ``days``, and which rows fall in the span."""
        p = self.period_of(days)
        inside = mask & (p >= 0)
        return self.g * self.n_periods + p, inside

    def count(self, k: npt.NDArray[np.int64], weights: npt.NDArray[Any] | None = None) -> npt.NDArray[np.int64]:
        return np.bincount(k, weights=weights, minlength=self.size).astype(np.int64)

    def rows(self, extra: Sequence[pl.DataFrame] = ()) -> pl.DataFrame:
        """The output rows: every group (of the episodes and of ``extra`` frames) x period."""
        keys = list(self.scope.group_keys)
        time_key = self.scope.time_key
        periods = pl.DataFrame(
            {
                "_p": pl.Series(range(self.n_periods), dtype=pl.Int64),
                "_year": pl.Series(self.scope.year_of_periods(), dtype=pl.Int64),
            }
        )
        if time_key is not None:
            dtype = pl.Int64 if time_key == "year" else pl.Date
            periods = periods.with_columns(pl.Series(time_key, [p.value for p in self.periods], dtype=dtype))
        if not keys:
            groups = pl.DataFrame({"_g": [0]}, schema={"_g": pl.Int64})
            if self.subject.height == 0 and not any(e.height for e in extra):
                groups = groups.clear()
        else:
            groups = self.groups.with_columns(pl.col("_g").cast(pl.Int64))
            others = [e.select(keys) for e in extra if e.height]
            if others:
                new = pl.concat(others).unique().join(groups, on=keys, how="anti", nulls_equal=True)
                new = new.sort(keys, nulls_last=True).with_row_index("_g", offset=groups.height)
                groups = pl.concat([groups, new.with_columns(pl.col("_g").cast(pl.Int64))])
        return groups.join(periods, how="cross").with_columns(
            (pl.col("_g") * self.n_periods + pl.col("_p")).alias("_k")
        )


def _codes(col: str) -> pl.Expr:
    """Integer codes of a text column: equal text, equal code; null stays null."""
    return pl.col(col).cast(pl.Categorical).to_physical().cast(pl.Int64)


def _finish(ctx: _Context, rows: pl.DataFrame, columns: Sequence[str]) -> pl.DataFrame:
    keys = [*ctx.scope.group_keys]
    if ctx.scope.time_key:
        keys.append(ctx.scope.time_key)
    out = rows.with_columns(pl.col(c).cast(_DTYPES[c]) for c in columns)
    order = [*ctx.scope.group_keys, "_p"]
    return out.sort(order, nulls_last=True).select(*keys, *columns)


def _attach(rows: pl.DataFrame, values: pl.DataFrame) -> pl.DataFrame:
    return rows.join(values, on="_k", how="left")


def _attach_flat(
    rows: pl.DataFrame, name: str, values: npt.NDArray[Any], valid: npt.NDArray[np.bool_] | None = None
) -> pl.DataFrame:
    """Attach a flat result array (indexed by ``k``) as column ``name``.

    Rows of groups beyond the episodes' groups (from objections or payments only) get 0 when
    ``valid`` is None (a count) and null otherwise; so do entries where ``valid`` is False.
    """
    k = rows["_k"].to_numpy()
    inside = k < len(values)
    at = np.where(inside, k, 0)
    got = values[at] if len(values) else np.zeros(len(k), dtype=values.dtype)
    if valid is None:
        return rows.with_columns(pl.Series(name, np.where(inside, got, 0)))
    ok = inside & (valid[at] if len(valid) else False)
    col = pl.Series(name, got)
    return rows.with_columns(pl.select(pl.when(pl.Series(ok)).then(col)).to_series().alias(name))


# --------------------------------------------------------------------------------------------
# Kaplan-Meier


def km_medians(
    group: npt.NDArray[np.int64],
    duration: npt.NDArray[np.int64],
    observed: npt.NDArray[np.bool_],
    weight: npt.NDArray[np.int64] | None = None,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Kaplan-Meier medians of many groups at once (the engine of :func:`km_median_table`).

    ``group`` (non-negative group numbers), ``duration`` (whole days or other integer units)
    and ``observed`` describe one subject each, or ``weight`` identical subjects. Returns the
    group numbers present (ascending), their medians and whether the median was reached
    (where it was not, the median value is meaningless).

    One sort of a combined integer key puts every group's subjects in duration order; the
    event table (ends d_i and subjects at risk n_i per distinct duration) and the survival
    curve then follow with array operations. S(t) is computed as lifelines does it, exp of the
    running sum of log(n_i - d_i) - log(n_i) within the group, added in duration order.

    >>> g, m, ok = km_medians(np.array([0, 0, 1]), np.array([4, 9, 4]), np.array([True, True, False]))
    >>> g.tolist(), m[ok].tolist(), ok.tolist()
    ([0, 1], [4], [True, False])
    """
    n = len(group)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0, dtype=np.bool_)
    low = int(duration.min())
    span = int(duration.max()) - low + 1
    if (int(group.max()) + 1) * span * 2 >= _KEY_LIMIT:
        raise ValueError("too many groups or too wide a range of durations for one sort key")
    key = (group.astype(np.int64) * span + (duration.astype(np.int64) - low)) * 2 + observed.astype(np.int64)
    if weight is None:
        key = pl.Series(key).sort().to_numpy()
        counts = None
    else:
        order = pl.Series(key).arg_sort().to_numpy()
        key, counts = key[order], weight.astype(np.int64)[order]
    # Rows per distinct (group, duration, observed), then per distinct (group, duration).
    first = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
    per_key = np.diff(np.append(first, n)) if counts is None else np.add.reduceat(counts, first)
    ukey = key[first]
    gd = ukey >> 1
    ends_here = per_key * (ukey & 1)
    first_gd = np.flatnonzero(np.concatenate(([True], gd[1:] != gd[:-1])))
    total = np.add.reduceat(per_key, first_gd)
    deaths = np.add.reduceat(ends_here, first_gd)
    gd = gd[first_gd]
    g = gd // span
    t = gd % span + low
    # Subjects at risk: those of the group with a duration at or after t (exact integers).
    new_group = np.concatenate(([True], g[1:] != g[:-1]))
    group_first = np.flatnonzero(new_group)
    sizes = np.diff(np.append(group_first, len(g)))
    from_end = np.cumsum(total[::-1])[::-1]
    after_group = np.append(from_end[group_first[1:]], 0)
    at_risk = from_end - np.repeat(after_group, sizes)
    with np.errstate(divide="ignore"):
        f = np.log((at_risk - deaths).astype(np.float64)) - np.log(at_risk.astype(np.float64))
    # A running sum that restarts in each group, added in order as lifelines does.
    log_s = (
        pl.DataFrame({"g": pl.Series(g, dtype=pl.Int64).set_sorted(), "f": pl.Series(f, dtype=pl.Float64)})
        .select(pl.col("f").cum_sum().over("g"))
        .to_series()
        .to_numpy()
    )
    hit = np.flatnonzero(np.exp(log_s) <= 0.5)
    groups = g[group_first]
    medians = np.zeros(len(groups), dtype=np.int64)
    reached = np.zeros(len(groups), dtype=np.bool_)
    if len(hit):
        hit_group = g[hit]
        first_hit = hit[np.concatenate(([True], hit_group[1:] != hit_group[:-1]))]
        slot = np.searchsorted(groups, g[first_hit])
        medians[slot] = t[first_hit]
        reached[slot] = True
    return groups.astype(np.int64), medians, reached


def km_median_table(
    table: pl.DataFrame,
    by: Sequence[str],
    duration: str = "duration",
    observed: str = "observed",
    weight: str | None = None,
) -> pl.DataFrame:
    """Kaplan-Meier median per group of ``by``, vectorised over all groups at once.

    ``table`` has one row per subject (or, with ``weight``, per ``weight`` identical subjects)
    with its integer ``duration`` and whether the end was ``observed`` (False: censored). The
    median is the smallest duration at which the survival estimate S(t) = prod_{t_i <= t} (1 -
    d_i / n_i) is at or below 0.5 (d_i ends at t_i, n_i subjects with duration >= t_i); null
    when S never gets there. The arithmetic follows lifelines' ``KaplanMeierFitter`` step by
    step (:func:`km_medians`), so the medians are identical to lifelines'
    ``median_survival_time_``; ``tests/engine/test_indicators_km.py`` checks it on random data.

    >>> t = pl.DataFrame({"g": ["a", "a", "a", "b"], "duration": [3, 5, 9, 4],
    ...                   "observed": [True, True, False, False]})
    >>> km_median_table(t, ["g"]).sort("g").rows()
    [('a', 5), ('b', None)]
    """
    by = list(by)
    table = table.filter(pl.col(duration).is_not_null())
    ids = (
        table.select(pl.struct(by).rank("dense").cast(pl.Int64) - 1) if by else pl.DataFrame({"g": [0] * table.height})
    )
    group = ids.to_series().to_numpy().astype(np.int64)
    weights = table[weight].to_numpy().astype(np.int64) if weight else None
    groups, medians, reached = km_medians(
        group, table[duration].to_numpy().astype(np.int64), table[observed].fill_null(False).to_numpy(), weights
    )
    values = pl.Series(duration, np.where(reached, medians, 0), dtype=pl.Int64)
    values = pl.select(pl.when(pl.Series(reached)).then(values)).to_series().cast(table.schema[duration])
    if not by:
        return pl.DataFrame({duration: [values[0] if len(values) else None]}, schema={duration: table.schema[duration]})
    keys = table.select(*by, ids.to_series().alias("_kmg")).unique("_kmg")
    found = pl.DataFrame({"_kmg": groups, duration: values})
    return keys.join(found, on="_kmg", how="inner").drop("_kmg")


def km_median(durations: Sequence[int], observed: Sequence[bool]) -> int | None:
    """The Kaplan-Meier median of one sample (see :func:`km_median_table`); None if not reached.

    >>> km_median([10, 20, 30, 40], [True, False, True, True])
    30
    >>> km_median([10, 20, 30], [True, False, False]) is None
    True
    >>> km_median([], []) is None
    True
    """
    if not durations:
        return None
    t = pl.DataFrame(
        {"duration": list(durations), "observed": list(observed)}, schema={"duration": pl.Int64, "observed": pl.Boolean}
    )
    value = km_median_table(t, [])["duration"][0]
    return None if value is None else int(value)


# --------------------------------------------------------------------------------------------
# The indicators: internal computations on a context, as flat arrays indexed by ``k``


def _clients(ctx: _Context) -> npt.NDArray[np.int64]:
    """Distinct clients per group and period, without listing every episode-period.

    A client's episodes in a group are merged into runs of overlapping period ranges (sorted by
    group, client and first period; a run goes on while the next range starts at or before the
    furthest end so far). Each run adds one client to each period it covers, counted with a
    difference array per group.
    """
    n_periods = ctx.n_periods
    if not len(ctx.g) or not n_periods:
        return np.zeros(ctx.size, dtype=np.int64)
    p0, p1 = ctx.period_range
    client = ctx.subject["_c"].fill_null(-1).to_numpy()
    clients_span = int(client.max()) + 2
    if ctx.n_groups * clients_span * (n_periods + 1) < _KEY_LIMIT:
        key = (ctx.g * clients_span + client + 1) * (n_periods + 1) + p0
        order = pl.Series(key).arg_sort().to_numpy()
    else:
        frame = pl.DataFrame({"g": ctx.g, "c": client, "p": p0})
        order = frame.select(pl.arg_sort_by("g", "c", "p")).to_series().to_numpy()
    g, c, p0, p1 = ctx.g[order], client[order], p0[order], p1[order]
    new_client = np.concatenate(([True], (g[1:] != g[:-1]) | (c[1:] != c[:-1])))
    # Lift each (group, client) above all before it, so one running maximum serves them all.
    lift = np.cumsum(new_client) * (n_periods + 1)
    furthest = np.maximum.accumulate(lift + p1)
    new_run = np.concatenate(([True], lift[1:] + p0[1:] > furthest[:-1]))
    first = np.flatnonzero(new_run)
    run_last = np.append(first[1:], len(g)) - 1
    run_g, run_p0, run_p1 = g[first], p0[first], furthest[run_last] - lift[first]
    stride = n_periods + 1
    size = ctx.n_groups * stride
    change = np.bincount(run_g * stride + run_p0, minlength=size) - np.bincount(
        run_g * stride + run_p1 + 1, minlength=size
    )
    counts = np.cumsum(change).reshape(ctx.n_groups, stride)[:, :n_periods]
    return counts.reshape(-1).astype(np.int64)


def _inflow(ctx: _Context) -> npt.NDArray[np.int64]:
    k, inside = ctx.keyed(ctx.s, np.ones(len(ctx.s), dtype=np.bool_))
    return ctx.count(k[inside])


def _outflow(ctx: _Context) -> npt.NDArray[np.int64]:
    k, inside = ctx.keyed(ctx.e, ctx.ended)
    return ctx.count(k[inside])


def _duration(ctx: _Context) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    k, row = ctx.exploded
    # Duration: to the end, or censored at the reference date while open.
    duration = np.where(ctx.ended, ctx.e, ctx.as_of) - ctx.s
    groups, medians, reached = km_medians(k, duration[row], ctx.ended[row])
    out = np.zeros(ctx.size, dtype=np.int64)
    ok = np.zeros(ctx.size, dtype=np.bool_)
    out[groups] = medians
    ok[groups] = reached
    return out, ok


@dataclass(frozen=True)
class _FollowUp:
    """Per subject episode ended in the span: its ``k``, whether it stepped down, whether the
    client came back within 182 days, and whether it has full follow-up."""

    k: npt.NDArray[np.int64]
    step: npt.NDArray[np.bool_]
    back: npt.NDArray[np.bool_]
    full: npt.NDArray[np.bool_]


def _window_counts(
    sorted_keys: npt.NDArray[np.int64], low: npt.NDArray[np.int64], high: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """How many of ``sorted_keys`` lie in ``[low, high]``, per entry."""
    return (np.searchsorted(sorted_keys, high, side="right") - np.searchsorted(sorted_keys, low, side="left")).astype(
        np.int64
    )


def _follow_up(ctx: _Context) -> _FollowUp:
    """Step-down and re-entry of the subject episodes that ended in the span.

    ``step``: a start of the same client in the same domain, in a segment of lower weight,
    0..30 days after the end. ``back``: another start of the same client in the same domain
    0..182 days after the end. ``full``: the end lies at least 182 days before ``as_of``.
    Both look at every known episode (``ctx.follow``): its starts are sorted by (client and
    domain, start day), and each ended episode finds the starts in its windows by binary
    search (with the ended episodes in key order, so the searches run forward).
    """
    k, ended = ctx.keyed(ctx.e, ctx.ended)
    k, e, s, cd, weight = k[ended], ctx.e[ended], ctx.s[ended], ctx.cd[ended], ctx.weight[ended]
    n = len(e)
    back = np.zeros(n, dtype=np.bool_)
    step = np.zeros(n, dtype=np.bool_)
    follow = ctx.follow.filter(pl.col("_cd").is_not_null())
    if follow.height and n:
        f_start = follow["_s"].to_numpy()
        f_weight = follow["weight"].fill_null(_NO_WEIGHT_LATER).to_numpy()
        base = int(f_start.min())
        width = int(max(f_start.max(), e.max())) - base + FOLLOW_UP_DAYS + 2
        # Client numbers are below 2**32 and there are a few domains; with ``width`` below 2**22
        # (days of some millennia) the keys stay far below 2**63.
        starts = follow["_cd"].to_numpy() * width + (f_start - base)
        order = pl.Series(starts).arg_sort().to_numpy()
        starts, f_weight = starts[order], f_weight[order]
        low = cd * width + (e - base)
        q = pl.Series(low).arg_sort().to_numpy()
        low_q = low[q]
        first = np.searchsorted(starts, low_q, side="left")
        back_n = np.searchsorted(starts, low_q + FOLLOW_UP_DAYS, side="right") - first - (s == e)[q]
        back[q] = back_n > 0
        # The few starts within 30 days: is one of them lighter?
        n30 = np.searchsorted(starts, low_q + STEP_DOWN_DAYS, side="right") - first
        pair = np.repeat(np.arange(n, dtype=np.int64), n30)
        at = first[pair] + np.arange(len(pair), dtype=np.int64) - np.repeat(np.cumsum(n30) - n30, n30)
        lighter = f_weight[at] < weight[q][pair]
        step[q] = np.bincount(pair[lighter], minlength=n) > 0
        known = cd >= 0
        back &= known
        step &= known
    full = e <= ctx.as_of - FOLLOW_UP_DAYS
    return _FollowUp(k, step, back, full)


def _step_down(ctx: _Context, follow: _FollowUp) -> npt.NDArray[np.int64]:
    return ctx.count(follow.k[follow.step])


def _sustainable(ctx: _Context, follow: _FollowUp) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    eligible = ctx.count(follow.k[follow.full])
    sustained = ctx.count(follow.k[follow.full & ~follow.back])
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = sustained / eligible
    return rate, eligible > 0


def _waiting(ctx: _Context, requests: pl.DataFrame | None, norm_days: int) -> pl.DataFrame:
    k, inside = ctx.keyed(ctx.s, np.ones(len(ctx.s), dtype=np.bool_))
    starts = (
        ctx.subject.select("client", "segment", "start", "request_date")
        .with_columns(pl.Series("_k", k))
        .with_row_index("_r")
        .filter(pl.Series(inside))
    )
    if requests is not None:
        req = frames.as_of(frames.conform("requests", requests), "requests", ctx.scope.as_of)
        req = req.filter(pl.col("registered").is_not_null() & pl.col("client").is_not_null())
        req = req.select("client", "segment", pl.col("registered").alias("_reg")).unique().sort("_reg")
        need = starts.filter(pl.col("request_date").is_null()).sort("start")
        found = need.join_asof(
            req, left_on="start", right_on="_reg", by=["client", "segment"], strategy="backward", check_sortedness=False
        )
        starts = starts.join(found.select("_r", "_reg"), on="_r", how="left").with_columns(
            pl.coalesce("request_date", "_reg").alias("request_date")
        )
    wait = (pl.col("start") - pl.col("request_date")).dt.total_days()
    waits = starts.select("_k", wait.alias("_w")).filter(pl.col("_w").is_not_null() & (pl.col("_w") >= 0))
    return waits.group_by("_k").agg(
        pl.col("_w").median().alias("waiting_median_days"),
        (pl.col("_w") <= norm_days).mean().alias("waiting_within_norm_share"),
    )


def _keyed(ctx: _Context, df: pl.DataFrame, date_col: str, rows: pl.DataFrame) -> pl.DataFrame:
    """``df`` with ``_k`` from its group keys (via ``rows``) and the period of ``date_col``."""
    keys = list(ctx.scope.group_keys)
    lookup = rows.select(*keys, "_p", "_k")
    return df.join(lookup, on=[*keys, "_p"], how="inner", nulls_equal=True)


def _applicable(ctx: _Context, df: pl.DataFrame) -> bool:
    """Whether ``df`` can be grouped and filtered as asked (payments and objections have no area)."""
    return all(k in df.columns for k in (*ctx.scope.group_keys, *ctx.where))


def _objection_frame(ctx: _Context, objections: pl.DataFrame) -> pl.DataFrame:
    df = frames.as_of(frames.conform("objections", objections), "objections", ctx.scope.as_of)
    df = _where(df, ctx.where)
    return df.with_columns(ctx.period_index(df["filed"]).alias("_p")).filter(pl.col("_p").is_not_null())


def _payment_frame(ctx: _Context, payments: pl.DataFrame) -> pl.DataFrame:
    df = _where(frames.conform("payments", payments), ctx.where)
    return df.with_columns(ctx.period_index(df["month"]).alias("_p")).filter(pl.col("_p").is_not_null())


def _objections(ctx: _Context, obj: pl.DataFrame, rows: pl.DataFrame) -> pl.DataFrame:
    keyed = _keyed(ctx, obj, "filed", rows)
    decided = pl.col("decided").is_not_null() & (pl.col("decided") <= ctx.scope.as_of) & pl.col("upheld").is_not_null()
    return keyed.group_by("_k").agg(
        pl.len().alias("objections"),
        pl.col("upheld").filter(decided).mean().alias("objections_upheld_share"),
    )


def _paid(ctx: _Context, pay: pl.DataFrame, rows: pl.DataFrame) -> pl.DataFrame:
    keyed = _keyed(ctx, pay, "month", rows)
    return keyed.group_by("_k").agg(pl.col("amount_cents").sum().alias("_paid"))


def _agreed(ctx: _Context, agreed: pl.DataFrame, rows: pl.DataFrame) -> pl.DataFrame:
    """Agreed clients per row: summed over the agreements of the row's provider/segment/year."""
    keys = [k for k in ctx.scope.group_keys if k in ("provider", "segment")]
    ag = _where(agreed.select(pl.col(c).cast(t) for c, t in AGREED.items()), ctx.where)
    ag = ag.group_by([*keys, "year"]).agg(pl.col("agreed_clients").sum())
    target = rows.select("_k", *keys, "_year").filter(pl.col("_year").is_not_null())
    out = target.join(ag, left_on=[*keys, "_year"], right_on=[*keys, "year"], how="inner", nulls_equal=True)
    return out.select("_k", "agreed_clients")


# --------------------------------------------------------------------------------------------
# Public functions: one per indicator of domain.md section 5


def _one(episodes: pl.DataFrame, scope: Scope, where: Mapping[str, Any], compute: str) -> pl.DataFrame:
    return indicators(episodes, scope=scope, where=where, columns=(compute,))


def clients(episodes: pl.DataFrame, scope: Scope, *, where: Mapping[str, Any] | None = None) -> pl.DataFrame:
    """**clients** (cliënten): distinct clients with an episode overlapping the period.

    An episode overlaps the period ``[start, end)`` when it starts before the period's end and
    is open (as of the reference date) or ends on or after the period's first day; the end date
    is the last day of care. A client counts once per group, however many episodes.

    Parameters
    ----------
    episodes
        Episodes (:data:`regie.engine.frames.EPISODES`).
    scope
        Span, reference date and grouping (:class:`Scope`).
    where
        Filters on group keys, as for :func:`indicators`.

    Returns
    -------
    pl.DataFrame
        The group keys of ``scope`` and ``clients``, one row per group and period.

    Examples
    --------
    >>> eps = frames.frame("episodes", [
    ...     {"client": "a", "provider": "P", "start": dt.date(2024, 11, 1), "start_arrival": dt.date(2024, 11, 1),
    ...      "end": dt.date(2025, 1, 1), "end_arrival": dt.date(2025, 1, 2)},
    ...     {"client": "a", "provider": "P", "start": dt.date(2025, 3, 1), "start_arrival": dt.date(2025, 3, 1)},
    ...     {"client": "b", "provider": "P", "start": dt.date(2024, 1, 1), "start_arrival": dt.date(2024, 1, 1),
    ...      "end": dt.date(2024, 12, 31), "end_arrival": dt.date(2025, 1, 5)}])
    >>> clients(eps, Scope.of(year=2025, as_of=dt.date(2025, 12, 31), by=("provider",))).rows()
    [('P', 1)]
    """
    return _one(episodes, scope, where or {}, "clients")


def inflow(episodes: pl.DataFrame, scope: Scope, *, where: Mapping[str, Any] | None = None) -> pl.DataFrame:
    """**inflow** (instroom): episodes starting in the period.

    Parameters
    ----------
    episodes
        Episodes (:data:`regie.engine.frames.EPISODES`).
    scope
        Span, reference date and grouping (:class:`Scope`).
    where
        Filters on group keys, as for :func:`indicators`.

    Returns
    -------
    pl.DataFrame
        The group keys of ``scope`` and ``inflow``, one row per group and period.

    Examples
    --------
    >>> eps = frames.frame("episodes", [
    ...     {"client": "a", "start": dt.date(2024, 12, 31), "start_arrival": dt.date(2025, 1, 2)},
    ...     {"client": "b", "start": dt.date(2025, 1, 1), "start_arrival": dt.date(2025, 1, 2)},
    ...     {"client": "b", "start": dt.date(2025, 2, 1), "start_arrival": dt.date(2025, 2, 2)}])
    >>> inflow(eps, Scope.of(year=2025, as_of=dt.date(2025, 12, 31), by=("month",))).head(2).rows()
    [(datetime.date(2025, 1, 1), 1), (datetime.date(2025, 2, 1), 1)]
    """
    return _one(episodes, scope, where or {}, "inflow")


def outflow(episodes: pl.DataFrame, scope: Scope, *, where: Mapping[str, Any] | None = None) -> pl.DataFrame:
    """**outflow** (uitstroom): episodes ending in the period (their stop arrived by ``as_of``).

    Parameters
    ----------
    episodes
        Episodes (:data:`regie.engine.frames.EPISODES`).
    scope
        Span, reference date and grouping (:class:`Scope`).
    where
        Filters on group keys, as for :func:`indicators`.

    Returns
    -------
    pl.DataFrame
        The group keys of ``scope`` and ``outflow``, one row per group and period.

    Examples
    --------
    >>> eps = frames.frame("episodes", [
    ...     {"client": "a", "start": dt.date(2024, 6, 1), "start_arrival": dt.date(2024, 6, 1),
    ...      "end": dt.date(2025, 3, 31), "end_arrival": dt.date(2025, 4, 2)},
    ...     {"client": "b", "start": dt.date(2024, 6, 1), "start_arrival": dt.date(2024, 6, 1),
    ...      "end": dt.date(2025, 3, 31), "end_arrival": dt.date(2025, 8, 1)}])
    >>> outflow(eps, Scope.of(year=2025, as_of=dt.date(2025, 6, 30))).rows()
    [(1,)]
    """
    return _one(episodes, scope, where or {}, "outflow")


def median_duration(episodes: pl.DataFrame, scope: Scope, *, where: Mapping[str, Any] | None = None) -> pl.DataFrame:
    """**duration** (doorlooptijd): Kaplan-Meier median of end - start in days.

    Over the episodes that overlap the period; an open episode (no stop arrived by the
    reference date ``as_of``) is censored at ``as_of``, i.e. counted as lasting at least
    ``as_of - start`` days. The median is the smallest duration at which the survival estimate
    is at or below 0.5 (:func:`km_median_table`); null when it never gets there (too many
    episodes still open) or when no episode overlaps the period. Column
    ``median_duration_days``.

    Two episodes ended after 30 and 60 days, two are still open after 200 days: S(30) = 3/4,
    S(60) = 3/4 x 2/3 = 1/2, so the median is 60. The closed episodes alone would give 45.

    Parameters
    ----------
    episodes
        Episodes (:data:`regie.engine.frames.EPISODES`).
    scope
        Span, reference date and grouping (:class:`Scope`).
    where
        Filters on group keys, as for :func:`indicators`.

    Returns
    -------
    pl.DataFrame
        The group keys of ``scope`` and ``median_duration_days``, one row per group and period.

    Examples
    --------
    >>> rows = [("a", dt.date(2025, 1, 1), dt.date(2025, 1, 31)), ("b", dt.date(2025, 1, 1), dt.date(2025, 3, 2)),
    ...         ("c", dt.date(2025, 1, 1), None), ("d", dt.date(2025, 1, 1), None)]
    >>> eps = frames.frame("episodes", [{"client": c, "start": s, "end": e, "start_arrival": s,
    ...                                 "end_arrival": e} for c, s, e in rows])
    >>> median_duration(eps, Scope.of(year=2025, as_of=dt.date(2025, 7, 20))).rows()
    [(60,)]
    """
    return _one(episodes, scope, where or {}, "median_duration_days")


def step_down(episodes: pl.DataFrame, scope: Scope, *, where: Mapping[str, Any] | None = None) -> pl.DataFrame:
    """**step-down** (afschaling): episodes ended in the period that were followed, at most 30
    days after their end, by a start of the same client in a segment of lower weight in the
    same domain (e.g. beschermd wonen -> individuele begeleiding; segment C -> B -> A).

    Counted in the group of the ended episode. "At most 30 days after": the next start lies
    0..30 days after the end date (the same day counts; 31 days does not). The next episode may
    be at any provider and is looked for among all episodes known by ``as_of``, also outside
    the filter ``where``.

    Parameters
    ----------
    episodes
        Episodes (:data:`regie.engine.frames.EPISODES`).
    scope
        Span, reference date and grouping (:class:`Scope`).
    where
        Filters on group keys, as for :func:`indicators`.

    Returns
    -------
    pl.DataFrame
        The group keys of ``scope`` and ``step_down``, one row per group and period.

    Examples
    --------
    >>> eps = frames.frame("episodes", [
    ...     {"client": "a", "provider": "P", "domain": "wmo", "weight": 3, "start": dt.date(2024, 1, 1),
    ...      "start_arrival": dt.date(2024, 1, 1), "end": dt.date(2025, 3, 1), "end_arrival": dt.date(2025, 3, 1)},
    ...     {"client": "a", "provider": "Q", "domain": "wmo", "weight": 2, "start": dt.date(2025, 3, 31),
    ...      "start_arrival": dt.date(2025, 4, 1)}])
    >>> step_down(eps, Scope.of(year=2025, as_of=dt.date(2025, 12, 31), by=("provider",))).rows()
    [('P', 1), ('Q', 0)]
    """
    return _one(episodes, scope, where or {}, "step_down")


def sustainable_outflow_rate(
    episodes: pl.DataFrame, scope: Scope, *, where: Mapping[str, Any] | None = None
) -> pl.DataFrame:
    """**sustainable outflow** (duurzame uitstroom): the share of the episodes ended in the
    period after which the same client starts no episode in the same domain within 182 days.

    Only episodes with full follow-up count: ended at least 182 days before the reference date
    ``as_of``. "Within 182 days": another episode of the client in the domain starts 0..182
    days after the end (at any provider, also a step-down). Null when no ended episode has full
    follow-up. Column ``sustainable_outflow_rate``, a fraction between 0 and 1.

    Parameters
    ----------
    episodes
        Episodes (:data:`regie.engine.frames.EPISODES`).
    scope
        Span, reference date and grouping (:class:`Scope`).
    where
        Filters on group keys, as for :func:`indicators`.

    Returns
    -------
    pl.DataFrame
        The group keys of ``scope`` and ``sustainable_outflow_rate``, one row per group and period.

    Examples
    --------
    >>> eps = frames.frame("episodes", [
    ...     {"client": "a", "domain": "jeugd", "start": dt.date(2024, 1, 1), "start_arrival": dt.date(2024, 1, 1),
    ...      "end": dt.date(2025, 1, 31), "end_arrival": dt.date(2025, 2, 1)},
    ...     {"client": "a", "domain": "jeugd", "start": dt.date(2025, 7, 1), "start_arrival": dt.date(2025, 7, 1)},
    ...     {"client": "b", "domain": "jeugd", "start": dt.date(2024, 1, 1), "start_arrival": dt.date(2024, 1, 1),
    ...      "end": dt.date(2025, 2, 28), "end_arrival": dt.date(2025, 3, 1)}])
    >>> sustainable_outflow_rate(eps, Scope.of(year=2025, as_of=dt.date(2025, 12, 31))).rows()
    [(0.5,)]
    >>> sustainable_outflow_rate(eps, Scope.of(year=2025, as_of=dt.date(2025, 6, 30))).rows()
    [(None,)]
    """
    return _one(episodes, scope, where or {}, "sustainable_outflow_rate")


def waiting_time(
    episodes: pl.DataFrame,
    scope: Scope,
    *,
    requests: pl.DataFrame | None = None,
    norm_days: int = WAITING_NORM_DAYS,
    where: Mapping[str, Any] | None = None,
) -> pl.DataFrame:
    """**waiting time** (wachttijd): days from the request to the start of care, for the
    episodes starting in the period: the median and the share within the norm (default 42 days).

    The request is the episode's ``request_date`` (the registration on the shared waiting list,
    or the arrival of the provider's request for allocation, 315); when that is empty, the
    latest request in ``requests`` of the same client and segment registered on or before the
    start (and arrived by ``as_of``). Episodes without a request have no waiting time, nor do
    those whose request lies after the start; a group without any has nulls. Columns
    ``waiting_median_days`` (the median; the mean of the two middle values for an even count)
    and ``waiting_within_norm_share`` (waits of at most ``norm_days`` days / all waits).

    Parameters
    ----------
    episodes
        Episodes (:data:`regie.engine.frames.EPISODES`).
    scope
        Span, reference date and grouping (:class:`Scope`).
    requests
        Requests (:data:`regie.engine.frames.REQUESTS`) for episodes without a request date.
    norm_days
        The norm (default 42 days).
    where
        Filters on group keys, as for :func:`indicators`.

    Returns
    -------
    pl.DataFrame
        The group keys of ``scope`` and ``waiting_median_days`` and ``waiting_within_norm_share``, one row per group and period.

    Examples
    --------
    >>> rows = [("a", dt.date(2025, 1, 10), dt.date(2025, 2, 9)), ("b", dt.date(2025, 1, 1), dt.date(2025, 3, 2)),
    ...         ("c", None, dt.date(2025, 3, 3))]
    >>> eps = frames.frame("episodes", [{"client": c, "request_date": r, "start": s, "start_arrival": s}
    ...                                 for c, r, s in rows])
    >>> waiting_time(eps, Scope.of(year=2025, as_of=dt.date(2025, 12, 31))).rows()
    [(45.0, 0.5)]
    """
    return indicators(
        episodes,
        scope=scope,
        requests=requests,
        waiting_norm_days=norm_days,
        where=where or {},
        columns=("waiting_median_days", "waiting_within_norm_share"),
    )


def cost_per_client(
    episodes: pl.DataFrame, scope: Scope, *, payments: pl.DataFrame | None, where: Mapping[str, Any] | None = None
) -> pl.DataFrame:
    """**cost per client** (kosten per cliënt): paid amount / clients, in whole euro cents.

    The paid amount is the sum of ``payments.amount_cents`` (what the funding rules make due,
    :mod:`regie.engine.funding`, computed as of the same date) over the group's rows whose
    ``month`` lies in the period; clients as in :func:`clients`. Rounded half up to a cent.
    Null when the group has no clients, when there is no ``payments`` frame, or when the
    grouping or the ``where`` filter cannot be applied to payments (``area``: payments are not
    split by area).

    Parameters
    ----------
    episodes
        Episodes (:data:`regie.engine.frames.EPISODES`).
    scope
        Span, reference date and grouping (:class:`Scope`).
    payments
        What the funding rules make due (:data:`regie.engine.frames.PAYMENTS`), or None.
    where
        Filters on group keys, as for :func:`indicators`.

    Returns
    -------
    pl.DataFrame
        The group keys of ``scope`` and ``cost_per_client_cents``, one row per group and period.

    Examples
    --------
    >>> eps = frames.frame("episodes", [{"client": c, "provider": "P", "start": dt.date(2025, 1, 1),
    ...                                 "start_arrival": dt.date(2025, 1, 1)} for c in "abc"])
    >>> pay = frames.frame("payments", [{"provider": "P", "month": dt.date(2025, m, 1), "amount_cents": 10000}
    ...                                 for m in (1, 2)])
    >>> cost_per_client(eps, Scope.of(year=2025, as_of=dt.date(2025, 12, 31)), payments=pay).rows()
    [(6667,)]
    """
    return indicators(episodes, scope=scope, payments=payments, where=where or {}, columns=("cost_per_client_cents",))


def agreed_clients(
    episodes: pl.DataFrame, scope: Scope, *, agreed: pl.DataFrame | None, where: Mapping[str, Any] | None = None
) -> pl.DataFrame:
    """**agreed vs realised** (afgesproken vs gerealiseerd): the contract's agreed clients N_p
    beside the realised clients (:func:`clients`).

    ``agreed`` has one row per provider, segment and year (:data:`AGREED`;
    :func:`agreed_from_catalog` builds it from the contracts). A row gets the sum of the
    agreements of its provider and segment (all providers or segments of the row when it is
    not grouped by them) for the calendar year its period lies in; month and quarter rows carry
    the agreement of their year, which is an annual number of unique clients. Null where no
    agreement applies: grouped or filtered by municipality or area (agreements are not split
    over them), for a
    period spanning more than one calendar year, or when there is no agreement at all. Columns
    ``clients`` and ``agreed_clients``.

    Parameters
    ----------
    episodes
        Episodes (:data:`regie.engine.frames.EPISODES`).
    scope
        Span, reference date and grouping (:class:`Scope`).
    agreed
        Agreed clients per provider, segment and year (:data:`AGREED`), or None.
    where
        Filters on group keys, as for :func:`indicators`.

    Returns
    -------
    pl.DataFrame
        The group keys of ``scope`` and ``clients`` and ``agreed_clients``, one row per group and period.

    Examples
    --------
    >>> eps = frames.frame("episodes", [{"client": c, "provider": "P", "segment": "S", "start": dt.date(2025, 1, 1),
    ...                                 "start_arrival": dt.date(2025, 1, 1)} for c in "abc"])
    >>> ag = pl.DataFrame({"provider": ["P"], "segment": ["S"], "year": [2025], "agreed_clients": [4]})
    >>> agreed_clients(eps, Scope.of(year=2025, as_of=dt.date(2025, 12, 31), by=("provider",)), agreed=ag).rows()
    [('P', 3, 4)]
    """
    return indicators(episodes, scope=scope, agreed=agreed, where=where or {}, columns=("clients", "agreed_clients"))


def objections(
    episodes: pl.DataFrame, scope: Scope, *, objections: pl.DataFrame | None, where: Mapping[str, Any] | None = None
) -> pl.DataFrame:
    """**objections** (bezwaren en beroepen): the number of objections and appeals filed in the
    period, and the share upheld (gegrond) among those of them decided by ``as_of``.

    Counted in the group of the objection's own municipality, segment and provider (an
    objection without a provider forms the null-provider group). Columns ``objections`` (null
    without an ``objections`` frame, or when grouped or filtered by area: objections have no
    area) and
    ``objections_upheld_share`` (null when none is decided).

    Parameters
    ----------
    episodes
        Episodes (:data:`regie.engine.frames.EPISODES`).
    scope
        Span, reference date and grouping (:class:`Scope`).
    objections
        Objections and appeals (:data:`regie.engine.frames.OBJECTIONS`), or None.
    where
        Filters on group keys, as for :func:`indicators`.

    Returns
    -------
    pl.DataFrame
        The group keys of ``scope`` and ``objections`` and ``objections_upheld_share``, one row per group and period.

    Examples
    --------
    >>> obj = frames.frame("objections", [
    ...     {"objection_id": "1", "kind": "bezwaar", "filed": dt.date(2025, 2, 1), "arrival": dt.date(2025, 2, 1),
    ...      "decided": dt.date(2025, 4, 1), "upheld": True},
    ...     {"objection_id": "2", "kind": "beroep", "filed": dt.date(2025, 3, 1), "arrival": dt.date(2025, 3, 1),
    ...      "decided": dt.date(2025, 5, 1), "upheld": False},
    ...     {"objection_id": "3", "kind": "bezwaar", "filed": dt.date(2025, 3, 1), "arrival": dt.date(2025, 3, 1)}])
    >>> objections(frames.frame("episodes"), Scope.of(year=2025, as_of=dt.date(2025, 12, 31)), objections=obj).rows()
    [(3, 0.5)]
    """
    return indicators(
        episodes,
        scope=scope,
        objections=objections,
        where=where or {},
        columns=("objections", "objections_upheld_share"),
    )


# --------------------------------------------------------------------------------------------
# The entry point


def indicators(
    episodes: pl.DataFrame,
    *,
    as_of: dt.date | None = None,
    year: int | None = None,
    period: tuple[dt.date, dt.date] | None = None,
    by: Iterable[str] = (),
    scope: Scope | None = None,
    requests: pl.DataFrame | None = None,
    objections: pl.DataFrame | None = None,
    payments: pl.DataFrame | None = None,
    agreed: pl.DataFrame | None = None,
    waiting_norm_days: int = WAITING_NORM_DAYS,
    where: Mapping[str, Any] | None = None,
    columns: Sequence[str] = COLUMNS + EXTRA_COLUMNS,
) -> pl.DataFrame:
    """All indicators of domain.md section 5 for ``year`` (or ``period``) as of ``as_of``.

    Parameters
    ----------
    episodes, requests, objections, payments
        Frames of :mod:`regie.engine.frames` (``requests``, ``objections`` and ``payments`` are
        optional; without them waiting times come from ``episodes.request_date`` alone and
        the objections and cost per client are null).
    agreed
        Agreed clients per provider, segment and year (:data:`AGREED`), or None.
    as_of, year, period, by
        The :class:`Scope` (or pass ``scope`` itself): the reference date, the calendar year or
        explicit half-open ``(start, end)``, and the group keys.
    waiting_norm_days
        The waiting time norm (default 42 days).
    where
        Filters on group keys, e.g. ``{"provider": "12345678"}`` or ``{"segment": ["A", "B"]}``
        (``regie indicators --provider``/``--segment``): only matching episodes, requests,
        objections, payments and agreements are counted, but the follow-up of step-down and
        sustainable outflow still sees every episode.
    columns
        The indicator columns to compute (default: all).

    Returns
    -------
    pl.DataFrame
        The group keys of ``by`` (in order, the time key last), then the ``columns``: by default
        :data:`COLUMNS` (the JSON keys of ``regie indicators``) and ``objections_upheld_share``.
        One row per group and period (see the module docstring), sorted by them.

    Examples
    --------
    >>> eps = frames.frame("episodes", [
    ...     {"client": "a", "provider": "P", "segment": "S", "domain": "wmo", "weight": 2,
    ...      "start": dt.date(2025, 1, 6), "start_arrival": dt.date(2025, 1, 8), "request_date": dt.date(2024, 12, 2),
    ...      "end": dt.date(2025, 2, 27), "end_arrival": dt.date(2025, 3, 3)}])
    >>> out = indicators(eps, year=2025, as_of=dt.date(2025, 12, 31), by=["provider"])
    >>> out.select("provider", "clients", "inflow", "outflow", "median_duration_days", "waiting_median_days").rows()
    [('P', 1, 1, 1, 52, 35.0)]
    >>> out["sustainable_outflow_rate"].to_list(), out["cost_per_client_cents"].to_list()
    ([1.0], [None])
    """
    if scope is None:
        if as_of is None:
            raise ValueError("give as_of (or a scope)")
        scope = Scope.of(as_of=as_of, year=year, period=period, by=by)
    unknown = [c for c in columns if c not in _DTYPES]
    if unknown:
        raise ValueError(f"unknown indicator column {unknown[0]!r}")
    ctx = _Context(episodes, scope, where or {})

    # The extra frames, filtered, and the groups they add.
    obj = _objection_frame(ctx, objections) if objections is not None and _applicable(ctx, objections) else None
    pay = _payment_frame(ctx, payments) if payments is not None and _applicable(ctx, payments) else None
    keys = list(scope.group_keys)
    extra: list[pl.DataFrame] = []
    if obj is not None and "objections" in columns:
        extra.append(obj)
    if pay is not None and "cost_per_client_cents" in columns:
        extra.append(pay)
    rows = ctx.rows(extra)

    want = set(columns)
    if want & {"clients", "cost_per_client_cents"}:
        rows = _attach_flat(rows, "clients", _clients(ctx))
    if "inflow" in want:
        rows = _attach_flat(rows, "inflow", _inflow(ctx))
    if "outflow" in want:
        rows = _attach_flat(rows, "outflow", _outflow(ctx))
    if "median_duration_days" in want:
        rows = _attach_flat(rows, "median_duration_days", *_duration(ctx))
    if want & {"step_down", "sustainable_outflow_rate"}:
        follow = _follow_up(ctx)
        rows = _attach_flat(rows, "step_down", _step_down(ctx, follow))
        rows = _attach_flat(rows, "sustainable_outflow_rate", *_sustainable(ctx, follow))
    if want & {"waiting_median_days", "waiting_within_norm_share"}:
        rows = _attach(rows, _waiting(ctx, requests, waiting_norm_days))
    if "cost_per_client_cents" in want:
        if pay is None:
            rows = rows.with_columns(pl.lit(None, dtype=pl.Int64).alias("cost_per_client_cents"))
        else:
            rows = _attach(rows, _paid(ctx, pay, rows))
            n = pl.col("clients")
            paid = pl.col("_paid").fill_null(0)
            rows = rows.with_columns(
                pl.when(n > 0).then((2 * paid + n) // (2 * n)).otherwise(None).alias("cost_per_client_cents")
            )
    if "agreed_clients" in want:
        split = {"municipality", "area"} & {*keys, *ctx.where}
        if agreed is None or split:
            rows = rows.with_columns(pl.lit(None, dtype=pl.Int64).alias("agreed_clients"))
        else:
            rows = _attach(rows, _agreed(ctx, agreed, rows))
    if want & {"objections", "objections_upheld_share"}:
        if obj is None:
            rows = rows.with_columns(
                pl.lit(None, dtype=pl.Int64).alias("objections"),
                pl.lit(None, dtype=pl.Float64).alias("objections_upheld_share"),
            )
        else:
            rows = _attach(rows, _objections(ctx, obj, rows)).with_columns(pl.col("objections").fill_null(0))
    for name in columns:
        if name not in rows.columns:
            rows = rows.with_columns(pl.lit(None).alias(name))
    return _finish(ctx, rows, columns)


def agreed_from_catalog(catalog: Catalog, years: Iterable[int]) -> pl.DataFrame:
    """The :data:`AGREED` frame of a catalog: per contract active in a year, its agreed clients.

    The agreed number is the contract's ``agreed_clients`` (per-client price, N_p), or else its
    ``expected_clients`` (a task-based lump sum is sized on them); contracts with neither have
    no agreement. Several contracts of one provider and segment in a year add up.

    >>> from regie.engine.catalog import Contract
    >>> c = Contract("c1", "12345678", "IB", ("0983",), dt.date(2025, 1, 1), dt.date(2026, 12, 31), agreed_clients=120)
    >>> cat = Catalog("R", (), (), (), (c,), ())
    >>> agreed_from_catalog(cat, [2025, 2027]).rows()
    [('12345678', 'IB', 2025, 120)]
    """
    rows = []
    for y in years:
        for c in catalog.contracts:
            n = c.agreed_clients or c.expected_clients
            if n and c.active_in(y):
                rows.append({"provider": c.provider, "segment": c.segment, "year": y, "agreed_clients": n})
    df = pl.DataFrame(rows, schema=AGREED, orient="row")
    return (
        df.group_by("provider", "segment", "year")
        .agg(pl.col("agreed_clients").sum())
        .sort("provider", "segment", "year")
    )
