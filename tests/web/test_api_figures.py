"""The API of the computed figures (indicators, forecast, scorecards) and of the signals:
a snapshot's rows paginated with its year and as-of date beside them, filtered by natural
keys, scoped like the pages; a signal's status changed by PATCH as on its page (audited)."""

from __future__ import annotations

from typing import Any

from django.test import Client

from regie.accounts.models import AuditEvent
from regie.monitor import services
from regie.monitor.models import Snapshot
from regie.traffic import models as tm
from tests.accounts.factories import client_for
from tests.monitor.region import AS_OF, OTHER, OWN, YEAR

G, A, R, M = "gemeente", "aanbieder", "raad", "relatiebeheer"
MANAGED = {OWN, "44444444"}


def page(client: Client, path: str, **params: Any) -> dict[str, Any]:
    response = client.get(path, params)
    assert response.status_code == 200, (path, response.content)
    return response.json()  # type: ignore[no-any-return]


def test_indicators_are_paginated_and_filtered(region: None, db: None) -> None:
    stored = services.latest(Snapshot.Kind.INDICATORS, YEAR, AS_OF, "by=provider,segment,month")
    assert stored is not None and len(stored.rows) > 3
    query = {"by": "provider,segment,month", "year": YEAR, "as_of": AS_OF.isoformat()}
    first = page(client_for(G), "/api/v1/indicators/", **query, page_size=3)
    assert first["count"] == len(stored.rows) and first["results"] == stored.rows[:3] and first["next"]
    assert (first["year"], first["as_of"]) == (YEAR, AS_OF.isoformat())
    ib = page(client_for(G), "/api/v1/indicators/", **query, segment="WMO-IB", provider=OTHER, page_size=500)
    assert ib["results"] == [r for r in stored.rows if r["segment"] == "WMO-IB" and r["provider"] == OTHER]
    assert page(client_for(A), "/api/v1/indicators/", **query, provider=OTHER)["count"] == 0
    managed = page(client_for(M), "/api/v1/indicators/", **query, page_size=500)["results"]
    assert {r["provider"] for r in managed} <= MANAGED
    venlo = page(client_for(R), "/api/v1/indicators/", by="municipality,area", municipality="0983", area="Blerick")
    assert [(r["municipality"], r["area"]) for r in venlo["results"]] == [("0983", "Blerick")]
    for params, name in (({"year": "x"}, "year"), ({"segment": "a b"}, "segment"), ({"by": "area"}, "by")):
        wrong = client_for(G).get("/api/v1/indicators/", params)
        assert wrong.status_code == 400 and wrong.json()["invalid_params"][0]["name"] == name
    assert client_for(G).get("/api/v1/indicators/", {"year": 1990}).status_code == 404


def test_forecast_filters_and_council(region: None, db: None) -> None:
    rows = page(client_for(R), "/api/v1/forecast/", segment="JGD-45")["results"]
    assert rows and {r["segment"] for r in rows} == {"JGD-45"} and all("provider" not in r for r in rows)
    assert client_for(R).get("/api/v1/forecast/", {"level": "provider"}).status_code == 403
    own = page(client_for(A), "/api/v1/forecast/", level="provider", page_size=500)["results"]
    assert own and {r["provider"] for r in own} == {OWN}
    wrong = client_for(G).get("/api/v1/forecast/", {"level": "gemeente"})
    assert wrong.status_code == 400 and wrong.json()["invalid_params"][0]["name"] == "level"


