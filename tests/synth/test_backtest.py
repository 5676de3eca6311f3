"""The backtest: its figures on hand-made cases, and a small run on generated regions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from regie.engine.forecast import YearEndForecast
from regie.engine.funding import ledger
from regie.synth import generate
from regie.synth.backtest import (
    BacktestReport,
    Case,
    actual_year_end,
    backtest,
    backtest_region,
    build_region,
    load_region,
)


def case(month: int, forecast: int, low: int, high: int, actual: int, model: str = "pxq", **extra: object) -> Case:
    fields: dict[str, object] = {
        "profile": "venlo",
        "seed": 1,
        "month": month,
        "municipality": "0983",
        "segment": "S",
        "funding_model": model,
        "budget": 100,
        "forecast": forecast,
        "low": low,
        "high": high,
        "actual": actual,
        "warning": False,
        "main_driver": None,
        "deficit": False,
        **extra,
    }
    return Case(**fields)  # type: ignore[arg-type]


def test_coverage_and_mape_by_hand() -> None:
    report = BacktestReport(
        (
            case(3, 110, 90, 120, 100),  # inside, 10 % off
            case(3, 80, 70, 90, 100),  # outside, 20 % off
            case(6, 100, 95, 105, 100),  # inside, exact
            case(6, 100, 100, 100, 100, model="lump_sum"),  # fixed by contract: not scored
        )
    )
    assert report.coverage(3) == 0.5
    assert report.mape(3) == pytest.approx(0.15)
    assert report.coverage(6) == 1.0
    assert report.coverage() == pytest.approx(2 / 3)
    assert len(report.scored()) == 3
    table = report.markdown()
    assert "| 3 | end | 2 | 50 % | 15.0 % |" in table


def test_coverage_and_mape_per_day_of_the_month() -> None:
    report = BacktestReport(
        (
            case(3, 110, 90, 120, 100, day=1),  # inside, 10 % off
            case(6, 80, 70, 90, 100, day=1),  # outside, 20 % off
            case(3, 100, 95, 105, 100),  # the month end: inside, exact
        )
    )
    assert report.days() == ["1", "end"]
    assert report.coverage(day="1") == 0.5
    assert report.mape(day="1") == pytest.approx(0.15)
    assert report.coverage(3, day="end") == 1.0
    table = report.markdown()
    assert "| all | 1 | 2 | 50 % | 15.0 % |" in table
    assert "| 6 | 1 | 1 | 0 % | 20.0 % |" in table
    assert report.summary()["days"]["1"]["coverage"] == 0.5


def test_the_deficit_must_warn_with_inflow_in_the_main_municipality() -> None:
    deficit = {"deficit": True, "budget": 1_000}
    small = {"deficit": True, "budget": 10, "municipality": "0437"}
    warned = BacktestReport(
        (
            case(3, 1, 1, 1, 1, **deficit, warning=True, main_driver="cost_per_client"),
            case(6, 1, 1, 1, 1, **deficit, warning=True, main_driver="inflow"),
            case(3, 1, 1, 1, 1, **small, warning=False),
        )
    )
    assert warned.deficit_warned_by(6)
    assert not warned.deficit_warned_by(3)
    assert [c.municipality for c in warned.deficit_rows()] == ["0983", "0983"]


def test_actual_year_end_is_the_full_ledger_without_segment_cuts() -> None:
    region = build_region("venlo", 2025, 1, 0.05)
    actual = actual_year_end(region.catalog, region.declarations, year=2025)
    lines = ledger(region.catalog, region.declarations, year=2025, as_of=dt.date(2030, 12, 31))
    deficit = sum(
        line.amount_cents for line in lines if line.segment == region.deficit_segment and line.rule != "ceiling.segment"
    )
    assert actual[("0983", region.deficit_segment)] == deficit
    budget = next(b.amount for b in region.catalog.budgets if b.segment == region.deficit_segment and b.year == 2025)
    assert deficit > budget  # the scenario's deficit, which the segment ceiling would hide


def test_a_written_region_loads_as_the_built_one(tmp_path: Path) -> None:
    generate("venlo", 2025, 1, tmp_path / "venlo", scale=0.05)
    loaded = load_region(tmp_path / "venlo")
    built = build_region("venlo", 2025, 1, 0.05)
    assert loaded.deficit_segment == built.deficit_segment == "JGD-AMB"
    assert loaded.episodes.height == built.episodes.height
    assert actual_year_end(loaded.catalog, loaded.declarations, year=2025) == actual_year_end(
        built.catalog, built.declarations, year=2025
    )


@pytest.mark.slow
def test_small_backtest_warns_on_the_deficit_by_month_6_and_measures_coverage() -> None:
    regions = [build_region("venlo", 2025, 1, 0.2), build_region("amsterdam", 2025, 1, 0.1)]
    report = backtest(regions, months=(3, 6), model=YearEndForecast(n_paths=200))
    assert report.deficit_warned_by(6)
    for month in (3, 6):
        coverage, mape = report.coverage(month), report.mape(month)
        assert coverage is not None and 0.0 <= coverage <= 1.0
        assert mape is not None and mape >= 0.0
    summary = report.summary()
    assert summary["deficit_warned_by_month_6"] is True
    assert set(summary["months"]) == {"3", "6"}
    # every row of every month was compared with an actual year end
    assert all(c.actual != 0 for c in report.scored())


def test_the_backtest_uses_only_what_had_arrived() -> None:
    # forecasting as of the end of March must not see declarations that arrived later
    region = build_region("venlo", 2025, 1, 0.05)
    cases = backtest_region(region, months=(3,), model=YearEndForecast(n_paths=50))
    direct = YearEndForecast(n_paths=50).fit(
        region.catalog,
        region.episodes,
        region.declarations.filter(region.declarations["arrival"] <= dt.date(2025, 3, 31)),
        year=2025,
        as_of=dt.date(2025, 3, 31),
    )
    assert [c.forecast for c in cases] == [r.forecast for r in direct.rows_]


def test_a_backtest_on_another_day_of_the_month_uses_that_day() -> None:
    region = build_region("venlo", 2025, 1, 0.05)
    cases = backtest_region(region, months=(3,), days=(5,), model=YearEndForecast(n_paths=50))
    direct = YearEndForecast(n_paths=50).fit(
        region.catalog, region.episodes, region.declarations, year=2025, as_of=dt.date(2025, 3, 5)
    )
    assert [c.forecast for c in cases] == [r.forecast for r in direct.rows_]
    assert {c.day_label for c in cases} == {"5"}
