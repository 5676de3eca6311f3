"""The year replayed under each funding model, on a hand-computed region of two segments."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from regie.engine import frames
from regie.engine.catalog import Budget, Catalog, Contract, Municipality, Provider, Segment
from regie.engine.compare import compare_models, comparison_document, render_comparison

D = dt.date
X, K = "77777777", "10101010"


def region() -> Catalog:
    segments = (
        Segment("WMO-IB", "Wmo individuele begeleiding", "wmo", "per_client", 2, 20, ("02",)),
        Segment("JGD-A", "Jeugd segment A", "jeugd", "lump_sum", 1, 10, ("45",)),
    )
    contracts = tuple(
        c
        for y in (2024, 2025)
        for c in (
            Contract(
                f"{y}-IB",
                X,
                "WMO-IB",
                ("0983",),
                D(y, 1, 1),
                D(y, 12, 31),
                agreed_clients=2,
                price_per_client=1_200_000,
            ),
            Contract(f"{y}-A", K, "JGD-A", ("0983",), D(y, 1, 1), D(y, 12, 31), lump_sum=1_200_000),
        )
    )
    return Catalog(
        "Regio Test",
        (Municipality("0983", "Venlo"),),
        segments,
        (Provider(X, "Zorg X"), Provider(K, "Kernpartner K")),
        contracts,
        (Budget("0983", "WMO-IB", 2025, 2_800_000, reserve=100_000),),
    )


def episode(client: str, segment: str, provider: str, start: dt.date, end: dt.date | None) -> dict[str, Any]:
    return {
        "episode_id": f"{client}|{start}",
        "client": client,
        "provider": provider,
        "segment": segment,
        "municipality": "0983",
        "start": start,
        "end": end,
        "start_arrival": start,
        "end_arrival": end,
    }


def data() -> tuple[Any, Any]:
    episodes = [
        # IB: a since 2023, b since 2024, c from July 2025 (2024: 2 clients, 24 client-months,
        # 1 trajectory; 2025: 3 clients, 30 client-months, 1 trajectory)
        episode("a", "WMO-IB", X, D(2023, 6, 1), None),
        episode("b", "WMO-IB", X, D(2024, 1, 1), None),
        episode("c", "WMO-IB", X, D(2025, 7, 1), None),
        # A: 2024: k1 all year, k2 from July (2 clients, 18 client-months, 2 trajectories);
        # 2025: k2 to June, k3 all year, k4 from October (3 clients, 21 client-months, 2 trajectories)
        episode("k1", "JGD-A", K, D(2024, 1, 1), D(2024, 12, 31)),
        episode("k2", "JGD-A", K, D(2024, 7, 1), D(2025, 6, 30)),
        episode("k3", "JGD-A", K, D(2025, 1, 1), None),
        episode("k4", "JGD-A", K, D(2025, 10, 1), None),
    ]
    months = {"a": [(2024, m) for m in range(1, 13)] + [(2025, m) for m in range(1, 13)]}
    months["b"] = months["a"]
    months["c"] = [(2025, m) for m in range(7, 13)]
    rows = [
        {
            "line_id": f"{X}-{client}-{y}-{m}",
            "provider": X,
            "segment": "WMO-IB",
            "municipality": "0983",
            "client": client,
            "product_category": "02",
            "product_code": "02A01",
            "care_month": D(y, m, 1),
            "arrival": D(y, m, 1) + dt.timedelta(days=35),
            "volume": 1,
            "unit": "82",
            "amount_cents": 100_000,  # the price per client / 12
            "accepted": True,
        }
        for client, ms in months.items()
        for y, m in ms
    ]
    return frames.frame("declarations", rows), frames.frame("episodes", episodes)


def test_compare_replays_each_model_with_prior_year_parameters() -> None:
    declarations, episodes = data()
    result = compare_models(region(), declarations, episodes, year=2025)
    doc = comparison_document(result)
    json.dumps(doc)  # JSON-able
    by = {s["segment"]: s for s in doc["segments"]}
    ib, a = by["WMO-IB"], by["JGD-A"]

    # IB facts: paid 2024 = 2 x 12,000 = 24,000 euro; 2025: 3 realised, capped at N = 2 -> 24,000.
    assert ib["facts"]["clients"] == {"prior": 2, "year": 3}
    assert ib["facts"]["client_months"] == {"prior": 24, "year": 30}
    assert ib["facts"]["paid_cents"] == {"prior": 2_400_000, "year": 2_400_000}
    assert ib["facts"]["value_cents"] == {"prior": 2_400_000, "year": 3_000_000}  # declared 1,000 a client-month
    assert ib["care_change_cents"] == 600_000
    models = {m["model"]: m for m in ib["models"]}
    # pxq: declared 30,000 vs 24,000 forecast; the municipality carries the whole 6,000.
    assert (models["pxq"]["cost_cents"], models["pxq"]["forecast_cents"]) == (3_000_000, 2_400_000)
    assert (models["pxq"]["spread_share"], models["pxq"]["municipality_risk_share"]) == (0.25, 1.0)
    # outcome: 24,000 / 1 trajectory = 24,000 per trajectory; one trajectory in either year.
    assert (models["outcome"]["cost_cents"], models["outcome"]["forecast_cents"]) == (2_400_000, 2_400_000)
    # per-client is the native model: ledger cost 24,000, forecast N x P = 24,000, the providers
    # carry the 6,000 of care above the agreement.
    assert models["per_client"]["native"] is True
    assert (models["per_client"]["cost_cents"], models["per_client"]["forecast_cents"]) == (2_400_000, 2_400_000)
    assert (models["per_client"]["municipality_risk_cents"], models["per_client"]["provider_risk_cents"]) == (
        0,
        600_000,
    )
    # lump sum: 2 expected clients x 12,000; population: the 2025 budget minus reserve, 27,000.
    assert models["lump_sum"]["cost_cents"] == 2_400_000
    assert (models["population"]["cost_cents"], models["population"]["spread_cents"]) == (2_700_000, 0)

    # A: no declarations: value = client-months x 1,200,000 / 18 = 666.67 euro a month.
    assert a["facts"]["value_basis"] == "client_months"
    assert a["facts"]["value_cents"] == {"prior": 1_200_000, "year": 1_400_000}
    models = {m["model"]: m for m in a["models"]}
    assert models["pxq"]["parameters"]["price_per_client_month_cents"] == 66_667
    assert (models["pxq"]["cost_cents"], models["pxq"]["spread_cents"]) == (1_400_000, 200_000)
    assert (models["outcome"]["cost_cents"], models["outcome"]["parameters"]["price_per_trajectory_cents"]) == (
        1_200_000,
        600_000,
    )
    # per-client: N = 2 prior clients at 6,000: min(3, 2) x 6,000 = 12,000.
    assert models["per_client"]["cost_cents"] == 1_200_000
    assert models["per_client"]["parameters"] == {"agreed_clients": 2, "price_per_client_cents": 600_000, "band": 0.0}
    assert models["lump_sum"]["native"] and models["lump_sum"]["provider_risk_cents"] == 200_000
    assert models["population"]["cost_cents"] == 1_200_000  # no budget: the prior year's cost

    text = render_comparison(result)
    assert "Vergelijking van bekostigingsmodellen 2025 — Regio Test" in text
    assert "Prognose begin jaar" in text and "Risico gemeente" in text and "Risico aanbieders" in text
    assert "Perceel WMO-IB" in text and "Prijs per cliënt *" in text
    assert "€ 30.000" in text and "25,0 %" in text and "€ +6.000 (100,0 %)" in text
    assert "Alle percelen samen (totaal)" in text and "Het jaar loopt nog" not in text


def test_totals_over_all_segments() -> None:
    """Per model the two segments added up (hand-computed from the figures above), and the
    segments under their own models (per-client for IB, lump sum for A) first."""
    declarations, episodes = data()
    doc = comparison_document(compare_models(region(), declarations, episodes, year=2025))
    totals = {m["model"]: m for m in doc["totals"]}
    assert list(totals) == ["current", "pxq", "outcome", "per_client", "lump_sum", "population"]
    # pxq: 30,000 + 14,000 against 24,000 + 12,000; the care change 6,000 + 2,000 all for the municipality.
    pxq = totals["pxq"]
    assert (pxq["cost_cents"], pxq["forecast_cents"], pxq["spread_cents"]) == (4_400_000, 3_600_000, 800_000)
    assert (pxq["spread_share"], pxq["provider_risk_cents"], pxq["municipality_risk_share"]) == (0.2222, 0, 1.0)
    # current: IB per client 24,000 / 24,000 and A lump sum 12,000 / 12,000: the providers carry the 8,000.
    now = totals["current"]
    assert now["native"] and (now["cost_cents"], now["forecast_cents"]) == (3_600_000, 3_600_000)
    assert (now["municipality_risk_cents"], now["provider_risk_cents"], now["municipality_risk_share"]) == (
        0,
        800_000,
        0.0,
    )
    # population: IB's budget minus reserve 27,000, A without a budget its prior cost 12,000.
    assert totals["population"]["cost_cents"] == 2_700_000 + 1_200_000


def test_a_running_year_says_it_is_year_to_date() -> None:
    declarations, episodes = data()
    result = compare_models(region(), declarations, episodes, year=2025, as_of=D(2025, 6, 30))
    doc = comparison_document(result)
    assert doc["year_to_date"] is True and doc["as_of"] == "2025-06-30"
    assert "Het jaar loopt nog: 2025 tot en met 30-06-2025 (year-to-date)" in render_comparison(result)
    done = compare_models(region(), declarations, episodes, year=2025, as_of=D(2026, 3, 31))
    assert comparison_document(done)["year_to_date"] is False


def test_compare_without_a_prior_year_leaves_forecast_and_risk_null() -> None:
    declarations, episodes = data()
    cat = region()
    cat = Catalog(
        cat.region,
        cat.municipalities,
        cat.segments,
        cat.providers,
        tuple(c for c in cat.contracts if c.start.year == 2025),
        cat.budgets,
    )
    doc = comparison_document(compare_models(cat, declarations, episodes, year=2025))
    for segment in doc["segments"]:
        assert segment["care_change_cents"] is None
        for m in segment["models"]:
            assert m["forecast_cents"] is None and m["municipality_risk_share"] is None
    assert "–" in render_comparison(compare_models(cat, declarations, episodes, year=2025))


def test_compare_of_an_empty_year() -> None:
    declarations, episodes = data()
    result = compare_models(region(), declarations, episodes, year=2010)
    assert result.segments == ()
    assert "Geen zorg of betalingen" in render_comparison(result)
