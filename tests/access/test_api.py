"""The waiting-list API exactly as domain.md section 12 says, per role, and the workflow
behind it: registration, priority order, assignment and claims, withdrawal, leaving the list
on a 301/305, registrations from 315s and the waiting-list CSV, and ``waiting_norm`` once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from regie.access import services
from regie.access.models import Registration
from regie.accounts.models import AuditEvent
from regie.traffic import models as tm
from tests.access.factories import BSNS, CORE, OTHER, URL, days_ago, episode, register, setup_region, today
from tests.accounts.factories import client_for as login
from tests.traffic.factories import MessageFactory


@pytest.fixture
def region(db: None) -> None:
    setup_region()


def test_register_pseudonymises_the_bsn_and_audits(region: None) -> None:
    response = register(login("gemeente"), BSNS[0], "urgent", ago=3)
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "waiting" and body["id"] and body["client"] and body["client"] != BSNS[0]
    assert BSNS[0] not in response.content.decode()
    assert (body["urgency"], body["waiting_days"], body["norm_days"], body["past_norm"]) == ("urgent", 3, 14, False)
    assert (body["municipality"], body["segment"], body["area"], body["referrer"]) == (
        "0983",
        "WMO-IB",
        "Blerick",
        "02",
    )
    stored = Registration.objects.get(pk=body["id"])
    assert stored.client == body["client"] and BSNS[0] not in str(stored.__dict__)
    assert AuditEvent.objects.filter(action="waiting_list.register", subject=f"aanmelding {stored.pk}").exists()


def test_register_errors_are_problems(region: None) -> None:
    gemeente = login("gemeente")
    bad = register(gemeente, "123456789")
    assert bad.status_code == 400 and bad["Content-Type"] == "application/problem+json"
    problem = bad.json()
    assert problem["status"] == 400 and problem["title"] and problem["detail"]
    assert [p["name"] for p in problem["invalid_params"]] == ["bsn"] and "123456789" not in bad.content.decode()
    unknown = register(gemeente, BSNS[0], urgency="soon", segment="NOPE")
    assert {p["name"] for p in unknown.json()["invalid_params"]} == {"urgency", "segment"}
    assert register(gemeente, BSNS[0], area="Nergens").json()["invalid_params"][0]["name"] == "area"
    assert Client().post(URL, {}, content_type="application/json").status_code == 401
    council = register(login("raad"), BSNS[0])
    assert council.status_code == 403 and council["Content-Type"] == "application/problem+json"
    assert login("raad").get(URL).status_code == 403
    # a provider that is not a core partner of the segment does not register
    assert register(login("ander"), BSNS[0]).status_code == 403
    assert register(login("aanbieder"), BSNS[0]).status_code == 201  # the core partner does


def test_list_in_priority_order_and_paginated(region: None) -> None:
    gemeente = login("gemeente")
    made = {
        "normal-long": register(gemeente, BSNS[0], "normal", ago=60),
        "normal-short": register(gemeente, BSNS[1], "normal", ago=5),
        "urgent": register(gemeente, BSNS[2], "urgent", ago=2),
        "crisis": register(gemeente, BSNS[3], "crisis", ago=0),
        "urgent-long": register(gemeente, BSNS[4], "urgent", ago=20),
    }
    ids = {name: r.json()["id"] for name, r in made.items()}
    body = gemeente.get(URL, {"municipality": "0983", "segment": "WMO-IB", "status": "waiting"}).json()
    assert set(body) == {"count", "next", "previous", "results"} and body["count"] == 5
    order = ["crisis", "urgent-long", "urgent", "normal-long", "normal-short"]
    assert [r["id"] for r in body["results"]] == [ids[n] for n in order]
    assert [r["waiting_days"] for r in body["results"]] == [0, 20, 2, 60, 5]
    assert [r["past_norm"] for r in body["results"]] == [False, True, False, True, False]
    first = gemeente.get(URL, {"page_size": 2}).json()
    assert first["count"] == 5 and first["previous"] is None and first["next"]
    assert [r["id"] for r in first["results"]] == [ids["crisis"], ids["urgent-long"]]
    assert gemeente.get(URL, {"segment": "JGD-45"}).json()["count"] == 0
    assert gemeente.get(URL, {"status": "nonsense"}).status_code == 400


def test_assign_claim_confirm_and_who_sees_what(region: None) -> None:
    gemeente, core, other = login("gemeente"), login("aanbieder"), login("ander")
    a = register(gemeente, BSNS[0], ago=4).json()["id"]
    b = register(gemeente, BSNS[1], ago=3).json()["id"]
    # the core partner sees the whole list of its segment; the other provider nothing yet
    assert core.get(URL).json()["count"] == 2
    assert other.get(URL).json()["count"] == 0
    assert other.get(f"{URL}{a}/").status_code == 404
    # the municipality assigns a to the other provider, with a note
    done = gemeente.post(f"{URL}{a}/assign/", {"provider": OTHER, "note": "dichtbij"}, content_type="application/json")
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["provider"], done.json()["confirmed"]) == ("assigned", OTHER, True)
    assert [r["id"] for r in other.get(URL).json()["results"]] == [a]
    assert other.get(f"{URL}{b}/").status_code == 404
    # the other provider may not claim; the core partner claims b for itself, the municipality confirms
    assert other.post(f"{URL}{b}/assign/", {"provider": OTHER}, content_type="application/json").status_code == 404
    claim = core.post(f"{URL}{b}/assign/", {"provider": CORE}, content_type="application/json").json()
    assert (claim["status"], claim["provider"], claim["confirmed"]) == ("assigned", CORE, False)
    assert core.post(f"{URL}{b}/confirm/", {}, content_type="application/json").status_code == 403
    assert core.post(f"{URL}{a}/assign/", {"provider": OTHER}, content_type="application/json").status_code == 403
    confirmed = gemeente.post(f"{URL}{b}/confirm/", {"note": "akkoord"}, content_type="application/json").json()
    assert confirmed["confirmed"] is True
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"waiting_list.assign", "waiting_list.claim", "waiting_list.confirm"} <= actions


def test_withdraw_with_a_reason(region: None) -> None:
    gemeente = login("gemeente")
    pk = register(gemeente, BSNS[0]).json()["id"]
    empty = gemeente.post(f"{URL}{pk}/withdraw/", {"reason": ""}, content_type="application/json")
    assert empty.status_code == 400 and empty.json()["invalid_params"][0]["name"] == "reason"
    done = gemeente.post(f"{URL}{pk}/withdraw/", {"reason": "verhuisd"}, content_type="application/json").json()
    assert (done["status"], done["withdrawal_reason"], done["withdrawn_on"]) == ("withdrawn", "verhuisd", str(today()))
    again = gemeente.post(f"{URL}{pk}/assign/", {"provider": CORE}, content_type="application/json")
    assert again.status_code == 400
    assert gemeente.get(URL, {"status": "waiting"}).json()["count"] == 0


def test_leaves_the_list_on_a_start_on_or_after_registration(region: None) -> None:
    gemeente = login("gemeente")
    reg = register(gemeente, BSNS[0], ago=30).json()
    episode(reg["client"], OTHER, today() - dt.timedelta(days=40))  # before the registration
    episode(reg["client"], OTHER, today() - dt.timedelta(days=10), segment="WMO-BW")  # another segment
    assert services.refresh()["started"] == 0
    episode(reg["client"], CORE, today() - dt.timedelta(days=12))
    assert services.refresh()["started"] == 1
    body = gemeente.get(f"{URL}{reg['id']}/").json()
    assert (body["status"], body["provider"], body["waiting_days"]) == ("started", CORE, 18)
    assert body["started_on"] == days_ago(12)
    # registering a client whose start has already arrived: off the list at once
    late = register(gemeente, BSNS[1], ago=30)
    episode(late.json()["client"], CORE, today())
    again = register(gemeente, BSNS[1], ago=2).json()
    assert again["status"] == "started" and again["started_on"] == str(today())


def test_registrations_from_315_and_csv_rows(region: None) -> None:
    day = today() - dt.timedelta(days=20)
    message = MessageFactory(kind="WMO315", sender=OTHER, day=day, identification="R1")
    tm.Request.objects.create(
        message=message,
        request_id=f"{OTHER}|R1",
        kind="315",
        client="pseudo-a",
        provider=OTHER,
        municipality="0983",
        segment="WMO-IB",
        registered=day,
        arrival=day,
    )
    csv = MessageFactory(kind="CSV-requests", sender="0983", day=day, identification="W1")
    tm.Request.objects.create(
        message=csv,
        request_id="W-1",
        kind="waiting_list",
        client="pseudo-b",
        municipality="0983",
        segment="WMO-IB",
        area="Centrum",
        urgency=1,
        registered=day - dt.timedelta(days=5),
        arrival=day,
    )
    assert services.refresh()["registered"] == 2
    assert services.refresh()["registered"] == 0  # once
    from_315 = Registration.objects.get(source="315")
    assert (from_315.status, from_315.provider.agb, from_315.confirmed) == ("assigned", OTHER, False)
    from_csv = Registration.objects.get(source="csv")
    assert (from_csv.status, from_csv.urgency, from_csv.area) == ("waiting", "crisis", "Centrum")
    episode("pseudo-a", OTHER, today() - dt.timedelta(days=2))
    assert services.refresh()["started"] == 1


def test_waiting_norm_once_per_registration(region: None) -> None:
    gemeente = login("gemeente")
    crisis = register(gemeente, BSNS[0], "crisis", ago=3).json()["id"]
    register(gemeente, BSNS[1], "normal", ago=3)
    first = services.refresh()
    assert first["waiting_norm"] == 1
    assert services.refresh()["waiting_norm"] == 0
    signal = tm.Signal.objects.get(kind="waiting_norm")
    assert signal.key == f"waiting_norm|{crisis}" and signal.raised_on == today() - dt.timedelta(days=1)
    assert signal.detail["norm_days"] == 1 and signal.segment == "WMO-IB"
    assert login("gemeente").get("/api/v1/signals/", {"kind": "waiting_norm"}).json()["results"][0]["id"] == signal.pk
    # withdrawn, it waits no more: the signal is resolved, saying so
    gemeente.post(f"{URL}{crisis}/withdraw/", {"reason": "verhuisd"}, content_type="application/json")
    signal.refresh_from_db()
    assert (signal.status, signal.note) == ("resolved", f"Van de wachtlijst: ingetrokken op {today():%d-%m-%Y}.")


def test_registrations_count_for_the_waiting_time(region: None) -> None:
    gemeente = login("gemeente")
    reg = register(gemeente, BSNS[0], ago=30).json()
    frame = services.requests_frame()
    assert (
        frame.height == 1
        and frame["client"][0] == reg["client"]
        and frame["registered"][0] == today() - dt.timedelta(30)
    )
    gemeente.post(f"{URL}{reg['id']}/withdraw/", {"reason": "dubbel"}, content_type="application/json")
    assert services.requests_frame()["outcome"][0] == "refused"
