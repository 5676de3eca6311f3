"""The 403 and 404 pages: in the app's layout, in Dutch, with the way back; an ordinary 403
(a role check) leaves one line in the log, not a traceback."""

from __future__ import annotations

import logging

import lxml.html
import pytest
from django.test import Client

from tests.accounts.factories import client_for
from tests.monitor.region import OTHER

#: role -> a page that role may not open
FORBIDDEN = {"gemeente": "/bekostiging/verzoeken/nieuw/", "aanbieder": "/grip/", "raad": "/signalen/"}
#: role -> pages that do not exist for it
NOT_FOUND = {
    "gemeente": ["/bestaat-niet/", "/grip/0983/ONBEKEND/"],
    "aanbieder": ["/bestaat-niet/", f"/aanbieders/{OTHER}/"],
    "raad": ["/bestaat-niet/", "/grip/0983/ONBEKEND/"],
}
#: role -> what its 403 page says about the role
ROLE_TEXT = {
    "gemeente": "voor een andere rol",
    "aanbieder": "Als aanbieder ziet u de gegevens van uw eigen organisatie",
    "raad": "De raad ziet totalen per gemeente en segment",
}


def _page(response: object) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(response.content.decode())  # type: ignore[attr-defined]


@pytest.mark.parametrize("role", sorted(FORBIDDEN))
def test_403_page_per_role(region: None, db: None, role: str) -> None:
    client = client_for(role)
    response = client.get(FORBIDDEN[role], HTTP_REFERER="http://testserver/rapportages/?jaar=2025")
    assert response.status_code == 403
    doc = _page(response)
    assert doc.get("lang") == "nl"
    assert doc.xpath("string(//h1)") == "Geen toegang"
    assert doc.xpath("//header//nav[@aria-label='Hoofdmenu']"), "the app's layout, with its menu"
    main = doc.xpath("string(//main)")
    assert ROLE_TEXT[role] in main
    back = doc.xpath("//main//a[normalize-space()='Terug naar de vorige pagina']/@href")
    assert back == ["/rapportages/?jaar=2025"]
    assert doc.xpath("//main//a[normalize-space()='Naar het overzicht']/@href") == ["/"]
    assert "Traceback" not in main


@pytest.mark.parametrize("role", [*sorted(FORBIDDEN), "relatiebeheer"])
def test_what_you_may_open_links_to_the_pages_of_the_role(region: None, db: None, role: str) -> None:
    """'Wat u wel kunt openen' on the 403 and 404 pages: the role's own pages, each one it may
    open, named as its menu names them; before, the menus' names linked to nowhere (href="")."""
    client = client_for(role)
    for path in (FORBIDDEN.get(role, "/bekostiging/"), "/bestaat-niet/"):
        doc = _page(client.get(path))
        links = doc.xpath("//main//h2[.='Wat u wel kunt openen']/following-sibling::ul[1]//a")
        menu = doc.xpath("//header//nav[@aria-label='Hoofdmenu']//a")
        assert [(a.get("href"), a.text_content()) for a in links] == [(a.get("href"), a.text_content()) for a in menu]
        for a in links:
            assert a.get("href", "").startswith("/"), (path, a.text_content())
            assert client.get(a.get("href"), follow=True).status_code == 200, (role, a.get("href"))


@pytest.mark.parametrize("role", sorted(NOT_FOUND))
def test_404_page_per_role(region: None, db: None, role: str) -> None:
    client = client_for(role)
    for path in NOT_FOUND[role]:
        response = client.get(path)
        assert response.status_code == 404, path
        doc = _page(response)
        assert doc.xpath("string(//h1)") == "Pagina niet gevonden"
        assert doc.xpath("//header//nav[@aria-label='Hoofdmenu']")
        assert doc.xpath("//main//a[normalize-space()='Naar het overzicht']/@href") == ["/"]
        assert not doc.xpath("//main//a[normalize-space()='Terug naar de vorige pagina']"), "no referer, no back link"


def test_back_link_only_to_this_site(gemeente: Client) -> None:
    response = gemeente.get("/bestaat-niet/", HTTP_REFERER="https://elders.example/phish")
    assert not _page(response).xpath("//main//a[normalize-space()='Terug naar de vorige pagina']")
    response = gemeente.get("/bestaat-niet/", HTTP_REFERER="http://testserver/bestaat-niet/")
    assert not _page(response).xpath("//main//a[normalize-space()='Terug naar de vorige pagina']"), "not to itself"


def test_anonymous_404_offers_the_login(region: None, db: None) -> None:
    response = Client().get("/bestaat-niet/")
    assert response.status_code == 404
    doc = _page(response)
    assert doc.xpath("//main//a[normalize-space()='Inloggen']/@href") == ["/inloggen/"]


def test_english_error_pages(region: None, db: None) -> None:
    client = client_for("aanbieder")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    doc = _page(client.get("/grip/"))
    assert doc.xpath("string(//h1)") == "No access"
    doc = _page(client.get("/bestaat-niet/"))
    assert doc.xpath("string(//h1)") == "Page not found"


def test_ordinary_403_is_one_log_line_without_traceback(
    region: None, db: None, caplog: pytest.LogCaptureFixture
) -> None:
    client = client_for("aanbieder")
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/grip/").status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    assert records[0].getMessage() == "Forbidden: /grip/"
    assert records[0].exc_info is None and "Traceback" not in caplog.text
