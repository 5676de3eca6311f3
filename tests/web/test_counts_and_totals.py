"""Counts and totals (issue 11): the overview page's contract counts per segment and its
headline totals, per role (the provider user saw 160/192 contracts, a count multiplied by a
join; the municipality saw the contracts of all years above a list of one year), and the
totals rows of the budget grip table, the ledger and the model comparison."""

from __future__ import annotations

import datetime as dt
from typing import Any

import lxml.html
from django.test import Client

from regie.catalog import models as cat
from regie.formatting import euro, signed_euro
from regie.monitor import services
from regie.monitor.models import Snapshot
from regie.traffic import models as tm
from tests.accounts.factories import client_for
from tests.monitor.region import AS_OF, OWN, YEAR


def segment_counts(html: str) -> dict[str, int]:
    """Segment code -> the number in the segments table's contracts column."""
    doc = lxml.html.fromstring(html)
    table = doc.get_element_by_id("segmenten")  # the segments table
    out = {}
    for tr in table.find("tbody").findall("tr"):
        cells = [" ".join(td.text_content().split()) for td in tr.findall("td")]
        out[cells[0]] = int(cells[4])
    return out


def contract_rows(html: str) -> list[str]:
    doc = lxml.html.fromstring(html)
    return [
        tr.findall("td")[0].text_content().strip()
        for tr in doc.get_element_by_id("contracten").find("tbody").findall("tr")
    ]


def headline(html: str) -> dict[str, str]:
    """The headline figures: data-field -> text."""
    doc = lxml.html.fromstring(html)
    return {
        el.get("data-field"): " ".join(el.text_content().split())
        for el in doc.xpath("//*[@id='kerncijfers']//*[@data-field]")
    }


def another_years_contract() -> None:
    """A contract of the year before the figures' year, beside the ones that run in it."""
    c = cat.Contract.objects.get(ident="WMO-IB-22222222")
    old = cat.Contract.objects.create(
        ident="WMO-IB-22222222-2023",
        provider=c.provider,
        segment=c.segment,
        start=dt.date(2023, 1, 1),
        end=dt.date(2023, 12, 31),
        agreed_clients=5,
        price_per_client=800000,
    )
    old.municipalities.set(c.municipalities.all())


def expected_counts(provider: str | None = None) -> dict[str, int]:
    qs = cat.Contract.objects.filter(start__lte=dt.date(YEAR, 12, 31), end__gte=dt.date(YEAR, 1, 1))
    if provider:
        qs = qs.filter(provider__agb=provider)
    out: dict[str, int] = {}
    for code in qs.values_list("segment__code", flat=True):
        out[code] = out.get(code, 0) + 1
    return out


def test_municipality_counts_the_contracts_of_the_year_it_lists(gemeente: Client) -> None:
    another_years_contract()
    html = gemeente.get("/").content.decode()
    counts = segment_counts(html)
    assert counts == expected_counts() == {"WMO-IB": 2, "WMO-BW": 1, "JGD-45": 2}
    assert sum(counts.values()) == len(contract_rows(html))


def test_provider_counts_only_its_own_contracts(aanbieder: Client) -> None:
    another_years_contract()
    html = aanbieder.get("/").content.decode()
    counts = segment_counts(html)
    assert counts == expected_counts(OWN) == {"WMO-IB": 1, "WMO-BW": 1}
    assert sum(counts.values()) == len(contract_rows(html))


def test_relationship_manager_reads_whose_contracts_it_counts(region: None, db: None) -> None:
    """The manager's overview counts and lists its providers' contracts only, and says so: a
    segment whose contracts are all with other providers reads 0 'van uw aanbieders', not 0
    contracts; the municipality's staff keep 'Contracten'."""
    doc = lxml.html.fromstring(client_for("relatiebeheer").get("/").content.decode())
    column = doc.xpath("string(//table[@id='segmenten']/thead/tr/th[5])").strip()
    heading = doc.xpath("string(//h2[@id='h-contracten'])").strip()
    assert column == f"Contracten van uw aanbieders {YEAR}" and heading == column
    staff = lxml.html.fromstring(client_for("gemeente").get("/").content.decode())
    assert staff.xpath("string(//h2[@id='h-contracten'])").strip() == f"Contracten {YEAR}"


def test_council_sees_segment_counts_but_no_contract_list(raad: Client) -> None:
    html = raad.get("/").content.decode()
    assert segment_counts(html) == expected_counts()
    assert 'id="contracten"' not in html


def _totals(kind: str, fields: tuple[str, ...], **where: Any) -> dict[str, int]:
    snap = services.latest(kind, YEAR, AS_OF)
    assert snap is not None
    rows = snap.filtered(**where)
    return {f: sum(r[f] or 0 for r in rows) for f in fields}


