"""The funding ledger page (``/bekostiging/``) shows the grants of the year beside what the
funding rules make due: the innovation fund's awards (ledger lines of kind ``grant``, no
contract, segment or municipality), booked by the as-of date, under "Innovatiefonds", with
their total and the paid total including them. A provider sees its own grants only; a segment
or municipality filter leaves them out (they belong to neither), a provider filter keeps that
provider's; the council and the relationship manager do not see the page."""

from __future__ import annotations

import datetime as dt

import lxml.html
from django.test import Client

from regie.funding.models import LedgerLine
from regie.funding.services import book_grant
from tests.accounts.factories import client_for
from tests.monitor.region import AS_OF, OTHER, OWN, YEAR

PERIOD = {"jaar": YEAR, "peildatum": AS_OF.isoformat()}
RULE = "innovation_fund.award"


def grant(provider: str, day: dt.date, cents: int, title: str) -> None:
    line = book_grant(YEAR, provider, day, cents, RULE, f"opportunity-dossier:{title}", {"title": title})
    LedgerLine.objects.filter(pk=line.pk).update(booked_on=day)  # booked the day of the award


def shown(client: Client, **params: str) -> dict[str, object]:
    """The page's grants (title -> cents), their total and the paid totals with and without."""
    response = client.get("/bekostiging/", {**PERIOD, **params})
    assert response.status_code == 200
    doc = lxml.html.fromstring(response.content.decode())
    rows = doc.xpath("//table[@id='innovatiefonds']/tbody/tr[@data-provider]")
    cents = {r.xpath("td[2]")[0].text_content().strip(): int(r.xpath("td[@data-cents]/@data-cents")[0]) for r in rows}

    def field(table: str, name: str) -> int | None:
        found = doc.xpath(f"//table[@id='{table}']//td[@data-field='{name}']/@data-cents")
        return int(found[0]) if found else None

    return {
        "grants": cents,
        "section": bool(doc.xpath("//*[@id='h-innovatiefonds']")),
        "total": field("innovatiefonds", "grants_cents"),
        "paid": field("grootboek", "paid_cents"),
        "paid_with_grants": field("innovatiefonds", "paid_with_grants_cents"),
    }


def test_grants_show_on_the_ledger_page_per_role(gemeente: Client, aanbieder: Client) -> None:
    grant(OWN, dt.date(YEAR, 6, 10), 3_000_000, "Samen naar het voorliggend veld")
    grant(OTHER, dt.date(YEAR, 8, 1), 1_000_000, "Wijkteam erbij")
    grant(OTHER, AS_OF + dt.timedelta(days=1), 500_000, "Na de peildatum")  # not known yet
    grant(OWN, dt.date(YEAR - 1, 6, 1), 700_000, "Vorig jaar")  # another year
    LedgerLine.objects.filter(ref="opportunity-dossier:Vorig jaar").update(year=YEAR - 1)

    municipality = shown(gemeente)
    assert municipality["grants"] == {"Samen naar het voorliggend veld": 3_000_000, "Wijkteam erbij": 1_000_000}
    assert municipality["total"] == 4_000_000
    assert (
        isinstance(municipality["paid"], int) and municipality["paid_with_grants"] == municipality["paid"] + 4_000_000
    )

    # a provider: its own grants only, and its own paid total with them
    provider = shown(aanbieder)
    assert provider["grants"] == {"Samen naar het voorliggend veld": 3_000_000} and provider["total"] == 3_000_000
    assert isinstance(provider["paid"], int) and provider["paid_with_grants"] == provider["paid"] + 3_000_000

    # the filters: a provider's grants with its rows; none under a segment or a municipality
    assert shown(gemeente, aanbieder=OTHER)["grants"] == {"Wijkteam erbij": 1_000_000}
    by_segment = shown(gemeente, segment="WMO-IB")
    assert by_segment["grants"] == {} and not by_segment["section"]

    # the council and the relationship manager do not see the ledger (the council sees the
    # fund's aggregates on the dossiers page)
    assert client_for("raad").get("/bekostiging/", PERIOD).status_code == 403
    assert client_for("relatiebeheer").get("/bekostiging/", PERIOD).status_code == 403
    assert "Innovatiefonds" in client_for("raad").get("/kansendossiers/").content.decode()
