"""contract_expiry on a generated region: exactly the truth set's signals (regie.synth.truth),
on the region's own last day, each naming the next option."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import polars as pl
import pytest
from django.core.management import call_command

from regie.catalog.loader import load_catalog
from regie.engine.catalog import parse_catalog
from regie.procurement.contract_life import raise_expiry_signals, signal_day
from regie.traffic.ingest import ingest
from regie.traffic.models import Signal


@pytest.fixture(scope="module")
def venlo(
    region_dir: Callable[[str, int, int, float], Path], django_db_setup: None, django_db_blocker: object
) -> Iterator[Path]:
    folder = region_dir("venlo", 2025, 5, 0.03)
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        load_catalog(parse_catalog(folder / "catalog.toml"))
        ingest([folder / "messages", folder / "csv"])
        yield folder
        call_command("flush", interactive=False, verbosity=0)


@pytest.mark.django_db
def test_contract_expiry_is_exactly_the_truth(venlo: Path) -> None:
    truth = pl.read_parquet(venlo / "truth" / "signals.parquet").filter(pl.col("kind") == "contract_expiry")
    expected = {(r, a, d) for r, a, d in truth.select("reference", "arrival", "detail").iter_rows()}
    assert raise_expiry_signals() == len(expected) > 0
    found = {
        (s.record, s.raised_on, s.detail["next_option"] or "geen optie")
        for s in Signal.objects.filter(kind="contract_expiry")
    }
    assert found == expected
    assert raise_expiry_signals(signal_day()) == 0  # once per contract and end
