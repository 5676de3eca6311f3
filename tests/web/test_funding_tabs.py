"""The funding section's pages share one frame: the heading, the tabs with the page's own tab
marked, and what the page shows."""

from __future__ import annotations

import lxml.html
from django.test import Client

#: Each page of the section and the name of its own tab.
PAGES = {
    "/bekostiging/": "Betaalgrootboek",
    "/bekostiging/vergelijking/": "Vergelijking bekostigingsmodellen",
    "/bekostiging/verzoeken/": "Verzoeken instroom boven afspraak",
    "/bekostiging/herverdeling/": "Herverdeling capaciteit",
}


def test_each_funding_page_marks_its_own_tab(gemeente: Client) -> None:
    for path, tab in PAGES.items():
        doc = lxml.html.fromstring(gemeente.get(path).content.decode())
        assert [h.text_content() for h in doc.xpath("//h1")] == ["Bekostiging"], path
        current = doc.xpath("//ul[@class='tabs']//a[@aria-current='page']")
        assert [a.text_content() for a in current] == [tab], path
        assert doc.xpath("//h1/following-sibling::p[@class='muted']")[0].text_content().strip(), path
