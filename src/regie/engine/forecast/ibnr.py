"""Incurred but not reported: chain-ladder on a care-month x months-of-delay triangle.

Definitions
-----------
- **Delay** of a declaration row: its arrival period minus its care month, in months (a
  declaration for January that arrives in March has delay 2). The arrival periods are
  months that **end on the as-of day** (:func:`arrival_period`): as of the 5th, a period
  runs from the 6th of one month to the 5th of the next. As of a month end they are the
  calendar months. So the latest diagonal of the triangle is as complete as every earlier
  one, whatever the day: as of the 1st, the declarations of the month that just ended are
  still to come, and a pattern learnt on whole calendar months would read that month as
  declared (its share at delay 1 reached) and lose it.
- **Money due** of a row (:func:`payable_rows`): what the deadline rule lets through. An
  accepted row that arrived after its contract's deadline (``Contract.deadline_for``) is
  stored and shown but never paid, so it makes 0 due; a credit (negative amount) always
  counts; a row for which no contract runs makes 0 due. Late rows still tell how late
  declarations arrive (the *declared* triangle keeps them), but the forecast is of
  spending, so the IBNR of money uses the triangle of money due.
- **Triangle** (:func:`triangle`): per group, care month (origin) x arrival month
  (valuation), amounts summed; the chainladder library turns it into cumulative
  development by months of delay.
- **Chain-ladder** (:class:`ChainLadder`): volume-weighted development factors
  f_j = sum_o C(o, j+1) / sum_o C(o, j) over the origins o that have both ages, their
  product the cumulative factor CDF_a from age a to ultimate; an origin of age a with
  latest cumulative C gets IBNR = C x (CDF_a - 1) and Mack's (1993) standard error
  (``cl.MackChainladder``, sigma of the last factors by Mack's own rule:
  ``sigma_interpolation="mack"``).
- **Immature origins**: an origin whose reported share 1 / CDF_a is below
  ``min_reported`` (typically the care month that just ended, of which hardly anything has
  arrived) is not projected by chain-ladder, whose factor would be a ratio of near-zero
  amounts; the model projects it Bornhuetter-Ferguson style instead: the expected ultimate
  (client-months x cost per client-month) times the share still to come, 1 - 1 / CDF_a
  (:attr:`ChainLadder.reported_share_`). Mack's standard error is computed on the mature
  origins only.
- **Thin groups**: a municipality x segment with fewer than ``min_rows`` rows in its last
  12 care months uses the development pattern of its segment pooled over municipalities;
  its Mack error is the pooled one per origin, scaled by the square root of the group's
  share of the pooled IBNR (the process part of Mack's error grows with the square root of
  volume).
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Sequence
from typing import Any

import chainladder
import numpy as np
import pandas as pd
import polars as pl

from regie.engine import frames
from regie.engine.calendar import is_month_end
from regie.engine.catalog import Catalog, declaration_deadline
from regie.engine.forecast.base import Estimator, month_index, month_index_expr, month_of

#: The chainladder library, whose type hints are partial (its classes are used dynamically).
cl: Any = chainladder


def contract_table(catalog: Catalog) -> pl.DataFrame:
    """One row per contract and municipality: provider, segment, months, deadline rule."""
    rows = [
        {
            "contract": c.id,
            "provider": c.provider,
            "segment": c.segment,
            "municipality": m,
            "first_m": month_index(c.start),
            "last_m": month_index(c.end),
            "starts_on_first": c.start.day == 1,
            "rule": c.declaration_deadline,
        }
        for c in catalog.contracts
        for m in c.municipalities
    ]
    schema = {
        "contract": pl.Utf8,
        "provider": pl.Utf8,
        "segment": pl.Utf8,
        "municipality": pl.Utf8,
        "first_m": pl.Int64,
        "last_m": pl.Int64,
        "starts_on_first": pl.Boolean,
        "rule": pl.Utf8,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def match_contracts(catalog: Catalog, df: pl.DataFrame) -> pl.DataFrame:
    """``df`` (with provider, segment, municipality, care_month) plus its ``contract`` and ``deadline``.

    The contract is the one of the provider, segment and municipality that runs in the care
    month; when two do (a contract starting after the 1st), the one running on the 1st, as
    the ledger does. ``contract`` and ``deadline`` are null when none runs; ``deadline`` is
    also null under ``declaration_deadline = "none"``.
    """
    df = df.with_row_index("_row").with_columns(month_index_expr("care_month").alias("_care_m"))
    contracts = contract_table(catalog)
    matched = (
        df.select("_row", "provider", "segment", "municipality", "_care_m")
        .join(contracts, on=["provider", "segment", "municipality"], how="inner")
        .filter((pl.col("first_m") <= pl.col("_care_m")) & (pl.col("_care_m") <= pl.col("last_m")))
        .with_columns(((pl.col("first_m") < pl.col("_care_m")) | pl.col("starts_on_first")).alias("_on_first"))
        .sort(["_row", "_on_first", "first_m", "contract"], descending=[False, True, True, False])
        .unique("_row", keep="first")
        .select("_row", "contract", "rule")
    )
    df = df.join(matched, on="_row", how="left")
    pairs = df.select("rule", "care_month").unique().drop_nulls()
    deadlines = pl.DataFrame(
        {
            "rule": pairs["rule"],
            "care_month": pairs["care_month"],
            "deadline": [declaration_deadline(m, r) for r, m in pairs.iter_rows()],
        },
        schema={"rule": pl.Utf8, "care_month": pl.Date, "deadline": pl.Date},
    )
    df = df.join(deadlines, on=["rule", "care_month"], how="left")
    return df.sort("_row").drop("_row", "_care_m", "rule")


def arrival_period(column: str, as_of: dt.date) -> pl.Expr:
    """The month index of the period a date falls in, periods ending on ``as_of``'s day of
    the month (the last day of a shorter month; calendar months when ``as_of`` is a month
    end). The period that holds ``as_of`` is ``as_of``'s month.

    >>> df = pl.DataFrame({"a": [dt.date(2025, 5, 5), dt.date(2025, 5, 6), dt.date(2025, 2, 28)]})
    >>> day = dt.date(2025, 6, 5)
    >>> [m - month_index(day) for m in df.select(arrival_period("a", day)).to_series()]
    [-1, 0, -3]
    >>> [m - month_index(day) for m in df.select(arrival_period("a", dt.date(2025, 6, 30))).to_series()]
    [-1, -1, -4]
    """
    months = month_index_expr(column)
    if is_month_end(as_of):
        return months.alias("arrival_m")
    last_day = pl.min_horizontal(pl.lit(as_of.day), pl.col(column).dt.month_end().dt.day().cast(pl.Int64))
    later = (pl.col(column).dt.day().cast(pl.Int64) > last_day).cast(pl.Int64)
    return (months + later).alias("arrival_m")


def payable_rows(catalog: Catalog, declarations: pl.DataFrame, *, as_of: dt.date) -> pl.DataFrame:
    """Accepted declaration rows that arrived by ``as_of``, with the money they make due.

    Adds ``contract`` and ``deadline`` (:func:`match_contracts`), ``due_cents`` (see the
    module docstring), ``care_m`` (month index), ``arrival_m`` (the index of the arrival
    period, :func:`arrival_period`) and ``delay`` (months).

    >>> from regie.engine.catalog import Contract, Segment
    >>> c = Contract("k", "12345678", "S", ("0983",), dt.date(2025, 1, 1), dt.date(2025, 12, 31), tariffs={"45": 1})
    >>> cat = Catalog("r", (), (Segment("S", "s", "jeugd", "pxq", 1, 0, ("45",)),), (), (c,), ())
    >>> d = frames.frame("declarations", [
    ...     {"line_id": "a", "provider": "12345678", "segment": "S", "municipality": "0983",
    ...      "care_month": dt.date(2025, 1, 1), "arrival": dt.date(2025, 3, 15), "amount_cents": 100},
    ...     {"line_id": "b", "provider": "12345678", "segment": "S", "municipality": "0983",
    ...      "care_month": dt.date(2025, 1, 1), "arrival": dt.date(2025, 3, 16), "amount_cents": 50}])
    >>> payable_rows(cat, d, as_of=dt.date(2025, 4, 30)).select("line_id", "delay", "due_cents").rows()
    [('a', 2, 100), ('b', 2, 0)]
    """
    df = frames.as_of(frames.conform("declarations", declarations), "declarations", as_of)
    df = df.filter(pl.col("accepted").fill_null(True))
    df = df.with_columns(
        month_index_expr("care_month").alias("care_m"),
        arrival_period("arrival", as_of),
        pl.col("amount_cents").fill_null(0),
    )
    df = match_contracts(catalog, df)
    in_time = pl.col("deadline").is_null() | (pl.col("arrival") <= pl.col("deadline"))
    due = (
        pl.when(pl.col("contract").is_null())
        .then(0)
        .when((pl.col("amount_cents") < 0) | in_time)
        .then(pl.col("amount_cents"))
        .otherwise(0)
    )
    return df.with_columns(
        due.cast(pl.Int64).alias("due_cents"), (pl.col("arrival_m") - pl.col("care_m")).alias("delay")
    )


def triangle(rows: pl.DataFrame, *, by: Sequence[str], values: Sequence[str], first: int, last: int) -> pl.DataFrame:
    """Incremental amounts per group ``by``, care month (origin) and arrival month.

    Origins from month index ``first`` to ``last``; rows from :func:`payable_rows`. Columns:
    ``by``, ``origin_m``, ``arrival_m``, ``values``. Every origin of every group gets a row
    at delay 0 (zero when nothing arrived), so the triangle's grid is complete.
    """
    keys = list(by)
    part = rows.filter((pl.col("care_m") >= first) & (pl.col("care_m") <= last) & (pl.col("arrival_m") <= last))
    sums = part.group_by([*keys, "care_m", "arrival_m"]).agg(pl.col(v).sum().cast(pl.Float64) for v in values)
    sums = sums.rename({"care_m": "origin_m"})
    groups = part.select(keys).unique()
    grid = groups.join(
        pl.DataFrame({"origin_m": list(range(first, last + 1))}, schema={"origin_m": pl.Int64}), how="cross"
    )
    grid = grid.with_columns(pl.col("origin_m").alias("arrival_m"), *[pl.lit(0.0).alias(v) for v in values])
    both = (
        pl.concat([sums.select(grid.columns), grid])
        .group_by([*keys, "origin_m", "arrival_m"])
        .agg(pl.col(v).sum() for v in values)
    )
    return both.sort([*keys, "origin_m", "arrival_m"])


def to_chainladder(tri: pl.DataFrame, *, by: Sequence[str], value: str) -> Any:
    """A :func:`triangle` frame as a cumulative monthly ``cl.Triangle`` of column ``value``."""
    pdf = pd.DataFrame(
        {
            **{k: tri[k].to_list() for k in by},
            "origin": pd.to_datetime([month_of(m) for m in tri["origin_m"].to_list()]),
            "valuation": pd.to_datetime([month_of(m) for m in tri["arrival_m"].to_list()]),
            value: tri[value].to_list(),
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = cl.Triangle(
            pdf, origin="origin", development="valuation", columns=[value], index=list(by), cumulative=False
        )
        return t.incr_to_cum()


def _keys(t: Any, n: int) -> list[tuple[str, ...]]:
    """The index keys of a chainladder triangle as tuples of strings."""
    idx = t.index
    return [tuple(str(v) for v in row) for row in idx.itertuples(index=False, name=None)][:n]


def _undefined_factors(
    f: np.ndarray, tri: pl.DataFrame, keys: list[str], group: tuple[str, ...], value: str, first: int, valuation: int
) -> np.ndarray:
    """Factors chainladder leaves undefined (0 / 0, x / 0), made explicit.

    An age at which no origin has anything yet while the next age has something is a
    factor of infinity (nothing is reported at that age); an age where neither has
    anything (e.g. origins before a contract started) carries no information: factor 1.
    """
    if np.all(np.isfinite(f)):
        return f
    mine = tri.filter(pl.all_horizontal(pl.col(k) == v for k, v in zip(keys, group, strict=True)))
    n = valuation - first + 1
    incr = np.zeros((n, n))
    for o, a, v in mine.select("origin_m", "arrival_m", value).iter_rows():
        if a <= valuation:
            incr[o - first, a - o] += v
    cum = np.cumsum(incr, axis=1)
    out = f.copy()
    for j in np.flatnonzero(~np.isfinite(f)):
        rows = [o for o in range(n) if (n - 1 - o) >= j + 1]
        now = float(np.abs(cum[rows, j]).sum()) if rows else 0.0
        nxt = float(np.abs(cum[rows, j + 1]).sum()) if rows and j + 1 < n else 0.0
        out[j] = np.inf if now == 0 and nxt > 0 else 1.0
    return out


class ChainLadder(Estimator):
    """Chain-ladder IBNR with Mack's standard error, per group (see the module docstring).

    Parameters
    ----------
    min_reported : origins whose reported share (1 / CDF) is below this are immature.
    sigma_interpolation : how chainladder extrapolates sigma of the last factor
        (``"mack"``: Mack's 1993 rule, which the published figures use).

    Attributes (after :meth:`fit`)
    ------------------------------
    ldf_ : group -> array of age-to-age factors, age 0 first.
    cdf_ : group -> array of cumulative factors to ultimate, age 0 first.
    reported_share_ : group -> array of 1 / CDF per age (0 where nothing is reported yet).
    origins_ : frame per group and origin: ``origin_m``, ``age``, ``latest``, ``mature``,
        ``ibnr`` and ``se`` (Mack; null for immature origins), ``ultimate``.
    total_se_ : group -> Mack's standard error of the group's total IBNR over its mature
        origins (including the correlation through the shared factors).
    """

    def __init__(self, *, min_reported: float = 0.5, sigma_interpolation: str = "mack") -> None:
        self.min_reported = min_reported
        self.sigma_interpolation = sigma_interpolation

    def fit(self, tri: pl.DataFrame, *, by: Sequence[str], value: str, valuation: int) -> ChainLadder:
        """Fit on a :func:`triangle` frame valued at month index ``valuation``.

        Longer than 80 lines on purpose: one pass over the groups that fills, per group, the
        factors, the reported shares, Mack's errors and the origins frame together; the
        chainladder calls and the explicit undefined factors belong side by side.
        """
        keys = list(by)
        self.by_ = tuple(keys)
        self.valuation_ = valuation
        self.ldf_: dict[tuple[str, ...], np.ndarray] = {}
        self.cdf_: dict[tuple[str, ...], np.ndarray] = {}
        self.reported_share_: dict[tuple[str, ...], np.ndarray] = {}
        self.total_se_: dict[tuple[str, ...], float] = {}
        empty = pl.DataFrame(
            schema={
                **{k: pl.Utf8 for k in keys},
                "origin_m": pl.Int64,
                "age": pl.Int64,
                "latest": pl.Float64,
                "mature": pl.Boolean,
                "ibnr": pl.Float64,
                "se": pl.Float64,
                "ultimate": pl.Float64,
            }
        )
        if tri.height == 0:
            self.origins_ = empty
            return self
        first = int(tri["origin_m"].min())  # type: ignore[arg-type]
        n_ages = valuation - first + 1
        latest = (
            tri.filter(pl.col("arrival_m") <= valuation)
            .group_by([*keys, "origin_m"])
            .agg(pl.col(value).sum().alias("latest"))
            .with_columns((pl.lit(valuation) - pl.col("origin_m")).alias("age"))
        )
        # Fit on the origins older than the youngest mature age; the factors of the younger
        # ages come from the older origins anyway. Start by leaving out the current month and
        # refit when the pattern says another age is the youngest mature one.
        left_out = 1
        ibnr: dict[tuple[tuple[str, ...], int], tuple[float, float]] = {}
        for _ in range(n_ages):
            if valuation - left_out - first < 1:
                mature_age = left_out
                break
            part = tri.filter(pl.col("origin_m") <= valuation - left_out)
            mack, groups = self._mack(part, keys, value)
            ldf = np.asarray(mack.ldf_.values[:, 0, 0, :], dtype=np.float64)
            for i, g in enumerate(groups):
                f = np.ones(n_ages)
                width = min(n_ages - 1, ldf.shape[1])
                f[:width] = ldf[i, :width]
                f = _undefined_factors(f, part, keys, g, value, first, valuation)
                cdf = np.cumprod(f[::-1])[::-1]
                self.ldf_[g] = f
                self.cdf_[g] = cdf
                self.reported_share_[g] = np.where(np.isfinite(cdf) & (cdf > 0), 1.0 / cdf, 0.0)
            # the youngest age at which every group has reached the reported share
            # (a group that never gets there has no usable pattern of its own and is left out)
            mature_age = 0
            for share in self.reported_share_.values():
                ok = np.flatnonzero(share >= self.min_reported)
                if ok.size:
                    mature_age = max(mature_age, int(ok[0]))
            if mature_age == left_out or (mature_age > left_out and valuation - mature_age - first < 1):
                values = np.asarray(mack.ibnr_.values[:, 0, :, -1], dtype=np.float64)
                errors = np.asarray(mack.mack_std_err_.values[:, 0, :, -1], dtype=np.float64)
                totals = np.asarray(mack.total_mack_std_err_.values, dtype=np.float64).reshape(-1)
                # chainladder's origins run from the first origin to the valuation month
                for i, g in enumerate(groups):
                    self.total_se_[g] = float(totals[i]) if np.isfinite(totals[i]) else 0.0
                    for j in range(values.shape[1]):
                        v, e = values[i, j], errors[i, j]
                        ibnr[(g, first + j)] = (
                            float(v) if np.isfinite(v) else 0.0,
                            float(e) if np.isfinite(e) else 0.0,
                        )
                break
            left_out = mature_age
        else:  # pragma: no cover - the loop always breaks
            mature_age = left_out
        rows = []
        for row in latest.sort([*keys, "origin_m"]).iter_rows(named=True):
            g = tuple(str(row[k]) for k in keys)
            age = int(row["age"])
            mature = age >= mature_age
            value_ibnr: float | None = None
            se: float | None = None
            if mature:
                value_ibnr, se = ibnr.get((g, int(row["origin_m"])), (0.0, 0.0))
            rows.append(
                {
                    **{k: row[k] for k in keys},
                    "origin_m": int(row["origin_m"]),
                    "age": age,
                    "latest": float(row["latest"]),
                    "mature": mature,
                    "ibnr": value_ibnr,
                    "se": se,
                    "ultimate": float(row["latest"]) + value_ibnr if value_ibnr is not None else None,
                }
            )
        self.origins_ = pl.DataFrame(rows, schema=empty.schema, orient="row") if rows else empty
        self.mature_age_ = mature_age
        return self

    def _mack(self, tri: pl.DataFrame, keys: list[str], value: str) -> tuple[Any, list[tuple[str, ...]]]:
        """chainladder's Mack model of a triangle frame, and its groups in index order."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t = to_chainladder(tri, by=keys, value=value)
            dev = cl.Development(sigma_interpolation=self.sigma_interpolation).fit_transform(t)
            mack = cl.MackChainladder().fit(dev)
        return mack, _keys(t, t.shape[0])

    def share(self, group: tuple[str, ...], age: int) -> float:
        """The reported share of ``group`` at ``age`` (0 when unknown)."""
        self.check_fitted("reported_share_")
        s = self.reported_share_.get(group)
        if s is None or age >= s.size:
            return 1.0 if s is not None else 0.0
        return float(s[age])
