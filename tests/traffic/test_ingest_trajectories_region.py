"""Ingesting a generated region's participation register (domain.md sections 10a, 13) finds
exactly its truth set: the trajectories, their funding per module and their indicators."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.conf import settings
from django.core.management import call_command

from regie.cli import main
from regie.messages.bsn import pseudonym
from regie.monitor.pending import ingest_and_refresh
from regie.traffic import frames
from tests.catalog.factories import load_file

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def venlo(
    region_dir: Callable[[str, int, int, float], Path], django_db_setup: None, django_db_blocker: object
) -> Iterator[tuple[Path, pl.DataFrame]]:
    """Venlo's catalog and its participation register (the trajectories CSV files) ingested."""
    folder = region_dir("venlo", 2025, 5, 0.1)
    truth = pl.read_parquet(folder / "truth" / "trajectories.parquet").with_columns(
        pl.col("client").map_elements(lambda b: pseudonym(b, settings.PSEUDONYM_KEY), return_dtype=pl.Utf8)
    )
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        load_file(folder / "catalog.toml")
        ingest_and_refresh(sorted((folder / "csv").glob("*_trajectories.csv")), refresh=False)
        yield folder, truth
        call_command("flush", interactive=False, verbosity=0)


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    capsys.readouterr()
    assert main([*args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.django_db
def test_the_register_of_a_generated_region_is_read_as_its_truth(venlo: tuple[Path, pl.DataFrame]) -> None:
    _folder, truth = venlo
    assert truth.height > 50 and truth["end"].null_count() > 0  # some run on at the end of 2025
    key = ["municipality", "provider", "client", "module", "start"]
    assert frames.trajectories().sort(key).equals(truth.sort(key))


@pytest.mark.django_db
def test_the_funding_of_a_generated_region_pays_each_ended_trajectory_its_tariff(
    venlo: tuple[Path, pl.DataFrame], capsys: pytest.CaptureFixture[str]
) -> None:
    folder, truth = venlo
    tariffs = {"WERKFIT": 360000, "SCHOLING": 280000, "JOBCOACH": 200000}  # the synthetic contracts
    paid: dict[str, int] = {}
    for year in range(2022, 2026):
        for line in _json(capsys, "funding", "ledger", "--year", str(year))["lines"]:
            if line["segment"] == "PART":
                key = line["ref"].rsplit("|", 1)[0]
                paid[key] = paid.get(key, 0) + line["amount_cents"]
    for t in truth.filter(pl.col("end").is_not_null()).iter_rows(named=True):
        key = f"{t['client']}|{t['provider']}|{t['module']}|{t['start'].isoformat()}"
        assert paid[key] == tariffs[t["module"]], key
    budget = [
        b
        for b in _json(capsys, "forecast", "--year", "2025", "--as-of", "2025-09-17")["rows"]
        if b["segment"] == "PART"
    ]
    assert len(budget) == 1 and budget[0]["realised"] > 0 and budget[0]["forecast"] >= budget[0]["realised"]


@pytest.mark.django_db
def test_the_indicators_of_a_generated_region_are_counted_from_its_truth(
    venlo: tuple[Path, pl.DataFrame], capsys: pytest.CaptureFixture[str]
) -> None:
    _folder, truth = venlo
    first, last = dt.date(2025, 1, 1), dt.date(2025, 12, 31)
    rows = truth.to_dicts()
    expected: dict[str, dict[str, Any]] = {}
    for provider in sorted({r["provider"] for r in rows}):
        mine = [r for r in rows if r["provider"] == provider]
        ended = [r for r in mine if r["end"] is not None and first <= r["end"] <= last]
        back = [
            r
            for r in ended
            if any(o["client"] == r["client"] and o is not r and 0 <= (o["start"] - r["end"]).days <= 182 for o in rows)
        ]
        expected[provider] = {
            "clients": len(
                {r["client"] for r in mine if r["start"] <= last and (r["end"] is None or r["end"] >= first)}
            ),
            "inflow": sum(first <= r["start"] <= last for r in mine),
            "outflow": len(ended),
            "work_or_education_share": sum(r["end_reason"] in ("work", "education") for r in ended) / len(ended),
            "sustainable_outflow_rate": (len(ended) - len(back)) / len(ended),
        }
    doc = _json(capsys, "indicators", "--year", "2025", "--segment", "PART", "--by", "provider")
    got = {r["provider"]: {k: r[k] for k in expected[r["provider"]]} for r in doc["rows"]}
    assert got.keys() == expected.keys()
    for provider, figures in expected.items():
        assert got[provider] == pytest.approx(figures), provider
