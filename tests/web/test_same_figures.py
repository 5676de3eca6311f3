"""Every figure on a page equals the CLI's figure for the same question.

The CLI (``regie indicators --json``, computing live) and the pages and API (reading the
snapshots :func:`regie.monitor.services.refresh` stored) answer the same question with the
same numbers: compared as JSON for the API, and cell by cell, formatted the Dutch way, for
the tables on the pages.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import lxml.html
import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from regie.cli import main
from regie.formatting import euro, number
from regie.monitor import services
from regie.monitor.models import Snapshot
from tests.accounts.factories import client_for
from tests.engine.factories import FORECAST_ROW_KEYS
from tests.monitor.region import AS_OF, OWN, YEAR
from tests.web.conftest import build


@pytest.fixture(scope="module")
def region(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """The region with every snapshot, the forecast's history included."""
    with django_db_blocker.unblock():
        build(None)
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def cli_json(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    code = main([*args, "--json"])
    out = capsys.readouterr().out
    assert code == 0
    return json.loads(out)


def indicators_cli(capsys: pytest.CaptureFixture[str], by: tuple[str, ...], *extra: str) -> list[dict[str, Any]]:
    args = ["indicators", "--year", str(YEAR), "--as-of", AS_OF.isoformat()]
    if by:
        args += ["--by", ",".join(by)]
    return cli_json(capsys, *args, *extra)["rows"]  # type: ignore[no-any-return]


def table(html: str, table_id: str) -> list[list[str]]:
    """The body cells of the table with ``table_id``, as the text a person reads."""
    doc = lxml.html.fromstring(html)
    found = doc.get_element_by_id(table_id)
    return [
        [" ".join(td.text_content().split()) for td in tr.findall("td")] for tr in found.find("tbody").findall("tr")
    ]


@pytest.mark.parametrize("by", services.GROUPINGS, ids=lambda by: ",".join(by) or "regio")
def test_indicators_api_equals_cli(
    region: None, db: None, capsys: pytest.CaptureFixture[str], by: tuple[str, ...]
) -> None:
    cli = indicators_cli(capsys, by)
    query = {"by": ",".join(by), "year": YEAR, "as_of": AS_OF, "page_size": 500}
    api = client_for("gemeente").get("/api/v1/indicators/", query)
    assert api.status_code == 200
    assert api.json()["results"] == cli and api.json()["count"] == len(cli)
    assert cli, "the region has indicators for every grouping"


def test_provider_filter_equals_the_grouped_rows(region: None, db: None, capsys: pytest.CaptureFixture[str]) -> None:
    """``--provider`` restricts what is counted, so it gives the provider's own grouped rows."""
    by = ("provider", "segment", "month")
    only_own = indicators_cli(capsys, by, "--provider", OWN)
    grouped = [r for r in indicators_cli(capsys, by) if r["provider"] == OWN]
    assert only_own == grouped


def test_provider_page_months_equal_cli(region: None, db: None, capsys: pytest.CaptureFixture[str]) -> None:
    rows = indicators_cli(capsys, ("provider", "segment", "month"), "--provider", OWN)
    page = client_for("aanbieder").get(f"/aanbieders/{OWN}/", {"jaar": YEAR, "peildatum": AS_OF}).content.decode()
    cells = table(page, "maanden")
    assert len(cells) == len(rows)
    by_key = {(c[0], c[1]): c[2:] for c in cells}
    months = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
    for row in rows:
        label = f"{months[int(row['month'][5:7]) - 1]} {row['month'][:4]}"
        assert by_key[(row["segment"], label)] == [
            number(row["clients"]),
            number(row["inflow"]),
            number(row["outflow"]),
            euro(row["cost_per_client_cents"]),
        ]


def test_segment_page_indicators_equal_cli(region: None, db: None, capsys: pytest.CaptureFixture[str]) -> None:
    rows = indicators_cli(capsys, ("municipality", "segment", "provider"), "--segment", "JGD-45")
    page = client_for("gemeente").get("/grip/0983/JGD-45/", {"jaar": YEAR, "peildatum": AS_OF}).content.decode()
    cells = table(page, "aanbieders-indicatoren")
    expected = [
        [
            number(r["clients"]),
            number(r["inflow"]),
            number(r["outflow"]),
            number(r["median_duration_days"]),
            euro(r["cost_per_client_cents"]),
        ]
        for r in rows
        if r["municipality"] == "0983"
    ]
    assert [c[1:] for c in cells] == expected


def test_council_report_xlsx_and_page_share_the_snapshot(gemeente: Client) -> None:
    """The council workbook's indicator table holds the snapshot's figures (cents as euros)."""
    response = gemeente.get("/rapportages/raad.xlsx", {"jaar": YEAR, "peildatum": AS_OF})
    ws = load_workbook(io.BytesIO(response.content))["Indicatoren"]
    table_ = ws.tables["Indicatoren"]
    rows = list(ws[table_.ref])
    header = [c.value for c in rows[0]]
    snap = services.latest("indicators", YEAR, AS_OF, services.grouping_key(("municipality", "segment")))
    assert snap is not None
    assert len(rows) - 1 == len(snap.rows)
    for cells, row in zip(rows[1:], sorted(snap.rows, key=lambda r: (r["municipality"], r["segment"])), strict=True):
        got = dict(zip(header, (c.value for c in cells), strict=True))
        assert got["Segment"] == row["segment"]
        assert got["Cliënten"] == row["clients"]
        assert got["Instroom"] == row["inflow"]
        cost = row["cost_per_client_cents"]
        assert got["Kosten per cliënt"] == (None if cost is None else cost / 100)
        assert got["Duurzame uitstroom"] == row["sustainable_outflow_rate"]


def forecast_cli(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    return cli_json(capsys, "forecast", "--year", str(YEAR), "--as-of", AS_OF.isoformat())  # type: ignore[no-any-return]


def test_forecast_api_equals_cli(region: None, db: None, capsys: pytest.CaptureFixture[str]) -> None:
    cli = forecast_cli(capsys)
    assert cli["rows"] and set(FORECAST_ROW_KEYS) <= set(cli["rows"][0])
    query = {"year": YEAR, "as_of": AS_OF, "page_size": 500}
    api = client_for("gemeente").get("/api/v1/forecast/", query).json()
    assert api["results"] == cli["rows"]
    providers = client_for("gemeente").get("/api/v1/forecast/", {**query, "level": "provider"})
    assert providers.json()["results"] == cli["providers"]
    own = client_for("aanbieder").get("/api/v1/forecast/", {**query, "level": "provider"})
    assert own.json()["results"] == [r for r in cli["providers"] if r["provider"] == OWN]


def test_forecast_history_api_is_the_stored_history(region: None, db: None) -> None:
    stored = services.latest(Snapshot.Kind.FORECAST_HISTORY, YEAR, AS_OF)
    assert stored is not None and stored.rows
    query = {"year": YEAR, "as_of": AS_OF, "page_size": 500}
    api = client_for("raad").get("/api/v1/forecast/history/", query).json()
    assert api["results"] == stored.rows and api["as_of"] == AS_OF.isoformat()
    youth = client_for("gemeente").get("/api/v1/forecast/history/", {**query, "segment": "JGD-45"}).json()
    assert youth["results"] == [r for r in stored.rows if r["segment"] == "JGD-45"]
    assert client_for("aanbieder").get("/api/v1/forecast/history/").status_code == 403


def test_grip_page_equals_cli(region: None, db: None, capsys: pytest.CaptureFixture[str]) -> None:
    cli = forecast_cli(capsys)
    page = client_for("raad").get("/grip/", {"jaar": YEAR, "peildatum": AS_OF}).content.decode()
    doc = lxml.html.fromstring(page)
    for row in cli["rows"]:
        tr = doc.xpath(
            f"//table[@id='grip']//tr[@data-municipality='{row['municipality']}'][@data-segment='{row['segment']}']"
        )[0]
        for field in ("budget", "realised", "ibnr", "remaining", "forecast", "low", "high"):
            assert tr.xpath(f"td[@data-field='{field}']")[0].text_content().strip() == euro(row[field])
        # the per-client advances beside what is due; models without advances show a dash
        advances = euro(row["advances"]) if row["funding_model"] == "per_client" else "–"
        assert tr.xpath("td[@data-field='advances']")[0].text_content().strip() == advances
        assert ("waarschuwing" in tr.text_content()) == row["warning"]
    warned = [r for r in cli["rows"] if r["warning"]]
    assert warned, "the region's youth segment is warned"
    alerts = doc.xpath("//div[contains(@class,'alert')][@data-segment]")
    assert {(a.get("data-municipality"), a.get("data-segment")) for a in alerts} == {
        (r["municipality"], r["segment"]) for r in warned
    }


def test_segment_page_history_ends_with_the_forecast(
    region: None, db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """The last point of the forecast's history is the forecast as of the as-of date, and each
    month's change is explained by drivers that add up to it."""
    cli = {(r["municipality"], r["segment"]): r for r in forecast_cli(capsys)["rows"]}
    history = services.latest("forecast_history", YEAR, AS_OF)
    assert history is not None
    for cell, row in cli.items():
        points = [r for r in history.rows if (r["municipality"], r["segment"]) == cell]
        assert [p["as_of"] for p in points][-1] == AS_OF.isoformat()
        assert points[-1]["forecast"] == row["forecast"]
        for p in points[1:]:
            if p["change_drivers"] and p["budget"] is not None:
                assert sum(d["cents"] for d in p["change_drivers"]) == pytest.approx(
                    p["change"], abs=len(p["change_drivers"])
                )
    page = client_for("gemeente").get("/grip/0983/JGD-45/", {"jaar": YEAR, "peildatum": AS_OF}).content.decode()
    rows = table(page, "verloop-tabel")
    assert rows[-1][2] == euro(cli[("0983", "JGD-45")]["forecast"])


def test_ledger_page_equals_cli_as_of_today(region: None, db: None, capsys: pytest.CaptureFixture[str]) -> None:
    """``regie funding ledger`` books and shows the ledger as known today; the ledger page shows
    it as known on its as-of date, so the two agree for the as-of date today."""
    today = timezone.localdate()
    services.refresh(YEAR, today, kinds=["ledger"])
    cli = cli_json(capsys, "funding", "ledger", "--year", str(YEAR))["totals"]
    page = client_for("gemeente").get("/bekostiging/", {"jaar": YEAR, "peildatum": today}).content.decode()
    doc = lxml.html.fromstring(page)
    shown = {
        (tr.get("data-provider"), tr.get("data-segment"), tr.get("data-municipality")): int(
            tr.xpath("td[@data-cents]/@data-cents")[0]
        )
        for tr in doc.xpath("//table[@id='grootboek']/tbody/tr[@data-provider]")
    }
    assert shown == {(r["provider"], r["segment"], r["municipality"]): r["paid_cents"] for r in cli}
