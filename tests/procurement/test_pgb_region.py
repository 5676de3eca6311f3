"""pgb_shift on the generated venlo region: exactly the truth set's signals (regie.synth.truth),
no more and no fewer, after the ingest service (issue 17: "each signal is found exactly on a
generated region"); the tender history as the catalog and the stored traffic show it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from regie.engine.catalog import parse_catalog
from regie.traffic import models as m
from regie.traffic.models import Signal
from tests.procurement.regions import ingested, truth

venlo = ingested("venlo", 2025, 5, 0.03)


@pytest.mark.django_db
def test_pgb_shift_is_exactly_the_truth(venlo: tuple[Path, dict[str, int]]) -> None:
    folder, summary = venlo
    expected = set(truth(folder, "pgb_shift").select("segment", "reference", "care_month", "arrival").iter_rows())
    found = {
        (s.segment, s.detail["period_start"], s.care_month, s.raised_on)
        for s in Signal.objects.filter(kind="pgb_shift")
    }
    assert expected and found == expected and summary["pgb_shift"] == len(expected)
    # raised after the tender's narrower period, within its first four quarters
    (tender,) = json.loads((folder / "truth" / "tenders.json").read_text(encoding="utf-8"))
    assert {(s, p) for s, p, _q, _a in found} == {(tender["segment"], tender["start"])}
    assert tender["providers_before"] > len(tender["selected"]) == tender["max_providers"]


@pytest.mark.django_db
def test_the_tender_history_is_the_catalog_s(venlo: tuple[Path, dict[str, int]]) -> None:
    folder, _ = venlo
    (tender,) = json.loads((folder / "truth" / "tenders.json").read_text(encoding="utf-8"))
    catalog = parse_catalog(folder / "catalog.toml")
    mine = [c for c in catalog.contracts if c.segment == tender["segment"]]
    first = min(c.start for c in mine)
    before = {c.provider for c in mine if c.start == first}
    after = {c.provider for c in mine if c.start.isoformat() == tender["start"]}
    assert after == set(tender["selected"]) and len(before) == tender["providers_before"]
    assert after < before == {b["provider"] for b in tender["bids"]}
    assert all(len({a["assessor"] for a in b["assessments"]}) == 2 for b in tender["bids"])
    # the former providers send nothing: their care is not simulated
    senders = set(m.Message.objects.values_list("sender", flat=True))
    assert not (before - after) & senders
