"""Consortia: traffic sent under a member's AGB code counts for the consortium's contract
(domain.md section 10a; regie.engine.consortia): in the frames every figure is computed from,
and in the contract the door looks up for a member's declaration (its deadline)."""

from __future__ import annotations

import datetime as dt

import pytest

from regie.engine.catalog import catalog_from_dict
from regie.funding.models import LedgerLine
from regie.funding.services import refresh_ledger
from regie.intake.state import IntakeState
from regie.traffic import frames
from tests.catalog.factories import catalog, contract, load, segment
from tests.traffic.factories import DeclarationLineFactory

CONSORTIUM, MEMBER, OTHER = "11111111", "22222222", "33333333"


def doc() -> dict:
    data = catalog(
        [segment("WMO-IB", "pxq", products=["02A01"])],
        [
            contract("2025-WMO-IB-1", CONSORTIUM, "WMO-IB", tariffs={"02A01": 6550}),
            contract("2025-WMO-IB-3", OTHER, "WMO-IB", tariffs={"02A01": 7000}),
        ],
    )
    data["provider"][0]["members"] = [MEMBER]
    return data


def test_the_door_finds_the_consortiums_contract_for_a_member() -> None:
    state = IntakeState(catalog_from_dict(doc()))
    found = state.contract_for(MEMBER, "WMO-IB", "0983", dt.date(2025, 3, 1))
    assert found is not None and found.id == "2025-WMO-IB-1"
    assert state.contract_for(OTHER, "WMO-IB", "0983", dt.date(2025, 3, 1)).id == "2025-WMO-IB-3"  # type: ignore[union-attr]


@pytest.mark.django_db
def test_a_members_lines_count_for_the_consortium() -> None:
    load(doc())
    DeclarationLineFactory(provider=MEMBER, segment="WMO-IB", volume=2, tariff=6550)
    DeclarationLineFactory(provider=CONSORTIUM, segment="WMO-IB", volume=1, tariff=6550)
    DeclarationLineFactory(provider=OTHER, segment="WMO-IB", volume=1, tariff=7000)
    lines = frames.declarations()
    assert sorted(lines["provider"].to_list()) == [CONSORTIUM, CONSORTIUM, OTHER]
    own = frames.declarations(CONSORTIUM)
    assert own.height == 2 and set(own["provider"].to_list()) == {CONSORTIUM}
    refresh_ledger(2025)
    paid = {
        agb: sum(line.amount_cents for line in LedgerLine.objects.filter(provider=agb)) for agb in (CONSORTIUM, MEMBER)
    }
    assert paid == {CONSORTIUM: 3 * 6550, MEMBER: 0}
