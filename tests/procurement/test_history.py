"""The demo's tender history (regie.procurement.history) stored from a generated region's
truth/tenders.json: through the services, four eyes on every bid, the award linking the
catalog's own contracts, once."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from regie.catalog.loader import load_catalog
from regie.engine.catalog import parse_catalog
from regie.procurement import models as m
from regie.procurement.history import seed_tenders
from regie.site.demo import create_demo_users
from tests.accounts.factories import client_for


@pytest.mark.django_db
def test_the_tender_history_is_stored_once_as_the_rules_award_it(
    region_dir: Callable[[str, int, int, float], Path],
) -> None:
    folder = region_dir("venlo", 2025, 5, 0.03)
    load_catalog(parse_catalog(folder / "catalog.toml"))
    create_demo_users()
    (history,) = json.loads((folder / "truth" / "tenders.json").read_text(encoding="utf-8"))
    assert seed_tenders([history]) == 1
    tender = m.Tender.objects.get()
    assert tender.status == m.Tender.Status.AWARDED and tender.awarded_at.date().year == history["year"] - 1
    bids = list(tender.bids.select_related("provider", "contract").prefetch_related("assessments"))
    assert len(bids) == history["providers_before"] > len(history["selected"])
    assert all(len({a.assessor_id for a in b.assessments.all()}) == 2 for b in bids)
    selected = {b.provider.agb: b.contract.ident for b in bids if b.selected}
    assert selected == history["contracts"]  # the catalog's contracts, none made anew
    assert [b.rank for b in sorted(bids, key=lambda b: b.rank or 99) if b.rank] == list(range(1, len(bids) - 1))
    assert seed_tenders([history]) == 0
    # the tender's page shows the award: every bid, the selected ones with their contract
    page = client_for("gemeente").get(f"/inkoop/aanbestedingen/{tender.pk}/").content.decode()
    assert all(b.provider.name in page for b in bids) and all(ident in page for ident in selected.values())
