"""The main menu per role (regie.site.roles.navigation): a few menus, each page in it for
exactly the roles whose view lets them in, the current page and its menu marked."""

from __future__ import annotations

import pytest
from lxml import html

from regie.site.demo import create_demo_users
from tests.accounts.factories import client_for
from tests.catalog.factories import load_file


@pytest.fixture
def region(db: None) -> None:
    load_file("two_providers.toml")
    create_demo_users(provider_agb="12345678")


#: username -> the menu: (label, [links]); a menu with one link for the role is that link.
MENUS = {
    "gemeente": [
        ("Overzicht", ["Overzicht"]),
        ("Sturing", ["Budgetgrip", "Gebieden", "Scenario's"]),
        ("Cliënten", ["Wachtlijst", "Langdurige zorg", "Cliënt over domeinen"]),
        ("Aanbieders", ["Aanbieders", "Gesprekken", "Kansen en risico's"]),
        ("Inkoop en bekostiging", ["Inkoop", "Bekostiging"]),
        ("Gegevens", ["Signalen", "Bestanden aanleveren", "Bestand controleren"]),
        ("Rapportages", ["Rapportages"]),
    ],
    "aanbieder": [
        ("Overzicht", ["Overzicht"]),
        ("Cliënten", ["Wachtlijst", "Langdurige zorg"]),
        ("Samenwerking", ["Mijn scorekaart", "Gesprekken", "Kansen en risico's"]),
        ("Inkoop en bekostiging", ["Inkoop", "Bekostiging"]),
        ("Gegevens", ["Signalen", "Bestanden aanleveren", "Bestand controleren"]),
        ("Rapportages", ["Rapportages"]),
    ],
    "raad": [
        ("Overzicht", ["Overzicht"]),
        ("Sturing", ["Budgetgrip", "Gebieden", "Scenario's"]),
        ("Wachtlijst", ["Wachtlijst"]),
        ("Kansen en risico's", ["Kansen en risico's"]),
        ("Rapportages", ["Rapportages"]),
    ],
    "relatiebeheer": [
        ("Overzicht", ["Overzicht"]),
        ("Sturing", ["Budgetgrip", "Gebieden"]),
        ("Aanbieders", ["Aanbieders", "Gesprekken", "Kansen en risico's"]),
        ("Signalen", ["Signalen"]),
        ("Rapportages", ["Rapportages"]),
    ],
}


def menu(page: str) -> list[tuple[str, list[str]]]:
    nav = html.fromstring(page).xpath("//header//nav[@aria-label='Hoofdmenu']/ul")[0]
    out = []
    for li in nav.xpath("./li"):
        summary = li.xpath("./details/summary")
        links = [a.text_content().strip() for a in li.xpath(".//a")]
        out.append((summary[0].text_content().strip() if summary else links[0], links))
    return out


@pytest.mark.parametrize("username", sorted(MENUS))
def test_each_role_gets_its_menus_and_may_open_every_page_in_them(region: None, username: str) -> None:
    client = client_for(username)
    page = client.get("/").content.decode()
    assert menu(page) == MENUS[username]
    hrefs = html.fromstring(page).xpath("//nav[@aria-label='Hoofdmenu']//a/@href")
    assert len(hrefs) == len(set(hrefs))
    for href in hrefs:
        assert client.get(href, follow=True).status_code == 200, (username, href)


@pytest.mark.parametrize(
    ("path", "menu_label", "link"),
    [
        ("/grip/", "Sturing", "Budgetgrip"),
        ("/inkoop/contracten/", "Inkoop en bekostiging", "Inkoop"),
        ("/risicodossiers/", "Aanbieders", "Kansen en risico's"),
        ("/afspraken/", "Aanbieders", "Gesprekken"),
        ("/", None, "Overzicht"),
    ],
)
def test_the_current_page_and_its_menu_are_marked(region: None, path: str, menu_label: str | None, link: str) -> None:
    doc = html.fromstring(client_for("gemeente").get(path).content.decode())
    nav = doc.xpath("//nav[@aria-label='Hoofdmenu']")[0]
    assert [a.text_content() for a in nav.xpath(".//a[@aria-current='page']")] == [link]
    marked = [s.text_content() for s in nav.xpath(".//summary[@aria-current='true']")]
    assert marked == ([menu_label] if menu_label else [])
