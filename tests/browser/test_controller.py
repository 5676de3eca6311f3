"""A controller's walk through the web app on a generated venlo region, in a real browser.

Log in, see the early warning on the segment whose deficit is built into the scenario, drill
down to the provider driving it and to its months, download the council report as PDF and
Excel, and read both back: they hold the same figures as the page, and the page holds the
CLI's figures for the same question. Every main page is screenshot into test-artifacts/.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from regie.formatting import euro, number
from regie.site.pages.grip import driving_order
from tests.browser.conftest import VENLO_AS_OF, VENLO_YEAR, Site, follow_menu, login

pytestmark = pytest.mark.slow

PERIOD = f"jaar={VENLO_YEAR}&peildatum={VENLO_AS_OF}"


def cells(page: Any, selector: str) -> list[str]:
    return [" ".join(t.split()) for t in page.locator(selector).all_inner_texts()]


def wait_for_charts(page: Any) -> None:
    """Every chart on the page has been drawn by vega-embed (an SVG inside it)."""
    charts = page.locator("div.vl")
    for i in range(charts.count()):
        charts.nth(i).locator("svg").first.wait_for(state="attached", timeout=15000)


def test_controller_walk(page: Any, venlo_site: Site, artifacts: Path) -> None:
    deficit = venlo_site.scenario["deficit"]["segment"]
    municipality = venlo_site.scenario["deficit"]["per_municipality"][0]["municipality"]
    forecast = venlo_site.cli("forecast", "--year", str(VENLO_YEAR), "--as-of", VENLO_AS_OF)
    cli_rows = {(r["municipality"], r["segment"]): r for r in forecast["rows"]}
    warned = cli_rows[(municipality, deficit)]
    assert warned["warning"], "the scenario's deficit is warned by month 6"

    # 1. Log in and open the budget grip: the deficit segment carries the warning.
    login(page, venlo_site.url, "gemeente")
    follow_menu(page, "Budgetgrip")
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="Budgetgrip", level=1).is_visible()
    alert = page.locator(f".alert[data-municipality='{municipality}'][data-segment='{deficit}']")
    assert alert.is_visible()
    assert euro(warned["forecast"]) in alert.inner_text()
    wait_for_charts(page)
    page.screenshot(path=str(artifacts / "budgetgrip.png"), full_page=True)
    page.set_viewport_size({"width": 1264, "height": 900})  # a 1280 px screen less a scroll bar
    box = page.locator("table#grip").locator("xpath=..")
    scroll, visible = box.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert scroll <= visible, f"the grip's twelve columns fit, none cut off ({scroll} > {visible} px)"
    page.set_viewport_size({"width": 1360, "height": 900})

    # Every figure in the table is the CLI's.
    for (mun, seg), row in cli_rows.items():
        tr = page.locator(f"table#grip tr[data-municipality='{mun}'][data-segment='{seg}']")
        for field in ("budget", "realised", "ibnr", "remaining", "forecast", "low", "high"):
            assert tr.locator(f"td[data-field='{field}']").inner_text().strip() == euro(row[field]), (seg, field)
        assert ("waarschuwing" in tr.inner_text()) == row["warning"]

    # 2. Drill down to the segment: its causes, the providers behind it.
    alert.get_by_role("link", name="Bekijk de oorzaken").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-field='forecast']").first.inner_text().strip() == euro(warned["forecast"])
    wait_for_charts(page)
    page.screenshot(path=str(artifacts / "budgetgrip-segment.png"), full_page=True)
    providers = [r for r in forecast["providers"] if r["municipality"] == municipality and r["segment"] == deficit]
    driving = min(
        providers,
        key=lambda r: driving_order({**r, "over_budget": None if r["budget"] is None else r["forecast"] - r["budget"]}),
    )
    first = page.locator("table#aanbieders tbody tr").first
    assert first.get_attribute("data-provider") == driving["provider"], "the provider driving it comes first"

    # 3. Drill down to the provider, month by month: the CLI's indicators per month.
    first.get_by_role("link").click()
    page.wait_for_load_state("networkidle")
    wait_for_charts(page)
    page.screenshot(path=str(artifacts / "budgetgrip-aanbieder.png"), full_page=True)
    months = venlo_site.cli(
        "indicators",
        "--year",
        str(VENLO_YEAR),
        "--as-of",
        VENLO_AS_OF,
        "--by",
        "municipality,segment,provider,month",
        "--provider",
        driving["provider"],
        "--segment",
        deficit,
    )["rows"]
    months = [r for r in months if r["municipality"] == municipality]
    table = [cells(page.locator(f"table#maanden tbody tr >> nth={i}"), "td") for i in range(len(months))]
    for row, shown in zip(months, table, strict=True):
        assert shown[1:4] == [number(row["clients"]), number(row["inflow"]), number(row["outflow"])]

    # 4. Download the council report, PDF and Excel; both hold the page's figures.
    page.goto(f"{venlo_site.url}/rapportages/?{PERIOD}")
    page.screenshot(path=str(artifacts / "rapportages.png"), full_page=True)
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Raadsrapportage (PDF)").click()
    pdf = Path(pdf_download.value.path()).read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Raadsrapportage sociaal domein" in text
    for row in cli_rows.values():
        for field in ("budget", "forecast", "low", "high"):
            assert euro(row[field]) in text, (row["segment"], field)
    assert re.search(r"Waarschuwing .*" + re.escape(deficit), text)

    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Raadsrapportage (Excel)").click()
    wb = load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes()))
    ws = wb["Budget en prognose"]
    ref = ws.tables["Prognose"].ref
    rows = [[c.value for c in r] for r in ws[ref]]
    header = rows[0]
    sheet = {
        (r[header.index("Segment")], r[header.index("Gemeente")]): dict(zip(header, r, strict=True)) for r in rows[1:]
    }
    names = {m["code"]: m["name"] for m in venlo_site.scenario["municipalities"]}
    for (mun, seg), row in cli_rows.items():
        got = sheet[(seg, names[mun])]
        assert got["Prognose"] == row["forecast"] / 100 and got["Budget"] == row["budget"] / 100
        assert got["Waarschuwing"] == ("ja" if row["warning"] else "nee")
    assert ws.cell(row=1, column=1).value == f"Raadsrapportage sociaal domein {VENLO_YEAR}"


MAIN_PAGES = {
    "aanbieders": "/aanbieders/",
    "signalen": "/signalen/",
    "bekostiging": "/bekostiging/",
    "bekostiging-vergelijking": "/bekostiging/vergelijking/",
    "bekostiging-verzoeken": "/bekostiging/verzoeken/",
    "bekostiging-herverdeling": "/bekostiging/herverdeling/",
    "overzicht": "/",
}


def test_screenshots_of_the_main_pages(page: Any, venlo_site: Site, artifacts: Path) -> None:
    login(page, venlo_site.url, "gemeente")
    for name, path in MAIN_PAGES.items():
        response = page.goto(f"{venlo_site.url}{path}?{PERIOD}")
        assert response is not None and response.status == 200, path
        wait_for_charts(page)
        page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
    # The provider page of the upcoding provider, and a message a signal links to.
    upcoder = venlo_site.scenario["upcoding"]["provider"]
    page.goto(f"{venlo_site.url}/aanbieders/{upcoder}/?{PERIOD}")
    wait_for_charts(page)
    assert page.locator("table.scorecard").count() >= 1
    page.screenshot(path=str(artifacts / "aanbieder.png"), full_page=True)
    page.goto(f"{venlo_site.url}/signalen/?soort=care_without_allocation")
    link = page.locator("table#signalen a[href^='/berichten/']").first
    link.click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="Afgekeurde records").is_visible()
    page.screenshot(path=str(artifacts / "bericht.png"), full_page=True)


def test_provider_and_council_see_their_part(page: Any, venlo_site: Site, artifacts: Path) -> None:
    login(page, venlo_site.url, "aanbieder")
    follow_menu(page, "Mijn scorekaart")
    page.wait_for_load_state("networkidle")
    assert "/aanbieders/" in page.url and page.locator("table.scorecard").count() >= 1
    page.screenshot(path=str(artifacts / "aanbieder-eigen.png"), full_page=True)
    assert page.goto(f"{venlo_site.url}/grip/").status == 403
    page.goto(f"{venlo_site.url}/")
    page.get_by_role("button", name="Uitloggen").click()

    login(page, venlo_site.url, "raad")
    follow_menu(page, "Budgetgrip")
    page.wait_for_load_state("networkidle")
    assert page.locator("table#aanbieders").count() == 0
    wait_for_charts(page)
    page.screenshot(path=str(artifacts / "budgetgrip-raad.png"), full_page=True)
    assert page.goto(f"{venlo_site.url}/signalen/").status == 403
