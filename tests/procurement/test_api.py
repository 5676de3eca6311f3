"""The tender API of domain.md section 12: create, bid, four-eyes assessment, award; who
sees what; problem+json and pagination."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from regie.accounts.models import AuditEvent
from regie.catalog.models import Contract
from tests.procurement.conftest import OTHER, OWN, REQUIREMENTS, client_for, post

MARKS = {"organisation": True, "staff": 7, "care_share": 8}


def tender(gemeente: Client, **extra: Any) -> dict[str, Any]:
    body = {"segment": "WMO-IB", "year": 2026, "max_providers": 1, "requirements": REQUIREMENTS, **extra}
    response = post(gemeente, "/api/v1/tenders/", body)
    assert response.status_code == 201, response.json()
    return response.json()


def bid(client: Client, tender_id: int, agb: str, care_share: float) -> dict[str, Any]:
    response = post(
        client, f"/api/v1/tenders/{tender_id}/bids/", {"provider": agb, "answers": {"care_share": care_share}}
    )
    assert response.status_code == 201, response.json()
    return response.json()


def assess(client: Client, tender_id: int, bid_id: int, marks: dict[str, Any]) -> Any:
    return post(client, f"/api/v1/tenders/{tender_id}/bids/{bid_id}/assessments/", {"scores": marks, "reason": "ok"})


def test_create_a_tender(region: None) -> None:
    body = tender(client_for("gemeente"), funding={"price_per_client": 900000, "agreed_clients": 50})
    assert body["segment"] == "WMO-IB" and body["year"] == 2026 and body["max_providers"] == 1
    assert body["status"] == "open" and body["start"] == "2026-01-01" and body["end"] == "2026-12-31"
    assert [r["code"] for r in body["requirements"]] == ["organisation", "staff", "care_share"]
    assert body["requirements"][1] == {
        "code": "staff",
        "text": "Gekwalificeerd personeel",
        "kind": "score",
        "weight": 2.0,
        "minimum": 5.0,
    }
    assert body["municipalities"] == ["0983"]
    listed = client_for("gemeente").get("/api/v1/tenders/?segment=WMO-IB&year=2026").json()
    assert listed["count"] == 1 and listed["next"] is None and listed["previous"] is None
    assert listed["results"][0]["id"] == body["id"]
    assert AuditEvent.objects.filter(action="tender_created").count() == 1


def test_a_wrong_tender_answers_400_problem_json_with_invalid_params(region: None) -> None:
    gemeente = client_for("gemeente")
    response = post(gemeente, "/api/v1/tenders/", {"segment": "WMO-IB", "year": 2026, "requirements": [{"code": "x"}]})
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 400 and body["title"] and body["detail"]
    assert {"name": "requirements[0].kind", "reason": "Dit veld is vereist."} in body["invalid_params"]
    tender(gemeente)
    again = post(gemeente, "/api/v1/tenders/", {"segment": "WMO-IB", "year": 2026, "requirements": REQUIREMENTS})
    assert again.status_code == 400
    assert again.json()["invalid_params"] == [
        {"name": "year", "reason": "Er is al een aanbesteding voor WMO-IB in 2026."}
    ]


def test_the_walk_from_bids_to_contracts(region: None) -> None:
    gemeente, gemeente2 = client_for("gemeente"), client_for("gemeente2")
    t = tender(gemeente, funding={"price_per_client": 900000, "agreed_clients": 50})
    own = bid(client_for("aanbieder"), t["id"], OWN, 0.9)
    other = bid(client_for("zuid"), t["id"], OTHER, 0.8)
    assert own["answers"] == {"care_share": 0.9} and own["result"] is None

    # one assessor only: the award is refused
    for b in (own, other):
        assert assess(gemeente, t["id"], b["id"], MARKS).status_code == 201
    refused = post(gemeente, f"/api/v1/tenders/{t['id']}/award/", {})
    assert refused.status_code == 400 and refused["Content-Type"] == "application/problem+json"
    assert "twee verschillende beoordelaars" in refused.json()["detail"]

    # the same user cannot assess twice; the second user can
    twice = assess(gemeente, t["id"], own["id"], MARKS)
    assert twice.status_code == 400 and "al beoordeeld" in twice.json()["detail"]
    for b in (own, other):
        assert assess(gemeente2, t["id"], b["id"], MARKS).status_code == 201
    third = assess(client_for("gemeente"), t["id"], other["id"], MARKS)
    assert third.status_code == 400

    # equal scores, one place: the higher care_share wins
    awarded = post(gemeente, f"/api/v1/tenders/{t['id']}/award/", {})
    assert awarded.status_code == 200, awarded.json()
    body = awarded.json()
    assert body["selected"] == [OWN]
    assert body["contracts"] == [f"2026-WMO-IB-{OWN}"]
    assert [(r["provider"], r["passed"], r["score"]) for r in body["ranking"]] == [
        (OWN, True, 7.3333),
        (OTHER, True, 7.3333),
    ]
    assert all(r["reasons"] for r in body["ranking"])
    contract = Contract.objects.get(ident=f"2026-WMO-IB-{OWN}")
    assert (contract.price_per_client, contract.agreed_clients) == (900000, 50)
    assert (str(contract.start), str(contract.end)) == ("2026-01-01", "2026-12-31")
    assert [m.code for m in contract.municipalities.all()] == ["0983"]
    assert post(gemeente, f"/api/v1/tenders/{t['id']}/award/", {}).status_code == 400  # once

    # the provider sees its own outcome only
    seen = client_for("zuid").get(f"/api/v1/tenders/{t['id']}/").json()
    assert [r["provider"] for r in seen["ranking"]] == [OTHER] and seen["selected"] == []
    mine = client_for("zuid").get(f"/api/v1/tenders/{t['id']}/bids/{other['id']}/").json()
    assert mine["result"]["selected"] is False and any("Gelijke score" in r for r in mine["result"]["reasons"])
    assert mine["assessments"] == []
    assert client_for("zuid").get(f"/api/v1/tenders/{t['id']}/bids/{own['id']}/").status_code == 404
    assert AuditEvent.objects.filter(action="tender_awarded").count() == 1


@pytest.mark.parametrize(
    ("username", "method", "path", "status"),
    [
        ("raad", "get", "/api/v1/tenders/", 403),
        ("aanbieder", "post", "/api/v1/tenders/", 403),
        ("beheer", "post", "/api/v1/tenders/", 403),
        ("aanbieder", "get", "/api/v1/tenders/", 200),
        ("beheer", "get", "/api/v1/tenders/", 200),
    ],
)
def test_roles(region: None, username: str, method: str, path: str, status: int) -> None:
    client = client_for(username)
    response = client.get(path) if method == "get" else post(client, path, {"segment": "WMO-IB"})
    assert response.status_code == status
    if status >= 400:
        assert response["Content-Type"] == "application/problem+json"


def test_bids_are_scoped(region: None) -> None:
    gemeente = client_for("gemeente")
    t = tender(gemeente)
    bid(gemeente, t["id"], OWN, 0.9)
    other = bid(client_for("zuid"), t["id"], OTHER, 0.8)
    path = f"/api/v1/tenders/{t['id']}/bids/"
    assert [b["provider"] for b in gemeente.get(path).json()["results"]] == [OWN, OTHER]
    assert [b["provider"] for b in client_for("aanbieder").get(path).json()["results"]] == [OWN]
    assert [b["provider"] for b in client_for("beheer").get(path).json()["results"]] == [OTHER]
    # a provider bids only for itself, once; only the municipality assesses
    assert post(client_for("aanbieder"), path, {"provider": OTHER, "answers": {}}).status_code == 403
    assert post(client_for("zuid"), path, {"provider": OTHER, "answers": {}}).status_code == 400
    assert assess(client_for("zuid"), t["id"], other["id"], MARKS).status_code == 403
    assert assess(client_for("aanbieder"), t["id"], other["id"], MARKS).status_code == 404
    wrong = assess(gemeente, t["id"], other["id"], {"organisation": "ja", "staff": 7})
    assert wrong.status_code == 400
    names = {p["name"] for p in wrong.json()["invalid_params"]}
    assert names == {"scores.organisation", "scores.care_share"}


def test_evidence_upload(region: None) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    gemeente = client_for("gemeente")
    t = tender(gemeente)
    own = bid(client_for("aanbieder"), t["id"], OWN, 0.9)
    upload = SimpleUploadedFile("jaarrekening.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = client_for("aanbieder").post(
        f"/api/v1/tenders/{t['id']}/bids/{own['id']}/evidence/", {"files": [upload], "requirement": "organisation"}
    )
    assert response.status_code == 201, response.json()
    assert response.json()[0]["name"] == "jaarrekening.pdf" and response.json()[0]["size"] == 13
    seen = gemeente.get(f"/api/v1/tenders/{t['id']}/bids/{own['id']}/").json()
    assert [e["requirement"] for e in seen["evidence"]] == ["organisation"]


def test_api_needs_a_login(region: None) -> None:
    assert Client().get("/api/v1/tenders/").status_code == 401
