"""The main menu in Chromium: on one row on a laptop (1280 px), each menu opened and closed with
the keyboard alone (Tab to its button, Enter or Space, Tab into its links, Escape back), one
menu open at a time, a click elsewhere closes it; at 800 px every menu's links stay on screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Site, follow_menu, login

pytestmark = pytest.mark.slow


def focused(page: Any) -> str:
    """What has the keyboard focus: ``summary:LABEL``, ``a:LABEL`` or the tag."""
    return str(
        page.evaluate(
            "() => { const e = document.activeElement; const t = e.tagName.toLowerCase();"
            " return ['summary', 'a'].includes(t) ? t + ':' + e.textContent.trim() : t; }"
        )
    )


def open_menus(page: Any) -> list[str]:
    return list(page.eval_on_selector_all("nav.menu details[open] > summary", "s => s.map(e => e.textContent.trim())"))


def test_menu_is_one_row_and_works_with_the_keyboard(page: Any, venlo_site: Site, artifacts: Path) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, venlo_site.url, "gemeente")
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    tops = nav.locator(":scope > ul > li")
    rows = {round(tops.nth(i).bounding_box()["y"]) for i in range(tops.count())}
    assert tops.count() == 7 and len(rows) == 1, rows
    header = page.locator("header.top").bounding_box()
    assert header["height"] < 70, "brand, menu and user on one row"

    labels = [s.strip() for s in nav.locator("summary").all_inner_texts()]
    assert labels == ["Sturing", "Cliënten", "Aanbieders", "Inkoop en bekostiging", "Gegevens"]
    page.locator("a.brand").focus()
    for n, label in enumerate(labels):
        while focused(page) != f"summary:{label}":  # Tab passes the plain links (Overzicht) on the way
            page.keyboard.press("Tab")
            assert focused(page).startswith(("summary:", "a:")), focused(page)
        page.keyboard.press("Enter" if n % 2 == 0 else "Space")
        assert open_menus(page) == [label]
        links = nav.locator("details[open] a")
        assert links.count() >= 2 and all(links.nth(i).is_visible() for i in range(links.count()))
        page.keyboard.press("Tab")
        assert focused(page) == "a:" + links.first.inner_text().strip(), "Tab goes into the open menu"
        if n == 1:
            page.screenshot(
                path=str(artifacts / "hoofdmenu-1280.png"), clip={"x": 0, "y": 0, "width": 1280, "height": 300}
            )
        page.keyboard.press("Escape")
        assert open_menus(page) == [] and focused(page) == f"summary:{label}", "Escape closes, back on its button"

    nav.locator("summary", has_text="Sturing").click()
    nav.locator("summary", has_text="Gegevens").click()
    assert open_menus(page) == ["Gegevens"], "one menu open at a time"
    page.locator("main h1").click()
    assert open_menus(page) == [], "a click elsewhere closes it"

    follow_menu(page, "Budgetgrip")
    assert nav.locator("summary[aria-current='true']").inner_text().strip() == "Sturing"
    assert nav.get_by_role("link", name="Budgetgrip", include_hidden=True).get_attribute("aria-current") == "page"

    page.set_viewport_size({"width": 800, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth") <= 800
    for label in labels:
        nav.locator("summary", has_text=label).click()
        links = nav.locator("details[open] a")
        for i in range(links.count()):
            box = links.nth(i).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 800, (label, i, box)
    page.screenshot(path=str(artifacts / "hoofdmenu-800.png"), clip={"x": 0, "y": 0, "width": 800, "height": 300})
