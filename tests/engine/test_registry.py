"""The registry of indicators and drivers: complete, consistent with the engine, and the
public names of regie.engine.indicators that others build on."""

from __future__ import annotations

import datetime as dt

import pytest

import regie.engine.indicators as indicators_package
from regie.engine import frames
from regie.engine.forecast.warning import DRIVERS, driver_list
from regie.engine.indicators import COLUMNS, EXTRA_COLUMNS, indicators
from regie.engine.registry import FORECAST_DRIVERS, INDICATOR, INDICATORS, Text, driver, driver_label, keys
from regie.engine.scorecards import SCORED

#: The JSON keys of ``regie indicators``, in order (domain.md section 12).
CONTRACT = (
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

PUBLIC = {
    "AGREED",
    "BY_KEYS",
    "COLUMNS",
    "EXTRA_COLUMNS",
    "FOLLOW_UP_DAYS",
    "GROUP_KEYS",
    "STEP_DOWN_DAYS",
    "TIME_KEYS",
    "WAITING_NORM_DAYS",
    "Query",
    "RowPeriod",
    "agreed_clients",
    "agreed_from_catalog",
    "clients",
    "cost_per_client",
    "indicators",
    "inflow",
    "km_median",
    "km_median_table",
    "km_medians",
    "median_duration",
    "objections",
    "outflow",
    "prepare_episodes",
    "step_down",
    "sustainable_outflow_rate",
    "waiting_time",
}


def test_the_contract_columns_come_first_in_the_order_of_domain_md() -> None:
    assert COLUMNS == CONTRACT
    assert COLUMNS + EXTRA_COLUMNS == tuple(i.key for i in INDICATORS)


def test_every_registered_indicator_is_computed_with_its_type() -> None:
    eps = frames.frame(
        "episodes", [{"client": "a", "start": dt.date(2025, 1, 1), "start_arrival": dt.date(2025, 1, 1)}]
    )
    out = indicators(eps, year=2025, as_of=dt.date(2025, 12, 31))
    assert out.columns == [i.key for i in INDICATORS]
    for i in INDICATORS:
        assert out.schema[i.key].is_integer() == i.integer, i.key


def test_every_indicator_reads_in_both_languages() -> None:
    for i in INDICATORS:
        for text in (i.label, i.short, i.definition):
            assert text.nl and text.en and text.get("nl") == text.nl and text.get("en") == text.en
        assert i.unit in ("count", "days", "share", "cents")
        assert i.better in (None, "higher", "lower")
    assert len({i.label.nl for i in INDICATORS}) == len(INDICATORS)


def test_the_scorecard_and_the_gmsd_take_their_lists_from_the_registry() -> None:
    assert SCORED == tuple(k for k in COLUMNS + EXTRA_COLUMNS if k != "agreed_clients")
    assert keys(gmsd=True) == tuple(i.key for i in INDICATORS if i.gmsd)
    assert INDICATOR["waiting_median_days"].kind == "int"
    assert INDICATOR["median_duration_days"].kind == "int"
    assert INDICATOR["cost_per_client_cents"].kind == "money"


def test_the_forecast_drivers_are_the_registered_ones() -> None:
    assert DRIVERS == tuple(d.key for d in FORECAST_DRIVERS)
    rows = driver_list(dict.fromkeys(DRIVERS, 100.0))
    assert {r["label"] for r in rows} == {d.label.nl for d in FORECAST_DRIVERS}


@pytest.mark.parametrize(
    ("name", "key", "english"),
    [("price", "cost_per_client", "cost per client"), ("ibnr_cents", "late_declarations", "late declarations")],
)
def test_a_driver_is_found_by_its_other_names(name: str, key: str, english: str) -> None:
    found = driver(name)
    assert found is not None and found.key == key
    assert driver_label(name, "en") == english


def test_text_falls_back_to_dutch() -> None:
    assert Text("Instroom", "Inflow").get("de") == "Instroom"
    assert Text("Instroom", "Inflow").get(None) == "Instroom"


def test_the_public_names_of_the_indicators_package_exist() -> None:
    missing = sorted(name for name in PUBLIC if not hasattr(indicators_package, name))
    assert missing == []
    assert set(indicators_package.__all__) >= PUBLIC


def test_the_registry_file_is_checked_when_read() -> None:
    from regie.engine.registry import _driver, _indicator

    entry = {"key": "x", "label": {"nl": "X", "en": "X"}, "unit": "count", "definition": {"nl": "x", "en": "x"}}
    assert _indicator(entry).short == Text("X", "X")  # the short label defaults to the label
    with pytest.raises(ValueError, match="Indicator 'x': unknown key 'scord'"):
        _indicator({**entry, "scord": False})
    with pytest.raises(ValueError, match="unit must be one of"):
        _indicator({**entry, "unit": "hours"})
    with pytest.raises(ValueError, match="better must be one of"):
        _indicator({**entry, "better": "up"})
    with pytest.raises(ValueError, match="Driver 'y': unknown key 'alias'"):
        _driver({"key": "y", "label": {"nl": "y", "en": "y"}, "alias": ["z"]})
