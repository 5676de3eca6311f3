"""The year-end forecast on hand-computed cases: constant stock, lump sum, per-client price,
the JSON contract, determinism and the as-of rule."""

from __future__ import annotations

import datetime as dt
import functools
import json
from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.engine import factories as f
from tests.engine.factories import AGB, AGB2, MUNI

from regie.engine import frames
from regie.engine.catalog import Budget, Catalog, Contract
from regie.engine.forecast import YearEndForecast
from regie.engine.forecast.history import changes, forecast_history
from regie.engine.forecast.per_client import PerClientForecast

TARIFF = 10_000  # cents per unit; one unit per client-month


def pxq_case(clients: int = 10, budget: int = 1_000_000) -> tuple[Catalog, pl.DataFrame, pl.DataFrame]:
    """``clients`` clients in care since 2022 who never leave, nobody new; each declares one
    unit a month at 100 euro, arriving on the 5th of the next month (well within the deadline)."""
    return f.steady_pxq(clients, budget, TARIFF)


def fit(case: tuple[Catalog, pl.DataFrame, pl.DataFrame], as_of: dt.date, **settings: Any) -> YearEndForecast:
    catalog, episodes, declarations = case
    options: dict[str, Any] = {"n_paths": 200, "cost_drift": 0.0, **settings}
    return YearEndForecast(**options).fit(catalog, episodes, declarations, year=2025, as_of=as_of)


def test_constant_stock_remaining_is_stock_times_cost_times_months() -> None:
    # as of 30 June: January-May declared (10 x 5 x 100 euro), June not yet (it arrives on
    # 5 July): IBNR = 10 x 100 euro; July-December: 10 clients x 100 euro x 6 months
    model = fit(pxq_case(), dt.date(2025, 6, 30))
    (row,) = model.rows_
    assert row.realised == 10 * 5 * TARIFF
    assert row.ibnr == 10 * TARIFF
    assert row.remaining == 10 * TARIFF * 6
    assert row.forecast == 12 * 10 * TARIFF
    assert row.low == row.high == row.forecast  # no exits, no inflow, no cost drift: no uncertainty
    assert row.warning  # 1,200,000 cents above the budget of 1,000,000
    # drivers: last year's rates give the same 1,200,000; the budget is 200,000 short of it
    parts = row.driver_parts
    assert parts["plan"] == pytest.approx(200_000, abs=1)
    assert sum(parts.values()) == pytest.approx(row.forecast - 1_000_000, abs=1)
    for name in ("inflow", "outflow", "duration", "cost_per_client", "late_declarations"):
        assert parts[name] == pytest.approx(0, abs=1)
    # next year: the same stock for twelve more months
    (nxt,) = model.next_year_
    assert nxt.forecast == 12 * 10 * TARIFF
    assert nxt.realised == nxt.ibnr == 0


def test_document_follows_the_json_contract() -> None:
    model = fit(pxq_case(), dt.date(2025, 6, 30))
    doc = model.document()
    assert json.loads(json.dumps(doc)) == doc  # one JSON document, nothing exotic in it
    (row,) = doc["rows"]
    assert list(row)[: len(f.FORECAST_ROW_KEYS)] == f.FORECAST_ROW_KEYS
    assert row["realised"] + row["ibnr"] + row["remaining"] == row["forecast"]
    assert all(isinstance(row[k], int) for k in ("budget", "realised", "ibnr", "remaining", "forecast", "low", "high"))
    assert sum(d["cents"] for d in row["drivers"]) == row["forecast"] - row["budget"]
    assert {d["driver"] for d in row["drivers"]} == {
        "plan",
        "inflow",
        "outflow",
        "duration",
        "cost_per_client",
        "late_declarations",
    }
    assert doc["providers"][0]["provider"] == AGB
    assert doc["next_year"][0]["budget"] is None  # no budget for 2026 in the catalog


def test_a_late_month_of_declarations_is_not_paid() -> None:
    # the provider sends March 2025 after the deadline (15 May): that month pays nothing
    catalog, episodes, declarations = pxq_case()
    late = pl.col("care_month") == dt.date(2025, 3, 1)
    declarations = declarations.with_columns(
        pl.when(late).then(pl.lit(dt.date(2025, 5, 20))).otherwise(pl.col("arrival")).alias("arrival")
    )
    model = fit((catalog, episodes, declarations), dt.date(2025, 6, 30))
    (row,) = model.rows_
    assert row.realised == 10 * 4 * TARIFF


