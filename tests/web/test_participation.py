"""Participation segments on the pages (issue 19): the budget grip and the segment page show
a ``participatie`` segment with its Dutch labels and the indicator of outflow to work or
education, from the same snapshots as every segment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import polars as pl
import pytest
from django.core.management import call_command
from django.test import Client

from regie.catalog import models as cat
from regie.intake.sources import Upload
from regie.monitor.pending import ingest_and_refresh
from regie.monitor.services import refresh
from regie.traffic import frames
from regie.traffic import models as tm
from tests.accounts.factories import client_for
from tests.catalog.factories import load_file
from tests.monitor.region import AS_OF, CATALOG, YEAR, build_region
from tests.traffic.test_ingest_pgb import bsns
from tests.traffic.test_ingest_trajectories import PARTICIPATION as TRAJECTORY_SEGMENT
from tests.web.conftest import FAST_KINDS

#: The segment of the ingest tests, for Zorggroep Noord of the stored region, with a budget.
PARTICIPATION = (
    TRAJECTORY_SEGMENT.replace("12345678", "11111111")
    + """
[[budget]]
municipality = "0983"
segment = "PART"
year = 2025
amount = 500000
"""
)
CLIENTS = bsns(4)
#: Four trajectories of Werkfit in Venlo: two ended in work, one in care, one runs on.
REGISTER = "municipality,provider,bsn,module,start,end,end_reason,reported_on\n" + "".join(
    f"0983,11111111,{bsn},WERKFIT,2025-0{i + 1}-06,{end},{reason},2025-0{i + 1}-08\n"
    for i, (bsn, end, reason) in enumerate(
        zip(CLIENTS, ("2025-05-30", "2025-06-13", "2025-07-04", ""), ("work", "work", "care", ""), strict=True)
    )
)


@pytest.fixture(scope="module")
def region(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with django_db_blocker.unblock():
        build_region()
        catalog = tmp_path_factory.mktemp("participatie") / "catalog.toml"
        catalog.write_text(Path(CATALOG).read_text(encoding="utf-8") + PARTICIPATION, encoding="utf-8")
        load_file(catalog)
        ingest_and_refresh([Upload("trajecten.csv", REGISTER.encode())], refresh=False)
        refresh(YEAR, AS_OF, kinds=FAST_KINDS)
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def gemeente(region: None, db: None) -> Client:
    return client_for("gemeente")


def _page(client: Client, path: str) -> lxml.html.HtmlElement:
    response = client.get(path, {"jaar": str(YEAR), "peildatum": AS_OF.isoformat()})
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


def test_the_budget_grip_shows_the_participation_segment(gemeente: Client) -> None:
    doc = _page(gemeente, "/grip/")
    (row,) = doc.xpath("//table[@id='grip']//tr[@data-segment='PART']")
    assert "Participatie re-integratie" in row.text_content() and row.xpath(".//span[@data-domain='participatie']")
    assert " ".join(row.xpath("string(.//span[@data-domain])").split()) == "Participatie"
    assert not doc.xpath("//table[@id='grip']//tr[@data-segment='WMO-IB']//span[@data-domain]")


def test_the_segment_page_shows_trajectories_and_outflow_to_work_or_education(gemeente: Client) -> None:
    doc = _page(gemeente, "/grip/0983/PART/")
    assert "Participatie" in doc.xpath("string(//h1)")
    kpis = {
        " ".join(k.xpath("string(./div[@class='label'])").split()): " ".join(
            k.xpath("string(./div[@class='value'])").split()
        )
        for k in doc.xpath("//section[@aria-labelledby='h-ind']//div[contains(@class, 'kpi')]")
    }
    assert (kpis["Instroom (gestarte trajecten)"], kpis["Uitstroom (beëindigde trajecten)"]) == ("4", "3")
    # of the three trajectories ended by 30 September, two ended in work
    assert kpis["Uitstroom naar werk of opleiding"] == "66,7 %"
    headings = [" ".join(th.text_content().split()) for th in doc.xpath("//table[@id='aanbieders-indicatoren']//th")]
    assert headings[-1] == "Uitstroom naar werk of opleiding"
    care = " ".join(_page(gemeente, "/grip/0983/WMO-IB/").text_content().split())
    assert "Uitstroom naar werk of opleiding" not in care and "Wachttijd (mediaan)" in care


def test_a_consortium_members_trajectories_are_paid_on_the_consortium_page(gemeente: Client) -> None:
    # Zorggroep Noord (11111111) becomes a consortium with the member 12121212, which reported
    # the first Werkfit under its own code: 6 January .. 30 May, the end known on 8 January.
    # Priced by the consortium's contract: 300 euro for January .. April and the rest, 2,400
    # euro, in May; the member's column "gedeclareerd" shows what the funding rules give,
    # 3,600 euro (before the fix: 0, no contract of the member's own).
    member = "12121212"
    cat.Provider.objects.filter(agb="11111111").update(members=[member])
    tm.Trajectory.objects.filter(provider="11111111", start=dt.date(2025, 1, 6)).update(provider=member)
    doc = _page(gemeente, "/aanbieders/11111111/")
    rows = {
        tr.get("data-agb"): [" ".join(td.text_content().split()) for td in tr.findall("td")]
        for tr in doc.xpath("//table[@id='leden']/tbody/tr")
    }
    assert rows[member][1] == "1" and rows[member][5] == "€ 3.600"
    # the same amount the ledger pays the consortium for it (the contract's view)
    mine = frames.declarations("11111111", as_sent=True).filter(pl.col("provider") == member)
    assert mine["amount_cents"].sum() == 360000
