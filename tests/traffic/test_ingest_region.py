"""Ingesting a whole generated region finds exactly what its truth set says.

Domain.md section 7 and the message-traffic issue: the clients in care without an
allocation, the late declarations and the provider that upcodes, all found at the door.
The region is the full-size venlo profile (about 3,000 clients a year): the upcoding test
compares a provider with its peers and needs the numbers of a real region.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import polars as pl
import pytest
from django.conf import settings
from django.core.management import call_command

from regie.messages.bsn import pseudonym
from regie.traffic import models as m
from regie.traffic.ingest import Summary, ingest
from tests.catalog.factories import load_file

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def venlo(
    region_dir: Callable[[str, int, int, float], Path], django_db_setup: None, django_db_blocker: object
) -> Iterator[tuple[Path, Summary]]:
    folder = region_dir("venlo", 2025, 11, 1.0)
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        load_file(folder / "catalog.toml")
        summary = ingest([folder / "messages", folder / "csv"])
        yield folder, summary
        call_command("flush", interactive=False, verbosity=0)


def truth(folder: Path, kind: str) -> pl.DataFrame:
    signals = pl.read_parquet(folder / "truth" / "signals.parquet")
    return signals.filter(pl.col("kind") == kind)


def pseudonyms(bsns: list[str]) -> set[str]:
    return {pseudonym(b, settings.PSEUDONYM_KEY) for b in bsns}


@pytest.mark.django_db
def test_clients_without_allocation_are_exactly_the_truth(venlo: tuple[Path, Summary]) -> None:
    folder, _ = venlo
    expected = pseudonyms(truth(folder, "care_without_allocation")["client"].unique().to_list())
    found = set(m.Signal.objects.filter(kind="care_without_allocation").values_list("client", flat=True))
    assert expected and found == expected


@pytest.mark.django_db
def test_late_declarations_are_exactly_the_truth(venlo: tuple[Path, Summary]) -> None:
    folder, _ = venlo
    late = truth(folder, "late_declaration")
    expected = {f"{p}|{r}" for p, r in late.select("provider", "reference").iter_rows()}
    found = {
        s.removeprefix("late_declaration|")
        for s in m.Signal.objects.filter(kind="late_declaration").values_list("key", flat=True)
    }
    assert expected and found == expected


@pytest.mark.django_db
def test_the_upcoding_provider_is_found_and_nobody_else(venlo: tuple[Path, Summary]) -> None:
    folder, _ = venlo
    expected = set(truth(folder, "upcoding").select("provider", "segment").iter_rows())
    found = set(m.Signal.objects.filter(kind="upcoding").values_list("provider", "segment"))
    assert len(expected) == 1 and found == expected
    # Its evidence: the shift to the expensive products, beside the peers' mix.
    detail = m.Signal.objects.get(kind="upcoding").detail
    assert detail["share_recent"] - detail["share_before"] >= detail["peer_median_shift"] + 0.2 and detail["z"] >= 3.5
    assert detail["peers"] >= 2 and detail["peer_share_recent"] < detail["share_recent"]
    expensive = [row for row in detail["mix"] if row["expensive"]]
    assert [row["product"] for row in expensive] == detail["expensive_products"]
    assert abs(sum(row["own_recent"] or 0 for row in expensive) - detail["share_recent"]) < 0.01
    assert abs(sum(row["own_recent"] or 0 for row in detail["mix"]) - 1) < 0.01


@pytest.mark.django_db
def test_faulty_files_of_the_scenario_are_rejected_with_their_code(venlo: tuple[Path, Summary]) -> None:
    folder, summary = venlo
    scenario = json.loads((folder / "truth" / "scenario.json").read_text())
    rejected = {(Path(r["file"]).name, r["record"], r["code"]) for r in summary.rejected}
    for fault in scenario["faulty_records"]:
        name = Path(fault["file"]).name
        assert any(f == name and code == fault["retour_code"] for f, _, code in rejected), fault
    for fault in scenario["faulty_files"]:
        assert any(f == Path(fault["file"]).name for f, _, _ in rejected), fault


@pytest.mark.django_db
def test_ingesting_again_changes_nothing(venlo: tuple[Path, Summary]) -> None:
    folder, first = venlo
    counts = {model: model.objects.count() for model in (m.Message, m.Episode, m.DeclarationLine, m.Signal)}
    again = ingest([folder / "messages", folder / "csv"])
    assert again.duplicates == first.files and again.rejected == [] and not again.accepted
    assert {model: model.objects.count() for model in counts} == counts
