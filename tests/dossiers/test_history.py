"""The demo's dossiers stored through the services (regie.dossiers.history)."""

from __future__ import annotations

import datetime as dt

from regie.catalog.models import InnovationFund
from regie.dossiers.history import seed_dossiers
from regie.dossiers.models import OpportunityDossier, Risk
from regie.funding.models import LedgerLine

TODAY = dt.date(2025, 9, 30)


def test_the_demo_gets_a_fund_dossiers_and_risks(region: None, db: None) -> None:
    InnovationFund.objects.create(year=TODAY.year, amount=10_000_000)
    assert seed_dossiers(TODAY) == 5
    assert seed_dossiers(TODAY) == 0  # once
    statuses = sorted(OpportunityDossier.objects.values_list("status", flat=True))
    assert statuses == ["awarded", "awarded", "rejected", "rejected", "submitted"]
    assert OpportunityDossier.objects.filter(regular_service=True, status="rejected").count() == 1
    awarded = sum(OpportunityDossier.objects.filter(status="awarded").values_list("awarded_cents", flat=True))
    grants = sum(LedgerLine.objects.filter(kind="grant").values_list("amount_cents", flat=True))
    assert 0 < awarded == grants <= 10_000_000
    first = OpportunityDossier.objects.filter(status="awarded").order_by("pk").first()
    assert first is not None and first.clients.exists() and first.baseline
    assert Risk.objects.count() >= 4 and Risk.objects.filter(review_on__lt=TODAY).exists()
