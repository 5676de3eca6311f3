"""The vectorised Kaplan-Meier median gives exactly lifelines' medians."""

from __future__ import annotations

import math
import warnings

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from lifelines import KaplanMeierFitter

from regie.engine.indicators import km_median, km_median_table


def lifelines_median(durations: list[int], observed: list[bool]) -> int | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = KaplanMeierFitter().fit(durations, observed).median_survival_time_
    return None if math.isinf(value) else int(value)


samples = st.lists(st.tuples(st.integers(0, 60), st.booleans()), min_size=1, max_size=40)


@settings(max_examples=150, deadline=None)
@given(samples)
def test_one_sample_matches_lifelines(sample: list[tuple[int, bool]]) -> None:
    durations = [d for d, _ in sample]
    observed = [o for _, o in sample]
    assert km_median(durations, observed) == lifelines_median(durations, observed)


@settings(max_examples=30, deadline=None)
@given(st.lists(samples, min_size=1, max_size=8))
def test_many_groups_at_once_match_lifelines(groups: list[list[tuple[int, bool]]]) -> None:
    rows = [(g, d, o) for g, sample in enumerate(groups) for d, o in sample]
    table = pl.DataFrame(rows, schema={"g": pl.Int64, "duration": pl.Int64, "observed": pl.Boolean}, orient="row")
    got = dict(km_median_table(table, ["g"]).rows())
    for g, sample in enumerate(groups):
        assert got[g] == lifelines_median([d for d, _ in sample], [o for _, o in sample])


def test_random_large_groups_match_lifelines() -> None:
    rng = np.random.default_rng(7)
    rows = []
    expected = {}
    for g in range(80):
        n = int(rng.integers(1, 300))
        d = rng.integers(0, 400, n).tolist()
        o = (rng.random(n) < rng.random()).tolist()
        rows += [(g, x, y) for x, y in zip(d, o, strict=True)]
        expected[g] = lifelines_median(d, o)
    table = pl.DataFrame(rows, schema={"g": pl.Int64, "duration": pl.Int64, "observed": pl.Boolean}, orient="row")
    assert dict(km_median_table(table, ["g"]).rows()) == expected


def test_weights_count_as_repeated_subjects() -> None:
    table = pl.DataFrame({"duration": [5, 9], "observed": [True, False], "w": [1, 3]})
    assert km_median_table(table, [], weight="w")["duration"][0] is None  # S(5) = 3/4
    table = pl.DataFrame({"duration": [5, 9], "observed": [True, False], "w": [2, 2]})
    assert km_median_table(table, [], weight="w")["duration"][0] == 5  # S(5) = 2/4


def test_exact_half_is_the_median() -> None:
    # Two subjects, one ends at 7: S(7) = 1/2, which is "at or below 0.5".
    assert km_median([7, 12], [True, False]) == 7
    assert km_median([7, 12], [False, False]) is None
    assert km_median([0, 3], [True, True]) == 0
