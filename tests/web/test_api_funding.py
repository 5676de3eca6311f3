"""The funding API (ledger lines and totals, inflow requests, reallocations): scoped by role like
the funding pages, paginated, filtered by natural keys; the decisions are those of the pages
(the same services, audited)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client

from regie.accounts.models import AuditEvent
from regie.catalog.models import Contract
from regie.funding.models import CapacityReallocation, InflowRequest, LedgerLine
from regie.funding.services import refresh_ledger
from tests.accounts.factories import client_for
from tests.monitor.region import AS_OF, OTHER, OWN, YEAR

G, A, R, M = "gemeente", "aanbieder", "raad", "relatiebeheer"
OWN_CONTRACT, OTHER_CONTRACT = f"WMO-IB-{OWN}", f"WMO-IB-{OTHER}"


def page(client: Client, path: str, **params: Any) -> dict[str, Any]:
    response = client.get(path, params)
    assert response.status_code == 200, (path, response.content)
    body = response.json()
    assert {"count", "next", "previous", "results"} <= set(body)
    return body  # type: ignore[no-any-return]


def post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, body, content_type="application/json")


def test_ledger_lines_per_role(region: None, db: None) -> None:
    refresh_ledger(YEAR, AS_OF)
    total = LedgerLine.objects.filter(year=YEAR).count()
    assert total > 2
    gemeente, aanbieder = client_for(G), client_for(A)
    assert page(gemeente, "/api/v1/ledger/", year=YEAR, page_size=500)["count"] == total
    own = page(aanbieder, "/api/v1/ledger/", page_size=500)["results"]
    assert own and {line["provider"] for line in own} == {OWN}
    other = LedgerLine.objects.exclude(provider=OWN).first()
    assert other is not None
    assert aanbieder.get(f"/api/v1/ledger/{other.pk}/").status_code == 404
    assert gemeente.get(f"/api/v1/ledger/{other.pk}/").json()["amount_cents"] == other.amount_cents
    segment = page(gemeente, "/api/v1/ledger/", segment="JGD-45", year=YEAR, page_size=2)
    assert segment["count"] == LedgerLine.objects.filter(segment="JGD-45", year=YEAR).count()
    assert len(segment["results"]) == 2 and segment["next"]
    for who in (R, M):
        assert client_for(who).get("/api/v1/ledger/").status_code == 403
    wrong = gemeente.get("/api/v1/ledger/", {"municipality": "Venlo"})
    assert wrong.status_code == 400 and wrong.json()["invalid_params"][0]["name"] == "municipality"


def test_ledger_totals_are_the_funding_pages_rows(region: None, db: None) -> None:
    every = page(client_for(G), "/api/v1/ledger/totals/", year=YEAR, as_of=AS_OF.isoformat(), page_size=500)
    assert (every["year"], every["as_of"]) == (YEAR, AS_OF.isoformat()) and every["computed_at"]
    assert {r["provider"] for r in every["results"]} >= {OWN, OTHER}
    own = page(client_for(A), "/api/v1/ledger/totals/", page_size=500)["results"]
    assert own == [r for r in every["results"] if r["provider"] == OWN]
    assert page(client_for(A), "/api/v1/ledger/totals/", provider=OTHER)["results"] == []
    beesel = page(client_for(G), "/api/v1/ledger/totals/", municipality="0889", page_size=500)["results"]
    assert beesel and {r["municipality"] for r in beesel} == {"0889"}
    assert client_for(R).get("/api/v1/ledger/totals/").status_code == 403
    wrong = client_for(G).get("/api/v1/ledger/totals/", {"as_of": "gisteren"})
    assert wrong.status_code == 400 and wrong.json()["invalid_params"][0]["name"] == "as_of"


def test_inflow_request_filed_and_decided_through_the_api(region: None, db: None) -> None:
    aanbieder, gemeente = client_for(A), client_for(G)
    body = {
        "contract": OWN_CONTRACT,
        "month": "2025-07-01",
        "current_clients": 15,
        "expected_clients": 19,
        "requested_clients": 18,
        "justification": "Wachtlijst vanuit de wijkteams loopt op.",
    }
    assert post(gemeente, "/api/v1/inflow-requests/", body).status_code == 403
    refused = post(aanbieder, "/api/v1/inflow-requests/", {**body, "contract": OTHER_CONTRACT})
    assert refused.status_code == 400 and refused.json()["invalid_params"][0]["name"] == "contract"
    filed = post(aanbieder, "/api/v1/inflow-requests/", body)
    assert filed.status_code == 201, filed.content
    made = filed.json()
    assert (made["status"], made["provider"], made["contract"], made["filed_by"]) == (
        "pending",
        OWN,
        OWN_CONTRACT,
        "aanbieder",
    )
    path = f"/api/v1/inflow-requests/{made['id']}/"
    assert page(gemeente, "/api/v1/inflow-requests/", status="pending")["count"] == 1
    assert page(gemeente, "/api/v1/inflow-requests/", provider=OTHER)["count"] == 0
    assert post(aanbieder, f"{path}decision/", {"decision": "approve", "reason": "zelf"}).status_code == 403
    no_reason = post(gemeente, f"{path}decision/", {"decision": "approve", "reason": ""})
    assert no_reason.status_code == 400 and no_reason.json()["invalid_params"][0]["name"] == "reason"
    decided = post(gemeente, f"{path}decision/", {"decision": "approve", "reason": "Onderbouwd"})
    assert decided.status_code == 200, decided.content
    assert (decided.json()["status"], decided.json()["decided_by"]) == ("approved", "gemeente")
    assert AuditEvent.objects.filter(action="inflow_request.approved").exists()
    again = post(gemeente, f"{path}decision/", {"decision": "reject", "reason": "toch niet"})
    assert again.status_code == 400 and again["Content-Type"] == "application/problem+json"
    assert aanbieder.get(path).json()["status"] == "approved"
    for who in (R, M):
        assert client_for(who).get("/api/v1/inflow-requests/").status_code == 403
    wrong = gemeente.get("/api/v1/inflow-requests/", {"status": "klaar"})
    assert wrong.status_code == 400 and wrong.json()["invalid_params"][0]["name"] == "status"


def test_another_providers_request_is_not_there(region: None, db: None) -> None:
    zuid = InflowRequest.objects.create(
        contract=Contract.objects.get(ident=OTHER_CONTRACT),
        month="2025-07-01",
        current_clients=1,
        expected_clients=2,
        requested_clients=30,
        justification="x",
        filed_by=get_user_model().objects.get(username="gemeente"),
    )
    assert client_for(A).get(f"/api/v1/inflow-requests/{zuid.pk}/").status_code == 404
    assert page(client_for(A), "/api/v1/inflow-requests/")["count"] == 0
    assert post(client_for(G), f"/api/v1/inflow-requests/{zuid.pk}/decision/", {"decision": "x"}).status_code == 400


def test_reallocation_through_the_api(region: None, db: None) -> None:
    gemeente = client_for(G)
    body = {"from_contract": OWN_CONTRACT, "to_contract": OTHER_CONTRACT, "month": "2025-07-01", "clients": 2}
    refused = post(gemeente, "/api/v1/reallocations/", {**body, "to_contract": "JGD-45-33333333", "reason": "x"})
    assert refused.status_code == 400 and "binnen één segment" in refused.json()["detail"]
    unknown = post(gemeente, "/api/v1/reallocations/", {**body, "to_contract": "NIET-BESTAAND", "reason": "x"})
    assert unknown.status_code == 400 and unknown.json()["invalid_params"][0]["name"] == "to_contract"
    done = post(gemeente, "/api/v1/reallocations/", {**body, "reason": "Zuid heeft wachtenden, Noord ruimte"})
    assert done.status_code == 201, done.content
    moved = done.json()
    assert (moved["from_provider"], moved["to_provider"], moved["clients"], moved["segment"]) == (
        OWN,
        OTHER,
        2,
        "WMO-IB",
    )
    assert CapacityReallocation.objects.get().decided_by.username == "gemeente"
    assert AuditEvent.objects.filter(action="capacity.reallocated").exists()
    assert page(gemeente, "/api/v1/reallocations/", provider=OTHER)["count"] == 1
    assert page(gemeente, "/api/v1/reallocations/", segment="JGD-45")["count"] == 0
    assert gemeente.get(f"/api/v1/reallocations/{moved['id']}/").json() == moved
    for who in (A, R, M):
        assert client_for(who).get("/api/v1/reallocations/").status_code == 403
        assert post(client_for(who), "/api/v1/reallocations/", body).status_code == 403
    wrong = gemeente.get("/api/v1/reallocations/", {"year": "vorig"})
    assert wrong.status_code == 400 and wrong.json()["invalid_params"][0]["name"] == "year"