def test_headline_totals_for_the_municipality_and_the_council(gemeente: Client, raad: Client) -> None:
    want = _totals(Snapshot.Kind.FORECAST, ("budget", "realised", "forecast"))
    for client in (gemeente, raad):
        got = headline(client.get("/").content.decode())
        assert got["budget"] == euro(want["budget"])
        assert got["realised"] == euro(want["realised"])
        assert got["forecast"] == euro(want["forecast"])


def test_headline_totals_for_the_provider(aanbieder: Client) -> None:
    got = headline(aanbieder.get("/").content.decode())
    paid = _totals(Snapshot.Kind.LEDGER, ("paid_cents",), provider=OWN)
    forecast = _totals(Snapshot.Kind.FORECAST_PROVIDERS, ("forecast",), provider=OWN)
    assert got["paid"] == euro(paid["paid_cents"])
    assert got["forecast"] == euro(forecast["forecast"])
    assert got["contracts"] == str(sum(expected_counts(OWN).values()))


def tfoot(html: str, table_id: str) -> dict[str, str]:
    doc = lxml.html.fromstring(html)
    foot = doc.get_element_by_id(table_id).find("tfoot")
    assert foot is not None, f"no totals row in #{table_id}"
    return {el.get("data-field"): " ".join(el.text_content().split()) for el in foot.iter() if el.get("data-field")}


def test_grip_table_has_a_totals_row(gemeente: Client) -> None:
    html = gemeente.get(f"/grip/?jaar={YEAR}&peildatum={AS_OF}").content.decode()
    snap = services.latest(Snapshot.Kind.FORECAST, YEAR, AS_OF)
    assert snap is not None
    got = tfoot(html, "grip")
    for field in ("budget", "realised", "ibnr", "remaining", "forecast"):
        assert got[field] == euro(sum(r[field] or 0 for r in snap.rows)), field
    assert got["over_budget"].startswith(
        signed_euro(sum(r["forecast"] - r["budget"] for r in snap.rows if r["budget"]))
    )


def test_ledger_has_a_totals_row_of_the_rows_shown(gemeente: Client, aanbieder: Client) -> None:
    snap = services.latest(Snapshot.Kind.LEDGER, YEAR, AS_OF)
    assert snap is not None
    html = gemeente.get(f"/bekostiging/?jaar={YEAR}&peildatum={AS_OF}").content.decode()
    assert tfoot(html, "grootboek")["paid_cents"] == euro(sum(r["paid_cents"] for r in snap.rows))
    html = aanbieder.get(f"/bekostiging/?jaar={YEAR}&peildatum={AS_OF}").content.decode()
    assert tfoot(html, "grootboek")["paid_cents"] == euro(sum(r["paid_cents"] for r in snap.filtered(provider=OWN)))


def test_model_comparison_totals_and_year_to_date(gemeente: Client) -> None:
    html = gemeente.get(f"/bekostiging/vergelijking/?jaar={YEAR}&peildatum={AS_OF}").content.decode()
    snap = services.latest(Snapshot.Kind.COMPARE, YEAR, AS_OF)
    assert snap is not None and snap.meta["year_to_date"] is True  # 30 September: the year runs
    assert 'id="lopend-jaar"' in html and "year-to-date" in html
    assert 'id="kolommen"' in html and "Risico aanbieders" in html
    doc = lxml.html.fromstring(html)
    table = doc.get_element_by_id("vergelijking-totaal")
    pxq = table.xpath(".//tr[@data-model='pxq']/td")[0].text_content().strip()
    assert pxq == euro(sum(m["cost_cents"] for s in snap.rows for m in s["models"] if m["model"] == "pxq"))


def test_provider_list_counts_each_rows_open_signals_in_its_segment(gemeente: Client) -> None:
    """A row is a provider in a segment: its open signals are those of that segment, and the
    link opens just those; before, every row of a provider repeated all its open signals."""
    doc = lxml.html.fromstring(gemeente.get("/aanbieders/").content.decode())
    rows = [
        tr
        for tr in doc.xpath("//table[@id='scorekaarten']/tbody/tr")
        if f"/aanbieders/{OWN}/" in tr[0].xpath("string(.//a/@href)")
    ]
    assert len(rows) >= 2, "the test region's OWN works in two segments"
    open_ = tm.Signal.objects.filter(provider=OWN, status=tm.Signal.Status.OPEN)
    for tr in rows:
        segment = tr[1].text_content().strip()
        expected = open_.filter(segment=segment).count()
        assert tr[-1].text_content().strip() == str(expected), segment
        if expected:
            assert f"segment={segment}" in tr[-1].xpath("string(.//a/@href)")
