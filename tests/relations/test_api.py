"""The dialogues' API as domain.md section 12 says (issue 14): fields, status codes,
problem+json, pagination, and who may call what."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from regie.accounts.models import AuditEvent
from tests.monitor.region import OTHER, OWN
from tests.web.conftest import client_for

G, A, R, M = "gemeente", "aanbieder", "raad", "relatiebeheer"
DAY = (dt.date.today() + dt.timedelta(days=10)).isoformat()
KINDS = {"scorecard", "forecast", "signals", "requests", "agreements", "risks"}


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def plan(client: Client, provider: str = OWN, date: str = DAY) -> Any:
    return client.post("/api/v1/dialogues/", {"provider": provider, "date": date}, content_type="application/json")


def test_plan_a_dialogue(region: None, db: None) -> None:
    response = plan(client_for(G))
    assert response.status_code == 201
    body = response.json()
    assert {"id", "provider", "date", "snapshot", "agenda"} <= set(body)
    assert body["provider"] == OWN and body["date"] == DAY and body["snapshot"]["as_of"]
    assert KINDS <= {i["kind"] for i in body["agenda"]} and all(i["title"] for i in body["agenda"])
    card = next(i for i in body["agenda"] if i["kind"] == "scorecard")["cards"][0]
    assert "value" in next(iter(card["indicators"].values()))
    assert client_for(G).get(f"/api/v1/dialogues/{body['id']}/").json() == body


def test_refused_plans(region: None, db: None) -> None:
    body = problem(plan(client_for(G), date="morgen"), 400)
    assert body["invalid_params"][0]["name"] == "date"
    problem(plan(client_for(G), provider="99999999"), 404)
    problem(plan(client_for(A)), 403)  # a provider does not plan
    problem(plan(client_for(R)), 403)
    problem(plan(client_for(M), provider=OTHER), 404)  # not one of the manager's providers
    assert plan(client_for(M)).status_code == 201
    problem(plan(Client()), 401)


def test_agreements_through_the_api(region: None, db: None) -> None:
    gemeente, aanbieder = client_for(G), client_for(A)
    dialogue = plan(gemeente).json()["id"]
    item = aanbieder.post(f"/api/v1/dialogues/{dialogue}/items/", {"text": "Tarieven"}, content_type="application/json")
    assert item.status_code == 201 and item.json()["agenda"][-1] == {**item.json()["agenda"][-1], "kind": "item"}
    made = gemeente.post(
        f"/api/v1/dialogues/{dialogue}/agreements/",
        {"text": "Wachtlijst opschonen", "owner": "provider", "due": DAY},
        content_type="application/json",
    )
    assert made.status_code == 201
    a = made.json()
    assert a["status"] == "open" and a["owner"] == "provider" and a["due"] == DAY and a["confirmed"] is False
    bad = gemeente.post(
        f"/api/v1/dialogues/{dialogue}/agreements/", {"text": "x", "owner": "raad"}, content_type="application/json"
    )
    assert {p["name"] for p in problem(bad, 400)["invalid_params"]} == {"owner", "due"}
    problem(
        aanbieder.post(f"/api/v1/dialogues/{dialogue}/agreements/", {"text": "x", "owner": "provider", "due": DAY}),
        403,
    )
    done = aanbieder.patch(f"/api/v1/agreements/{a['id']}/", {"status": "done"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "done" and done.json()["confirmed"] is False
    problem(
        aanbieder.patch(f"/api/v1/agreements/{a['id']}/", {"confirmed": True}, content_type="application/json"), 403
    )
    confirmed = gemeente.patch(f"/api/v1/agreements/{a['id']}/", {"confirmed": True}, content_type="application/json")
    assert confirmed.json()["state"] == "confirmed"
    comment = aanbieder.post(f"/api/v1/agreements/{a['id']}/comments/", {"text": "Klaar"})
    assert comment.status_code == 201 and comment.json()["comments"][0]["by_provider"] is True
    actions = list(AuditEvent.objects.filter(action__startswith="agreement.").values_list("action", flat=True))
    assert sorted(actions) == ["agreement.comment", "agreement.confirm", "agreement.done", "agreement.make"]


def test_another_providers_objects_do_not_exist(region: None, db: None) -> None:
    gemeente = client_for(G)
    other = plan(gemeente, OTHER).json()["id"]
    a = gemeente.post(
        f"/api/v1/dialogues/{other}/agreements/",
        {"text": "x", "owner": "provider", "due": DAY},
        content_type="application/json",
    ).json()["id"]
    for username in (A, M):
        client = client_for(username)
        problem(client.get(f"/api/v1/dialogues/{other}/"), 404)
        problem(client.get(f"/api/v1/agreements/{a}/"), 404)
        problem(client.patch(f"/api/v1/agreements/{a}/", {"status": "done"}, content_type="application/json"), 404)
        assert client.get("/api/v1/agreements/").json()["results"] == []


#: path -> expected status for (gemeente, aanbieder, raad, relatiebeheer)
ENDPOINTS = {
    "/api/v1/dialogues/": (200, 200, 403, 200),
    "/api/v1/dialogues/due/": (200, 403, 403, 200),
    "/api/v1/agreements/": (200, 200, 403, 200),
}


@pytest.mark.parametrize("path", sorted(ENDPOINTS))
def test_lists_per_role_are_paginated(region: None, db: None, path: str) -> None:
    plan(client_for(G))
    plan(client_for(G), OTHER)
    for username, expected in zip((G, A, R, M), ENDPOINTS[path], strict=True):
        response = client_for(username).get(path)
        if expected != 200:
            problem(response, expected)
            continue
        body = response.json()
        assert set(body) == {"count", "next", "previous", "results"}, (username, path)
        providers = {r["provider"] for r in body["results"]}
        if username in (A, M):
            assert OTHER not in providers, (username, path)
    problem(Client().get(path), 401)


def test_due_list(region: None, db: None) -> None:
    rows = client_for(G).get("/api/v1/dialogues/due/").json()["results"]
    assert {r["provider"] for r in rows} == {"11111111", "22222222", "33333333", "44444444"}
    assert rows[0] == {**rows[0], "status": "due", "last_dialogue": None, "every_weeks": 8}
    plan(client_for(G))  # planned within the cadence: no longer due
    rows = client_for(G).get("/api/v1/dialogues/due/").json()["results"]
    assert OWN not in {r["provider"] for r in rows}
