"""The ledger and the comparison on small generated regions (venlo, amsterdam) and their truth set.

The generator sets each budget from the spending it expects under the funding rules
(``scenario.json``: ``spending``), computed independently of :mod:`regie.engine.funding`
(realised clients x price, lump sums, declared amounts in time). The ledger must reproduce it
exactly, except where it passes the budget: there the segment ceiling pays the budget.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from regie.engine.catalog import Catalog, parse_catalog
from regie.engine.compare import compare_models, comparison_document, render_comparison
from regie.engine.funding import ledger, totals
from regie.synth import generate, participation

YEAR = 2025
pytestmark = pytest.mark.slow


class Region:
    def __init__(self, path: Path) -> None:
        self.catalog: Catalog = parse_catalog(path / "catalog.toml")
        self.scenario: dict[str, Any] = json.loads((path / "truth" / "scenario.json").read_text(encoding="utf-8"))
        truth = path / "truth"
        self.episodes, self.declarations = participation.with_trajectories(
            self.catalog,
            pl.read_parquet(truth / "episodes.parquet"),
            pl.read_parquet(truth / "declarations.parquet"),
            participation.read_trajectories(path),
        )
        self.allocations = pl.read_parquet(truth / "allocations.parquet")


@pytest.fixture(scope="module", params=["venlo", "amsterdam"])
def region(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Region:
    path = tmp_path_factory.mktemp("funding") / request.param
    generate(request.param, YEAR, 5, path, scale=0.03)
    return Region(path)


def test_the_ledger_pays_what_the_scenario_expects_within_the_budgets(region: Region) -> None:
    budgets = {(b.municipality, b.segment, b.year): b.amount - b.reserve for b in region.catalog.budgets}
    expected: dict[int, dict[tuple[str, str], int]] = {}
    for row in region.scenario["spending"]:
        key = (row["municipality"], row["segment"], row["year"])
        expected.setdefault(row["year"], {})[key[:2]] = min(row["expected_spending_cents"], budgets[key])
    assert YEAR in expected and YEAR - 1 in expected
    for year, want in sorted(expected.items()):
        lines = ledger(
            region.catalog,
            region.declarations,
            year=year,
            as_of=dt.date(year + 2, 1, 1),
            allocations=region.allocations,
        )
        got: dict[tuple[str, str], int] = {}
        for row in totals(lines):
            key = (row["municipality"], row["segment"])
            got[key] = got.get(key, 0) + row["paid_cents"]
        assert {k: v for k, v in got.items() if v} == {k: v for k, v in want.items() if v}, year
        for line in lines:
            if line.kind == "settlement":
                advances = sum(x.amount_cents for x in lines if x.contract == line.contract and x.kind == "advance")
                assert advances + line.amount_cents == line.detail["settled_cents"]


def test_the_deficit_segment_is_cut_at_its_ceiling(region: Region) -> None:
    deficit = region.scenario["deficit"]["segment"]
    lines = ledger(region.catalog, region.declarations, year=YEAR, as_of=dt.date(YEAR + 2, 1, 1))
    cuts = [line for line in lines if line.segment == deficit and line.rule == "ceiling.segment"]
    assert cuts and all(line.amount_cents < 0 for line in cuts)


def test_the_year_end_ledger_does_not_depend_on_row_order(region: Region) -> None:
    as_of = dt.date(YEAR + 2, 1, 1)
    expected = ledger(region.catalog, region.declarations, year=YEAR, as_of=as_of)
    shuffled = region.declarations.sample(fraction=1.0, shuffle=True, seed=11)
    assert ledger(region.catalog, shuffled, year=YEAR, as_of=as_of) == expected


def test_compare_on_the_region(region: Region) -> None:
    result = compare_models(region.catalog, region.declarations, region.episodes, year=YEAR)
    doc = comparison_document(result)
    json.dumps(doc)
    segments = {s["segment"]: s for s in doc["segments"]}
    assert set(segments) == {s.code for s in region.catalog.segments}
    lines = ledger(region.catalog, region.declarations, year=YEAR, as_of=dt.date.max)
    for code, s in segments.items():
        native = next(m for m in s["models"] if m["native"])
        assert native["model"] == s["native_model"]
        assert native["cost_cents"] == sum(line.amount_cents for line in lines if line.segment == code)
        assert {m["model"] for m in s["models"]} == {"pxq", "outcome", "per_client", "lump_sum", "population"}
        assert all(m["forecast_cents"] is not None for m in s["models"])
        lump = next(m for m in s["models"] if m["model"] == "lump_sum")
        if not lump["native"]:
            assert lump["spread_cents"] == 0 and lump["municipality_risk_cents"] == 0
    # the deficit segment's inflow rises: its care grew, and price x volume would have paid for all of it
    deficit = segments[region.scenario["deficit"]["segment"]]
    assert deficit["care_change_cents"] > 0
    text = render_comparison(result)
    assert text.count("Perceel ") == len(segments)
    assert "Kosten" in text and "Prognose begin jaar" in text
