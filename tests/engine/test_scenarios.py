"""Scenarios on the forecast, by hand: a steady region, a known inflow, the decomposition
adding up to the cent, and the outlook starting from the stock the year ends with."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.engine.test_forecast_model import TARIFF, fit, pxq_case

from regie.engine.scenarios import (
    Cell,
    Change,
    Group,
    Plan,
    Profile,
    Scenario,
    ScenarioError,
    apply_scenario,
    dumps_scenario,
    parse_population,
    parse_scenario,
    run,
    split,
)
from regie.engine.scenarios.build import build_profile

AS_OF = dt.date(2025, 6, 30)
FIRST = 2025 * 12 + 6  # July 2025


def _row(forecast: int, remaining: int) -> dict[str, object]:
    return {
        "municipality": "0983",
        "segment": "S",
        "budget": None,
        "ceiling": None,
        "realised": forecast - remaining,
        "ibnr": 0,
        "remaining": remaining,
        "forecast": forecast,
        "low": forecast,
        "high": forecast,
        "warning": False,
        "drivers": [],
    }


def _profile(cell: Cell, forecast: int, remaining: int, years: int = 0) -> Profile:
    group = Group("0983", "S", "pxq", "jeugd", _row(forecast, remaining), {}, None, (cell,))
    return Profile(2025, AS_OF, FIRST, cell.horizon, years, (group,), {})


def steady(stock: float = 10.0, hazard: float = 0.0, rate: float = 100.0, horizon: int = 18) -> Cell:
    """A provider whose stock stays the same: as many start as leave each month."""
    starts = np.full(horizon, stock * hazard / (1 - hazard))
    return Cell("0983", "S", "P", "client_months", FIRST, stock, starts, np.full(horizon, hazard), rate, (rate,))


def test_a_tariff_rise_of_10_percent_from_october_adds_three_months_of_10_percent() -> None:
    cell = steady(stock=10.0, hazard=0.1)
    month = float(run([cell], Plan.neutral(1, cell.horizon), 2025).money[0, 0])
    profile = _profile(cell, 1_000_000, round(6 * month))
    change = Change("tariff", dt.date(2025, 10, 1), factor=1.1)
    doc = apply_scenario(profile, Scenario("index", (change,)), {})
    (row,) = doc["rows"]
    assert row["difference"] == round(3 * month * 0.1)
    assert row["baseline"] == 1_000_000 and row["forecast"] == 1_000_000 + row["difference"]


def test_the_tariff_scenario_on_the_fitted_steady_forecast() -> None:
    # 10 clients who never leave at 100 euro a month: October-December x 10 % = 3 x 100 euro
    model = fit(pxq_case(), AS_OF)
    scenario = parse_scenario('name = "Index"\n[[change]]\nkind = "tariff"\nfactor = 1.1\nfrom = "2025-10"\n')
    doc = apply_scenario(build_profile(model), scenario, {})
    (row,) = doc["rows"]
    assert row["baseline"] == 12 * 10 * TARIFF
    assert row["difference"] == 3 * 10 * TARIFF // 10
    assert row["changes"][0]["cents"] == row["difference"]


def test_an_inflow_factor_on_a_region_with_known_inflow() -> None:
    # nobody in care, 4 new episodes a month who never leave; from October 1.5 x the inflow:
    # client-months (B + N/2) per month, so Oct-Dec gain 2 + 2 + 2 new episodes' months
    horizon = 18
    cell = Cell(
        "0983", "S", "P", "client_months", FIRST, 0.0, np.full(horizon, 4.0), np.zeros(horizon), 100.0, (100.0,)
    )
    units = run([cell], Plan.neutral(1, horizon), 2025).units[0]
    assert units[:6].tolist() == [2.0, 6.0, 10.0, 14.0, 18.0, 22.0]  # July-December
    profile = _profile(cell, 1_000_000, round(100.0 * units[:6].sum()))
    change = Change("inflow", dt.date(2025, 10, 1), factor=1.5)
    (row,) = apply_scenario(profile, Scenario("groei", (change,)), {})["rows"]
    # extra starts: 2 a month from October; their months: Oct 1, Nov 3, Dec 5 = 9 client-months
    assert row["difference"] == 9 * 100


def test_a_change_before_the_first_open_month_holds_from_that_month() -> None:
    cell = steady(stock=10.0)
    profile = _profile(cell, 600_000, 6_000)
    early = apply_scenario(profile, Scenario("x", (Change("tariff", dt.date(2025, 1, 1), factor=2.0),)), {})
    july = apply_scenario(profile, Scenario("x", (Change("tariff", dt.date(2025, 7, 1), factor=2.0),)), {})
    assert early["rows"][0]["difference"] == july["rows"][0]["difference"] == 6_000


def test_the_outlook_starts_from_the_stock_the_year_ends_with() -> None:
    model = fit(pxq_case(), AS_OF)
    profile = build_profile(model, years=2)
    (group,) = profile.groups
    cells = list(group.cells)
    alive = run(cells, Plan.neutral(len(cells), profile.horizon), 2025).alive
    december = 2025 * 12 + 11 - profile.first
    expected = model.stockflow_.expected("0983", "JGD", december + 1 + (profile.first - model.stockflow_.first_))
    assert alive[:, december].sum() == pytest.approx(float(expected.alive[0, :, -1].sum()))
    doc = apply_scenario(profile, Scenario("leeg", (Change("tariff", dt.date(2026, 1, 1), factor=1.0),)), {})
    (row,) = doc["rows"]
    assert [o["year"] for o in row["outlook"]] == [2026, 2027]
    # next year's forecast is the outlook's first year; the range widens with the years
    assert row["outlook"][0]["baseline"] == model.next_year_[0].forecast
    assert row["outlook"][0]["forecast"] == model.next_year_[0].forecast


def test_the_range_widens_with_the_years() -> None:
    cell = steady(stock=10.0, hazard=0.1, horizon=6 + 12 * 3)
    group = Group(
        "0983",
        "S",
        "pxq",
        "jeugd",
        _row(100_000, 6_000),
        {},
        {"forecast": 12_000, "low": 10_000, "high": 14_000},
        (cell,),
    )
    profile = Profile(2025, AS_OF, FIRST, cell.horizon, 3, (group,), {})
    (row,) = apply_scenario(profile, Scenario("x", (Change("tariff", dt.date(2030, 1, 1), factor=1.0),)), {})["rows"]
    widths = [(o["high"] - o["low"]) / o["forecast"] for o in row["outlook"]]
    assert widths[0] < widths[1] < widths[2]


kinds = st.sampled_from(["tariff", "inflow", "duration", "capacity", "provider_exit"])


@st.composite
def changes(draw: st.DrawFn) -> Change:
    kind = draw(kinds)
    start = (
        dt.date(2025, draw(st.integers(1, 12)), 1)
        if draw(st.booleans())
        else dt.date(2026, draw(st.integers(1, 12)), 1)
    )
    factor = draw(st.floats(0.5, 2.0))
    if kind == "capacity":
        return Change(kind, start, from_provider="P", to_provider="Q", clients=draw(st.floats(0, 20)))
    if kind == "provider_exit":
        return Change(kind, start, provider=draw(st.sampled_from(["P", "Q"])))
    return Change(kind, start, factor=factor)


@settings(max_examples=60, deadline=None)
@given(st.lists(changes(), min_size=1, max_size=5), st.floats(0.0, 0.3), st.integers(1, 9_999_999))
def test_the_parts_add_up_to_the_difference_to_the_cent(chs: list[Change], hazard: float, remaining: int) -> None:
    horizon = 6 + 24
    p = steady(stock=12.0, hazard=hazard, rate=123.45, horizon=horizon)
    q = Cell(
        "0983", "S", "Q", "client_months", FIRST, 5.0, np.full(horizon, 1.5), np.full(horizon, 0.05), 99.9, (80.0,)
    )
    group = Group(
        "0983",
        "S",
        "pxq",
        "jeugd",
        _row(remaining + 777, remaining),
        {"P": _row(500, 100)},
        {"forecast": 1000, "low": 900, "high": 1100},
        (p, q),
    )
    profile = Profile(2025, AS_OF, FIRST, horizon, 2, (group,), {})
    doc = apply_scenario(profile, Scenario("x", tuple(chs)), {})
    for row in doc["rows"] + doc["providers"]:
        assert sum(c["cents"] for c in row["changes"]) == row["difference"] == row["forecast"] - row["baseline"]
        for year in row.get("outlook", []):
            assert sum(c["cents"] for c in year["changes"]) == year["forecast"] - year["baseline"]
    assert sum(c["cents"] for c in doc["totals"]["changes"]) == doc["totals"]["difference"]


def test_split_rounds_the_running_total() -> None:
    assert split(0, [0.5, 0.5, -1.0]) == [1, 0, -1]
    assert sum(split(10, [0.3] * 10)) == 3


def test_a_provider_leaving_moves_its_clients_to_the_others_at_their_cost() -> None:
    horizon = 18
    p = Cell("0983", "S", "P", "client_months", FIRST, 10.0, np.zeros(horizon), np.zeros(horizon), 100.0, (100.0,))
    q = Cell("0983", "S", "Q", "client_months", FIRST, 10.0, np.zeros(horizon), np.zeros(horizon), 150.0, (150.0,))
    group = Group("0983", "S", "pxq", "jeugd", _row(100_000, 12_000 + 18_000 - 12_000), {}, None, (p, q))
    profile = Profile(2025, AS_OF, FIRST, horizon, 0, (group,), {})
    (row,) = apply_scenario(profile, Scenario("x", (Change("provider_exit", dt.date(2025, 10, 1), provider="P"),)), {})[
        "rows"
    ]
    # 10 clients x 3 months move from 100 to 150 a client-month
    assert row["difference"] == 10 * 3 * 50


def test_scenario_files_are_checked_and_round_trip() -> None:
    text = 'name = "A"\n[[change]]\nkind = "funding_model"\nsegment = "S"\nmodel = "lump_sum"\nfrom = 2025-07-01\n'
    scenario = parse_scenario(text)
    assert parse_scenario(dumps_scenario(scenario)) == scenario
    for bad, rule in [
        ('[[change]]\nkind = "x"\nfrom = "2025-01"', "onbekende soort"),
        ('[[change]]\nkind = "tariff"\nfrom = "2025-01"', "'factor' ontbreekt"),
        ('[[change]]\nkind = "tariff"\nfactor = 1\nfrom = "2025-01"\ncolour = 1', "onbekende sleutel"),
        ('[[change]]\nkind = "tariff"\nfactor = "x"\nfrom = "2025-01"', "getal"),
        ('[[change]]\nkind = "funding_model"\nsegment = "S"\nmodel = "free"\nfrom = "2025-01"', "bekostigingsmodel"),
        ('name = "leeg"', "minstens één"),
    ]:
        with pytest.raises(ScenarioError, match=rule):
            parse_scenario(bad)


def test_population_projections_scale_by_the_ages_a_domain_serves() -> None:
    text = "municipality,age_group,year,population\n0983,0-17,2025,100\n0983,0-17,2027,110\n0983,65+,2025,50\n0983,65+,2027,40\n"
    population = parse_population(text)
    assert population.factor("0983", "jeugd", 2027, 2025) == pytest.approx(1.1)
    assert population.factor("0983", "wmo", 2027, 2025) == pytest.approx(0.8)
    assert population.factor("0983", "wmo", 2026, 2025) == 1.0
    with pytest.raises(ScenarioError):
        parse_population("gemeente,jaar\n")


def test_a_funding_model_change_scales_the_months_from_its_month_by_the_replayed_ratio() -> None:
    cell = steady(stock=10.0, hazard=0.1)
    month = float(run([cell], Plan.neutral(1, cell.horizon), 2025).money[0, 0])
    group = Group("0983", "S", "pxq", "jeugd", _row(1_000_000, round(6 * month)), {}, None, (cell,))
    profile = Profile(2025, AS_OF, FIRST, cell.horizon, 0, (group,), {("S", "lump_sum"): 0.8})
    change = Change("funding_model", dt.date(2025, 10, 1), segment="S", model="lump_sum")
    (row,) = apply_scenario(profile, Scenario("lumpsum", (change,)), {})["rows"]
    assert row["difference"] == round(-3 * month * 0.2)  # October-December at 80 %
    same = Change("funding_model", dt.date(2025, 10, 1), segment="S", model="pxq")
    assert apply_scenario(profile, Scenario("x", (same,)), {})["rows"][0]["difference"] == 0


def test_a_new_legal_task_adds_its_clients_times_price_pro_rata() -> None:
    cell = steady()
    profile = _profile(cell, 1_000_000, 6_000)
    change = Change("new_segment", dt.date(2025, 10, 1), segment="NIEUW", clients=12, price_per_client=100_000,
                    municipalities=("0983", "0889"))  # fmt: skip
    doc = apply_scenario(profile, Scenario("taak", (change,)), {"0983": 3.0, "0889": 1.0})
    new = [r for r in doc["rows"] if r.get("new_segment")]
    # 12 clients x 1,000 euro a year, 3 of 12 months, split 3:1 over the municipalities
    assert [(r["municipality"], r["forecast"]) for r in new] == [("0983", 225_000), ("0889", 75_000)]
    assert doc["totals"]["difference"] == 300_000


@pytest.mark.parametrize("first", [2026 * 12, 2025 * 12 + 6, 2025 * 12 + 11])  # as of December, June, November
def test_per_client_units_count_everyone_in_care_in_each_outlook_january(first: int) -> None:
    """Per-client price: a client is counted once a year, so every January of the outlook
    counts everyone in care again, also when the outlook's first month is that January (an
    as-of date in December). Before, that first January was left out, the next year's rate
    was calibrated on the new episodes alone and the year after came out about three times
    as high (the demo's Wmo beschermd wonen: 17.9 million in 2027, 53.7 in 2028)."""
    horizon = 2028 * 12 - first
    hazard, stock = 0.1, 10.0
    starts = np.full(horizon, stock * hazard / (1 - hazard))  # as many start as leave
    cell = Cell("0983", "S", "P", "clients", first, stock, starts, np.full(horizon, hazard), 1.0, (1.0,))
    units = run([cell], Plan.neutral(1, horizon), 2025).units[0]
    years = (first + np.arange(horizon)) // 12
    per_year = {int(y): float(units[years == y].sum()) for y in (2026, 2027)}
    assert per_year[2026] == pytest.approx(per_year[2027]) == pytest.approx(stock + 12 * starts[0])


def test_a_changes_title_writes_its_numbers_the_dutch_way() -> None:
    """The titles stand in the Dutch tables (scenario page, council report): decimal comma."""
    since = dt.date(2027, 1, 1)
    assert Change("tariff", since, factor=1.03).title() == "Tarief x 1,03 vanaf 01-2027"
    assert Change("inflow", since, segment="JGD-AMB", factor=1.1).title() == "Instroom JGD-AMB x 1,1 vanaf 01-2027"
    assert Change("duration", since, factor=2.0).title() == "Verblijfsduur x 2 vanaf 01-2027"
    new = Change("new_segment", since, segment="WMO-HH", clients=12.5, price_per_client=100_00)
    assert new.title() == "Nieuwe taak WMO-HH: 12,5 cliënten vanaf 01-2027"
    moved = Change("capacity", since, clients=2.5, from_provider="1", to_provider="2")
    assert moved.title() == "2,5 cliënten van 1 naar 2 vanaf 01-2027"