def test_same_seed_same_forecast_and_the_seed_matters() -> None:
    case = pxq_case()
    a = fit(case, dt.date(2025, 6, 30), cost_drift=0.2, seed=1).rows_
    b = fit(case, dt.date(2025, 6, 30), cost_drift=0.2, seed=1).rows_
    c = fit(case, dt.date(2025, 6, 30), cost_drift=0.2, seed=2).rows_
    assert a == b
    assert (a[0].low, a[0].high) != (c[0].low, c[0].high)


late_rows = st.lists(
    st.tuples(
        st.integers(0, 9),  # client
        st.integers(0, 11),  # care month of 2025
        st.integers(1, 400),  # days after the as-of date it arrives
        st.integers(-50_000, 500_000),  # amount
    ),
    min_size=1,
    max_size=8,
)


@functools.cache
def _before_late_rows() -> YearEndForecast:
    return fit(pxq_case(), dt.date(2025, 6, 30))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(extra=late_rows, episodes_after=st.integers(0, 3))
def test_rows_that_arrive_after_the_as_of_date_change_nothing(
    extra: list[tuple[int, int, int, int]], episodes_after: int
) -> None:
    as_of = dt.date(2025, 6, 30)
    catalog, episodes, declarations = pxq_case()
    before = _before_late_rows()
    more = frames.frame(
        "declarations",
        [
            {
                "line_id": f"late{i}",
                "provider": AGB,
                "segment": "JGD",
                "municipality": MUNI,
                "client": f"c{client}",
                "product_category": "45",
                "product_code": "45A01",
                "care_month": dt.date(2025, month + 1, 1),
                "arrival": as_of + dt.timedelta(days=days),
                "volume": 1,
                "unit": "04",
                "amount_cents": amount,
                "accepted": True,
            }
            for i, (client, month, days, amount) in enumerate(extra)
        ],
    )
    new_episodes = frames.frame(
        "episodes",
        [
            {
                "episode_id": f"n{i}",
                "client": f"n{i}",
                "provider": AGB,
                "segment": "JGD",
                "municipality": MUNI,
                "start": as_of - dt.timedelta(days=10 * i),
                "start_arrival": as_of + dt.timedelta(days=1 + i),
            }
            for i in range(episodes_after)
        ],
    )
    # a stop that arrives after the as-of date leaves the episode open as of that date
    stopped = episodes.with_columns(
        pl.when(pl.col("episode_id") == "e0").then(as_of - dt.timedelta(days=5)).otherwise(None).alias("end"),
        pl.when(pl.col("episode_id") == "e0").then(as_of + dt.timedelta(days=3)).otherwise(None).alias("end_arrival"),
    )
    after = fit(
        (catalog, pl.concat([stopped, new_episodes]), pl.concat([declarations, more])),
        as_of,
    )
    assert after.rows_ == before.rows_
    assert after.providers_ == before.providers_


def lump_sum_case() -> tuple[Catalog, pl.DataFrame, pl.DataFrame]:
    """A lump sum of 120,000 euro a year for 10 expected clients; 12 clients in care, none new."""
    segment = f.segment("JA", "lump_sum", name="Jeugd A")
    contract = Contract(
        "ls",
        AGB,
        "JA",
        (MUNI,),
        dt.date(2023, 1, 1),
        dt.date(2025, 12, 31),
        lump_sum=12_000_000,
        expected_clients=10,
        tariffs={"45A11": 1_200_000},
    )
    catalog = f.catalog([segment], [contract], [Budget(MUNI, "JA", 2025, 12_500_000)], providers={AGB: "Zorg"})
    episodes = frames.frame("episodes", [f.episode(i, dt.date(2023, 1, 1), segment="JA") for i in range(12)])
    return catalog, episodes, frames.frame("declarations")


def test_lump_sum_forecasts_its_lump_sum_and_warns_on_volume() -> None:
    model = fit(lump_sum_case(), dt.date(2025, 4, 30))
    (row,) = model.rows_
    assert row.funding_model == "lump_sum"
    assert row.forecast == row.low == row.high == 12_000_000  # the lump sum is hard
    assert row.realised == 4_000_000  # four monthly instalments of 10,000 euro
    assert row.ibnr == 0
    assert row.remaining == 8_000_000
    assert row.clients is not None and row.clients.mean == 12
    assert row.expected_clients == 10
    assert row.warning  # 12 clients against the 10 the lump sum was based on
    assert row.care_cost is not None and row.care_cost.mean == 12 * 1_200_000
    doc = row.as_dict()
    assert doc["care_cost"]["forecast"] == 14_400_000
    assert doc["clients"]["expected"] == 10


