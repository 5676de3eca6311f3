"""A full cycle of relationship management in Chromium, on the generated venlo region (issue 14):
the municipality plans a dialogue, its agenda shows the snapshot's figures, the provider adds
an item, an agreement is made, the next dialogue carries the open one, the provider marks it
done and the municipality confirms."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import VENLO_AS_OF, VENLO_YEAR, Site, follow_menu, login

pytestmark = pytest.mark.slow

FIRST = dt.date.today() + dt.timedelta(days=14)
NEXT = FIRST + dt.timedelta(weeks=8)


def as_user(page: Any, site: Site, username: str) -> None:
    page.context.clear_cookies()
    login(page, site.url, username)


def plan(page: Any, provider: str, day: dt.date) -> str:
    """Plan a dialogue from the dialogues page; the URL of its page."""
    follow_menu(page, "Gesprekken")
    page.locator("#aanbieder").select_option(provider)
    page.locator("#datum").fill(day.isoformat())
    page.get_by_role("button", name="Plannen").click()
    page.wait_for_load_state("networkidle")
    assert re.search(r"/gesprekken/\d+/$", page.url), page.url
    assert "Gesprek gepland" in page.locator(".messages").inner_text()
    return str(page.url)


def test_a_full_dialogue_cycle(page: Any, venlo_site: Site, artifacts: Path) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    as_user(page, venlo_site, "aanbieder")
    follow_menu(page, "Mijn scorekaart")
    agb = page.url.rstrip("/").rsplit("/", 1)[1]

    # 1. The municipality plans a dialogue; the agenda holds the snapshot's figures.
    as_user(page, venlo_site, "gemeente")
    assert page.locator("#gesprekken-te-plannen").is_visible(), "the dialogues due are on the home page"
    first = plan(page, agb, FIRST)
    rows = venlo_site.cli(
        "indicators", "--year", str(VENLO_YEAR), "--as-of", VENLO_AS_OF, "--by", "provider,segment", "--provider", agb
    )["rows"]
    for row in rows:
        table = page.locator(f"#agenda-scorekaart-{row['segment']}")
        if not table.count():
            continue
        shown = table.locator("tr[data-field='clients'] td").first.inner_text()
        assert shown.replace(".", "") == str(row["clients"]), (row["segment"], shown)
    assert page.locator("#agenda-scorecard table").count() >= 1
    assert page.get_by_role("heading", name="Risicodossier").is_visible()
    page.screenshot(path=str(artifacts / "gesprek-agenda.png"), full_page=False)

    # 2. The provider adds an item before the date.
    as_user(page, venlo_site, "aanbieder")
    page.goto(first)
    page.get_by_label("Agendapunt inbrengen").fill("Wachttijd in de zomer bespreken")
    page.get_by_role("button", name="Toevoegen").click()
    page.wait_for_load_state("networkidle")
    assert "Wachttijd in de zomer bespreken" in page.locator("#ingebracht").inner_text()
    assert page.locator("#afspraak-maken").count() == 0, "a provider makes no agreements"

    # 3. The municipality writes a note and makes an agreement for the provider.
    as_user(page, venlo_site, "gemeente")
    page.goto(first)
    page.get_by_label("Notitie", exact=True).fill("Wachttijd besproken; de aanbieder schoont de wachtlijst op.")
    page.get_by_role("button", name="Notitie opslaan").click()
    page.wait_for_load_state("networkidle")
    page.locator("#afspraak").fill("Wachtlijst opschonen")
    page.locator("#eigenaar").select_option("provider")
    page.locator("#uiterlijk").fill((FIRST + dt.timedelta(days=28)).isoformat())
    page.get_by_role("button", name="Afspraak vastleggen").click()
    page.wait_for_load_state("networkidle")
    made = page.locator("#afspraken tbody tr", has_text="Wachtlijst opschonen")
    assert made.locator("[data-state]").get_attribute("data-state") == "open"
    agreement = made.get_attribute("data-agreement")

    # 4. The next dialogue carries the open agreement.
    following = plan(page, agb, NEXT)
    carried = page.locator(f"#agenda-afspraken tr[data-agreement='{agreement}']")
    assert "Wachtlijst opschonen" in carried.inner_text()
    page.locator("#agenda-agreements").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "gesprek-afspraken-doorgeschoven.png"), full_page=False)

    # 5. The provider marks it done: it waits for the municipality's confirmation.
    as_user(page, venlo_site, "aanbieder")
    page.goto(following)
    carried = page.locator(f"#agenda-afspraken tr[data-agreement='{agreement}']")
    carried.get_by_role("button", name="Gereed melden").click()
    page.wait_for_load_state("networkidle")
    carried = page.locator(f"#agenda-afspraken tr[data-agreement='{agreement}']")
    assert carried.locator("td").nth(4).locator("[data-state]").get_attribute("data-state") == "done"

    # 6. The municipality confirms.
    as_user(page, venlo_site, "gemeente")
    page.goto(following)
    carried = page.locator(f"#agenda-afspraken tr[data-agreement='{agreement}']")
    carried.get_by_role("button", name="Bevestigen").click()
    page.wait_for_load_state("networkidle")
    carried = page.locator(f"#agenda-afspraken tr[data-agreement='{agreement}']")
    assert carried.locator("td").nth(4).locator("[data-state]").get_attribute("data-state") == "confirmed"
    page.locator("#agenda-agreements").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "gesprek-bevestigd.png"), full_page=False)

    # The one-page report of the first dialogue, for the provider.
    with page.expect_download() as download:
        page.goto(first)
        page.get_by_role("link", name="Verslag als PDF (één pagina)").click()
    assert download.value.suggested_filename.startswith(f"gesprek-{agb}-")
