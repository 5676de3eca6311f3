"""Venlo's participation segment in a generated region (domain.md sections 10a, 13): the
truth of its trajectories, clients who also use Wmo or youth care, and the register files."""

from __future__ import annotations

import csv

import polars as pl

from regie.engine.frames import SCHEMAS
from regie.messages import is_valid_bsn

from .conftest import Region


def _trajectories(region: Region) -> pl.DataFrame:
    return pl.read_parquet(region.path / "truth" / "trajectories.parquet")


def test_venlo_has_a_participation_segment_and_amsterdam_none(venlo: Region, amsterdam: Region) -> None:
    (segment,) = [s for s in venlo.catalog.segments if s.domain == "participatie"]
    assert (segment.code, segment.funding_model, segment.products) == (
        "PART",
        "outcome",
        ("WERKFIT", "SCHOLING", "JOBCOACH"),
    )
    contracts = [c for c in venlo.catalog.contracts if c.segment == "PART"]
    assert contracts and all(set(c.tariffs) == set(segment.products) for c in contracts)
    assert not any(s.domain == "participatie" for s in amsterdam.catalog.segments)
    assert not (amsterdam.path / "truth" / "trajectories.parquet").exists()
    assert venlo.summary["csv_files"]["trajectories"] > 0 and "trajectories" not in amsterdam.summary["csv_files"]


def test_the_truth_of_the_trajectories(venlo: Region) -> None:
    t = _trajectories(venlo)
    assert t.schema == pl.Schema(SCHEMAS["trajectories"]) and t.height > 0
    assert all(is_valid_bsn(b) for b in t["client"].to_list())
    ended = t.filter(pl.col("end").is_not_null())
    assert ended.filter((pl.col("end") < pl.col("start")) | pl.col("end_reason").is_null()).height == 0
    assert set(ended["end_reason"].to_list()) <= {"work", "education", "care", "other"}
    assert t.filter(pl.col("end").is_null())["end_reason"].null_count() == t.filter(pl.col("end").is_null()).height
    care = set(venlo.truth["episodes"]["client"].to_list())
    both = set(t["client"].to_list()) & care
    assert both and set(t["client"].to_list()) - care  # clients in two domains, and in participation only


def test_the_register_files_hold_every_start_and_end_of_the_truth(venlo: Region) -> None:
    t = _trajectories(venlo)
    rows = []
    for path in sorted((venlo.path / "csv").glob("*_trajectories.csv")):
        with path.open(encoding="utf-8") as f:
            rows += list(csv.DictReader(f))
        assert max(r["reported_on"] for r in csv.DictReader(path.open(encoding="utf-8"))) == path.stem.split("_")[0]
    starts = {(r["bsn"], r["module"], r["start"]) for r in rows if not r["end"]}
    ends = {(r["bsn"], r["module"], r["start"], r["end"], r["end_reason"]) for r in rows if r["end"]}
    assert starts == {(r["client"], r["module"], r["start"].isoformat()) for r in t.iter_rows(named=True)}
    assert ends == {
        (r["client"], r["module"], r["start"].isoformat(), r["end"].isoformat(), r["end_reason"])
        for r in t.iter_rows(named=True)
        if r["end"] is not None
    }
