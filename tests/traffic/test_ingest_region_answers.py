"""A small generated region's requests (315) are closed exactly as its truth set says: granted
by the 301 naming their reference, refused by a 319 (some late), or left open; and
``request_unanswered`` is raised for exactly the requests the truth set expects."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from regie.traffic import models as m
from regie.traffic.ingest import ingest
from tests.catalog.factories import load_file


@pytest.mark.django_db
def test_request_outcomes_and_unanswered_signals_are_exactly_the_truth(
    region_dir: Callable[[str, int, int, float], Path],
) -> None:
    folder = region_dir("venlo", 2025, 3, 0.05)
    load_file(folder / "catalog.toml")
    ingest([folder / "messages", folder / "csv"])
    truth = pl.read_parquet(folder / "truth" / "requests.parquet")
    expected = {
        tuple(r.split(":")): (outcome, answered)
        for r, outcome, answered in truth.select("request_id", "outcome", "answered").iter_rows()
    }
    stored: dict[tuple[str, ...], tuple[str, dt.date | None]] = {
        tuple(r.split("|")): (outcome, answered)
        for r, outcome, answered in m.Request.objects.filter(kind="315").values_list(
            "request_id", "outcome", "answered"
        )
    }
    assert stored == expected
    outcomes = {o for o, _ in expected.values()}
    assert outcomes == {"granted", "refused", "open"}
    refused = truth.filter(pl.col("outcome") == "refused")
    assert (refused["answered"] - refused["registered"]).dt.total_days().max() > 56  # some refused late
    signals = pl.read_parquet(folder / "truth" / "signals.parquet").filter(pl.col("kind") == "request_unanswered")
    assert signals.height > 0
    want = {(p, ref, day) for p, ref, day in signals.select("provider", "reference", "arrival").iter_rows()}
    got = set(m.Signal.objects.filter(kind="request_unanswered").values_list("provider", "record", "raised_on"))
    assert got == want
