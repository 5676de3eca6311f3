"""Pages as a person meets them in Chromium: the 403 and 404 pages of each role, and every page
of every role on a phone (390 px wide: nothing wider than the screen)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

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


# --------------------------------------------------------------------------------------------
# Phones

PHONE = {"width": 390, "height": 844}
#: Links not followed: downloads, logging out, switching language, the admin.
SKIP = re.compile(r"\.(pdf|xlsx|csv|json)$|^/(uitloggen|i18n|beheer|api|static)/")


def pattern(path: str) -> str:
    """One page of each kind: numbers (AGB codes, ids, CBS codes) stand for any number."""
    return re.sub(r"/\d+(?=/|$)", "/N", path)


def crawl(page: Any, base: str, start: list[str], limit: int = 80) -> dict[str, tuple[int, int]]:
    """Visit the pages reachable from ``start`` through the site's own links, one of each
    :func:`pattern`: path -> (HTTP status, document.scrollWidth once its charts are drawn)."""
    seen: set[str] = set()
    queue = list(start)
    out: dict[str, tuple[int, int]] = {}
    while queue and len(out) < limit:
        path = queue.pop(0)
        key = pattern(urlsplit(path).path)
        if key in seen:
            continue
        seen.add(key)
        response = page.goto(base + path)
        status = response.status if response is not None else 0
        charts = page.locator("div.vl")
        for i in range(charts.count()):
            charts.nth(i).locator("svg").first.wait_for(state="attached", timeout=15000)
        out[path] = (status, page.evaluate("document.documentElement.scrollWidth"))
        for href in page.eval_on_selector_all("a[href^='/']", "els => els.map(e => e.getAttribute('href'))"):
            target = urlsplit(href)
            if not SKIP.search(target.path) and pattern(target.path) not in seen:
                queue.append(href)
    return out


#: Pages every role's crawl must have reached (as patterns), so a broken link cannot hide one.
MUST_REACH = {
    "gemeente": {
        "/",
        "/grip/",
        "/gebieden/",
        "/grip/N/JGD-AMB/",
        "/grip/N/JGD-AMB/N/",
        "/aanbieders/",
        "/aanbieders/N/",
        "/signalen/",
        "/signalen/N/",
        "/berichten/N/",
        "/bekostiging/",
        "/bekostiging/vergelijking/",
        "/bekostiging/verzoeken/",
        "/bekostiging/herverdeling/",
        "/rapportages/",
        "/controleren/",
    },
    "aanbieder": {
        "/",
        "/aanbieders/N/",
        "/signalen/",
        "/signalen/N/",
        "/berichten/N/",
        "/bekostiging/",
        "/bekostiging/verzoeken/",
        "/bekostiging/verzoeken/nieuw/",
        "/rapportages/",
        "/controleren/",
    },
    "raad": {"/", "/grip/", "/gebieden/", "/grip/N/JGD-AMB/", "/rapportages/"},
}


@pytest.mark.parametrize("role", sorted(MUST_REACH))
def test_every_page_fits_a_phone(browser: Any, venlo_site: Site, artifacts: Path, role: str) -> None:
    """At 390 px wide no page is wider than the screen (tables scroll inside their box, charts
    take the width they get): every page the role reaches through the site's links, and its
    403 and 404 pages and the login page."""
    page = browser.new_page()
    try:
        page.set_viewport_size(PHONE)
        page.goto(venlo_site.url + "/inloggen/")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        login(page, venlo_site.url, role)
        visited = crawl(page, venlo_site.url, ["/"])
        reached = {pattern(urlsplit(p).path) for p, (status, _w) in visited.items() if status == 200}
        assert MUST_REACH[role] <= reached, sorted(MUST_REACH[role] - reached)
        for path, status in zip(REFUSED[role], (403, 404), strict=True):
            response = page.goto(venlo_site.url + path)
            assert response is not None and response.status == status
            visited[path] = (status, page.evaluate("document.documentElement.scrollWidth"))
        wide = {p: w for p, (_s, w) in visited.items() if w > PHONE["width"]}
        assert not wide, wide
        page.goto(venlo_site.url + ("/gebieden/" if role != "aanbieder" else "/signalen/"))
        page.screenshot(path=str(artifacts / f"telefoon-{role}.png"), full_page=True)
    finally:
        page.close()
