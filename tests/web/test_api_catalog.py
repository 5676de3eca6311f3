"""The catalog's API (municipalities, areas, segments, providers, contracts, budgets): scoped by
role like the pages, paginated, filtered by natural keys, a wrong filter answered 400
problem+json naming the parameter (tests/monitor/data/kleinstad.toml: two municipalities,
three segments, four providers, five contracts, budgets for 2024 and 2025)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.accounts.factories import client_for
from tests.monitor.region import OTHER, OWN

G, A, R, M = "gemeente", "aanbieder", "raad", "relatiebeheer"
MANAGED = {OWN, "44444444"}


def get(who: str, path: str, **params: Any) -> Any:
    return client_for(who).get(path, params)


def results(who: str, path: str, **params: Any) -> list[dict[str, Any]]:
    response = get(who, path, **params)
    assert response.status_code == 200, (who, path, response.content)
    body = response.json()
    assert set(body) >= {"count", "next", "previous", "results"}
    return list(body["results"])


def test_reference_data_for_every_role(region: None, db: None) -> None:
    for who in (G, A, R, M):
        assert [m["code"] for m in results(who, "/api/v1/municipalities/")] == ["0889", "0983"]
        assert {s["code"] for s in results(who, "/api/v1/segments/")} == {"WMO-BW", "WMO-IB", "JGD-45"}
    venlo = get(A, "/api/v1/municipalities/0983/").json()
    assert venlo == {"code": "0983", "name": "Venlo", "areas": ["Centrum", "Blerick", "Tegelen"]}
    areas = results(R, "/api/v1/areas/", municipality="0889")
    assert [(a["municipality"], a["name"]) for a in areas] == [("0889", "Reuver"), ("0889", "Beesel-dorp")]
    assert get(R, f"/api/v1/areas/{areas[0]['id']}/").json()["name"] == "Reuver"
    assert get(G, "/api/v1/segments/JGD-45/").json()["funding_model"] == "pxq"


def test_providers_are_scoped_like_the_pages(region: None, db: None) -> None:
    assert len(results(G, "/api/v1/providers/")) == 4
    assert [p["agb"] for p in results(A, "/api/v1/providers/")] == [OWN]
    assert {p["agb"] for p in results(M, "/api/v1/providers/")} == MANAGED
    assert get(A, f"/api/v1/providers/{OWN}/").status_code == 200
    for who in (A, M):
        other = get(who, f"/api/v1/providers/{OTHER}/")
        assert other.status_code == 404 and other["Content-Type"] == "application/problem+json"
    council = get(R, "/api/v1/providers/")
    assert council.status_code == 403 and council["Content-Type"] == "application/problem+json"
    assert {p["agb"] for p in results(G, "/api/v1/providers/", segment="JGD-45")} == {"33333333", "44444444"}


def test_contracts_filter_by_natural_keys(region: None, db: None) -> None:
    everything = results(G, "/api/v1/contracts/")
    assert len(everything) == 5
    assert {c["provider"] for c in results(G, "/api/v1/contracts/", provider=OWN)} == {OWN}
    assert {c["segment"] for c in results(G, "/api/v1/contracts/", segment="JGD-45")} == {"JGD-45"}
    beesel = results(G, "/api/v1/contracts/", municipality="0889")
    assert len(beesel) == 4 and all("0889" in c["municipalities"] for c in beesel)
    years = {c["start"][:4] for c in everything} | {c["end"][:4] for c in everything}
    assert results(G, "/api/v1/contracts/", year=1990) == []
    assert len(results(G, "/api/v1/contracts/", year=int(min(years)))) >= 1
    # a provider's filter on another provider finds nothing; the object itself is not there
    assert results(A, "/api/v1/contracts/", provider=OTHER) == []
    ident = next(c["id"] for c in everything if c["provider"] == OTHER)
    assert get(A, f"/api/v1/contracts/{ident}/").status_code == 404
    assert get(M, f"/api/v1/contracts/{ident}/").status_code == 404
    assert get(R, "/api/v1/contracts/").status_code == 403
    versions = get(G, f"/api/v1/contracts/{ident}/versions/").json()
    assert set(versions) == {"count", "next", "previous", "results"}


def test_budgets_are_aggregates_for_the_municipality_and_the_council(region: None, db: None) -> None:
    for who in (G, R):
        rows = results(who, "/api/v1/budgets/", year=2025, segment="WMO-IB")
        assert {(b["municipality"], b["segment"], b["year"]) for b in rows} == {
            ("0983", "WMO-IB", 2025),
            ("0889", "WMO-IB", 2025),
        }
        assert get(who, f"/api/v1/budgets/{rows[0]['id']}/").json() == rows[0]
    assert results(G, "/api/v1/budgets/", municipality="0889", year=2025, segment="WMO-BW") == []
    for who in (A, M):
        assert get(who, "/api/v1/budgets/").status_code == 403


def test_lists_are_paginated(region: None, db: None) -> None:
    first = get(G, "/api/v1/contracts/", page_size=2).json()
    assert first["count"] == 5 and len(first["results"]) == 2 and first["previous"] is None
    assert "page=2" in first["next"]
    last = get(G, "/api/v1/contracts/", page_size=2, page=3).json()
    assert len(last["results"]) == 1 and last["next"] is None
    assert get(G, "/api/v1/contracts/", page=9).status_code == 404


@pytest.mark.parametrize(
    ("path", "name", "value"),
    [
        ("/api/v1/contracts/", "provider", "1234"),
        ("/api/v1/contracts/", "year", "twintig"),
        ("/api/v1/contracts/", "municipality", "Venlo"),
        ("/api/v1/contracts/", "segment", "WMO IB"),
        ("/api/v1/budgets/", "year", "99999"),
        ("/api/v1/areas/", "municipality", "98"),
        ("/api/v1/providers/", "segment", "-"),
        ("/api/v1/dialogues/", "provider", "x"),
        ("/api/v1/agreements/", "status", "klaar"),
        ("/api/v1/waiting-list/", "status", "weg"),
        ("/api/v1/tenders/", "year", "volgend"),
        ("/api/v1/scenarios/", "year", "2025a"),
        ("/api/v1/long-stays/", "provider", "noord"),
    ],
)
def test_a_wrong_filter_is_a_problem_naming_the_parameter(
    region: None, db: None, path: str, name: str, value: str
) -> None:
    response = get(G, path, **{name: value})
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert [p["name"] for p in body["invalid_params"]] == [name] and body["invalid_params"][0]["reason"]
