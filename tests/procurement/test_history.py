"""The demo's tender history (regie.procurement.history) stored from a generated region's
truth/tenders.json: through the services, four eyes on every bid, the award linking the
catalog's own contracts, once."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from regie.accounts.models import Role, UserRole
from regie.catalog.loader import load_catalog
from regie.engine.catalog import parse_catalog
from regie.procurement import models as m
from regie.procurement.history import seed_tenders
from regie.site.demo import DEMO_USERS, create_demo_users, demo_users, give_demo_password
from tests.accounts.factories import client_for
from tests.procurement.conftest import OWN, post
from tests.procurement.test_api import MARKS, assess, bid, tender


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


def test_the_demo_inkoper_logs_in_with_the_demo_password_and_assesses_as_the_second_assessor(
    region: None,
) -> None:
    """``inkoper`` (the tender history's second assessor) is a demo user like the others:
    municipality staff, password ``regie-demo``, listed where the demo prints its logins and in
    the README's table of demo users."""
    assert "inkoper" in DEMO_USERS
    listed = demo_users()
    assert listed["inkoper"].startswith("Gemeente")
    assert UserRole.objects.get(user__username="inkoper").role == Role.MUNICIPALITY
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    table = [line.split("|")[1].strip() for line in readme.splitlines() if line.startswith("| `")]
    assert all(f"`{name}`" in table for name in listed)
    # what an inkoper does: a tender's second pair of eyes, then the award
    gemeente, inkoper = client_for("gemeente"), client_for("inkoper")
    t = tender(gemeente)
    b = bid(client_for("aanbieder"), t["id"], OWN, 0.9)
    assert assess(gemeente, t["id"], b["id"], MARKS).status_code == 201
    assert assess(inkoper, t["id"], b["id"], MARKS).status_code == 201
    assert post(inkoper, f"/api/v1/tenders/{t['id']}/award/", {}).status_code == 200
    assert inkoper.get(f"/inkoop/aanbestedingen/{t['id']}/").status_code == 200


def test_a_kept_demo_database_gives_inkoper_the_demo_password(region: None) -> None:
    """A demo database built before ``inkoper`` was a demo user has it without a password; the
    next start gives it the demo password, and leaves a password that was set alone."""
    users = get_user_model().objects
    inkoper, gemeente = users.get(username="inkoper"), users.get(username="gemeente")
    inkoper.set_unusable_password()
    inkoper.save()
    gemeente.set_password("eigen-wachtwoord-2026")
    gemeente.save()
    assert give_demo_password() == ["inkoper"]
    assert client_for("inkoper").get("/").status_code == 200
    assert users.get(username="gemeente").check_password("eigen-wachtwoord-2026")
    assert give_demo_password() == []
