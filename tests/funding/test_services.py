"""The stored ledger and the funding decisions (inflow requests, reallocation), audited."""

from __future__ import annotations

import datetime as dt

import pytest

from regie.accounts.models import AuditEvent
from regie.catalog.models import Contract
from regie.funding import services
from regie.funding.models import InflowRequest, LedgerLine
from tests.accounts.factories import Role, user
from tests.catalog import factories as cat
from tests.traffic.factories import DeclarationLineFactory, MessageFactory

D = dt.date
MUN = "0983"
PROVIDERS = ["11111111", "22222222", "33333333"]


@pytest.fixture
def region(db: None) -> None:
    segments = [
        cat.segment("IB", name="Begeleiding", weight=2),
        cat.segment("JA", "lump_sum", name="Jeugd", products=["45"]),
    ]
    contracts = [cat.contract(f"IB-{agb}", agb, "IB", agreed_clients=2, price_per_client=120000) for agb in PROVIDERS]
    contracts += [cat.contract(f"JA-{agb}", agb, "JA", lump_sum=1200000) for agb in PROVIDERS[:2]]
    cat.load(cat.catalog(segments, contracts, [cat.budget("IB", 1000000)], providers=PROVIDERS))


def declare(provider: str, client: str, month: int, arrival: dt.date, ref: str) -> None:
    message = MessageFactory(kind="WMO323", sender=provider, day=arrival, identification=ref)
    DeclarationLineFactory(
        message=message, reference=ref, provider=provider, client=client, segment="IB", care_month=D(2025, month, 1)
    )


def municipality_user(name: str = "g") -> object:
    return user(name, Role.MUNICIPALITY)


def provider_user(name: str = "p", agb: str = "11111111") -> object:
    return user(name, Role.PROVIDER, provider=agb)


def total(lines: list[object], contract: str) -> int:
    return sum(line.amount_cents for line in lines if line.contract == contract)  # type: ignore[attr-defined]


def test_refreshing_twice_books_nothing_new(region: None) -> None:
    declare("11111111", "a", 1, D(2025, 2, 1), "R1")
    first = services.refresh_ledger(2025, on=D(2025, 6, 1))
    count = LedgerLine.objects.count()
    assert count == len(first) > 0
    services.refresh_ledger(2025, on=D(2025, 6, 1))
    assert LedgerLine.objects.count() == count


def test_new_facts_are_booked_as_new_lines_never_by_changing_stored_ones(region: None) -> None:
    for i, client in enumerate("abc"):
        declare("11111111", client, 1, D(2025, 2, 1), f"R{i}")
    services.refresh_ledger(2025, on=D(2025, 6, 1))
    before = {line.pk: line.amount_cents for line in LedgerLine.objects.all()}
    settled = services.refresh_ledger(2025, on=D(2026, 6, 1))  # after the year: settlement on 2 (capped) clients
    assert {line.pk: line.amount_cents for line in LedgerLine.objects.filter(pk__in=before)} == before
    assert total(settled, "IB-11111111") == 2 * 120000  # min(3 realised, 2 agreed) x price


def test_an_approved_inflow_request_raises_the_agreement_and_is_audited(region: None) -> None:
    for i, client in enumerate("abc"):
        declare("11111111", client, 3, D(2025, 4, 1), f"R{i}")
    contract = Contract.objects.get(ident="IB-11111111")
    request = services.file_request(provider_user(), contract, D(2025, 3, 1), 3, 3, 3, "Drie nieuwe cliënten in maart")
    services.decide_request(municipality_user(), request, approve=True, reason="Onderbouwing klopt")
    assert InflowRequest.objects.get().status == "approved"
    assert list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        "inflow_request.filed",
        "inflow_request.approved",
    ]
    lines = services.refresh_ledger(2025, on=dt.date.today())
    # N_p is 2 in January and February and 3 from March: time-weighted (2*2 + 3*10) / 12 clients
    assert total(lines, "IB-11111111") == (2 * 2 + 3 * 10) * 120000 // 12


@pytest.mark.parametrize(
    ("requested", "justification", "message"),
    [(2, "x", "boven de afspraak"), (5, " ", "onderbouwing")],
)
def test_a_request_must_make_sense(region: None, requested: int, justification: str, message: str) -> None:
    contract = Contract.objects.get(ident="IB-11111111")
    with pytest.raises(services.DecisionError, match=message):
        services.file_request(provider_user(), contract, D(2025, 3, 1), 2, 2, requested, justification)


def test_requests_only_for_per_client_contracts_and_decided_once(region: None) -> None:
    with pytest.raises(services.DecisionError, match="prestatiegerichte"):
        services.file_request(provider_user(), Contract.objects.get(ident="JA-11111111"), D(2025, 3, 1), 1, 1, 9, "x")
    request = services.file_request(
        provider_user("q", "22222222"), Contract.objects.get(ident="IB-22222222"), D(2025, 3, 1), 3, 3, 3, "x"
    )
    with pytest.raises(services.DecisionError, match="reden"):
        services.decide_request(municipality_user("g"), request, approve=False, reason="")
    services.decide_request(municipality_user("h"), request, approve=False, reason="Past niet in het budget")
    with pytest.raises(services.DecisionError, match="al besloten"):
        services.decide_request(municipality_user("i"), request, approve=True, reason="toch wel")


def test_reallocation_within_a_segment_is_checked_and_audited(region: None) -> None:
    giver, taker = Contract.objects.get(ident="JA-11111111"), Contract.objects.get(ident="JA-22222222")
    services.reallocate(municipality_user("g"), giver, taker, D(2025, 7, 1), 0, 120000, "Wachtlijst bij aanbieder 2")
    assert AuditEvent.objects.filter(action="capacity.reallocated").count() == 1
    with pytest.raises(services.DecisionError):
        services.reallocate(
            municipality_user("h"), giver, Contract.objects.get(ident="IB-33333333"), D(2025, 7, 1), 0, 1, "x"
        )
