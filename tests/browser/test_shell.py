"""The web shell in a real browser: a Dutch login page, and each demo user sees its role."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from regie.site.demo import create_demo_users
from tests.browser.conftest import login
from tests.catalog.factories import load_file


@pytest.fixture
def demo_region(transactional_db: None) -> dict[str, str]:
    load_file("two_providers.toml")
    return create_demo_users(provider_agb="12345678")


def test_login_page_is_dutch(page: Any, live_server: Any, artifacts: Path) -> None:
    page.goto(live_server.url + "/")
    assert "/inloggen/" in page.url
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.get_by_role("heading", name="Inloggen bij Regie").is_visible()
    page.screenshot(path=str(artifacts / "inloggen.png"), full_page=True)


def test_wrong_password_is_refused(page: Any, live_server: Any, demo_region: dict[str, str]) -> None:
    login(page, live_server.url, "gemeente", "fout")
    assert page.get_by_role("alert").inner_text() == "Gebruikersnaam of wachtwoord klopt niet."


def test_each_demo_user_sees_what_its_role_allows(
    page: Any, live_server: Any, demo_region: dict[str, str], artifacts: Path
) -> None:
    login(page, live_server.url, "gemeente")
    body = page.locator("main").inner_text()
    assert "Regio Testland" in body
    assert "Zorggroep Noord" in body and "Begeleiding Zuid" in body
    assert "Budgetten" in body
    page.screenshot(path=str(artifacts / "overzicht-gemeente.png"), full_page=True)
    page.get_by_role("button", name="Uitloggen").click()

    login(page, live_server.url, "aanbieder")
    body = page.locator("main").inner_text()
    assert "Uw contracten" in body and "Zorggroep Noord" in body
    assert "Begeleiding Zuid" not in body and "Budgetten" not in body
    page.screenshot(path=str(artifacts / "overzicht-aanbieder.png"), full_page=True)
    page.get_by_role("button", name="Uitloggen").click()

    login(page, live_server.url, "raad")
    body = page.locator("main").inner_text()
    assert "Budgetten" in body and "Segmenten" in body
    assert "Zorggroep Noord" not in body and "Contracten" not in body.split("Segmenten")[0]
    page.screenshot(path=str(artifacts / "overzicht-raad.png"), full_page=True)
