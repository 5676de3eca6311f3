"""`regie funding ledger` and `regie funding compare` on generated regions: a table and JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from regie.cli import main

pytestmark = pytest.mark.slow


def load(region: Path) -> None:
    assert main(["catalog", "load", str(region / "catalog.toml")]) == 0
    main(["ingest", str(region / "messages"), str(region / "csv"), "--no-refresh"])


@pytest.mark.parametrize("profile", ["venlo", "amsterdam"])
@pytest.mark.django_db(transaction=True)
def test_compare_prints_a_table_and_the_same_in_json(
    profile: str, region_dir: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    load(region_dir(profile, 2025, 5, 0.03))
    capsys.readouterr()
    assert main(["funding", "compare", "--year", "2025"]) == 0
    table = capsys.readouterr().out
    assert main(["funding", "compare", "--year", "2025", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["year"] == 2025 and doc["segments"]
    for segment in doc["segments"]:
        assert f"Perceel {segment['segment']}" in table
        models = {row["model"] for row in segment["models"]}
        assert models == {"pxq", "outcome", "per_client", "lump_sum", "population"}
        assert sum(row["native"] for row in segment["models"]) == 1
    assert "Risico gemeente" in table and "€" in table


@pytest.mark.django_db(transaction=True)
def test_ledger_json_totals_add_up_to_the_lines(
    region_dir: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    load(region_dir("venlo", 2025, 5, 0.03))
    capsys.readouterr()
    assert main(["funding", "ledger", "--year", "2025", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert sum(line["amount_cents"] for line in doc["lines"]) == sum(row["paid_cents"] for row in doc["totals"])
    provider = doc["totals"][0]["provider"]
    assert main(["funding", "ledger", "--year", "2025", "--provider", provider, "--json"]) == 0
    own = json.loads(capsys.readouterr().out)
    assert {row["provider"] for row in own["totals"]} == {provider}
    assert {line["provider"] for line in own["lines"]} == {provider}
