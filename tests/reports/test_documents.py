"""The council report and the provider scorecard as PDF and Excel: real tables with number
formats, the snapshot's figures, and nothing the reader may not see."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from regie.catalog.models import Provider
from regie.monitor import services
from regie.reports import cards, documents
from regie.site.formatting import euro
from tests.monitor.region import AS_OF, OWN, OWN_NAME, YEAR
from tests.web.conftest import FAST_KINDS, build


@pytest.fixture(scope="module")
def region(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        build(FAST_KINDS)
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_council_workbook_has_formatted_tables(region: None, db: None) -> None:
    data = documents.council_data(YEAR, AS_OF)
    wb = load_workbook(io.BytesIO(documents.council_xlsx(data)))
    ws = wb["Budget en prognose"]
    assert set(ws.tables) == {"Prognose", "Oorzaken"}
    rows = list(ws[ws.tables["Prognose"].ref])
    header = [c.value for c in rows[0]]
    assert header[:4] == ["Gemeente", "Segment", "Naam segment", "Budget"]
    forecast = {(r["municipality_name"], r["segment"]): r for r in data.forecast}
    assert len(rows) - 1 == len(forecast)
    for cells in rows[1:]:
        got = dict(zip(header, cells, strict=True))
        row = forecast[(got["Gemeente"].value, got["Segment"].value)]
        assert got["Prognose"].value == row["forecast"] / 100
        assert got["Prognose"].number_format == documents.EURO
        assert got["Waarschuwing"].value == ("ja" if row["warning"] else "nee")
    indicators = wb["Indicatoren"]
    cost = [c for c in next(iter(indicators[indicators.tables["Indicatoren"].ref]))]
    assert "Kosten per cliënt" in [c.value for c in cost]


def test_council_pdf_holds_the_figures_and_no_provider(region: None, db: None) -> None:
    data = documents.council_data(YEAR, AS_OF)
    text = pdf_text(documents.council_pdf(data))
    assert f"Raadsrapportage sociaal domein {YEAR}" in text
    for row in data.forecast:
        assert euro(row["forecast"]) in text and euro(row["budget"]) in text
    for name in Provider.objects.values_list("name", flat=True):
        assert name not in text
    warned = [r for r in data.forecast if r["warning"]]
    assert warned and all(f"Waarschuwing {r['municipality_name']}" in text for r in warned)


def test_provider_scorecard_workbook_and_pdf(region: None, db: None) -> None:
    data = documents.provider_data(OWN, YEAR, AS_OF)
    assert data.scorecards and all(c["provider"] == OWN for c in data.scorecards)
    wb = load_workbook(io.BytesIO(documents.provider_xlsx(data)))
    assert set(wb.sheetnames) == {"Scorekaart", "Indicatoren", "Prognose", "Grootboek", "Declaraties"}
    ws = wb["Scorekaart"]
    rows = list(ws[ws.tables["Scorekaart"].ref])
    lines = cards.lines(data.scorecards)
    assert len(rows) - 1 == len(lines)
    for cells, line in zip(rows[1:], lines, strict=True):
        value = cells[2].value
        expected = line["value"] / 100 if line["kind"] == "money" and line["value"] is not None else line["value"]
        assert (cells[0].value, cells[1].value, value) == (line["segment"], line["label"], expected)
    text = pdf_text(documents.provider_pdf(data))
    assert f"Scorekaart {OWN_NAME} {YEAR}" in text
    for line in lines:
        assert line["value_text"] in text
    others = set(Provider.objects.exclude(agb=OWN).values_list("name", flat=True))
    assert not [n for n in others if n in text]


def test_ledger_snapshot_in_the_scorecard(region: None, db: None) -> None:
    data = documents.provider_data(OWN, YEAR, AS_OF)
    ledger = services.latest("ledger", YEAR, AS_OF)
    assert ledger is not None
    assert [r["paid_cents"] for r in data.ledger] == [r["paid_cents"] for r in ledger.rows if r["provider"] == OWN]
