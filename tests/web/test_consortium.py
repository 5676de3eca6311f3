"""A consortium's page shows its figures per member AGB code (issue 17, ADR 0020): the care
its members sent under their own codes, beside its own; a provider without members has no
such table, and a provider user sees it on its own page only."""

from __future__ import annotations

import datetime as dt

import lxml.html
from django.test import Client

from regie.catalog import models as cat
from regie.traffic import models as tm
from tests.monitor.region import AS_OF, OTHER, OWN, YEAR

PERIOD = f"?jaar={YEAR}&peildatum={AS_OF}"
MEMBER, SILENT = "12121212", "34343434"


def member_rows(client: Client, agb: str) -> dict[str, list[str]]:
    response = client.get(f"/aanbieders/{agb}/{PERIOD}")
    assert response.status_code == 200
    doc = lxml.html.fromstring(response.content.decode())
    return {
        tr.get("data-agb"): [" ".join(td.text_content().split()) for td in tr.findall("td")]
        for tr in doc.xpath("//table[@id='leden']/tbody/tr")
    }


def test_a_consortium_page_shows_figures_per_member(gemeente: Client, aanbieder: Client) -> None:
    assert member_rows(gemeente, OWN) == {}  # not a consortium (yet)
    cat.Provider.objects.filter(agb=OWN).update(members=[MEMBER, SILENT])
    live = tm.Episode.objects.filter(provider=OWN, start__lte=AS_OF, start_arrival__lte=AS_OF).exclude(
        end__lt=dt.date(YEAR, 1, 1)
    )
    moved = list(live.order_by("key")[:3])
    tm.Episode.objects.filter(pk__in=[e.pk for e in moved]).update(provider=MEMBER)
    everyone = {e.client for e in live} | {e.client for e in moved}
    rows = member_rows(gemeente, OWN)
    assert list(rows) == [OWN, MEMBER, SILENT]  # the consortium itself first
    assert rows[MEMBER][1] == str(len({e.client for e in moved}))
    assert rows[SILENT][1:3] == ["0", "0,0 %"]
    own = len({e.client for e in tm.Episode.objects.filter(pk__in=[e.pk for e in live], provider=OWN)})
    assert rows[OWN][1] == str(own) and own + len({e.client for e in moved}) >= len(everyone)
    assert member_rows(aanbieder, OWN) == rows  # the provider itself sees its members
    assert member_rows(gemeente, OTHER) == {}
