"""The areas page (``/gebieden/``): the engine's indicators per area beside the same figures a
year earlier, for municipality staff and the council; not for a provider."""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from django.test import Client

from regie.monitor import services
from regie.traffic.models import Episode
from tests.accounts.factories import client_for
from tests.monitor.region import AREAS, AS_OF, YEAR

PREVIOUS_AS_OF = dt.date(YEAR - 1, AS_OF.month, AS_OF.day)


def table(client: Client, **params: str) -> dict[str, dict[str, tuple[str, str]]]:
    """area ('' for the whole municipality) -> field -> (the value's data-value, the line under it)."""
    response = client.get("/gebieden/", params)
    assert response.status_code == 200
    doc = lxml.html.fromstring(response.content.decode())
    out = {}
    for tr in doc.xpath("//table[@id='gebieden']//tr[@data-area]"):
        out[tr.get("data-area")] = {
            td.get("data-field"): (td.get("data-value") or "", " ".join(td.xpath("string(./span)").split()))
            for td in tr.xpath("./td")
        }
    return out


def clients_by_hand(area: str, year: int, day: dt.date) -> int:
    """Distinct clients in ``area`` of Venlo with care in ``year`` up to ``day``, as known on ``day``."""
    found = set()
    for e in Episode.objects.filter(municipality="0983", area=area):
        end = e.end if e.end is not None and e.end_arrival is not None and e.end_arrival <= day else None
        if e.start <= day and e.start_arrival <= day and e.start.year <= year and (end is None or end.year >= year):
            found.add(e.client)
    return len(found)


def test_areas_beside_a_year_earlier(gemeente: Client) -> None:
    shown = table(gemeente, gemeente="0983")
    assert set(shown) == {*AREAS["0983"], ""}
    now = {
        r["area"]: r
        for r in services.compute_indicators(YEAR, AS_OF, ("municipality", "area"))
        if r["municipality"] == "0983"
    }
    before = {
        r["area"]: r
        for r in services.compute_indicators(YEAR - 1, PREVIOUS_AS_OF, ("municipality", "area"))
        if r["municipality"] == "0983"
    }
    for area in AREAS["0983"]:
        assert shown[area]["clients"][0] == str(now[area]["clients"])
        assert shown[area]["inflow"][0] == str(now[area]["inflow"])
        change = now[area]["clients"] - before[area]["clients"]
        sign = "+" if change > 0 else "−" if change < 0 else ""
        assert shown[area]["clients"][1] == f"{before[area]['clients']} · {sign}{abs(change)}"
    area = AREAS["0983"][0]
    assert now[area]["clients"] == clients_by_hand(area, YEAR, AS_OF)
    assert before[area]["clients"] == clients_by_hand(area, YEAR - 1, PREVIOUS_AS_OF)
    whole = services.compute_indicators(YEAR, AS_OF, ("municipality",))
    assert shown[""]["clients"][0] == str(next(r for r in whole if r["municipality"] == "0983")["clients"])


def test_a_segment_and_another_municipality(gemeente: Client) -> None:
    shown = table(gemeente, gemeente="0889", segment="WMO-IB")
    rows = [
        r
        for r in services.compute_indicators(YEAR, AS_OF, ("municipality", "segment", "area"))
        if r["municipality"] == "0889" and r["segment"] == "WMO-IB"
    ]
    assert rows and {r["area"]: str(r["clients"]) for r in rows} == {a: v["clients"][0] for a, v in shown.items() if a}


def test_shares_change_in_percentage_points(gemeente: Client) -> None:
    shown = table(gemeente)
    cells = [v["waiting_within_norm_share"][1] for v in shown.values() if v["waiting_within_norm_share"][0]]
    assert cells and all(c.endswith("procentpunt") or c.endswith("–") for c in cells)


@pytest.mark.parametrize(("role", "status"), [("gemeente", 200), ("raad", 200), ("aanbieder", 403)])
def test_areas_per_role(region: None, db: None, role: str, status: int) -> None:
    response = client_for(role).get("/gebieden/")
    assert response.status_code == status


def test_the_area_groupings_over_the_api(region: None, db: None) -> None:
    by = "municipality,segment,area"
    assert client_for("gemeente").get("/api/v1/indicators/", {"by": by}).status_code == 200
    assert client_for("raad").get("/api/v1/indicators/", {"by": by}).status_code == 200
    assert client_for("aanbieder").get("/api/v1/indicators/", {"by": by}).status_code == 403
