"""Stock and flow: client-months, exit hazards, inflow level, the simulation and its mean."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from regie.engine import frames
from regie.engine.forecast.base import month_index
from regie.engine.forecast.exposure import client_months, episodes_as_of, life_table
from regie.engine.forecast.stockflow import StockFlow

AGB = "12345678"


def episode(
    i: str, start: dt.date, end: dt.date | None = None, provider: str = AGB, **extra: object
) -> dict[str, object]:
    return {
        "episode_id": i,
        "client": f"c{i}",
        "provider": provider,
        "segment": "S",
        "municipality": "0983",
        "start": start,
        "start_arrival": start,
        "end": end,
        "end_arrival": end,
        **extra,
    }


def test_client_months_count_days_of_care() -> None:
    eps = frames.frame(
        "episodes",
        [
            episode("a", dt.date(2024, 1, 1)),  # whole months
            episode("b", dt.date(2024, 4, 16), dt.date(2024, 5, 15)),  # 15/30 of April, 15/31 of May
            episode("c", dt.date(2024, 4, 1), dt.date(2024, 4, 1)),  # one day
        ],
    )
    t = client_months(episodes_as_of(eps, dt.date(2024, 5, 31)), first=dt.date(2024, 4, 1), as_of=dt.date(2024, 5, 31))
    got = {m: (round(v, 6), n) for *_keys, m, v, n in t.iter_rows()}
    april, may = month_index(dt.date(2024, 4, 1)), month_index(dt.date(2024, 5, 1))
    assert got[april] == (round(1 + 15 / 30 + 1 / 30, 6), 3)
    assert got[may] == (round(1 + 15 / 31, 6), 2)


def test_client_months_stop_at_the_as_of_date() -> None:
    eps = frames.frame("episodes", [episode("a", dt.date(2024, 1, 1))])
    t = client_months(episodes_as_of(eps, dt.date(2024, 4, 10)), first=dt.date(2024, 4, 1), as_of=dt.date(2024, 4, 10))
    assert t["client_months"].to_list() == pytest.approx([10 / 30])


def test_life_table_by_hand() -> None:
    # four episodes start in January 2024 and leave after 0, 1 and 2 months; one stays:
    # h(0) = 1/4, h(1) = 1/3, h(2) = 1/2, h(3) = 0/1
    eps = frames.frame(
        "episodes",
        [
            episode("old", dt.date(2023, 1, 1), dt.date(2023, 3, 1)),  # the data begin earlier
            episode("a", dt.date(2024, 1, 1), dt.date(2024, 1, 20)),
            episode("b", dt.date(2024, 1, 1), dt.date(2024, 2, 20)),
            episode("c", dt.date(2024, 1, 1), dt.date(2024, 3, 20)),
            episode("d", dt.date(2024, 1, 1)),
        ],
    )
    model = StockFlow(window_months=4, min_at_risk=1, max_duration=6).fit(eps, as_of=dt.date(2024, 5, 31))
    assert model.hazard_["S"][:4] == pytest.approx([1 / 4, 1 / 3, 1 / 2, 0.0])


def test_life_table_pools_thin_bins() -> None:
    # bins 1 and 2 have 5 person-months each: together 10, one pool of 2 exits in 10
    assert life_table(np.array([40.0, 5.0, 5.0, 10.0]), np.array([4.0, 1.0, 1.0, 0.0]), 10).tolist() == pytest.approx(
        [0.1, 0.2, 0.2, 0.0]
    )
    # a thin last bin joins the pool before it
    assert life_table(np.array([40.0, 5.0]), np.array([4.0, 1.0]), 10).tolist() == pytest.approx([5 / 45, 5 / 45])


def test_transfers_count_as_long_running() -> None:
    # episodes starting in the first month of a municipality's data were in care before it
    eps = frames.frame("episodes", [episode("a", dt.date(2022, 1, 1)), episode("b", dt.date(2022, 2, 1))])
    stock = StockFlow(max_duration=36).fit(eps, as_of=dt.date(2022, 6, 30)).stock_
    assert dict(zip(stock["episode_id"], stock["d"], strict=True)) == {"a": 36, "b": 4}


def test_inflow_level_compares_with_last_year_on_the_same_day() -> None:
    # two starts a month in 2024, three a month in 2025: the level is 3 a month
    rows = [episode("first", dt.date(2023, 1, 1))]
    for m in range(1, 13):
        rows += [episode(f"x{m}-{i}", dt.date(2024, m, 10 + i)) for i in range(2)]
    for m in range(1, 7):
        rows += [episode(f"y{m}-{i}", dt.date(2025, m, 10 + i)) for i in range(3)]
    eps = frames.frame("episodes", rows)
    model = StockFlow(shrink=0.0).fit(eps, as_of=dt.date(2025, 6, 30))
    assert model.inflow_ratio_[("0983", "S")] == pytest.approx(1.5)
    assert model.inflow_level_[("0983", "S")] == pytest.approx(3.0)
    # with a few starts the ratio is shrunk towards 1: weights 0.5 ** (age / 6) over the six
    # months give 13.74 weighted starts now and 9.16 then; with 10 pseudo-starts the
    # segment's ratio is (13.74 + 10) / (9.16 + 10) and the municipality's is
    # (13.74 + 10 x that) / (9.16 + 10)
    w = sum(0.5 ** (i / 6) for i in range(6))
    prior = (3 * w + 10) / (2 * w + 10)
    shrunk = StockFlow(shrink=10.0).fit(eps, as_of=dt.date(2025, 6, 30))
    assert shrunk.inflow_ratio_[("0983", "S")] == pytest.approx((3 * w + 10 * prior) / (2 * w + 10))


def constant_stock(n: int = 20) -> StockFlow:
    rows = [episode("first", dt.date(2020, 1, 1), dt.date(2020, 2, 1))]
    rows += [episode(f"s{i}", dt.date(2021, 1, 1)) for i in range(n)]
    return StockFlow().fit(frames.frame("episodes", rows), as_of=dt.date(2025, 6, 30))


def test_a_stock_nobody_leaves_stays() -> None:
    model = constant_stock()
    expected = model.expected("0983", "S", 6)
    assert expected.client_months.sum(axis=1)[0] == pytest.approx([20.0] * 6)
    sim = model.simulate("0983", "S", 6, np.random.default_rng(1), 50)
    assert np.all(sim.client_months.sum(axis=1) == 20.0)


def churning() -> StockFlow:
    """Two years of steady inflow (10 a month) and two-to-eight month stays."""
    rng = np.random.default_rng(7)
    rows = [episode("first", dt.date(2022, 1, 1), dt.date(2022, 1, 5))]
    day0 = dt.date(2022, 3, 1)
    for i in range(600):
        start = day0 + dt.timedelta(days=int(rng.integers(0, 1200)))
        end = start + dt.timedelta(days=int(rng.integers(60, 240)))
        rows.append(episode(f"e{i}", start, end if end <= dt.date(2025, 6, 30) else None))
    eps = frames.frame("episodes", rows).filter(pl.col("start") <= dt.date(2025, 6, 30))
    return StockFlow().fit(eps, as_of=dt.date(2025, 6, 30))


def test_the_simulation_averages_to_the_expected_months() -> None:
    model = churning()
    expected = model.expected("0983", "S", 6).client_months.sum(axis=1)[0]
    sim = model.simulate("0983", "S", 6, np.random.default_rng(3), 3000)
    mean = sim.client_months.sum(axis=1).mean(axis=0)
    assert mean == pytest.approx(expected, rel=0.04)
    assert np.all(sim.client_months.sum(axis=1).std(axis=0) > 0)


def test_the_simulation_is_deterministic_with_a_seed() -> None:
    model = churning()
    a = model.simulate("0983", "S", 6, np.random.default_rng(5), 100).client_months
    b = model.simulate("0983", "S", 6, np.random.default_rng(5), 100).client_months
    c = model.simulate("0983", "S", 6, np.random.default_rng(6), 100).client_months
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)
