"""The episodes as of a date, and what every indicator computation shares (:class:`Context`).

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

Results as flat arrays
----------------------
The computations count with numpy over the episodes of a :class:`Context`: each result per
group and period lives in a flat array indexed by ``k = group x periods + period``, and
:func:`attach_flat` puts it on the output rows (:meth:`Context.rows`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from regie.engine import frames
from regie.engine.indicators.query import GROUP_KEYS, Query, RowPeriod
from regie.engine.registry import INDICATOR

#: Filters on group keys: a key -> one value (None: the key is missing) or a list of values.
Where = Mapping[str, Any]

_EPOCH = dt.date(1970, 1, 1)
# Stand-in for a missing segment weight: an ended episode without one steps down to nothing.
NO_WEIGHT_ENDED = np.iinfo(np.int64).min


def epoch_days(d: dt.date) -> int:
    """Days since 1 January 1970."""
    return (d - _EPOCH).days


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


def filter_where(df: pl.DataFrame, where: Where) -> pl.DataFrame:
    """The rows of ``df`` that match ``where`` on the keys ``df`` has (other keys are ignored)."""
    for key, value in where.items():
        if key not in df.columns:
            continue
        if isinstance(value, str) or value is None:
            df = df.filter(pl.col(key).is_null() if value is None else pl.col(key) == value)
        else:
            df = df.filter(pl.col(key).is_in(list(value)))
    return df


def codes(col: str) -> pl.Expr:
    """Integer codes of a text column: equal text, equal code; null stays null."""
    return pl.col(col).cast(pl.Categorical).to_physical().cast(pl.Int64)


class Context:
    """Everything the indicator computations share for one :class:`Query`.

    ``subject`` holds the prepared episodes that are counted (after ``where``) and overlap the
    covered span, with ``_g`` (the group number), ``_s``/``_e`` (start and end in epoch days,
    ``_e`` null while open), ``_c`` (a client number) and ``_cd`` (a number per client and
    domain). ``follow`` holds all prepared episodes, for the follow-up of step-down and
    sustainable outflow (a next episode may be anywhere). Results per group and period live in
    flat arrays indexed by ``k = group x periods + period``.
    """

    def __init__(self, episodes: pl.DataFrame, query: Query, where: Where) -> None:
        unknown = [k for k in where if k not in GROUP_KEYS]
        if unknown:
            raise ValueError(f"cannot filter on {unknown[0]!r}; choose from {', '.join(GROUP_KEYS)}")
        self.query = query
        self.where = dict(where)
        self.periods: list[RowPeriod] = query.periods()
        self.n_periods = len(self.periods)
        self.period_starts = np.array([epoch_days(p.start) for p in self.periods], dtype=np.int64)
        self.span_start = epoch_days(query.start)
        self.span_end = epoch_days(query.effective_end)  # exclusive
        self.as_of = epoch_days(query.as_of)
        keys = list(query.group_keys)

        prepared = prepare_episodes(episodes, query.as_of).with_columns(
            codes("client").alias("_c"),
            pl.col("start").cast(pl.Int32).cast(pl.Int64).alias("_s"),
            pl.col("end").cast(pl.Int32).cast(pl.Int64).alias("_e"),
        )
        # One number per client and domain (null when either is missing), for the follow-up.
        domains = sorted(prepared["domain"].drop_nulls().unique().to_list())
        domain_number = pl.col("domain").replace_strict(domains, list(range(len(domains))), default=None)
        self.follow = prepared.with_columns(
            (pl.col("_c") * max(len(domains), 1) + domain_number.cast(pl.Int64)).alias("_cd")
        )
        subject = filter_where(self.follow, where).filter(
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
        self.weight = sub["weight"].fill_null(NO_WEIGHT_ENDED).to_numpy()
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
        """How many entries of ``k`` (or their ``weights``) there are per group and period."""
        return np.bincount(k, weights=weights, minlength=self.size).astype(np.int64)

    def applicable(self, df: pl.DataFrame) -> bool:
        """Whether ``df`` can be grouped and filtered as asked (payments and objections have no area)."""
        return all(k in df.columns for k in (*self.query.group_keys, *self.where))

    def in_periods(self, df: pl.DataFrame, date_col: str) -> pl.DataFrame:
        """The rows of ``df`` that match ``where`` and whose ``date_col`` lies in a period, with
        that period's number ``_p``."""
        df = filter_where(df, self.where)
        return df.with_columns(self.period_index(df[date_col]).alias("_p")).filter(pl.col("_p").is_not_null())

    def join_rows(self, df: pl.DataFrame, rows: pl.DataFrame) -> pl.DataFrame:
        """``df`` (with its period ``_p``) with the ``_k`` of its group and period from ``rows``."""
        keys = list(self.query.group_keys)
        return df.join(rows.select(*keys, "_p", "_k"), on=[*keys, "_p"], how="inner", nulls_equal=True)

    def rows(self, extra: Sequence[pl.DataFrame] = ()) -> pl.DataFrame:
        """The output rows: every group (of the episodes and of ``extra`` frames) x period."""
        keys = list(self.query.group_keys)
        time_key = self.query.time_key
        periods = pl.DataFrame(
            {
                "_p": pl.Series(range(self.n_periods), dtype=pl.Int64),
                "_year": pl.Series(self.query.year_of_periods(), dtype=pl.Int64),
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

    def finish(self, rows: pl.DataFrame, columns: Sequence[str]) -> pl.DataFrame:
        """The result: the group keys (the time key last) and ``columns`` in their registered
        types (:data:`regie.engine.registry.INDICATORS`), sorted by group and period."""
        keys = [*self.query.group_keys]
        if self.query.time_key:
            keys.append(self.query.time_key)
        out = rows.with_columns(pl.col(c).cast(pl.Int64 if INDICATOR[c].integer else pl.Float64) for c in columns)
        order = [*self.query.group_keys, "_p"]
        return out.sort(order, nulls_last=True).select(*keys, *columns)


def attach(rows: pl.DataFrame, values: pl.DataFrame) -> pl.DataFrame:
    """``rows`` with the columns of ``values`` (one row per ``_k``; null where it has none)."""
    return rows.join(values, on="_k", how="left")


def attach_flat(
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


def null_column(rows: pl.DataFrame, name: str) -> pl.DataFrame:
    """``rows`` with ``name`` null throughout, in its registered type: a value that cannot be computed."""
    return rows.with_columns(pl.lit(None, dtype=pl.Int64 if INDICATOR[name].integer else pl.Float64).alias(name))
