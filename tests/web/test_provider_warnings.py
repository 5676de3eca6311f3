"""Provider-level forecasts say what they are compared with (issue 11): the provider's agreed
amount, its contract's ceiling, or its share of the budget, with the difference; the driver
"budget versus last year" is named after what the provider has, and left out without a budget."""

from __future__ import annotations

import lxml.html
from django.test import Client

from regie.formatting import euro, signed_euro
from regie.monitor import services
from regie.monitor.models import Snapshot
from regie.reports.drivers import compared_lines, driver_lines
from tests.monitor.region import AS_OF, OWN, YEAR

PERIOD = f"?jaar={YEAR}&peildatum={AS_OF}"


def provider_rows(municipality: str, segment: str) -> dict[str, dict]:  # type: ignore[type-arg]
    snap = services.latest(Snapshot.Kind.FORECAST_PROVIDERS, YEAR, AS_OF)
    assert snap is not None
    return {r["provider"]: r for r in snap.filtered(municipality=municipality, segment=segment)}


def cells(html: str, provider: str) -> dict[str, str]:
    doc = lxml.html.fromstring(html)
    tr = doc.xpath(f"//table[@id='aanbieders']//tr[@data-provider='{provider}']")[0]
    return {
        td.get("data-field"): " ".join(td.text_content().split()) for td in tr.findall("td") if td.get("data-field")
    }


def test_per_client_providers_are_compared_with_their_agreement(gemeente: Client) -> None:
    html = gemeente.get(f"/grip/0983/WMO-IB/{PERIOD}").content.decode()
    for agb, row in provider_rows("0983", "WMO-IB").items():
        got = cells(html, agb)
        assert got["budget"].startswith(euro(row["budget"]))
        assert got["budget"].endswith("afspraak")
        assert got["over_budget"] == signed_euro(row["forecast"] - row["budget"])
    assert "begroting tegenover vorig jaar" not in html.lower().split('id="aanbieders"')[1]


def test_price_x_volume_providers_are_compared_with_their_share(gemeente: Client) -> None:
    html = gemeente.get(f"/grip/0983/JGD-45/{PERIOD}").content.decode()
    rows = provider_rows("0983", "JGD-45")
    assert rows
    for agb, row in rows.items():
        got = cells(html, agb)
        assert got["budget"].endswith("aandeel in budget")
        if row["budget"] is not None:
            assert got["over_budget"] == signed_euro(row["forecast"] - row["budget"])
        if row["warning"]:
            text = " ".join(lxml.html.fromstring(html).xpath(f"//tr[@data-provider='{agb}']")[0].text_content().split())
            assert "boven het aandeel in het budget" in text


def test_provider_month_page_and_provider_page_name_the_basis(gemeente: Client, aanbieder: Client) -> None:
    html = gemeente.get(f"/grip/0983/WMO-IB/{OWN}/{PERIOD}").content.decode()
    assert "de afspraak (afgesproken cliënten × prijs)" in html
    html = aanbieder.get(f"/aanbieders/{OWN}/{PERIOD}").content.decode()
    assert "de afspraak (afgesproken cliënten × prijs)" in html and "Budget van de aanbieder" in html


def test_plan_driver_only_where_there_is_a_budget() -> None:
    lines = driver_lines([{"driver": "plan", "cents": 500}, {"driver": "inflow", "cents": 300}])
    assert [d["key"] for d in compared_lines(lines, None)] == ["inflow"]
    assert compared_lines(lines, 1000)[0]["label"] == "begroting tegenover vorig jaar"
    assert compared_lines(lines, 1000, "agreement")[0]["label"] == "afspraak tegenover vorig jaar"