def per_client_case() -> tuple[Catalog, pl.DataFrame, pl.DataFrame]:
    """Two providers paid per client, 8,000 euro each; agreed 5 and 3 clients. Provider 1 has
    6 clients (above its agreement), provider 2 has 2; everybody declares every month."""
    contracts = [
        Contract(
            name,
            agb,
            "IB",
            (MUNI,),
            dt.date(2024, 1, 1),
            dt.date(2025, 12, 31),
            agreed_clients=n,
            price_per_client=800_000,
        )
        for name, agb, n in (("p1", AGB, 5), ("p2", AGB2, 3))
    ]
    segment = f.segment("IB", "per_client", name="Wmo IB", products=["02"])
    budgets = [Budget(MUNI, "IB", 2025, 7_000_000)]
    catalog = f.catalog([segment], contracts, budgets, providers={AGB: "Een", AGB2: "Twee"})
    who = [(AGB, i) for i in range(6)] + [(AGB2, i) for i in range(6, 8)]
    episodes = frames.frame("episodes", [f.episode(i, dt.date(2024, 1, 1), provider=p, segment="IB") for p, i in who])
    rows = [
        f.declaration(
            f"{p}:{i}:{m}", f"c{i}", m, f.next_month(m, 5), 66_667, provider=p, segment="IB", product="02A01", unit="82"
        )
        for p, i in who
        for m in f.months(dt.date(2024, 1, 1), dt.date(2025, 12, 1))
    ]
    return catalog, episodes, frames.frame("declarations", rows)


def test_per_client_price_pays_counted_clients_up_to_the_agreement() -> None:
    # provider 1: min(6, 5) x 8,000; provider 2: min(2, 3) x 8,000 -> 56,000 euro
    model = fit(per_client_case(), dt.date(2025, 6, 30))
    (row,) = model.rows_
    assert row.forecast == row.low == row.high == 5_600_000
    # realised = what the rules make due on the clients counted so far (everybody in care
    # has been declared: the whole 56,000); the advances paid beside it: 6 months of
    # (5 + 3) x 8,000 / 12
    assert row.realised == 5_600_000
    assert row.advances == 3_200_000
    assert row.ibnr == 0
    assert row.remaining == 0
    assert row.realised + row.ibnr + row.remaining == row.forecast
    assert not row.warning
    providers = {p.provider: p for p in model.providers_}
    assert providers[AGB].forecast == 4_000_000 and providers[AGB].clients is not None
    assert providers[AGB].clients.mean == 6
    assert providers[AGB2].forecast == 1_600_000
    assert sum(row.driver_parts.values()) == pytest.approx(5_600_000 - 7_000_000, abs=1)


def test_history_explains_each_move_by_the_drivers() -> None:
    catalog, episodes, declarations = pxq_case()
    history = forecast_history(
        catalog,
        episodes,
        declarations,
        year=2025,
        through=dt.date(2025, 3, 31),
        model=YearEndForecast(n_paths=100, cost_drift=0.0),
    )
    assert [p.as_of for p in history] == [dt.date(2025, 1, 31), dt.date(2025, 2, 28), dt.date(2025, 3, 31)]
    moves = changes(history)
    assert len(moves) == 2
    for move in moves:
        assert sum(move.drivers.values()) == pytest.approx(move.change, abs=2)


def test_new_clients_go_to_providers_with_room_under_their_agreement() -> None:
    # provider 1 (agreed 5) has 4 clients and would get 3 new ones by its share; provider 2
    # (agreed 3) has 1 and would get 1. Steered: the 3 places left (1 + 2) are filled first,
    # in proportion to the room; the 1 client beyond all room goes by share (3/4, 1/4).
    model = fit(per_client_case(), dt.date(2025, 6, 30), n_paths=1)
    known = {(MUNI, AGB): np.array([4.0]), (MUNI, AGB2): np.array([1.0])}
    clients = {(MUNI, AGB): np.array([7.0]), (MUNI, AGB2): np.array([2.0])}
    PerClientForecast(n_paths=1).steer(model.context_, "IB", [MUNI], clients, known)
    assert clients[(MUNI, AGB)] == pytest.approx([4 + 1 + 0.75])
    assert clients[(MUNI, AGB2)] == pytest.approx([1 + 2 + 0.25])
    unsteered = fit(per_client_case(), dt.date(2025, 6, 30), n_paths=1, steering=0.0)
    clients = {(MUNI, AGB): np.array([7.0]), (MUNI, AGB2): np.array([2.0])}
    PerClientForecast(n_paths=1, steering=0.0).steer(unsteered.context_, "IB", [MUNI], clients, known)
    assert clients[(MUNI, AGB)] == pytest.approx([7.0])
