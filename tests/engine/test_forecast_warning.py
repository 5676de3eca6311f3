"""Early warning and the driver decomposition: hand cases and the invariant that the parts
add up to the difference between forecast and budget."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from regie.engine.forecast.warning import (
    DRIVERS,
    Volumes,
    change_drivers,
    client_drivers,
    driver_list,
    main_driver,
    volume_drivers,
    warning,
)


def test_warning_when_forecast_or_top_of_range_passes_the_ceiling() -> None:
    assert warning(forecast=101, high=120, ceiling=100)
    assert warning(forecast=90, high=101, ceiling=100)  # the range reaches over it
    assert not warning(forecast=90, high=100, ceiling=100)  # reaching it is not passing it
    assert not warning(forecast=500, high=900, ceiling=None)  # no budget, no warning


PLAN = Volumes(stock_months=600.0, starts=100.0, start_months=400.0, cost=1_000.0, paid_share=1.0)


def test_more_inflow_is_named_inflow() -> None:
    # 20 % more new episodes, each staying as long as planned: 20 x 4 months x 1,000 cents
    now = Volumes(600.0, 120.0, 480.0, 0.0, 1.0)
    parts = volume_drivers(PLAN, now, forecast=1_080_000, budget=1_000_000)
    assert parts["plan"] == pytest.approx(0.0)
    assert parts["inflow"] == pytest.approx(80_000)
    for name in ("outflow", "duration", "cost_per_client", "late_declarations"):
        assert parts[name] == pytest.approx(0.0, abs=1e-6)
    assert main_driver(parts) == "inflow"


def test_longer_stays_less_outflow_and_higher_cost_by_hand() -> None:
    # the stock stays 50 client-months longer, new episodes 4.5 instead of 4 months, and a
    # client-month costs 1,100 instead of 1,000 cents:
    #   outflow  = 50 x 1,000                      =  50,000
    #   duration = 100 x 0.5 x 1,000               =  50,000
    #   cost     = (650 + 450) x 100                = 110,000
    now = Volumes(650.0, 100.0, 450.0, 0.0, 1.0)
    forecast = (650 + 450) * 1_100
    parts = volume_drivers(PLAN, now, forecast=forecast, budget=900_000)
    assert parts["plan"] == pytest.approx(100_000)
    assert parts["outflow"] == pytest.approx(50_000)
    assert parts["duration"] == pytest.approx(50_000)
    assert parts["cost_per_client"] == pytest.approx(110_000)
    assert main_driver(parts) == "cost_per_client"


def test_more_late_declarations_lower_spending() -> None:
    # 10 % of the declared care now arrives after the deadline: 10 % less is paid
    now = Volumes(600.0, 100.0, 400.0, 0.0, 0.9)
    parts = volume_drivers(PLAN, now, forecast=900_000, budget=1_000_000)
    assert parts["late_declarations"] == pytest.approx(-100_000)
    assert parts["cost_per_client"] == pytest.approx(0.0, abs=1e-6)
    assert main_driver(parts) is None


volume = st.floats(0.0, 1e5, allow_nan=False)
positive = st.floats(1.0, 1e5, allow_nan=False)
share = st.floats(0.05, 1.0, allow_nan=False)
money = st.floats(0.0, 1e10, allow_nan=False)


@given(volume, volume, volume, positive, share, volume, volume, volume, share, money, money)
def test_volume_drivers_sum_to_forecast_minus_budget(
    s0: float,
    n0: float,
    m0: float,
    c0: float,
    q0: float,
    s1: float,
    n1: float,
    m1: float,
    q1: float,
    forecast: float,
    budget: float,
) -> None:
    parts = volume_drivers(Volumes(s0, n0, m0, c0, q0), Volumes(s1, n1, m1, 0.0, q1), forecast, budget)
    assert set(parts) == set(DRIVERS)
    assert sum(parts.values()) == pytest.approx(forecast - budget, rel=1e-9, abs=1e-3)


@given(volume, volume, volume, volume, positive, money, money)
def test_client_drivers_sum_to_forecast_minus_budget(
    ps: float, pn: float, s: float, n: float, value: float, forecast: float, budget: float
) -> None:
    parts = client_drivers(ps, pn, s, n, value, forecast, budget)
    assert parts["duration"] == 0.0
    assert sum(parts.values()) == pytest.approx(forecast - budget, rel=1e-9, abs=1e-3)


@given(st.lists(st.floats(-1e9, 1e9, allow_nan=False), min_size=6, max_size=6))
def test_driver_rows_keep_the_rounded_total(values: list[float]) -> None:
    parts = dict(zip(DRIVERS, values, strict=True))
    rows = driver_list(parts)
    assert sum(int(r["cents"]) for r in rows) == round(sum(values))  # type: ignore[call-overload]
    assert [abs(int(r["cents"])) for r in rows] == sorted((abs(int(r["cents"])) for r in rows), reverse=True)  # type: ignore[call-overload]


def test_change_drivers_explain_a_month_on_month_move() -> None:
    before = {
        "plan": -10.0,
        "inflow": 30.0,
        "outflow": 0.0,
        "duration": 5.0,
        "cost_per_client": 0.0,
        "late_declarations": 0.0,
    }
    after = {
        "plan": -10.0,
        "inflow": 45.0,
        "outflow": -2.0,
        "duration": 5.0,
        "cost_per_client": 1.0,
        "late_declarations": 0.0,
    }
    move = change_drivers(before, after)
    assert move["inflow"] == 15.0 and move["outflow"] == -2.0
    assert sum(move.values()) == pytest.approx(sum(after.values()) - sum(before.values()))
