"""One object of every API resource, for the own provider and for another, in the small region.

The contract test (schemathesis) and the access matrix fill the path parameters of every
endpoint of docs/openapi.yaml from :func:`path_values`: the parameter after a path's
collection (``/tenders/{tender_pk}/bids/{id}/`` -> ``tenders``, ``bids``) is that collection's
object of :data:`OBJECTS`-kind ``own`` (of OWN, whom the ``aanbieder`` user works for and the
``relatiebeheer`` user looks after) or ``other`` (of OTHER, neither's). A collection that
belongs to no provider (segments, budgets, scenarios, tenders) has only ``own``.

The objects are made through the API itself, as the municipality and the providers would.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from regie.accounts.models import Role
from regie.catalog.models import Area, Budget, Contract, Provider
from tests.accounts.factories import client_for, user
from tests.monitor.region import OTHER, OWN

#: A user of the other provider, for the objects only a provider makes (bids).
OTHER_USER = "zuid"

REQUIREMENTS = [
    {"code": "organisation", "text": "Organisatie op orde", "kind": "pass_fail"},
    {"code": "care_share", "text": "Aandeel zorg in de omzet", "kind": "score", "weight": 1},
]


def _post(client: Client, path: str, body: Any) -> dict[str, Any]:
    response = client.post(path, body, content_type="application/json")
    assert response.status_code in (200, 201), (path, response.status_code, response.content[:500])
    data: dict[str, Any] = response.json()
    return data


def build_objects() -> dict[str, dict[str, Any]]:
    """Make the objects (in the stored region of tests/monitor/region.py); collection -> whose -> key."""
    user(OTHER_USER, Role.PROVIDER, provider=OTHER)
    gemeente, own, other = client_for("gemeente"), client_for("aanbieder"), client_for(OTHER_USER)
    day = dt.date(2025, 10, 1).isoformat()
    dialogues = {w: _post(gemeente, "/api/v1/dialogues/", {"provider": agb, "date": day}) for w, agb in _whose()}
    agreements = {
        w: _post(
            gemeente,
            f"/api/v1/dialogues/{d['id']}/agreements/",
            {"text": "Wachtlijst samen doorlopen", "owner": "provider", "due": "2025-12-01"},
        )
        for w, d in dialogues.items()
    }
    tender = _post(gemeente, "/api/v1/tenders/", {"segment": "WMO-IB", "year": 2027, "requirements": REQUIREMENTS})
    bids = {
        w: _post(c, f"/api/v1/tenders/{tender['id']}/bids/", {"provider": agb, "answers": {"care_share": 0.9}})
        for (w, agb), c in zip(_whose(), (own, other), strict=True)
    }
    registrations = {}
    for (w, agb), bsn in zip(_whose(), ("100000009", "100000010"), strict=True):
        reg = _post(
            gemeente,
            "/api/v1/waiting-list/",
            {"municipality": "0983", "segment": "WMO-IB", "bsn": bsn, "urgency": "normal", "registered_on": day},
        )
        _post(gemeente, f"/api/v1/waiting-list/{reg['id']}/assign/", {"provider": agb})
        registrations[w] = reg["id"]
    scenario = _post(
        gemeente,
        "/api/v1/scenarios/",
        {"name": "Tarief +3%", "year": 2025, "as_of": "2025-09-30", "changes": [_TARIFF]},
    )
    dossiers = {
        w: _post(
            gemeente,
            "/api/v1/opportunity-dossiers/",
            {
                "title": f"Samen verder ({w})",
                "providers": list(pair),
                "year": 2025,
                "requested_cents": 100000,
                "business_case": "Minder uitval",
                "indicators": ["sustainable_outflow_rate"],
            },
        )
        for w, pair in (("own", (OWN, "44444444")), ("other", (OTHER, "33333333")))
    }
    risks = {
        w: _post(
            gemeente,
            "/api/v1/risk-dossiers/",
            {
                "provider": agb,
                "contract": Contract.objects.filter(provider__agb=agb).order_by("ident")[0].ident,
                "risk": "Personeelstekort",
                "owner": "provider",
                "likelihood": 3,
                "impact": 4,
                "measures": "Inzet flexpool",
                "review_on": "2025-12-01",
            },
        )
        for w, agb in _whose()
    }
    return {
        **_stored_objects(),
        "opportunity-dossiers": {w: d["id"] for w, d in dossiers.items()},
        "risk-dossiers": {w: d["id"] for w, d in risks.items()},
        "agreements": {w: a["id"] for w, a in agreements.items()},
        "dialogues": {w: d["id"] for w, d in dialogues.items()},
        "tenders": {"own": tender["id"]},
        "bids": {w: b["id"] for w, b in bids.items()},
        "waiting-list": registrations,
        "scenarios": {"own": scenario["id"]},
        "segments": {"own": "WMO-IB"},
        "municipalities": {"own": "0983"},
        "areas": {"own": Area.objects.order_by("pk").values_list("pk", flat=True)[0]},
        "providers": {"own": OWN, "other": OTHER},
        "budgets": {"own": Budget.objects.order_by("pk").values_list("pk", flat=True)[0]},
        "contracts": {w: Contract.objects.filter(provider__agb=agb).order_by("ident")[0].ident for w, agb in _whose()},
    }


def _stored_objects() -> dict[str, dict[str, Any]]:
    """Objects made in the database directly: funding rows, signals, upload jobs."""
    from django.contrib.auth import get_user_model

    from regie.funding.models import CapacityReallocation, InflowRequest, LedgerLine
    from regie.traffic.models import Signal
    from regie.uploads.models import IngestJob

    gemeente = get_user_model().objects.get(username="gemeente")
    contracts = {w: Contract.objects.filter(provider__agb=agb, segment__code="WMO-IB").first() for w, agb in _whose()}
    made: dict[str, dict[str, Any]] = {"scorecards": {"own": OWN, "other": OTHER}, "fmt": {"own": "pdf"}}
    made["reports"] = {"own": f"scorecard-{OWN}", "other": f"scorecard-{OTHER}"}
    made["ledger"] = {
        w: LedgerLine.objects.create(
            year=2025,
            contract=c.ident,
            provider=c.provider.agb,
            segment="WMO-IB",
            municipality="0983",
            month=dt.date(2025, 1, 1),
            kind="advance",
            rule="test",
            amount_cents=100,
            booked_on=dt.date(2025, 1, 1),
        ).pk
        for w, c in contracts.items()
        if c
    }
    made["inflow-requests"] = {
        w: InflowRequest.objects.create(
            contract=c,
            month=dt.date(2025, 10, 1),
            current_clients=10,
            expected_clients=14,
            requested_clients=14,
            justification="Meer aanmeldingen",
            filed_by=gemeente,
        ).pk
        for w, c in contracts.items()
        if c
    }
    made["reallocations"] = {
        "own": CapacityReallocation.objects.create(
            segment=contracts["own"].segment,
            from_contract=contracts["other"],
            to_contract=contracts["own"],
            month=dt.date(2025, 10, 1),
            clients=2,
            reason="Wachtlijst",
            decided_by=gemeente,
        ).pk
    }
    made["signals"] = {w: Signal.objects.filter(provider=agb).order_by("pk")[0].pk for w, agb in _whose()}
    made["ingest"] = {
        w: IngestJob.objects.create(provider=Provider.objects.get(agb=agb), status="failed", error="x").pk
        for w, agb in _whose()
    }
    return made


_TARIFF = {"kind": "tariff", "segment": "WMO-IB", "from": "2025-10-01", "factor": 1.03}


def _whose() -> tuple[tuple[str, str], ...]:
    return (("own", OWN), ("other", OTHER))


def _params(path: str) -> list[tuple[str, str]]:
    """(collection, name) of each path parameter; a parameter after another one is its own
    collection (``/reports/{ident}/{fmt}/`` -> ``reports``, ``fmt``)."""
    parts = path.strip("/").split("/")
    return [
        (part[1:-1] if parts[i - 1].startswith("{") else parts[i - 1], part[1:-1])
        for i, part in enumerate(parts)
        if part.startswith("{")
    ]


def path_values(path: str, objects: dict[str, dict[str, Any]], whose: str = "own") -> dict[str, Any] | None:
    """The path parameters of ``path`` (an OpenAPI path template) for ``whose`` objects: a
    collection without an ``other`` object (it belongs to no provider, like a tender) keeps
    its ``own``; None when ``whose`` is ``other`` and no object in the path is a provider's."""
    found = _params(path)
    for collection, _name in found:
        if collection not in objects:
            raise KeyError(
                f"{path}: no object of '{collection}' in tests/web/api_objects.py; add one to build_objects()"
            )
    if whose != "own" and not owned(path, objects):
        return None
    return {name: objects[collection].get(whose, objects[collection]["own"]) for collection, name in found}


def owned(path: str, objects: dict[str, dict[str, Any]]) -> bool:
    """Whether ``path`` names an object of a provider (one with an ``other``)."""
    return any("other" in objects.get(collection, {}) for collection, _name in _params(path))
