"""What people do on the pages: change a signal's status, file and decide an inflow request,
reallocate capacity, sort and filter through the URL."""

from __future__ import annotations

import datetime as dt
import re

import lxml.html
from django.test import Client

from regie.accounts.models import AuditEvent
from regie.catalog.models import Contract
from regie.funding.models import CapacityReallocation, InflowRequest
from regie.site.pages.signals import mask_bsns
from regie.traffic import models as tm
from tests.monitor.region import AS_OF, OWN, YEAR


def test_signal_status_change_is_audited_and_answers_htmx(gemeente: Client) -> None:
    signal = tm.Signal.objects.filter(status="open").order_by("pk").first()
    assert signal is not None
    response = gemeente.post(
        f"/signalen/{signal.pk}/status/",
        {"status": "resolved", "note": "Toewijzing alsnog afgegeven"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    row = response.content.decode()
    assert row.lstrip().startswith(f'<tr id="signaal-{signal.pk}"') and "opgelost" in row
    signal.refresh_from_db()
    assert (signal.status, signal.note) == ("resolved", "Toewijzing alsnog afgegeven")
    event = AuditEvent.objects.get(action="signal.status")
    assert event.detail["was"] == "open" and event.detail["now"] == "resolved"
    assert event.reason == "Toewijzing alsnog afgegeven"


def test_signal_status_needs_a_note(gemeente: Client) -> None:
    signal = tm.Signal.objects.order_by("pk").first()
    assert signal is not None
    response = gemeente.post(f"/signalen/{signal.pk}/status/", {"status": "explained", "note": ""})
    assert response.status_code == 302
    signal.refresh_from_db()
    assert signal.status == "open" and not AuditEvent.objects.exists()


def test_provider_may_explain_but_not_resolve(aanbieder: Client) -> None:
    signal = tm.Signal.objects.get(provider=OWN)
    assert aanbieder.post(f"/signalen/{signal.pk}/status/", {"status": "resolved", "note": "x"}).status_code == 302
    signal.refresh_from_db()
    assert signal.status == "open"
    aanbieder.post(f"/signalen/{signal.pk}/status/", {"status": "explained", "note": "Cliënt verhuisd"})
    signal.refresh_from_db()
    assert (signal.status, signal.note) == ("explained", "Cliënt verhuisd")


def test_signal_filters_and_sort_live_in_the_url(gemeente: Client) -> None:
    page = gemeente.get("/signalen/", {"soort": "late_declaration"}).content.decode()
    doc = lxml.html.fromstring(page)
    rows = doc.get_element_by_id("signalen").find("tbody").findall("tr")
    assert len(rows) == 1 and "Declaratie na de termijn" in rows[0].text_content()
    page = gemeente.get("/signalen/", {"sort": "raised_on"}).content.decode()
    dates = re.findall(r"<td>(\d{1,2}-\d{1,2}-\d{4})</td>", page)
    parsed = [dt.datetime.strptime(d, "%d-%m-%Y").date() for d in dates]
    assert parsed == sorted(parsed) and len(parsed) == tm.Signal.objects.count()
    header = lxml.html.fromstring(page).xpath("//th[@aria-sort='ascending']//a")[0]
    assert header.get("href").endswith("sort=-raised_on")


def test_ledger_is_sortable_and_filtered_in_the_url(gemeente: Client) -> None:
    page = gemeente.get("/bekostiging/", {"jaar": YEAR, "peildatum": AS_OF, "sort": "-paid_cents"}).content.decode()
    cells = lxml.html.fromstring(page).xpath("//table[@id='grootboek']/tbody//td[@data-cents]/@data-cents")
    paid = [int(c) for c in cells]
    assert paid == sorted(paid, reverse=True) and len(paid) > 3
    page = gemeente.get("/bekostiging/", {"segment": "WMO-BW"}).content.decode()
    segments = lxml.html.fromstring(page).xpath("//table[@id='grootboek']/tbody/tr/@data-segment")
    assert set(segments) == {"WMO-BW"}


def test_inflow_request_filed_and_approved(aanbieder: Client, gemeente: Client) -> None:
    contract = Contract.objects.get(ident="WMO-IB-11111111")
    form = aanbieder.get("/bekostiging/verzoeken/nieuw/").content.decode()
    assert 'for="id_contract"' in form and "WMO-IB-11111111" in form and "WMO-IB-22222222" not in form
    response = aanbieder.post(
        "/bekostiging/verzoeken/nieuw/",
        {
            "contract": contract.pk,
            "month": "2025-07-01",
            "current_clients": 15,
            "expected_clients": 19,
            "requested_clients": 18,
            "justification": "Wachtlijst vanuit de wijkteams loopt op.",
        },
    )
    assert response.status_code == 302
    request = InflowRequest.objects.get()
    assert request.status == "pending"
    listing = gemeente.get("/bekostiging/verzoeken/").content.decode()
    assert "Wachtlijst vanuit de wijkteams loopt op." in listing
    response = gemeente.post(f"/bekostiging/verzoeken/{request.pk}/besluit/", {"decision": "approve", "reason": ""})
    request.refresh_from_db()
    assert request.status == "pending", "a decision needs a reason"
    gemeente.post(f"/bekostiging/verzoeken/{request.pk}/besluit/", {"decision": "approve", "reason": "Onderbouwd"})
    request.refresh_from_db()
    assert request.status == "approved" and request.decision_reason == "Onderbouwd"
    assert AuditEvent.objects.filter(action="inflow_request.approved").exists()


def test_provider_cannot_file_for_another_providers_contract(aanbieder: Client) -> None:
    other = Contract.objects.get(ident="WMO-IB-22222222")
    response = aanbieder.post(
        "/bekostiging/verzoeken/nieuw/",
        {
            "contract": other.pk,
            "month": "2025-07-01",
            "current_clients": 1,
            "expected_clients": 1,
            "requested_clients": 50,
            "justification": "x",
        },
    )
    assert response.status_code == 200 and not InflowRequest.objects.exists()


def test_reallocation_within_a_segment(gemeente: Client) -> None:
    a = Contract.objects.get(ident="WMO-IB-11111111")
    b = Contract.objects.get(ident="WMO-IB-22222222")
    youth = Contract.objects.get(ident="JGD-45-33333333")
    refused = gemeente.post(
        "/bekostiging/herverdeling/",
        {"from_contract": a.pk, "to_contract": youth.pk, "month": "2025-07-01", "clients": 2, "reason": "x"},
    )
    assert refused.status_code == 200 and "binnen één segment" in refused.content.decode()
    done = gemeente.post(
        "/bekostiging/herverdeling/",
        {
            "from_contract": a.pk,
            "to_contract": b.pk,
            "month": "2025-07-01",
            "clients": 2,
            "amount_euros": 0,
            "reason": "Zuid heeft wachtenden, Noord ruimte",
        },
    )
    assert done.status_code == 302
    moved = CapacityReallocation.objects.get()
    assert moved.clients == 2 and moved.decided_by.username == "gemeente"
    assert "Zuid heeft wachtenden" in gemeente.get("/bekostiging/herverdeling/").content.decode()


def test_message_page_masks_any_bsn() -> None:
    assert mask_bsns("<Bsn>999900006</Bsn><Nr>123456789</Nr>") == "<Bsn>*********</Bsn><Nr>123456789</Nr>"


def test_pages_are_labelled_and_in_dutch(gemeente: Client) -> None:
    for path in ("/grip/", "/signalen/", "/bekostiging/", "/aanbieders/", "/rapportages/", f"/aanbieders/{OWN}/"):
        doc = lxml.html.fromstring(gemeente.get(path).content.decode())
        assert doc.get("lang") == "nl"
        for field in doc.xpath("//main//select | //main//input[not(@type='hidden')] | //main//textarea"):
            labelled = field.get("aria-label") or doc.xpath(f"//label[@for='{field.get('id')}']")
            assert labelled, (path, lxml.html.tostring(field)[:80])
