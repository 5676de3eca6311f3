"""The Kaplan-Meier median, for many groups at once.

The duration indicator (:mod:`regie.engine.indicators.duration`) is a Kaplan-Meier median per
group and period, so open episodes count as censored instead of being left out. The estimate
is written here with numpy and polars rather than taken from lifelines (design.md names
lifelines for it): lifelines fits one sample at a time, and an indicator table by provider x
segment x month has thousands of groups; one sort of a combined key computes them all at
once. The arithmetic follows lifelines' ``KaplanMeierFitter`` step by step, so the medians are
identical, which ``tests/engine/test_indicators_km.py`` checks against lifelines with
hypothesis. See docs/adr/0007-kaplan-meier-by-hand.md.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import polars as pl

# Combined integer sort keys must stay below this.
_MAX_KEY = 2**62


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
    if (int(group.max()) + 1) * span * 2 >= _MAX_KEY:
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
