"""The inflow-request form: only contracts running in the chosen month, what Regie knows filled
in (the clients in care on the as-of date), dates in Dutch."""

from __future__ import annotations

import datetime as dt

import lxml.html
from django.test import Client

from regie.catalog.models import Contract
from regie.funding.models import InflowRequest
from regie.traffic.models import Episode
from tests.monitor.region import AS_OF, OWN

FORM = "/bekostiging/verzoeken/nieuw/"


def form_of(client: Client, **params: str) -> lxml.html.HtmlElement:
    response = client.get(FORM, params)
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


def options(doc: lxml.html.HtmlElement, field: str) -> list[str]:
    return [o.text_content() for o in doc.xpath(f"//select[@name='{field}']/option") if o.get("value")]


def in_care(segment: str, day: dt.date, since: dt.date | None = None) -> int:
    """Hand count: OWN's clients in ``segment`` in care on ``day`` (or at any time from
    ``since`` to ``day``) as known on ``day``: started and reported by then, not ended before."""
    clients = set()
    for e in Episode.objects.filter(provider=OWN, segment=segment):
        known_end = e.end if e.end is not None and e.end_arrival is not None and e.end_arrival <= day else None
        if e.start <= day and e.start_arrival <= day and (known_end is None or known_end >= (since or day)):
            clients.add(e.client)
    return len(clients)


def test_only_contracts_running_in_the_chosen_month(aanbieder: Client) -> None:
    Contract.objects.filter(ident="WMO-BW-11111111").update(end=dt.date(2025, 6, 30))
    doc = form_of(aanbieder, month="2025-07-01")
    assert options(doc, "contract") == [
        "WMO-IB-11111111 · Wmo individuele begeleiding · 1-1-2024 t/m 31-12-2025 · 14 afgesproken"
    ]
    doc = form_of(aanbieder, month="2025-03-01")
    assert options(doc, "contract") == [
        "WMO-BW-11111111 · Wmo beschermd wonen · 1-1-2024 t/m 30-6-2025 · 6 afgesproken",
        "WMO-IB-11111111 · Wmo individuele begeleiding · 1-1-2024 t/m 31-12-2025 · 14 afgesproken",
    ]
    assert "WMO-IB-22222222" not in lxml.html.tostring(doc).decode(), "never another provider's contract"


def test_months_of_the_year_in_dutch_the_next_one_chosen(aanbieder: Client) -> None:
    doc = form_of(aanbieder)
    months = options(doc, "month")
    assert months[0] == "januari 2025" and months[-1] == "december 2025" and len(months) == 12
    chosen = doc.xpath("//select[@name='month']/option[@selected]")
    assert [o.text_content() for o in chosen] == ["oktober 2025"], "the month after the as-of date (30 september)"
    assert not doc.xpath("//input[@type='date']"), "no browser date field: its format follows the browser"
    aanbieder.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert options(form_of(aanbieder), "month")[0] == "January 2025"


def test_what_regie_knows_is_filled_in(aanbieder: Client) -> None:
    contract = Contract.objects.get(ident="WMO-IB-11111111")
    doc = form_of(aanbieder, month="2025-10-01", contract=str(contract.pk), requested_clients="20")
    now = in_care("WMO-IB", AS_OF)
    year = in_care("WMO-IB", AS_OF, since=dt.date(2025, 1, 1))
    assert 0 < now < year
    assert doc.xpath("//input[@name='current_clients']/@value") == [str(now)]
    assert doc.xpath("//input[@name='requested_clients']/@value") == ["20"], "what the user typed stays"
    assert doc.xpath("//select[@name='contract']/option[@selected]/@value") == [str(contract.pk)]
    known = " ".join(doc.xpath("string(//*[@class='known'])").split())
    assert "Wat Regie weet op 30 september 2025" in known
    assert f"{now} cliënten nu in zorg" in known and f"{year} cliënten in zorg geweest in 2025 tot nu toe" in known
    assert "14 cliënten afgesproken in het contract" in known


def test_a_contract_not_running_in_the_month_is_refused(aanbieder: Client) -> None:
    Contract.objects.filter(ident="WMO-BW-11111111").update(end=dt.date(2025, 6, 30))
    bw = Contract.objects.get(ident="WMO-BW-11111111")
    response = aanbieder.post(
        FORM,
        {
            "month": "2025-07-01",
            "contract": bw.pk,
            "current_clients": 3,
            "expected_clients": 7,
            "requested_clients": 8,
            "justification": "Meer aanmeldingen.",
        },
    )
    assert response.status_code == 200 and not InflowRequest.objects.exists()
    doc = lxml.html.fromstring(response.content.decode())
    assert doc.xpath("//label[@for='id_contract']//*[@class='error']")


def test_filed_with_the_chosen_month(aanbieder: Client) -> None:
    ib = Contract.objects.get(ident="WMO-IB-11111111")
    response = aanbieder.post(
        FORM,
        {
            "month": "2025-11-01",
            "contract": ib.pk,
            "current_clients": 12,
            "expected_clients": 18,
            "requested_clients": 17,
            "justification": "Wachtlijst.",
        },
    )
    assert response.status_code == 302
    assert InflowRequest.objects.get().month == dt.date(2025, 11, 1)


def test_the_open_requests_are_headed_for_who_reads_them(aanbieder: Client, gemeente: Client) -> None:
    """The municipality has them 'Te beoordelen'; the provider waits for its decision."""
    for client, heading in ((gemeente, "Te beoordelen"), (aanbieder, "In behandeling bij de gemeente")):
        doc = lxml.html.fromstring(client.get("/bekostiging/verzoeken/").content.decode())
        assert doc.xpath("string(//h2[@id='h-open'])").strip() == heading