def test_scorecards_list_and_one_providers(region: None, db: None) -> None:
    every = page(client_for(G), "/api/v1/scorecards/", page_size=500)["results"]
    assert {c["provider"] for c in every} >= {OWN, OTHER}
    assert {c["provider"] for c in page(client_for(A), "/api/v1/scorecards/")["results"]} == {OWN}
    assert {c["provider"] for c in page(client_for(M), "/api/v1/scorecards/")["results"]} <= MANAGED
    mine = page(client_for(A), f"/api/v1/scorecards/{OWN}/")
    assert mine["provider"] == OWN and mine["cards"] == [c for c in every if c["provider"] == OWN]
    assert mine["year"] == YEAR and mine["as_of"] == AS_OF.isoformat()
    for who in (A, M):
        other = client_for(who).get(f"/api/v1/scorecards/{OTHER}/")
        assert other.status_code == 404 and other["Content-Type"] == "application/problem+json"
    assert client_for(R).get("/api/v1/scorecards/").status_code == 403
    assert client_for(R).get(f"/api/v1/scorecards/{OWN}/").status_code == 403
    wide = page(client_for(G), "/api/v1/scorecards/", segment="WMO-IB", page_size=500)["results"]
    assert wide and {c["segment"] for c in wide} == {"WMO-IB"}


def test_signals_scoped_filtered_and_paginated(region: None, db: None) -> None:
    every = page(client_for(G), "/api/v1/signals/", page_size=500)
    assert every["count"] == tm.Signal.objects.count() > 1
    own = page(client_for(A), "/api/v1/signals/", page_size=500)["results"]
    assert own and {s["provider"] for s in own} == {OWN}
    assert {s["provider"] for s in page(client_for(M), "/api/v1/signals/", page_size=500)["results"]} <= MANAGED
    assert client_for(R).get("/api/v1/signals/").status_code == 403
    kind = every["results"][0]["kind"]
    kinds = page(client_for(G), "/api/v1/signals/", kind=kind, page_size=500)["results"]
    assert kinds and {s["kind"] for s in kinds} == {kind}
    assert (
        page(client_for(G), "/api/v1/signals/", provider=OTHER)["count"]
        == tm.Signal.objects.filter(provider=OTHER).count()
    )
    two = page(client_for(G), "/api/v1/signals/", page_size=1)
    assert len(two["results"]) == 1 and two["next"]
    other = tm.Signal.objects.filter(provider=OTHER).first()
    assert other is not None
    assert client_for(A).get(f"/api/v1/signals/{other.pk}/").status_code == 404
    assert client_for(G).get(f"/api/v1/signals/{other.pk}/").json()["id"] == other.pk
    wrong = client_for(G).get("/api/v1/signals/", {"kind": "onbekend"})
    assert wrong.status_code == 400 and wrong.json()["invalid_params"][0]["name"] == "kind"


def patch(client: Client, pk: int, body: dict[str, Any]) -> Any:
    return client.patch(f"/api/v1/signals/{pk}/", body, content_type="application/json")


def test_signal_status_change_by_patch_is_audited(region: None, db: None) -> None:
    own = tm.Signal.objects.filter(provider=OWN, status="open").first()
    other = tm.Signal.objects.filter(provider=OTHER).first()
    assert own is not None and other is not None
    aanbieder, gemeente = client_for(A), client_for(G)
    assert patch(aanbieder, other.pk, {"status": "explained", "note": "x"}).status_code == 404
    refused = patch(aanbieder, own.pk, {"status": "resolved", "note": "klaar"})
    assert refused.status_code == 400 and refused.json()["invalid_params"][0]["name"] == "status"
    no_note = patch(aanbieder, own.pk, {"status": "explained"})
    assert no_note.status_code == 400 and no_note.json()["invalid_params"][0]["name"] == "note"
    explained = patch(aanbieder, own.pk, {"status": "explained", "note": "Cliënt verhuisd"})
    assert explained.status_code == 200 and explained.json()["status"] == "explained"
    assert patch(gemeente, own.pk, {"status": "resolved", "note": "Akkoord"}).json()["status"] == "resolved"
    late = patch(aanbieder, own.pk, {"status": "explained", "note": "nog iets"})
    assert late.status_code == 400, "a resolved signal is the municipality's"
    events = AuditEvent.objects.filter(action="signal.status", detail__signal=own.pk).order_by("pk")
    assert [(e.detail["was"], e.detail["now"], e.reason) for e in events] == [
        ("open", "explained", "Cliënt verhuisd"),
        ("explained", "resolved", "Akkoord"),
    ]
    assert patch(client_for(R), own.pk, {"status": "open"}).status_code == 403
