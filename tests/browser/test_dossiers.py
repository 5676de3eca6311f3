"""Opportunity and risk dossiers in Chromium, on the generated venlo region (issue 15): a
provider submits a dossier (first alone: refused by the cooperation rule), the municipality
assesses and awards it within what is left of the fund, the award is a line in the ledger,
the provider reports its clients (a faulty row refused naming file, row and rule) and sees the
results; a provider records a risk and the risk matrix is drawn."""

from __future__ import annotations

import tempfile
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import VENLO_YEAR, Site, follow_menu, login

pytestmark = pytest.mark.slow


def as_user(page: Any, site: Site, username: str) -> None:
    page.context.clear_cookies()
    login(page, site.url, username)


def open_dossiers(page: Any) -> None:
    follow_menu(page, "Kansen en risico's")
    page.wait_for_load_state("networkidle")


def submit_form(page: Any, title: str, others: str) -> None:
    open_dossiers(page)
    page.get_by_role("link", name="Kansendossier indienen").click()
    tick = page.locator("#indicator-step_down")
    box, label = tick.bounding_box(), page.locator("label.check", has=tick).bounding_box()
    middle = abs((box["y"] + box["height"] / 2) - (label["y"] + label["height"] / 2))
    assert box["width"] < 30 and middle < 4, f"a tick box stands before its text, on its line ({box} in {label})"
    page.locator("#titel").fill(title)
    page.locator("#andere").fill(others)
    page.locator("#jaar").fill(str(VENLO_YEAR))
    page.locator("#gevraagd").fill("40.000")
    page.locator("#doelen").fill("Warme overdracht naar het voorliggend veld")
    page.locator("#aanpak").fill("Een koppelteam met het wijkteam")
    page.locator("#indicator-sustainable_outflow_rate").check()
    page.locator("#indicator-step_down").check()
    page.get_by_role("button", name="Indienen").click()
    page.wait_for_load_state("networkidle")


def assess_form(page: Any, regular: bool) -> None:
    for name, value in (("cooperation", "4"), ("innovation", "5"), ("acceleration", "4")):
        page.locator(f"#{name}").fill(value)
    page.locator("#regulier-ja" if regular else "#regulier-nee").check()
    page.locator("#bedrag").fill("30.000")
    page.locator("#reden").fill("Vernieuwend en gedragen door beide aanbieders")
    page.get_by_role("button", name="Besluit vastleggen").click()
    page.wait_for_load_state("networkidle")


def test_submission_award_and_results(page: Any, venlo_site: Site, artifacts: Path) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    catalog = tomllib.loads((venlo_site.data / "catalog.toml").read_text())
    fund = next(f["amount"] for f in catalog["innovation_fund"] if f["year"] == VENLO_YEAR)
    as_user(page, venlo_site, "aanbieder")
    follow_menu(page, "Mijn scorekaart")
    own = page.url.rstrip("/").rsplit("/", 1)[1]
    partner = next(p["agb"] for p in catalog["provider"] if p["agb"] != own)

    # 1. The provider submits alone: refused, naming the rule; then with a partner.
    submit_form(page, "Alleen", "")
    assert "ten minste 2 verschillende aanbieders" in page.locator(".messages").inner_text()
    submit_form(page, "Samen naar het voorliggend veld", partner)
    assert "Kansendossier ingediend" in page.locator(".messages").inner_text()
    assert page.locator("#status").inner_text() == "ingediend"
    dossier = str(page.url)

    # 2. The municipality assesses: regular service is refused, an award within the fund holds.
    as_user(page, venlo_site, "gemeente")
    page.goto(dossier)
    assess_form(page, regular=True)
    assert "Reguliere dienstverlening" in page.locator(".messages").inner_text()
    assess_form(page, regular=False)
    assert "Kansendossier toegekend" in page.locator(".messages").inner_text()
    assert page.locator("#status").inner_text() == "toegekend"
    assert page.locator("#resultaten tbody tr").count() >= 1
    open_dossiers(page)
    left = page.locator(f"#fonds tr[data-year='{VENLO_YEAR}'] td[data-left]").get_attribute("data-left")
    assert int(left or 0) == fund - 3_000_000
    lines = venlo_site.cli("funding", "ledger", "--year", str(VENLO_YEAR), "--provider", own)["lines"]
    grants = [x for x in lines if x["rule"] == "innovation_fund.award"]
    assert [g["amount_cents"] for g in grants] == [3_000_000]

    # 3. The provider reports its clients and sees the results.
    as_user(page, venlo_site, "aanbieder")
    page.goto(dossier)
    csv = Path(tempfile.mkdtemp(prefix="regie-dossier-")) / "clienten.csv"
    csv.write_text(
        f"provider,bsn,start,end,end_reason\n{own},111222333,2025-01-06,2025-03-01,voorliggend veld\n"
        f"{own},123456789,2025-01-06,,\n",
        encoding="utf-8",
    )
    page.locator("#bestand").set_input_files(str(csv))
    page.get_by_role("button", name="Uploaden").click()
    page.wait_for_load_state("networkidle")
    assert "1 cliënt(en) opgeslagen" in page.locator(".messages").inner_text()
    refused = page.locator("#afgewezen-rijen").inner_text()
    assert "clienten.csv" in refused and "rij 3" in refused and "CSV03" in refused
    total = page.locator("#clienten tr.total td")
    assert total.nth(1).inner_text() == "1" and total.nth(3).inner_text().startswith("1")
    assert "123456789" not in page.content() and "111222333" not in page.content()
    page.screenshot(path=str(artifacts / "kansendossier-resultaten.png"), full_page=True)

    # 4. The provider records a high risk; the risk matrix is drawn and the risk listed.
    page.goto(venlo_site.url + "/risicodossiers/")
    page.locator("#risico").fill("Personeelstekort in de begeleiding")
    page.locator("#kans").select_option("4")
    page.locator("#impact").select_option("4")
    page.locator("#maatregelen").fill("Flexpool")
    page.get_by_role("button", name="Vastleggen").click()
    page.wait_for_load_state("networkidle")
    assert "Risico vastgelegd" in page.locator(".messages").inner_text()
    row = page.locator("#risicos tr[data-level='high']")
    assert row.count() == 1 and "4 x 4 = 16" in row.inner_text()
    page.locator("#risicomatrix svg, #risicomatrix canvas").first.wait_for(state="visible")
    page.screenshot(path=str(artifacts / "risicodossier.png"), full_page=True)
