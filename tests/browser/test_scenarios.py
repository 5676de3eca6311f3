"""What if in Chromium: a controller builds two scenarios on the form, saves them, and
compares them side by side (table and chart), at 1280 px."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import VENLO_AS_OF, VENLO_YEAR, Site, follow_menu, login

pytestmark = pytest.mark.slow


def build(page: Any, site: Site, name: str, rows: list[dict[str, str]], years: int = 2) -> None:
    page.goto(f"{site.url}/scenarios/")
    page.fill("#id_name", name)
    page.fill("#id_year", str(VENLO_YEAR))
    page.fill("#id_as_of", VENLO_AS_OF)
    page.fill("#id_years", str(years))
    for i, row in enumerate(rows, start=1):
        page.select_option(f"#id_w{i}-kind", row["kind"])
        page.fill(f"#id_w{i}-start", row["start"])
        if "factor" in row:
            page.fill(f"#id_w{i}-factor", row["factor"])
        if "segment" in row:
            page.select_option(f"#id_w{i}-segment", row["segment"])
    page.get_by_role("button", name="Opslaan en doorrekenen").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name=name).is_visible()


def test_build_save_and_compare_two_scenarios(page: Any, venlo_site: Site, artifacts: Path) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, venlo_site.url, "gemeente")
    follow_menu(page, "Scenario's")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(artifacts / "scenarios-formulier.png"), full_page=True)
    month = f"{VENLO_YEAR}-10"
    segment = venlo_site.scenario["deficit"]["segment"]
    build(page, venlo_site, "Indexatie 5 %", [{"kind": "tariff", "start": month, "factor": "1.05"}])
    assert "Wijziging 1" in page.content()
    build(
        page,
        venlo_site,
        "Groei jeugd",
        [
            {"kind": "inflow", "start": month, "factor": "1.3", "segment": segment},
            {"kind": "duration", "start": month, "factor": "1.2"},
        ],
        years=3,
    )
    page.wait_for_selector("#scenario-grafiek svg", timeout=15000)  # the saved scenario's chart is drawn
    page.screenshot(path=str(artifacts / "scenario-detail.png"), full_page=True)
    page.set_viewport_size({"width": 1264, "height": 900})  # a 1280 px screen less a scroll bar
    box = page.locator("table[aria-labelledby='h-rijen']").locator("xpath=..")
    scroll, visible = box.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert scroll <= visible, f"two changes and three years ahead fit, no column cut off ({scroll} > {visible} px)"
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{venlo_site.url}/scenarios/")
    page.get_by_label("Indexatie 5 % vergelijken").check()
    page.get_by_label("Groei jeugd vergelijken").check()
    page.get_by_role("button", name="Vergelijk").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="Scenario's naast elkaar").is_visible()
    totals = page.locator("table[aria-labelledby='h-totaal'] tbody tr")
    assert totals.count() == 3  # without, and the two scenarios
    names = [totals.nth(i).locator("th").inner_text() for i in range(3)]
    assert names[0] == "Zonder scenario" and set(names[1:]) == {"Indexatie 5 %", "Groei jeugd"}
    page.wait_for_selector("#vergelijk-grafiek svg, #vergelijk-grafiek canvas", timeout=15000)
    page.screenshot(path=str(artifacts / "scenarios-vergelijken.png"), full_page=True)


def test_the_long_stay_work_list(page: Any, venlo_site: Site, artifacts: Path) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, venlo_site.url, "gemeente")
    follow_menu(page, "Langdurige zorg")
    page.goto(f"{venlo_site.url}/langdurige-zorg/?peildatum={VENLO_AS_OF}")
    assert page.get_by_role("heading", name="Heroverweging langdurige zorg").is_visible()
    rows = page.locator("table[aria-labelledby='h-werklijst'] tbody tr")
    assert rows.count() > 0
    rows.first.locator("input[type=date]").fill("2025-12-31")
    rows.first.locator("select").select_option("step_down")
    rows.first.get_by_role("button", name="Vastleggen").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Uitkomst van de heroverweging vastgelegd.").is_visible()
    outcomes = page.locator("table[aria-labelledby='h-uitkomsten'] tbody tr")
    assert "Afschalen" in outcomes.first.inner_text()
    page.screenshot(path=str(artifacts / "langdurige-zorg.png"), full_page=False)
