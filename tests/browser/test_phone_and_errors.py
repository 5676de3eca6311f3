"""Pages as a person meets them in Chromium: the 403 and 404 pages of each role, and every page
of every role on a phone (390 px wide: nothing wider than the screen)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Site, login

pytestmark = pytest.mark.slow

#: role -> (a page it may not open, a page that does not exist for it)
REFUSED = {
    "gemeente": ("/bekostiging/verzoeken/nieuw/", "/grip/0983/ONBEKEND/"),
    "aanbieder": ("/grip/", "/aanbieders/00000000/"),
    "raad": ("/signalen/", "/bestaat-niet/"),
}


@pytest.mark.parametrize("role", sorted(REFUSED))
def test_403_and_404_pages_per_role(page: Any, venlo_site: Site, artifacts: Path, role: str) -> None:
    login(page, venlo_site.url, role)
    page.goto(venlo_site.url + "/rapportages/")
    forbidden, missing = REFUSED[role]
    # Follow a link from a page of the site, so the way back is that page.
    page.evaluate(
        "href => { const a = document.createElement('a'); a.href = href; a.id = 'x'; a.textContent = 'x';"
        " document.querySelector('main').append(a); }",
        forbidden,
    )
    with page.expect_navigation() as nav:
        page.click("#x")
    assert nav.value.status == 403
    assert page.get_by_role("heading", level=1).inner_text() == "Geen toegang"
    assert page.get_by_role("navigation", name="Hoofdmenu").is_visible(), "in the app's layout"
    page.screenshot(path=str(artifacts / f"403-{role}.png"), full_page=True)
    page.get_by_role("link", name="Terug naar de vorige pagina").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/rapportages/")

    response = page.goto(venlo_site.url + missing)
    assert response is not None and response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Pagina niet gevonden"
    page.screenshot(path=str(artifacts / f"404-{role}.png"), full_page=True)
    page.get_by_role("link", name="Naar het overzicht").click()
    page.wait_for_load_state("networkidle")
    assert page.url.rstrip("/") == venlo_site.url
