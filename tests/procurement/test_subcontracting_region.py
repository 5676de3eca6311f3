"""subcontracting on the generated amsterdam region: exactly the truth set's signals
(regie.synth.truth), no more and no fewer, after the ingest service; consortium members send
under their own AGB codes and count for the consortium."""

from __future__ import annotations

from pathlib import Path

import pytest

from regie.engine.catalog import parse_catalog
from regie.traffic import frames
from regie.traffic import models as m
from regie.traffic.models import Signal
from tests.procurement.regions import ingested, truth

amsterdam = ingested("amsterdam", 2025, 3, 0.02)


@pytest.mark.django_db
def test_subcontracting_is_exactly_the_truth(amsterdam: tuple[Path, dict[str, int]]) -> None:
    folder, summary = amsterdam
    expected = set(truth(folder, "subcontracting").select("segment", "care_month", "arrival").iter_rows())
    found = set(Signal.objects.filter(kind="subcontracting").values_list("segment", "care_month", "raised_on"))
    assert expected and found == expected and summary["subcontracting"] == len(expected)
    assert {s for s, _q, _a in found} == {"JGD-VERBLIJF"}


@pytest.mark.django_db
def test_members_send_under_their_own_codes_and_count_for_the_consortium(
    amsterdam: tuple[Path, dict[str, int]],
) -> None:
    folder, summary = amsterdam
    catalog = parse_catalog(folder / "catalog.toml")
    members = {member: p.agb for p in catalog.providers for member in p.members}
    stored = set(m.Episode.objects.values_list("provider", flat=True))
    sending = stored & set(members)
    assert len({members[a] for a in sending}) >= 2  # several consortia have members sending
    assert not sending & set(frames.episodes()["provider"].to_list())  # counted for the consortium
    assert summary["rejected_from_members"] == 0
